"""The start order of the GUI (consultaid.ui.app.run_gui): the window is painted first; the record store
opens and an interrupted consultation is offered right after, before the surgeon can do anything."""

from __future__ import annotations

import pytest

from consultaid.consultation.store import open_store
from consultaid.ui.app import attach_store, create_main_window, when_painted
from tests.conftest import CONTENT


def test_the_callback_runs_once_right_after_the_first_paint(qtbot, qapp):
    window = create_main_window(CONTENT, open_store_now=False)
    qtbot.addWidget(window)
    calls = []
    when_painted(window, lambda: calls.append(window.isVisible()))
    qtbot.wait(50)
    assert calls == [], "nothing runs before the window is shown and painted"
    with qtbot.waitExposed(window):
        window.show()
    qtbot.waitUntil(lambda: calls == [True], timeout=1000)
    window.repaint()
    window.resize(window.width() + 40, window.height())
    qtbot.wait(100)
    assert calls == [True], "later paints do not run it again"


def test_the_callback_still_runs_if_the_window_is_never_painted(qtbot, qapp):
    window = create_main_window(CONTENT, open_store_now=False)
    qtbot.addWidget(window)
    calls = []
    when_painted(window, lambda: calls.append("ran"), at_the_latest_ms=100)
    qtbot.waitUntil(lambda: calls == ["ran"], timeout=2000)


def test_the_app_start_paints_then_opens_the_store_and_offers_the_interrupted_consultation(
        qtbot, qapp, own_data_dir, no_modal_questions):
    from PySide6.QtCore import Qt

    from consultaid.ui.app import show_main_window
    from tests.conftest import click_box
    from tests.test_consultation_flow import fill_start_form

    first = create_main_window(CONTENT, own_data_dir)
    with qtbot.waitExposed(first):
        first.show()
    qtbot.mouseClick(first.start_button, Qt.MouseButton.LeftButton)
    fill_start_form(first.start_dialog, qtbot, "en")
    click_box(qtbot, first.consultation_view.page_for["procedure"].discussed)
    qtbot.waitUntil(lambda window=first: window.store.drafts()[0].revision >= 2, timeout=3000)  # `first` is del'd below
    consultation_id = first.consultation_view.consultation.id
    first.deleteLater()  # a crash: no close
    del first
    qapp.processEvents()

    no_modal_questions.answers = [0]  # "Resume it"
    again = show_main_window(CONTENT, own_data_dir)
    qtbot.addWidget(again)
    assert again.store is None and again.isVisible(), "shown before the store is opened"
    assert again.records_place.text() == "Records: opening…"   # not "not being saved" while it opens
    qtbot.waitUntil(lambda: again.consultation_view is not None, timeout=3000)
    assert no_modal_questions.asked[-1] == "Resume the interrupted consultation?"
    assert again.store is not None
    assert again.consultation_view.consultation.id == consultation_id
    assert again.records_place.text() == "Records: on this workstation"
    no_modal_questions.answers = []
    again.close()


