"""The sealing worker hands the interpreter lock to the window's thread every millisecond while it runs, and
puts Python's usual interval back when the last job ends, whether it succeeded or failed
(ui/services/summary_job.py; the stall it shortens is measured by benchmarks/run.py --only finalize)."""

from __future__ import annotations

import sys
import threading

import pytest

from consultaid.ui.services.summary_job import SWITCH_INTERVAL_WHILE_WORKING, SealingJob


def blocking_job(outcome: str):
    """A job whose make() notes the switch interval it runs under and waits to be released."""
    seen: list[float] = []
    release = threading.Event()

    def make(_seal) -> bytes:
        seen.append(sys.getswitchinterval())
        release.wait(10)
        if outcome == "fails":
            raise OSError("No space left on device")
        return b"%PDF-1.7"

    return SealingJob(make, lambda: None, what="test"), seen, release


@pytest.mark.parametrize("outcome", ["succeeds", "fails"])
def test_the_interval_is_short_while_a_job_runs_and_usual_again_after(qtbot, outcome):
    usual = sys.getswitchinterval()
    assert usual > SWITCH_INTERVAL_WHILE_WORKING
    job, seen, release = blocking_job(outcome)
    signal = job.done if outcome == "succeeds" else job.failed
    with qtbot.waitSignal(signal, timeout=10000):
        job.start()
        qtbot.waitUntil(lambda: seen != [])
        assert sys.getswitchinterval() == SWITCH_INTERVAL_WHILE_WORKING
        release.set()
    assert seen == [SWITCH_INTERVAL_WHILE_WORKING]
    assert sys.getswitchinterval() == usual


def test_two_jobs_at_once_keep_it_short_until_the_last_ends(qtbot):
    usual = sys.getswitchinterval()
    first, first_seen, first_release = blocking_job("succeeds")
    second, second_seen, second_release = blocking_job("succeeds")
    first.start()
    second.start()
    qtbot.waitUntil(lambda: first_seen != [] and second_seen != [])
    with qtbot.waitSignal(first.done, timeout=10000):
        first_release.set()
    assert sys.getswitchinterval() == SWITCH_INTERVAL_WHILE_WORKING   # the summary still being made
    with qtbot.waitSignal(second.done, timeout=10000):
        second_release.set()
    assert sys.getswitchinterval() == usual
