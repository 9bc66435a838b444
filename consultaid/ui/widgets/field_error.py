"""The message shown right under a field that needs fixing, and the guard that keeps a text the summary
could not hold out of the consultation (consultation/text_rules.py says what may be kept)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from consultaid.consultation.text_rules import TextRule
from consultaid.ui.services.style import ERROR_INK


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


def with_error(widget: QWidget, error: FieldError) -> QWidget:
    """A field with its error message right under it, in one holder for a form row."""
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(widget)
    layout.addWidget(error)
    return holder


def text_of(field: QLineEdit | QPlainTextEdit) -> str:
    return field.toPlainText() if isinstance(field, QPlainTextEdit) else field.text()


def guard_text(field: QLineEdit | QPlainTextEdit, rule: TextRule, store: Callable[[str], None]) -> FieldError:
    """Every change of `field` (typed or pasted) goes to `store` only if `rule` accepts it; otherwise the
    returned FieldError, which the caller puts under the field, says why, and the consultation keeps the
    last text that could be kept until the field is corrected."""
    error = FieldError()

    def changed(*_signal_args) -> None:
        text = text_of(field)
        problem = rule.problem(text)
        error.show_message(problem)
        if problem is None:
            store(text)

    field.textChanged.connect(changed)
    return error
