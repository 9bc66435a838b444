"""The confirmation-on-the-day and withdrawal dialogs, opened from the records view (consultation/addendum.py).

A confirmation shows the summary's key facts again (procedure, side/level, risks with their numbers), asks
whether the patient still wishes to go ahead, takes anything new the surgeon adds and new questions; a
withdrawal takes what the patient said. Both take the signatures of the patient (or the reason they do not
sign) and of the clinician, then make the sealed addendum in the patient's language and store it.

The addendum is rendered and sealed in a worker thread (ui/services/summary_job.py, as the summary is), so the
window stays responsive; meanwhile the dialog shows its progress and takes no edits, no second click and no
Cancel. A failure (a seal certificate that cannot be opened, a full disk, the store refusing the addendum) is
told through ui/services/messages.py, and the dialog stays as it was, with everything typed in it.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from consultaid.consultation import text_rules
from consultaid.consultation.addendum import (
    CONFIRMATION,
    KIND_TITLES,
    ROLE_NAMES,
    WITHDRAWAL_ROLE_NAMES,
    Addendum,
)
from consultaid.consultation.session import QuestionAnswer
from consultaid.consultation.store import StoreError
from consultaid.consultation.understanding import LABELLED
from consultaid.i18n import _, translate
from consultaid.ui.services.messages import messages
from consultaid.ui.services.screen_fit import fit_to_screen
from consultaid.ui.services.summary_job import SealingJob
from consultaid.ui.views.pages.common import heading, paragraph
from consultaid.ui.widgets.field_error import guard_text
from consultaid.ui.widgets.ink_canvas import InkCanvas
from consultaid.ui.widgets.reflow_row import ReflowRow
from consultaid.ui.widgets.signing_panel import CARD_STYLE, PAD_HEIGHT_LINES, SIGN_HERE

log = logging.getLogger(__name__)

# The signature cards as on the review step, and a disabled Seal button that looks disabled (as in the records
# view): while the addendum is sealed, the app-wide style would draw it exactly as an enabled one.
DIALOG_STYLE = CARD_STYLE + (
    "QPushButton#PrimaryButton:disabled { color: white; background: #9BBBD3; border-color: #9BBBD3; }")


def _text_field(placeholder: str, accessible: str, lines: int = 3) -> QPlainTextEdit:
    field = QPlainTextEdit()
    field.setPlaceholderText(placeholder)
    field.setAccessibleName(accessible)
    field.setTabChangesFocus(True)
    field.setFixedHeight(field.fontMetrics().lineSpacing() * lines + 16)
    return field


class AddendumPad(QFrame):
    """One signer of an addendum: role, the meaning in the patient's language, printed name, pad, Clear."""

    changed = Signal()

    def __init__(self, addendum: Addendum, role: str, name: str = ""):
        super().__init__()
        self.setObjectName("SignatureCard")
        self.addendum = addendum
        self.role = role
        names = ROLE_NAMES if addendum.kind == CONFIRMATION else WITHDRAWAL_ROLE_NAMES
        role_name = _(names[role])
        self.title = QLabel(role_name)
        self.title.setObjectName("SignerRole")
        meaning = QLabel(addendum.meaning(role))
        meaning.setObjectName("Meaning")
        meaning.setWordWrap(True)
        self.name = QLineEdit(name)
        self.name.setPlaceholderText(_("Full name"))
        self.name.setAccessibleName(_("{role}: printed name").format(role=role_name))
        self.name.textChanged.connect(self._name_changed)
        self.canvas = InkCanvas(hint=translate(SIGN_HERE, addendum.language))
        self.canvas.setAccessibleName(_("{role}: signature pad").format(role=role_name))
        self.canvas.setFixedHeight(self.fontMetrics().lineSpacing() * PAD_HEIGHT_LINES)
        self.canvas.changed.connect(self._ink_changed)
        self.clear_button = QPushButton(_("Clear"))
        self.clear_button.setAccessibleName(_("{role}: clear the signature to sign again").format(role=role_name))
        self.clear_button.clicked.connect(self.canvas.clear)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(meaning)
        layout.addWidget(self.name)
        self.registration: QLineEdit | None = None
        if role == "clinician":   # the hospital record files the addendum under the clinician's number
            self.registration = QLineEdit()
            self.registration.setPlaceholderText(_("Registration number (optional)"))
            self.registration.setAccessibleName(_("{role}: registration number (optional)").format(role=role_name))
            self.registration.textChanged.connect(self._registration_changed)
            layout.addWidget(self.registration)
        layout.addWidget(self.canvas)
        layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)   # beside a taller card, the room goes below: both titles stay on one line

    @Slot()
    def _ink_changed(self) -> None:
        drawing = self.canvas.drawing()
        if drawing.is_empty:
            self.addendum.signatures.pop(self.role, None)
        else:
            self.addendum.sign(self.role, self.name.text().strip(), drawing)
        self.changed.emit()

    @Slot(str)
    def _registration_changed(self, text: str) -> None:
        self.addendum.clinician_registration = text.strip()

    @Slot(str)
    def _name_changed(self, text: str) -> None:
        signature = self.addendum.signatures.get(self.role)
        if signature is not None:
            signature.name = text.strip()
        if self.role == "clinician":
            self.addendum.clinician = text.strip()
        self.changed.emit()


