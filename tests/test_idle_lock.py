"""The idle lock: the draft is saved, every window hides the patient's information, nothing can be
reached behind the lock, and only the surgeon's PIN (typed and clicked for real) opens it again."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from consultaid.pin import check_pin, hash_pin, pin_problem
from consultaid.settings import Settings, SurgeonProfile, load_settings, save_settings
from tests.conftest import type_text
from tests.test_consultation_flow import fill_start_form

PIN = "482913"
PATIENT = "Ζωή Åsa-Nyström"   # typed by fill_start_form


@pytest.fixture(autouse=True)
def own_config_dir(tmp_path, monkeypatch):
    """Set before the `main` fixture builds the window, so the window reads this test's settings."""
    folder = tmp_path / "config"
    monkeypatch.setenv("CONSULTAID_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture(scope="module")
def pin_hash():
    return hash_pin(PIN)   # once: the hash is slow on purpose


@pytest.fixture
def surgeon_with_pin(pin_hash):
    save_settings(Settings(profiles=[SurgeonProfile("Dr Émile Roux", pin_hash=pin_hash)], current_profile=0))


def keys_to(widget, key, modifier=Qt.KeyboardModifier.ControlModifier) -> None:
    """A key through the window system to `widget`'s window, as a keyboard sends it: Qt drops it there if
    another window blocks that one."""
    QTest.keyClick(widget.window().windowHandle(), key, modifier)


def start(main, qtbot):
    qtbot.mouseClick(main.start_button, Qt.MouseButton.LeftButton)
    fill_start_form(main.start_dialog, qtbot, "en")
    assert main.consultation_view is not None
    return main.consultation_view


def covered(window) -> bool:
    """Every point of the window (menus and status bar included) shows the curtain, nothing under it."""
    from consultaid.ui.dialogs.lock_screen import Curtain

    rect = window.rect()
    for fx in (0.02, 0.25, 0.5, 0.75, 0.98):
        for fy in (0.01, 0.05, 0.5, 0.95, 0.99):
            widget = window.childAt(QPoint(round(rect.width() * fx), round(rect.height() * fy)))
            while widget is not None and not isinstance(widget, Curtain):
                widget = widget.parentWidget()
            if widget is None:
                return False
    return True


def unlock_with(qtbot, lock_screen, pin: str) -> None:
    lock_screen.pin.clear()
    qtbot.keyClicks(lock_screen.pin, pin)
    qtbot.mouseClick(lock_screen.unlock_button, Qt.MouseButton.LeftButton)


# --- the PIN itself -----------------------------------------------------------------------------------

def test_only_a_salted_slow_hash_of_the_pin_is_kept(pin_hash):
    assert PIN not in pin_hash and pin_hash.startswith("scrypt$")
    assert hash_pin(PIN) != pin_hash          # a new salt each time
    assert check_pin(PIN, pin_hash) and not check_pin("482914", pin_hash)
    for damaged in ("", "plain", pin_hash.replace("scrypt", "md5"), pin_hash[:-2], "scrypt$99999999999$8$1$00$00"):
        assert not check_pin(PIN, damaged)
    assert pin_problem("1234") is None and pin_problem("123") and pin_problem("12a4") and pin_problem("1" * 13)
    assert pin_problem("١٢٣٤")   # Arabic-Indic digits are digits to Python, not on every keypad


# --- lock, unlock ---------------------------------------------------------------------------------------

def test_lock_now_saves_the_draft_hides_every_window_and_the_pin_unlocks(main, qtbot, surgeon_with_pin):
    view = start(main, qtbot)
    qtbot.mouseClick(view.patient_button, Qt.MouseButton.LeftButton)
    patient_screen = view.patient_screen.screen
    qtbot.waitUntil(patient_screen.isVisible)
    view.go_to("alternatives_questions")
    qtbot.keyClicks(view.page_for["alternatives_questions"].decision_note, "Wants to talk to her daughter")
    main.activateWindow()
    assert QTest.qWaitForWindowActive(main)
    # As if Ctrl+L came within the autosave's half second: the note is typed but not saved yet.
    main.autosaver.timer.stop()
    assert main.autosaver.pending
    assert main.store.load_draft(view.consultation.id)["decision"]["note"] != "Wants to talk to her daughter"
    keys_to(main, Qt.Key.Key_L)

    lock = main.idle_lock
    assert lock.locked and lock.lock_screen.isVisible()
    # The draft in the store is what was on screen when it locked.
    draft = main.store.load_draft(view.consultation.id)
    assert draft["decision"]["note"] == "Wants to talk to her daughter"
    # The lock covers the main window exactly, every window is curtained, no title names the patient.
    assert lock.lock_screen.geometry() == main.geometry()
    assert covered(main) and covered(patient_screen)
    for window in (main, patient_screen, lock.lock_screen):
        assert PATIENT not in window.windowTitle() and "Åsa" not in window.windowTitle()
    shown = " ".join(label.text() for label in lock.lock_screen.findChildren(type(lock.lock_screen.saved)))
    assert "Dr Émile Roux" in shown and "Locked" in shown and PATIENT not in shown
    assert lock.lock_screen.pin.echoMode() == lock.lock_screen.pin.EchoMode.Password
    assert not main.menuBar().isEnabled()

    # Nothing behind the lock can be reached: the step shortcuts and Ctrl+P do nothing.
    keys_to(main, Qt.Key.Key_2)
    keys_to(main, Qt.Key.Key_P)
    assert view.current == "alternatives_questions" and view.patient_screen is not None

    unlock_with(qtbot, lock.lock_screen, "111111")
    assert lock.locked and lock.lock_screen.error.isVisible()
    assert "not right" in lock.lock_screen.error.text() and lock.lock_screen.pin.text() == ""
    screen = lock.lock_screen
    qtbot.keyClicks(screen.pin, PIN)
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)

    assert not lock.locked and lock.lock_screen is None and not screen.isVisible()
    assert not covered(main) and not covered(patient_screen) and patient_screen.isVisible()
    assert main.windowTitle() == "ConsultAid" and main.menuBar().isEnabled()
    assert view.current == "alternatives_questions"   # exactly where the surgeon was
    keys_to(main, Qt.Key.Key_2)
    assert view.current == "benefits_risks"           # and the shortcuts work again
    # The audit trail says when the screen was locked and with whose PIN it was opened; no patient data.
    trail = main.store.connection.execute("SELECT action, subject FROM audit ORDER BY seq").fetchall()
    assert [row for row in trail if row[0] in ("lock", "unlock", "unlock_refused")] == [
        ("lock", "Dr Émile Roux"), ("unlock_refused", "Dr Émile Roux"), ("unlock", "Dr Émile Roux")]
    assert not any(PATIENT in subject for _action, subject in trail)


