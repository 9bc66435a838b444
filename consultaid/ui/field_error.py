"""The message shown right under a field that needs fixing."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from consultaid.ui.style import ERROR_INK


class FieldError(QLabel):
    """Hidden while the field is fine. A warning sign and words, never colour alone."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {ERROR_INK};")
        self.hide()

    def show_message(self, message: str | None) -> None:
        self.setText("\u26a0 " + message if message else "")
        self.setVisible(bool(message))
