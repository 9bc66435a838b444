"""Step 4's check of understanding: the questions taken from the pack, one row each (consultation/understanding.py).

The surgeon asks a question, types what the patient says back, and marks it understood, or re-explains:
the consultation then shows the section or risk the answer comes from, with a way back to this row
(ConsultationView.re_explain). The three teach-back ticks stay beside it as the quick option.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from consultaid.charts.risk_chart import number_text
from consultaid.consultation import text_rules
from consultaid.consultation.session import Consultation
from consultaid.consultation.understanding import (
    UNDERSTOOD,
    UnderstandingCheck,
    build_checks,
    item_label,
    mark_re_explained,
    mark_understood,
    merged,
    result_text,
)
from consultaid.i18n import _
from consultaid.ui.views.pages.common import paragraph
from consultaid.ui.widgets.field_error import guard_text


class UnderstandingRow(QFrame):
    """One question: its words, the pack's answer, the patient's words, and the two marks."""

    def __init__(self, check: UnderstandingCheck, consultation: Consultation, box: UnderstandingBox):
        super().__init__()
        self.check = check
        self.consultation = consultation
        self.setObjectName("UnderstandingRow")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 6, 0, 6)
        question = QLabel(check.question)
        question.setWordWrap(True)
        question.setObjectName("SubHeading")
        grid.addWidget(question, 0, 0, 1, 2)
        grid.addWidget(paragraph(_("From the information: {answer}").format(
            answer=check.answer.replace("\n", " · ")), muted=True), 1, 0, 1, 2)
        self.words = QLineEdit(check.patient_words)
        self.words.setPlaceholderText(_("The patient's answer, in their own words"))
        self.words.setAccessibleName(_("The patient's answer to: {question}").format(question=check.question))
        grid.addWidget(self.words, 2, 0)
        buttons = QHBoxLayout()
        self.understood = QPushButton(_("Understood"))
        self.understood.setAccessibleName(_("Understood: {question}").format(question=check.question))
        self.understood.clicked.connect(lambda: box.mark_understood(self))
        self.re_explain = QPushButton(_("Re-explain…"))
        self.re_explain.setAccessibleName(_("Re-explain…: {question}").format(question=check.question))
        self.re_explain.setToolTip(_("Show {item} again, then come back here").format(
            item=item_label(consultation.content, check.about[0]) if check.about else ""))
        self.re_explain.clicked.connect(lambda: box.re_explain_row(self))
        buttons.addWidget(self.understood)
        buttons.addWidget(self.re_explain)
        grid.addLayout(buttons, 2, 1)
        grid.addWidget(guard_text(self.words, text_rules.NOTE, self._words_changed), 3, 0, 1, 2)
        self.result = QLabel()
        self.result.setWordWrap(True)
        grid.addWidget(self.result, 4, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        self.box = box
        self.show_result()

    def _words_changed(self, text: str) -> None:
        self.check.patient_words = text
        self.box.changed.emit()

    def show_result(self) -> None:
        check = self.check
        if check.result is None:
            self.result.hide()
            return
        mark = "\u2713" if check.result == UNDERSTOOD and not check.re_explained else "\u21bb"
        self.result.setText(f"{mark} {result_text(check, self.consultation.content)}")
        self.result.setAccessibleName(result_text(check, self.consultation.content))
        self.result.show()


class UnderstandingBox(QGroupBox):
    changed = Signal()
    re_explain_requested = Signal(str)   # the item to show again, as <collection>.<id>

    def __init__(self, consultation: Consultation, parent: QWidget | None = None):
        super().__init__(_("Check of understanding"), parent)
        self.consultation = consultation
        consultation.understanding = merged(build_checks(consultation.content, number_text),
                                            consultation.understanding)
        column = QVBoxLayout(self)
        column.addWidget(paragraph(_("Ask a question; the patient answers in their own words. Mark it understood, "
                                     "or re-explain: the step shows the item again, and brings you back here."),
                                   muted=True))
        self.rows: dict[str, UnderstandingRow] = {}
        for check in consultation.understanding:
            row = UnderstandingRow(check, consultation, self)
            self.rows[check.id] = row
            column.addWidget(row)
        self.returning_to: str | None = None   # the row whose item is being explained again

    def mark_understood(self, row: UnderstandingRow) -> None:
        mark_understood(row.check)
        row.show_result()
        self.changed.emit()

    def re_explain_row(self, row: UnderstandingRow) -> None:
        if not row.check.about:
            return
        ref = row.check.about[0]
        mark_re_explained(row.check, ref)
        row.show_result()
        self.returning_to = row.check.id
        self.changed.emit()
        self.re_explain_requested.emit(ref)

    def row_to_return_to(self) -> UnderstandingRow | None:
        return self.rows.get(self.returning_to or "")