def test_idle_time_locks_the_window(main, qtbot, surgeon_with_pin):
    lock = main.idle_lock
    assert lock.idle_ms == 5 * 60_000                 # the default: 5 minutes
    lock.last_input -= 3600
    QTest.keyClick(main.windowHandle(), Qt.Key.Key_V)  # any key is use: the idle clock starts again
    assert lock._left_ms() > 4 * 60_000
    lock.set_idle_ms(300)
    qtbot.waitUntil(lambda: lock.locked, timeout=10_000)
    assert lock.lock_screen.isVisible() and covered(main)
    unlock_with(qtbot, lock.lock_screen, PIN)
    assert not lock.locked and lock.timer.isActive()   # counting again


def test_the_lock_covers_an_open_dialog_and_takes_the_keys_before_it(main, qtbot, surgeon_with_pin):
    qtbot.mouseClick(main.start_button, Qt.MouseButton.LeftButton)
    dialog = main.start_dialog
    type_text(dialog.patient_name, "Zoé Martin")
    main.lock_now()
    lock = main.idle_lock
    assert covered(dialog) and "Zoé" not in dialog.windowTitle()
    # The dialog is modal to the main window, yet the lock screen gets the keys, through the window
    # system (where Qt drops input to a window that a modal one blocks).
    screen = lock.lock_screen
    qtbot.waitUntil(lambda: screen.pin.hasFocus() and QApplication.activeWindow() is screen)
    for digit in PIN:
        QTest.keyClick(screen.windowHandle(), digit)
    QTest.keyClick(screen.windowHandle(), Qt.Key.Key_Return)
    assert not lock.locked and dialog.isVisible() and not covered(dialog)
    assert dialog.patient_name.text() == "Zoé Martin"   # nothing was closed or lost
    dialog.reject()


