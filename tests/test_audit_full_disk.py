"""A full disk between a commit and the audit anchor's update (issue 13, item 4), on a REAL small tmpfs.

The tmpfs is mounted with few inodes and then filled up with empty files: SQLite still commits into the
database and WAL that exist, but no new file can be made, so the anchor's temporary file cannot be
created (ENOSPC, "No space left on device"), exactly the moment the issue describes. Mounting needs root
(or CAP_SYS_ADMIN); elsewhere these tests are skipped with that reason."""

from __future__ import annotations

import errno
import json
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from consultaid.consultation.store import AUDIT_ANCHOR_NAME, Store
from tests.conftest import CONTENT, REPO

EXAMPLE = REPO / "docs" / "examples" / "vertebroplasty-fr.json"


@pytest.fixture
def tiny_disk(tmp_path):
    point = tmp_path / "disk"
    point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m,nr_inodes=64,mode=0700", "tmpfs", str(point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"a tmpfs cannot be mounted here (needs root): {mounted.stderr.strip()}")
    yield point
    subprocess.run(["umount", "-l", str(point)], check=False)


def fill_up(folder: Path) -> list[Path]:
    """Empty files until the file system can make no more: it is then full."""
    made = []
    while True:
        try:
            path = folder / f"filler-{len(made)}"
            path.touch()
        except OSError as error:
            assert error.errno == errno.ENOSPC, error
            return made
        made.append(path)


def test_a_finalize_that_committed_is_stored_and_says_the_anchor_was_not_updated(tiny_disk):
    record = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    store = Store(tiny_disk / "records", actor="dr-test")
    try:
        store.save_draft(record)
        anchored = (tiny_disk / "records" / AUDIT_ANCHOR_NAME).read_text(encoding="ascii")
        fillers = fill_up(tiny_disk)
        record_id = store.finalize(record, b"%PDF-1.7 the signed summary")   # never raises: it is stored
        assert store.record(record_id)[1] == b"%PDF-1.7 the signed summary"
        assert store.anchor_problem.startswith("Saved, but the anchor file ")
        assert "could not be updated (No space left on device)" in store.anchor_problem
        assert (tiny_disk / "records" / AUDIT_ANCHOR_NAME).read_text(encoding="ascii") == anchored  # lags
        assert store.verify_audit() == []   # a lagging anchor is not tampering
        assert not [path for path in (tiny_disk / "records").iterdir() if path.name.startswith(".audit-head")]
        fillers[-1].unlink()   # room again: the next commit brings the anchor up to date
        store.log("print", f"{record['id']} v1")
        assert store.anchor_problem is None
        assert (tiny_disk / "records" / AUDIT_ANCHOR_NAME).read_text(encoding="ascii") != anchored
    finally:
        store.close()


def test_starting_a_consultation_on_a_full_disk_opens_it_and_says_what_was_not_updated(qtbot, qapp, tiny_disk):
    from consultaid.ui.app import create_main_window
    from consultaid.ui.services.messages import messages
    from tests.test_consultation_flow import fill_start_form

    window = create_main_window(CONTENT, tiny_disk / "records")
    window.resize(1366, 768)
    with qtbot.waitExposed(window):
        window.show()
    try:
        fill_up(tiny_disk)
        qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
        fill_start_form(window.start_dialog, qtbot, "en")
        assert window.consultation_view is not None, "the consultation view opens"
        [draft] = window.store.drafts()   # the draft is committed
        assert draft.consultation_id == window.consultation_view.consultation.id
        shown = window.statusBar().currentMessage()
        assert shown.startswith("\u26a0 Saved, but the anchor file ") and "Nothing is lost" in shown
    finally:
        messages.answers = [True] if window.consultation_view is not None else []
        window.close()
        window.store.close()
        window.deleteLater()


def test_a_finalize_on_a_full_disk_is_stored_and_closing_does_not_call_it_lost(qtbot, qapp, tiny_disk):
    from consultaid.report.seal import installation_seal
    from consultaid.ui.app import create_main_window
    from consultaid.ui.services.messages import messages
    from tests.conftest import drag
    from tests.test_consultation_flow import fill_start_form, press_shortcut

    installation_seal(tiny_disk / "records")   # the seal key exists before the disk fills up
    window = create_main_window(CONTENT, tiny_disk / "records")
    window.resize(1366, 768)
    with qtbot.waitExposed(window):
        window.show()
    try:
        qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
        fill_start_form(window.start_dialog, qtbot, "en")
        view = window.consultation_view
        press_shortcut(view, Qt.Key.Key_5)
        fill_up(tiny_disk)
        panel = view.page_for["review"].signing
        for role in ("patient", "surgeon"):
            canvas = panel.pads[role].canvas
            w, h = canvas.width(), canvas.height()
            drag(canvas, (w * 0.2, h * 0.6), (w * 0.4, h * 0.4), (w * 0.6, h * 0.65), (w * 0.8, h * 0.45))
        from tests.test_consultation_flow import finalize_anyway_if_asked

        finalize_anyway_if_asked(view)
        qtbot.mouseClick(panel.finalize_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.preview is not None and panel.preview.isVisible())
        [stored] = window.store.search()
        assert window.store.record(stored.id)[1] == panel.pdf   # committed, exact bytes
        shown = window.statusBar().currentMessage()
        assert shown.startswith("\u26a0 Saved, but the anchor file ") and "Nothing is lost" in shown, shown
        panel.preview.close()
        messages.answers = []   # closing must ask nothing: the summary is stored
        qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
        assert window.consultation_view is None
        assert "The signed summary could not be stored" not in messages.asked
    finally:
        messages.answers = [True] if window.consultation_view is not None else []
        window.close()
        window.store.close()
        window.deleteLater()
