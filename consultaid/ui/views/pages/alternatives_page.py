"""Step 4: alternatives (always including no treatment), the patient's questions, teach-back, decision."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from consultaid.consultation import text_rules
from consultaid.consultation.session import (
    DECISION_LABELS,
    DECISIONS,
    TEACH_BACK_LABELS,
    Consultation,
    QuestionAnswer,
)
from consultaid.i18n import _
from consultaid.ui.views.pages.common import heading, order_tabs_by_position, paragraph, scrolled, vbox
from consultaid.ui.views.pages.understanding_box import UnderstandingBox
from consultaid.ui.widgets.field_error import FieldError, guard_text


def _note_field(placeholder: str, text: str, accessible: str) -> QPlainTextEdit:
    field = QPlainTextEdit(text)
    field.setPlaceholderText(placeholder)
    field.setAccessibleName(accessible)
    field.setTabChangesFocus(True)
    field.setFixedHeight(field.fontMetrics().lineSpacing() * 3 + 16)
    return field


class AlternativesPage(QWidget):
    changed = Signal()

    def __init__(self, consultation: Consultation, parent=None):
        super().__init__(parent)
        self.consultation = consultation
        body = QWidget()
        column = vbox(body, margins=12, spacing=14)
        column.addWidget(heading(_("Alternatives and questions")))
        column.addWidget(self._alternatives_box())
        column.addWidget(self._questions_box())
        self.understanding_box = UnderstandingBox(consultation)
        self.understanding_box.changed.connect(self.changed)
        column.addWidget(self.understanding_box)
        column.addWidget(self._teach_back_box())
        column.addWidget(self._decision_box())
        column.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.scroll = scrolled(body, _("Alternatives and questions"))
        layout.addWidget(self.scroll)

    # --- alternatives --------------------------------------------------------------------------
    def _alternatives_box(self) -> QGroupBox:
        box = QGroupBox(_("Alternatives"))
        self.alternatives_layout = QVBoxLayout(box)
        self.alternative_boxes: list[QCheckBox] = []
        for item in self.consultation.content.alternatives:
            progress = self.consultation.alternatives[item.id]
            self._alternative_row(item.label, item.detail, progress.discussed, progress.note,
                                  lambda checked, i=item.id: self._content_alternative(i, discussed=checked),
                                  lambda text, i=item.id: self._content_alternative(i, note=text))
        self.other_rows = QVBoxLayout()
        self.alternatives_layout.addLayout(self.other_rows)
        for other in self.consultation.other_alternatives:
            self._add_other_row(other)
        adder = QHBoxLayout()
        self.new_alternative = QLineEdit()
        self.new_alternative.setPlaceholderText(_("Another alternative, in the patient's language"))
        self.new_alternative.setAccessibleName(_("New alternative"))
        add = QPushButton(_("Add alternative"))
        add.clicked.connect(self.add_alternative)
        self.new_alternative.returnPressed.connect(self.add_alternative)
        adder.addWidget(self.new_alternative, 1)
        adder.addWidget(add)
        self.alternatives_layout.addLayout(adder)
        self.new_alternative_error = FieldError()
        self.new_alternative.textChanged.connect(
            lambda text: self.new_alternative_error.show_message(text_rules.LABEL.problem(text.strip())))
        self.alternatives_layout.addWidget(self.new_alternative_error)
        return box

    def _alternative_row(self, label, detail, discussed, note, on_tick, on_note, target=None):
        """A tick and a note for one alternative; the ticks are kept in `alternative_boxes`."""
        row = QWidget()
        grid = QGridLayout(row)
        grid.setContentsMargins(0, 4, 0, 4)
        tick = QCheckBox(label)
        tick.setChecked(discussed)
        tick.setAccessibleName(_("Alternative discussed: {label}").format(label=label))
        tick.toggled.connect(on_tick)
        self.alternative_boxes.append(tick)
        grid.addWidget(tick, 0, 0)
        if detail:
            grid.addWidget(paragraph(detail, muted=True), 1, 0)
        field = _note_field(_("What was said about this alternative (for no treatment: the foreseeable "
                              "consequences)"), note, _("Note on {label}").format(label=label))
        grid.addWidget(field, 2, 0)
        grid.addWidget(guard_text(field, text_rules.NOTE, on_note), 3, 0)
        (target or self.alternatives_layout).addWidget(row)
        return tick, field

    def _add_other_row(self, other) -> None:
        def tick(checked, item=other):
            item.discussed = checked
            self.changed.emit()

        def note(text, item=other):
            item.note = text
            self.changed.emit()

        self._alternative_row(other.label, "", other.discussed, other.note, tick, note, self.other_rows)

    def _content_alternative(self, item_id: str, discussed: bool | None = None, note: str | None = None) -> None:
        if discussed is not None:
            self.consultation.set_discussed("alternatives", item_id, discussed)
        if note is not None:
            self.consultation.set_note("alternatives", item_id, note)
        self.changed.emit()

    @Slot()
    def add_alternative(self) -> None:
        label = self.new_alternative.text().strip()
        if not label or not text_rules.LABEL.accepts(label):
            return  # the error under the field says why
        self._add_other_row(self.consultation.add_other_alternative(label))
        order_tabs_by_position(self.scroll)
        self.new_alternative.clear()
        self.changed.emit()

    # --- questions -----------------------------------------------------------------------------
    def _questions_box(self) -> QGroupBox:
        box = QGroupBox(_("The patient's questions"))
        column = QVBoxLayout(box)
        self.question_rows = QVBoxLayout()
        column.addLayout(self.question_rows)
        for qa in self.consultation.questions:
            self._add_question_row(qa)
        self.add_question_button = QPushButton(_("Add a question"))
        self.add_question_button.setAccessibleName(_("Add a question from the patient"))
        self.add_question_button.clicked.connect(self.add_question)
        column.addWidget(self.add_question_button)
        return box

    def _add_question_row(self, qa: QuestionAnswer) -> tuple[QLineEdit, QPlainTextEdit]:
        number = self.question_rows.count() + 1
        question = QLineEdit(qa.question)
        question.setPlaceholderText(_("Question {number}").format(number=number))
        question.setAccessibleName(_("Question {number}").format(number=number))
        answer = _note_field(_("Answer given"), qa.answer, _("Answer to question {number}").format(number=number))

        def store_question(text: str) -> None:
            qa.question = text
            self.changed.emit()

        def store_answer(text: str) -> None:
            qa.answer = text
            self.changed.emit()

        row = QWidget()
        layout = QVBoxLayout(row)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(question)
        layout.addWidget(answer)
        layout.addWidget(guard_text(question, text_rules.QUESTION, store_question))
        layout.addWidget(guard_text(answer, text_rules.NOTE, store_answer))
        self.question_rows.addWidget(row)
        return question, answer

    @Slot()
    def add_question(self) -> None:
        qa = QuestionAnswer("")
        self.consultation.questions.append(qa)
        question, _answer = self._add_question_row(qa)
        # The new row joins the chain where it is on the page, before "Add a question" and teach-back
        # (made last, it would otherwise come after the decision, and Tab would jump to the header).
        order_tabs_by_position(self.scroll)
        question.setFocus()
        self.changed.emit()

    # --- teach-back and decision ---------------------------------------------------------------
    def _teach_back_box(self) -> QGroupBox:
        box = QGroupBox(_("Teach-back (optional)"))
        column = QVBoxLayout(box)
        column.addWidget(paragraph(_("Ask the patient to say back the key points in their own words."), muted=True))
        self.teach_back_boxes = {}
        for key, label in TEACH_BACK_LABELS.items():
            check = QCheckBox(_(label))
            check.setChecked(self.consultation.teach_back[key])
            check.toggled.connect(lambda checked, key=key: self._teach_back(key, checked))
            self.teach_back_boxes[key] = check
            column.addWidget(check)
        return box

    def _teach_back(self, key: str, checked: bool) -> None:
        self.consultation.teach_back[key] = checked
        self.changed.emit()

    def _decision_box(self) -> QGroupBox:
        box = QGroupBox(_("The patient's decision"))
        column = QVBoxLayout(box)
        self.decision_group = QButtonGroup(self)
        self.decision_buttons = {}
        for choice in DECISIONS:
            button = QRadioButton(_(DECISION_LABELS[choice]))
            button.setChecked(self.consultation.decision == choice)
            button.toggled.connect(lambda checked, choice=choice: checked and self._decide(choice))
            self.decision_group.addButton(button)
            self.decision_buttons[choice] = button
            column.addWidget(button)
        self.decision_note = _note_field(_("Notes on the decision (optional)"), self.consultation.decision_note,
                                         _("Notes on the decision"))
        column.addWidget(self.decision_note)
        column.addWidget(guard_text(self.decision_note, text_rules.NOTE, self._decision_note_changed))
        column.addWidget(heading(_("Other notes"), level=2))
        self.notes = _note_field(_("Anything else to record"), self.consultation.notes, _("Other notes"))
        column.addWidget(self.notes)
        column.addWidget(guard_text(self.notes, text_rules.NOTE, self._notes_changed))
        return box

    def _decide(self, choice: str) -> None:
        self.consultation.decision = choice
        self.changed.emit()

    def _decision_note_changed(self, text: str) -> None:
        self.consultation.decision_note = text
        self.changed.emit()

    def _notes_changed(self, text: str) -> None:
        self.consultation.notes = text
        self.changed.emit()

    def on_shown(self) -> None:
        self.consultation.focus("alternatives_questions")