def test_a_window_opened_while_locked_is_covered_as_it_shows(main, qtbot, surgeon_with_pin):
    from consultaid.ui.dialogs.help_dialog import show_help

    main.lock_now()
    help_page = show_help(main)
    qtbot.waitExposed(help_page)
    assert covered(help_page)
    unlock_with(qtbot, main.idle_lock.lock_screen, PIN)
    assert not covered(help_page)
    help_page.close()


def test_repeated_wrong_pins_make_the_screen_wait(main, qtbot, surgeon_with_pin, monkeypatch):
    import consultaid.ui.services.idle_lock as idle_lock

    monkeypatch.setattr(idle_lock, "FIRST_WAIT_SECONDS", 1)
    main.lock_now()
    lock = main.idle_lock
    screen = lock.lock_screen
    for _attempt in range(idle_lock.FAILURES_BEFORE_WAIT):
        unlock_with(qtbot, screen, "000000")
    assert screen.waiting and not screen.pin.isEnabled() and not screen.unlock_button.isEnabled()
    assert "Too many wrong PINs" in screen.error.text()
    assert lock.unlock(PIN) is False and lock.locked   # not even the right PIN while waiting
    qtbot.waitUntil(screen.pin.isEnabled, timeout=10_000)
    unlock_with(qtbot, screen, PIN)
    assert not lock.locked


def test_without_a_pin_the_lock_still_hides_and_says_anyone_can_unlock(main, qtbot):
    view = start(main, qtbot)
    main.lock_now()
    lock = main.idle_lock
    screen = lock.lock_screen
    assert covered(main) and not screen.pin.isVisible()
    assert "anyone can unlock" in screen.explanation.text() and "Settings" in screen.explanation.text()
    assert main.store.load_draft(view.consultation.id)["setup"]["patient"]["name"] == PATIENT
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
    assert not lock.locked and not covered(main)


def test_the_lock_screen_speaks_french(main, qtbot, surgeon_with_pin):
    main.switch_interface_language("fr")
    main.lock_now()
    screen = main.idle_lock.lock_screen
    assert "Verrouillé" in " ".join(label.text() for label in screen.findChildren(type(screen.saved)))
    assert screen.unlock_button.text() == "Déverrouiller"
    unlock_with(qtbot, screen, PIN)
    assert not main.idle_lock.locked


# --- settings ---------------------------------------------------------------------------------------------

def test_the_pin_and_the_idle_time_are_set_in_the_settings_dialog(qtbot):
    from consultaid.ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings(profiles=[SurgeonProfile("Dr Ann Lee")], current_profile=0), printers=[])
    qtbot.addWidget(dialog)
    dialog.show()
    assert "anyone can unlock" in dialog.surgeons.pin_state.text()
    qtbot.keyClicks(dialog.surgeons.new_pin, "2468")
    qtbot.keyClicks(dialog.surgeons.repeat_pin, "2469")
    dialog.tabs.setCurrentIndex(5)
    dialog.lock.lock_minutes.selectAll()
    qtbot.keyClicks(dialog.lock.lock_minutes, "12")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result_settings is None and dialog.tabs.currentIndex() == 0
    assert dialog.errors["profile.pin"].isVisible() and "not the same" in dialog.errors["profile.pin"].text()
    dialog.surgeons.repeat_pin.clear()
    qtbot.keyClicks(dialog.surgeons.repeat_pin, "2468")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    result = dialog.result_settings
    assert result.lock_after_minutes == 12
    assert check_pin("2468", result.profiles[0].pin_hash) and "2468" not in repr(result)
    save_settings(result)
    assert "2468" not in (load_settings().profiles[0].pin_hash) and load_settings() == result

    again = SettingsDialog(result, printers=[])
    qtbot.addWidget(again)
    assert "A PIN is set" in again.surgeons.pin_state.text()
    qtbot.mouseClick(again.surgeons.remove_pin_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(again.accepted, timeout=5000):
        qtbot.mouseClick(again.ok_button, Qt.MouseButton.LeftButton)
    assert again.result_settings.profiles[0].pin_hash == ""


def test_the_idle_time_saved_in_settings_applies_at_once(main, qtbot):
    main.show_settings()
    dialog = main.settings_dialog
    dialog.lock.lock_minutes.setValue(2)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert main.idle_lock.idle_ms == 2 * 60_000 and load_settings().lock_after_minutes == 2
