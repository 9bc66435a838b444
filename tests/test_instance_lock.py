"""One ConsultAid per data folder, with real processes: while one has a consultation open, a second start
says so and brings nothing up (it used to offer the live consultation as "interrupted", and both could
finalize it); a kill -9 of the first frees the folder at once; read-only commands still run beside it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from consultaid.consultation.store import Store
from consultaid.instance_lock import InstanceLock
from tests.conftest import REPO

INSTANCE = Path(__file__).with_name("gui_instance.py")


def _start(data, answers: str, seconds: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(INSTANCE), str(data), answers, str(seconds)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)})


def _interrupted_draft(data) -> str:
    record = json.loads((REPO / "docs" / "examples" / "cement-spine-surgery-en.json").read_text(encoding="utf-8"))
    record.update(id="live-consultation", finalized_at=None, ended_at=None, signatures=[], audit_hash="")
    store = Store(data)
    store.save_draft(record)
    store.close()
    return record["id"]


def test_a_second_start_on_the_same_data_folder_says_so_and_never_takes_the_live_consultation(tmp_path, run_cli):
    data = tmp_path / "data"
    consultation_id = _interrupted_draft(data)
    first = _start(data, "0", 120)   # resumes the consultation: it is now live in the first process
    try:
        assert first.stdout.readline().strip() == "consultation open", first.stderr.read()

        second = subprocess.run([sys.executable, str(INSTANCE), str(data), "0,0", "8"], capture_output=True,
                                text=True, timeout=120, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
        assert second.stdout.splitlines() == ["asked: ConsultAid is already open", "exit 1"], \
            second.stdout + second.stderr
        assert "Traceback" not in second.stderr

        # Beside the running app: a read runs; replacing the database file is refused.
        listed = run_cli("--data-dir", data, "records", "list")
        assert listed.returncode == 0, listed.stderr
        reset = run_cli("--data-dir", data, "records", "reset", "--i-understand")
        assert reset.returncode == 1 and "ConsultAid is open" in reset.stderr
        assert not InstanceLock(data).acquire(), "held by the first process"
    finally:
        first.send_signal(signal.SIGKILL)   # a crash: the operating system frees the lock
        first.wait(timeout=30)

    third = subprocess.run([sys.executable, str(INSTANCE), str(data), "1", "3"], capture_output=True, text=True,
                           timeout=120, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    # Now the consultation really was interrupted, and is offered as such (here set aside).
    assert third.stdout.splitlines()[0] == "asked: Resume the interrupted consultation?", third.stdout + third.stderr
    store = Store(data)
    assert [(draft.consultation_id, draft.status) for draft in store.drafts()] == [(consultation_id, "set_aside")]
    store.close()


def test_the_lock_is_exclusive_and_released(tmp_path):
    one, two = InstanceLock(tmp_path / "data"), InstanceLock(tmp_path / "data")
    assert one.acquire() and one.held
    assert not two.acquire(), "a second lock of the same folder, even in the same process"
    one.release()
    assert two.acquire()
    two.release()
    assert (tmp_path / "data" / "consultaid.lock").exists(), "never deleted (see instance_lock.py)"
