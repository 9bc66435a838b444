"""Making a sealed summary leaves no reference cycles that hold the document.

Python frees an object in a reference cycle only in the garbage collector's pass over its generation, and
that pass holds the interpreter, whichever thread runs it. The summary is made in a worker while the window
keeps answering; when a summary's drawing, structure tree and PDF object tables (some 20,000 objects) were
left in cycles, each full pass held the window for 60-120 ms (design section 8: no stall over 50 ms while
finalizing; benchmarks/run.py measures it). This checks the cause: what one summary leaves to the collector.
"""

from __future__ import annotations

import gc
import json
from collections import Counter
from pathlib import Path

import pytest

from consultaid.report import sealed_summary
from consultaid.report.seal import installation_seal

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
OURS = ("consultaid.",)


def left_in_cycles(make) -> Counter[str]:
    """The types of the objects that `make()` leaves for the collector (not freed by reference counting)."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        make()
        gc.collect()
        return Counter(f"{type(thing).__module__}.{type(thing).__qualname__}" for thing in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


@pytest.mark.parametrize("example", ["vertebroplasty-fr", "cement-spine-surgery-en"])
def test_a_sealed_summary_leaves_nothing_of_ours_to_the_collector(example, tmp_path, monkeypatch):
    monkeypatch.setenv("CONSULTAID_DATA_DIR", str(tmp_path))
    record = json.loads((EXAMPLES / f"{example}.json").read_text(encoding="utf-8"))
    seal = installation_seal()
    sealed_summary(record, "a4", seal=seal)   # the libraries load once, outside what is counted
    left = left_in_cycles(lambda: sealed_summary(record, "a4", seal=seal))
    ours = {name: count for name, count in left.items() if name.startswith(OURS)}
    assert ours == {}, f"the document is still held by cycles: {ours}"
    # reportlab and pyHanko keep small cycles of their own (a text object's bound method; a reference and
    # its indirect object); the PDF object tables (about 12,000 objects) are emptied.
    assert sum(left.values()) < 5000, left.most_common(8)


@pytest.mark.parametrize("kind", ["confirmation", "withdrawal"])
def test_a_sealed_addendum_leaves_nothing_of_ours_to_the_collector(kind, tmp_path, monkeypatch):
    from consultaid.report.addendum import sealed_addendum
    from tests.test_addendum_tagged import full_record

    monkeypatch.setenv("CONSULTAID_DATA_DIR", str(tmp_path))
    record, seal = full_record(kind, "fr"), installation_seal()
    sealed_addendum(record, seal)
    left = left_in_cycles(lambda: sealed_addendum(record, seal))
    ours = {name: count for name, count in left.items() if name.startswith(OURS)}
    assert ours == {}, f"the addendum is still held by cycles: {ours}"
    assert sum(left.values()) < 5000, left.most_common(8)
