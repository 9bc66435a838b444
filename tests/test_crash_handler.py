"""An exception nobody caught: the draft is saved first, the log holds no patient data, the user is told."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QTimer

from consultaid.crash_log import crash_log_path
from consultaid.ui.services.crash_handler import CrashHandler
from consultaid.ui.services.messages import messages
from tests.conftest import click_box, type_text
from tests.test_consultation_flow import fill_start_form

MARKER = "Quetzalcoatl-7f3a"  # found in no source file: if the log has it, it came from the patient's data


@pytest.fixture(autouse=True)
def nothing_asked_yet():
    messages.asked = []


@pytest.mark.qt_no_exception_capture
def test_a_crash_in_a_slot_saves_the_draft_logs_no_patient_data_and_tells_the_user(main, qtbot, own_data_dir):
    qtbot.mouseClick(main.start_button, Qt.MouseButton.LeftButton)
    fill_start_form(main.start_dialog, qtbot, "en")
    view = main.consultation_view
    notes = view.page_for["alternatives_questions"].notes
    page = view.page_for["procedure"]
    handler = CrashHandler(own_data_dir, lambda: main)
    handler.install()
    try:
        revision_before = main.store.drafts()[0].revision
        click_box(qtbot, page.discussed)  # a change the autosave timer has not written yet
        type_text(notes, MARKER)

        def fail() -> None:
            raise RuntimeError(f"could not lay out {MARKER}")

        messages.answers = [True]  # the user reads the dialog and clicks OK
        QTimer.singleShot(0, fail)
        qtbot.waitUntil(lambda: "Unexpected problem" in messages.asked, timeout=3000)
    finally:
        handler.uninstall()

    [draft] = main.store.drafts()
    assert draft.revision > revision_before  # saved by the handler, before the 400 ms autosave
    record = main.store.load_draft(draft.consultation_id)
    assert record["sections"][page.current_section_id()]["discussed"] is True
    assert MARKER in record["notes"]
    log = crash_log_path(own_data_dir).read_text(encoding="utf-8")
    assert "Unhandled builtins.RuntimeError" in log and "draft saved" in log
    assert "test_crash_handler.py" in log  # where it failed, for the maintainers
    assert MARKER not in log and "Åsa" not in log and "Roux" not in log
    assert (crash_log_path(own_data_dir).stat().st_mode & 0o777) == 0o600


@pytest.mark.qt_no_exception_capture
def test_a_crash_with_no_consultation_open_is_logged_and_said(main, qtbot, own_data_dir):
    handler = CrashHandler(own_data_dir, lambda: main)
    handler.install()
    try:
        messages.answers = [True]
        QTimer.singleShot(0, lambda: 1 / 0)
        qtbot.waitUntil(lambda: "Unexpected problem" in messages.asked, timeout=3000)
    finally:
        handler.uninstall()
    assert "ZeroDivisionError" in crash_log_path(own_data_dir).read_text(encoding="utf-8")
    assert main.isVisible()  # the window goes on


def test_a_background_thread_failure_is_logged_without_a_dialog(own_data_dir):
    handler = CrashHandler(own_data_dir, lambda: None)
    handler.install()
    try:
        def fail() -> None:
            raise OSError(f"disk gone under {MARKER}")

        worker = threading.Thread(target=fail)
        worker.start()
        worker.join()
    finally:
        handler.uninstall()
    log = crash_log_path(own_data_dir).read_text(encoding="utf-8")
    assert "Unhandled builtins.OSError" in log and "no consultation open" in log and MARKER not in log
    assert messages.asked == []


def test_no_dialog_when_switched_off(own_data_dir, monkeypatch):
    monkeypatch.setenv("CONSULTAID_CRASH_DIALOG", "0")
    handler = CrashHandler(own_data_dir, lambda: None)
    try:
        raise ValueError(MARKER)
    except ValueError as error:
        handler.handle(ValueError, error, error.__traceback__)
    assert messages.asked == [] and crash_log_path(own_data_dir).exists()


def test_an_unwritable_log_folder_does_not_raise_a_second_fault(own_data_dir):
    own_data_dir.mkdir(parents=True, exist_ok=True)
    (own_data_dir / "logs").write_text("a file where the folder should be")
    handler = CrashHandler(own_data_dir, lambda: None)
    messages.answers = [True]
    try:
        raise ValueError(MARKER)
    except ValueError as error:
        handler.handle(ValueError, error, error.__traceback__)
    assert messages.asked == ["Unexpected problem"]
