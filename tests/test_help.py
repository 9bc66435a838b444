"""The F1 help page: opens beside the window, names the shortcuts, is reused, and Esc closes it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from consultaid.ui.dialogs.help_dialog import HelpDialog, show_help


@pytest.fixture
def window(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_show_help_opens_a_visible_page_naming_the_shortcuts(qtbot, window):
    dialog = show_help(window)
    qtbot.waitExposed(dialog)
    assert isinstance(dialog, HelpDialog)
    assert dialog.isVisible()
    assert not dialog.isModal()
    assert dialog.accessibleName()
    text = dialog.browser.toPlainText()
    for keys in ("Ctrl+N", "Ctrl+1", "Ctrl+5", "Ctrl+PgUp", "Ctrl+PgDown", "Ctrl+Z", "Ctrl+H",
                 "Ctrl++", "Ctrl+-", "Ctrl+0", "Ctrl+L", ".ics"):
        assert keys in text, keys
    assert "{" not in text  # every placeholder was filled
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Close).isVisible()


def test_a_second_call_reuses_the_open_page(qtbot, window):
    first = show_help(window)
    second = show_help(window)
    assert second is first
    assert second.isVisible()
    assert len(window.findChildren(HelpDialog)) == 1


def test_escape_closes_the_page_and_it_opens_again(qtbot, window):
    dialog = show_help(window)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.keyClick(dialog.browser, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert show_help(window) is dialog and dialog.isVisible()


def test_close_button_closes_the_page(qtbot, window):
    dialog = show_help(window)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Close), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_every_heading_and_paragraph_goes_through_translation(qtbot, window, monkeypatch):
    import consultaid.ui.dialogs.help_dialog as help_dialog

    monkeypatch.setattr(help_dialog, "_", lambda text: f"\u00ab{text}\u00bb")
    dialog = HelpDialog(window)
    qtbot.addWidget(dialog)
    blocks = [line for line in dialog.browser.toPlainText().splitlines() if line.strip()]
    assert len(blocks) > 20
    for block in blocks:
        assert block.startswith("\u00ab") and block.endswith("\u00bb"), block
    assert dialog.windowTitle().startswith("\u00ab")
