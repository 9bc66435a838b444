"""A date typed as text (DD/MM/YYYY or YYYY-MM-DD) and shown back in words, so a slip is seen at once."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from consultaid.consultation.setup import parse_date
from consultaid.formatting import format_long_date
from consultaid.i18n import _, interface_language


class DateField(QWidget):
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(_("DD/MM/YYYY"))
        self.edit.setMaxLength(10)
        self.edit.setFixedWidth(self.edit.fontMetrics().horizontalAdvance("00/00/00000") + 24)
        self.in_words = QLabel()
        self.in_words.setObjectName("Meta")
        layout.addWidget(self.edit)
        layout.addWidget(self.in_words, 1)
        self.edit.textChanged.connect(self._show_in_words)

    def _show_in_words(self) -> None:
        try:
            value = parse_date(self.edit.text())
        except ValueError:
            self.in_words.setText(_("not a date"))
        else:
            self.in_words.setText(format_long_date(value, interface_language()) if value else "")
        self.changed.emit()

    def value(self) -> date | None:
        """The date, None when empty; raises ValueError when the text is not a date."""
        return parse_date(self.edit.text())

    def set_value(self, value: date | None) -> None:
        self.edit.setText(value.strftime("%d/%m/%Y") if value else "")