def test_a_store_that_cannot_open_is_reported_in_the_status_bar(qtbot, qapp, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")
    window = create_main_window(CONTENT, open_store_now=False)
    qtbot.addWidget(window)
    assert window.records_place.text() == "Records: opening…"
    attach_store(window, blocker)
    assert window.store is None
    assert window.statusBar().currentMessage().startswith("\u26a0")
    assert window.records_place.text() == "Records: not being saved (the record store did not open)"


def test_by_default_the_store_opens_with_the_window(qtbot, qapp, own_data_dir):
    window = create_main_window(CONTENT, own_data_dir)
    qtbot.addWidget(window)
    assert window.store is not None
    window.store.close()
    assert open_store(own_data_dir) is not None


def test_the_whole_database_is_checked_once_a_day_in_the_background(qtbot, qapp, own_data_dir):
    from consultaid.consultation.store import INTEGRITY_STAMP_NAME, whole_check_due

    window = create_main_window(CONTENT, open_store_now=False)
    qtbot.addWidget(window)
    attach_store(window, own_data_dir)
    qtbot.waitUntil(lambda: (own_data_dir / INTEGRITY_STAMP_NAME).exists(), timeout=5000)
    assert not whole_check_due(own_data_dir)
    assert window.store_check.start_if_due() is False, "not twice the same day"
    with qtbot.waitSignal(window.store_check.finished, timeout=2000):
        window.store_check.finished.emit(["page 42: damaged"])  # what the thread sends when it finds damage
    assert "damage" in window.statusBar().currentMessage()
    window.store.close()


def test_the_first_screen_does_not_load_pyside_qt_namespace(tmp_path):
    """Building PySide6's `Qt` namespace (a hundred-odd enum classes) costs about 15 ms, a tenth of a cold
    start (benchmarks/RESULTS.md): the window shown at start must not need it. A structural check, not a
    timing: the namespace appears in QtCore's module dictionary only once something uses it."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from PySide6 import QtCore\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv[:1])\n"
        "from consultaid.ui.app import show_main_window\n"
        f"window = show_main_window(None, {str(tmp_path / 'data')!r})\n"
        "QtCore.QTimer.singleShot(300, app.quit)\n"
        "app.exec()\n"
        "print('loaded' if 'Qt' in QtCore.__dict__ else 'not loaded', window.store is not None)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["not", "loaded", "True"], result.stdout + result.stderr


def test_the_first_screen_builds_no_pack_and_waits_for_neither_settings_nor_idle_lock(tmp_path):
    """On an unchanged library the first paint needs the cache's listings only: the pack model (and the
    wording and formatting it brings, about 15 ms of imports), the settings and the idle lock come after it
    (benchmarks/RESULTS.md). Structural, not timed: what is imported when the first paint happens. The
    first start fills the content cache, so only the second is looked at."""
    import subprocess
    import sys

    later = ["consultaid.content.model", "consultaid.settings", "consultaid.ui.services.idle_lock"]
    script = (
        "import gc, sys\n"
        "from PySide6.QtCore import QEvent, QObject, QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv[:1])\n"
        "from consultaid.ui.app import show_main_window\n"
        "seen = []\n"
        "class FirstPaint(QObject):\n"
        "    def eventFilter(self, watched, event):\n"
        "        if event.type() == QEvent.Type.Paint and not seen:\n"
        f"            seen.append([name for name in {later!r} if name in sys.modules])\n"
        "        return False\n"
        "probe = FirstPaint()\n"
        "app.installEventFilter(probe)\n"
        f"window = show_main_window(None, {str(tmp_path / 'data')!r})\n"
        "QTimer.singleShot(300, app.quit)\n"
        "app.exec()\n"
        "print('at first paint:', *seen[0])\n"
        "print('afterwards:', window.idle_lock is not None, gc.isenabled())\n")
    for _start in range(2):
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.stdout.splitlines() == ["at first paint:", "afterwards: True True"], result.stdout + result.stderr


def test_closing_right_after_start_leaves_no_error_from_the_daily_check(tmp_path):
    """The whole check runs in a thread; the window (and the object the thread reported through) may be
    gone before it ends. That printed "RuntimeError: Signal source has been deleted" on stderr."""
    import subprocess
    import sys

    script = (
        "import sys, threading, time\n"
        "from pathlib import Path\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from consultaid.consultation.store import open_store\n"
        "app = QApplication(sys.argv[:1])\n"
        f"data = Path({str(tmp_path / 'data')!r})\n"
        "store = open_store(data)\n"
        "for number in range(100):  # enough pages that the whole check is still running at the close\n"
        "    store.finalize({'id': f'c-{number}', 'started_at': '2026-01-01T10:00:00+00:00',\n"
        "                    'finalized_at': '2026-01-01T10:00:00+00:00', 'notes': 'x' * 20000,\n"
        "                    'setup': {'patient': {'name': 'N'}, 'procedure_id': 'p'}}, b'%PDF' + bytes(100000))\n"
        "store.close()\n"
        "from consultaid.ui.app import show_main_window\n"
        "window = show_main_window(None, data)\n"
        "def close_once_the_check_runs():\n"
        "    check = getattr(window, 'store_check', None)\n"
        "    if check is None:\n"
        "        QTimer.singleShot(1, close_once_the_check_runs)\n"
        "        return\n"
        "    alive = any(thread.name == 'consultaid-store-check' for thread in threading.enumerate())\n"
        "    print('running' if alive else 'already done', flush=True)\n"
        "    window.close()\n"
        "    window.deleteLater()\n"
        "QTimer.singleShot(1, close_once_the_check_runs)\n"
        "app.exec()\n"
        "time.sleep(3)  # the thread would end (and report) now, with the window gone\n"
        "print('exited', flush=True)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["running", "exited"], result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "RuntimeError" not in result.stderr, result.stderr


@pytest.mark.parametrize("kind", ["empty", "damaged"])
def test_an_empty_or_damaged_database_is_reported_and_set_aside_only_when_chosen(qtbot, qapp, own_data_dir,
                                                                                no_modal_questions, kind):
    """It used to be replaced without a word: a 0-byte file became a fresh store, a damaged one was moved
    aside and the app started empty. Now the user is told, and chooses."""
    from consultaid.consultation.store import DATABASE_NAME

    own_data_dir.mkdir(parents=True, exist_ok=True)
    path = own_data_dir / DATABASE_NAME
    content = b"" if kind == "empty" else b"this is not a database" * 100
    path.write_bytes(content)

    no_modal_questions.asked.clear()
    no_modal_questions.answers = [0]   # work without saving, the database left for IT
    window = create_main_window(CONTENT, open_store_now=False)
    qtbot.addWidget(window)
    attach_store(window, own_data_dir)
    assert no_modal_questions.asked == [f"The records database is {kind}"]
    assert window.store is None and "call IT" in window.statusBar().currentMessage()
    assert sorted(p.name for p in own_data_dir.iterdir()) == [DATABASE_NAME] and path.read_bytes() == content

    no_modal_questions.answers = [1]   # set it aside and start an empty one
    again = create_main_window(CONTENT, open_store_now=False)
    qtbot.addWidget(again)
    attach_store(again, own_data_dir)
    assert again.store is not None and again.store.search() == []
    [kept] = [p for p in own_data_dir.iterdir() if p.name.endswith(".sqlite3") and ".damaged-" in p.name]
    assert kept.read_bytes() == content and kept.name in again.statusBar().currentMessage()
    again.store.close()