class AddendumDialog(QDialog):
    """Writes one addendum; `made` carries the stored addendum's row id once it is sealed and stored."""

    made = Signal(int)

    def __init__(self, store: Any, addendum: Addendum, parent: QWidget | None = None):
        super().__init__(parent)
        self.setStyleSheet(DIALOG_STYLE)
        self.store = store
        self.addendum = addendum
        self.pdf: bytes | None = None
        self.job: SealingJob | None = None          # sealing the addendum, while it runs
        self._record: dict[str, Any] | None = None   # the record being sealed, stored when the PDF is made
        summary = addendum.summary
        setup = summary["setup"]
        title = _(KIND_TITLES[addendum.kind])
        self.setWindowTitle(_("{title}: {patient}").format(title=title, patient=setup["patient"]["name"]))
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(heading(title))
        procedure = ", ".join(part for part in (summary["content"]["title"], setup.get("side_level")) if part)
        column.addWidget(paragraph(_("{patient} · {procedure} · after version {version} of the signed summary: "
                                     "the summary itself is not changed.").format(
            patient=setup["patient"]["name"], procedure=procedure, version=addendum.link.version), muted=True))
        if addendum.kind == CONFIRMATION:
            column.addWidget(self._facts_box())
            column.addWidget(self._still_wishes_box())
            self.new_information = _text_field(_("Anything new, e.g. a risk that changed (in the patient's "
                                                 "language)"), _("New information given today"))
            column.addWidget(QLabel(_("New information given today:")))
            column.addWidget(self.new_information)
            column.addWidget(guard_text(self.new_information, text_rules.NOTE, self._new_information_changed))
        else:
            self.statement = _text_field(_("What the patient said, in their words"), _("What the patient said"))
            column.addWidget(QLabel(_("What the patient said:")))
            column.addWidget(self.statement)
            column.addWidget(guard_text(self.statement, text_rules.NOTE, self._statement_changed))
        column.addWidget(self._questions_box())
        self.pads = {"patient": AddendumPad(addendum, "patient", setup["patient"]["name"]),
                     "clinician": AddendumPad(addendum, "clinician")}
        pads = ReflowRow(spacing=12, fill=True)   # one above the other on a narrow (or 200 %) screen
        for pad in self.pads.values():
            pad.changed.connect(self.refresh)
            pads.add(pad)
        column.addWidget(pads)
        self.missing_reason = QLineEdit()
        reason_label = QLabel(_("If the patient does not sign now: why"))
        reason_label.setBuddy(self.missing_reason)
        self.missing_reason.setAccessibleName(reason_label.text())
        self.missing_reason.textChanged.connect(self._reason_changed)
        column.addWidget(reason_label)
        column.addWidget(self.missing_reason)
        column.addStretch(1)
        self.body = body
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        scroll.setAccessibleName(title)

        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setObjectName("Meta")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)   # busy: sealing gives no steps to count
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(160)
        self.progress.setAccessibleName(_("Sealing the addendum…"))
        self.progress.hide()
        self.make_button = QPushButton(_("Seal and store the addendum"))
        self.make_button.setObjectName("PrimaryButton")
        self.make_button.clicked.connect(self.make)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()   # what is missing goes above them, the whole width: beside them it was
        buttons.addStretch(1)     # squeezed to a 168 px column at the app's 200 % size
        buttons.addWidget(self.progress)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.make_button)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.problems)
        outer.addLayout(buttons)
        fit_to_screen(self, 980, 700, centre=True)
        self.refresh()

    # --- parts ---------------------------------------------------------------------------------------
    def _facts_box(self) -> QGroupBox:
        from consultaid.report.addendum import NO_FIGURE

        box = QGroupBox(_("The key facts, shown again"))
        column = QVBoxLayout(box)
        facts = self.addendum.key_facts
        for fact in [fact for fact in facts if fact["figures"]]:
            column.addWidget(paragraph("\u2022 " + _(LABELLED).format(label=fact["label"], detail=fact["figures"])))
        # As the addendum prints them: the risks without a figure together, said to have none.
        others = [fact["label"] for fact in facts if not fact["figures"]]
        if others:
            column.addWidget(paragraph(f"\u2022 {_(NO_FIGURE)} {'; '.join(others)}"))
        return box

    def _still_wishes_box(self) -> QGroupBox:
        box = QGroupBox(_("Does the patient still wish to go ahead?"))
        row = ReflowRow(spacing=24)
        QVBoxLayout(box).addWidget(row)
        self.still_wishes_group = QButtonGroup(self)
        self.yes = QRadioButton(_("Yes, the patient still wishes to go ahead"))
        self.no = QRadioButton(_("No, the patient no longer wishes to go ahead"))
        self.yes.setChecked(True)
        for button, answer in ((self.yes, True), (self.no, False)):
            self.still_wishes_group.addButton(button)
            button.toggled.connect(lambda checked, answer=answer: checked and self._still_wishes(answer))
            row.add(button)
        return box

    def _questions_box(self) -> QGroupBox:
        box = QGroupBox(_("New questions and answers"))
        self.questions_layout = QVBoxLayout(box)
        self.question_fields: list[tuple[QLineEdit, QPlainTextEdit]] = []
        self.add_question_button = QPushButton(_("Add a question"))
        self.add_question_button.setAccessibleName(_("Add a question from the patient"))
        self.add_question_button.clicked.connect(self.add_question)
        self.questions_layout.addWidget(self.add_question_button)
        return box

    @Slot()
    def add_question(self) -> None:
        qa = QuestionAnswer("")
        self.addendum.questions.append(qa)
        number = len(self.question_fields) + 1
        question = QLineEdit()
        question.setPlaceholderText(_("Question {number}").format(number=number))
        question.setAccessibleName(_("Question {number}").format(number=number))
        answer = _text_field(_("Answer given"), _("Answer to question {number}").format(number=number), 2)

        def keep_question(text: str) -> None:
            qa.question = text

        def keep_answer(text: str) -> None:
            qa.answer = text

        position = self.questions_layout.count() - 1   # before the button
        for offset, widget in enumerate((question, guard_text(question, text_rules.QUESTION, keep_question),
                                         answer, guard_text(answer, text_rules.NOTE, keep_answer))):
            self.questions_layout.insertWidget(position + offset, widget)
        self.question_fields.append((question, answer))
        question.setFocus()

    # --- what is typed ---------------------------------------------------------------------------------
    def _still_wishes(self, answer: bool) -> None:
        self.addendum.still_wishes = answer
        self.refresh()

    def _new_information_changed(self, text: str) -> None:
        self.addendum.new_information = text

    def _statement_changed(self, text: str) -> None:
        self.addendum.statement = text
        self.refresh()

    def _reason_changed(self, text: str) -> None:
        self.addendum.patient_signature_missing_reason = text.strip()
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        if self.job is not None:
            return   # sealing: the progress message stays, the button stays disabled
        problems = self.addendum.problems()
        self.problems.setText(" ".join(problems))
        self.make_button.setEnabled(not problems)
        self.make_button.setAccessibleName(self.make_button.text() + (f" ({' '.join(problems)})" if problems else ""))

    # --- making it -------------------------------------------------------------------------------------
    @Slot()
    def make(self) -> None:
        """Takes the record and the seal here (a configured certificate's passphrase is asked now), then renders
        and seals the addendum in a worker; `_sealed` stores it when it is made. Does nothing while sealing."""
        from consultaid.report.addendum import sealed_addendum
        from consultaid.report.seal import SealError

        if self.job is not None or self.addendum.problems():
            return
        try:
            record = self.addendum.to_record(self.store.latest_audit_hash())
            seal_source = self._seal_source()
        except (StoreError, SealError) as error:
            self._tell(_("The addendum could not be sealed"), str(error))
            return
        self._record = record
        self.job = SealingJob(lambda seal: sealed_addendum(record, seal), seal_source, self, what="addendum")
        self.job.done.connect(self._sealed)
        self.job.failed.connect(self._seal_failed)
        self._set_busy(True)
        self.job.start()

    def _seal_source(self) -> Any:
        """What gives the seal in the worker: the certificate chosen in Settings, opened here because it may ask
        for its passphrase (raises SealError when it cannot be used: an addendum is not sealed with another
        seal than the one chosen without the user knowing), else this installation's own seal, loaded or
        made (seconds, the first time) in the worker."""
        from consultaid.report.seal import load_seal
        from consultaid.settings import load_settings

        settings = load_settings()
        data_dir = self.store.data_dir
        if settings.seal_certificate:
            seal = load_seal(settings, data_dir, ask_passphrase=self._ask_passphrase)
            return lambda: seal
        return lambda: load_seal(None, data_dir)

    def is_sealing(self) -> bool:
        return self.job is not None

    @Slot(bytes)
    def _sealed(self, pdf: bytes) -> None:
        record = self._record
        self._set_busy(False)
        if record is None:
            return
        try:
            row_id = self.store.add_addendum(record, pdf)
        except StoreError as error:
            self._tell(_("The addendum could not be stored"), str(error))
            return
        self.pdf = pdf
        self.made.emit(row_id)
        self.accept()

    @Slot(str)
    def _seal_failed(self, reason: str) -> None:
        self._set_busy(False)
        self._tell(_("The addendum could not be sealed"), reason)

    def _set_busy(self, busy: bool) -> None:
        """While sealing: the progress shows, nothing can be edited, clicked again or cancelled."""
        if not busy:
            self.job = None
        self.body.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        if busy:
            self.make_button.setEnabled(False)
            self.problems.setText(_("Sealing the addendum…"))
        else:
            self.refresh()

    def _tell(self, title: str, reason: str) -> None:
        """A failure: said in the dialog (it stays there) and in a message the user acknowledges."""
        self.problems.setText("\u26a0 " + reason)
        messages.inform(self, title, reason)

    def reject(self) -> None:
        if self.job is None:   # never closed while sealing: the addendum would be sealed for nobody
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.job is not None:
            event.ignore()
            return
        super().closeEvent(event)

    def _ask_passphrase(self, path: object) -> str | None:
        return messages.ask_secret(self, _("Seal certificate"), _(
            "Passphrase of the seal certificate {path}: ").format(path=path))
