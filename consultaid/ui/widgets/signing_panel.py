"""Signing on screen, below the review: one pad per signer, the reason the patient does not sign now,
and "Finalize summary", which locks the signatures, renders the summary PDF and opens its preview.

Each pad stores its signature in the Consultation as soon as its ink changes (`sign` / `clear_signature`),
so the record always holds what is on screen. What a signature means is shown above its pad in the
patient's language, exactly as it is printed beside it on the summary.
"""

from __future__ import annotations

import logging
from itertools import pairwise

from PySide6.QtCore import QLocale, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from consultaid.consultation.ink import InkDrawing
from consultaid.consultation.session import ROLE_NAMES, SIGNER_ROLES, Consultation
from consultaid.formatting import format_long_date
from consultaid.i18n import N_, _, interface_language, translate
from consultaid.ui.services.style import BORDER, ERROR_INK, MUTED, SUCCESS_INK, SURFACE, WARNING_BG
from consultaid.ui.widgets.ink_canvas import InkCanvas

MAX_LISTED = 25  # beyond this the question would not fit the screen: the rest are counted
log = logging.getLogger(__name__)

# Shown in the pad until it is signed, in the patient's language like the meaning above it.
SIGN_HERE = N_("Sign here")
# Ready-made reasons the patient does not sign now; printed on the summary, so in the patient's language.
MISSING_REASONS = (
    N_("The patient will sign at the next visit."),
    N_("The patient wishes to read the summary at home first."),
    N_("The patient is not able to sign."),
)
PAPER_SIZES = (("a4", N_("A4")), ("letter", N_("US Letter")))
DEFAULT_COPIES = 2   # one for the patient, one for the record
PAD_HEIGHT_LINES = 7   # the pad's height, in lines of text: grows with the presentation size

CARD_STYLE = f"""
QFrame#SignatureCard {{ background: white; border: 1px solid {BORDER}; border-radius: 8px; }}
QFrame#SignatureCard[signed="true"] {{ border: 1px solid {SUCCESS_INK}; }}
QLabel#SignerRole {{ font-weight: 600; font-size: 12pt; }}
QLabel#Meaning {{ color: {MUTED}; font-style: italic; }}
QLabel#SignedAt {{ color: {MUTED}; }}
QLabel#SignedAt[signed="true"] {{ color: {SUCCESS_INK}; }}
QPushButton:disabled {{ color: #8A96A3; background: white; }}
"""


def _snapshot(drawing: InkDrawing) -> InkDrawing:
    """The strokes as they are now: the pad's own drawing goes on changing (and keeps its undo history)."""
    return InkDrawing(strokes=list(drawing.strokes), aspect=drawing.aspect)


def _quoted(text: str, language: str) -> str:
    return f"\u00ab\u00a0{text}\u00a0\u00bb" if language == "fr" else f"\u201c{text}\u201d"


def _signed_text(when) -> str:
    language = interface_language()
    return _("Signed on {date} at {time}").format(date=format_long_date(when.date(), language),
                                                 time=when.strftime("%H:%M"))


def default_paper() -> str:
    """US Letter where the locale measures in inches (USA), A4 everywhere else."""
    return "letter" if QLocale.system().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem else "a4"


class SignaturePad(QFrame):
    """One signer: their role, what their signature means, their printed name, the pad, Clear."""

    changed = Signal()

    def __init__(self, consultation: Consultation, role: str, name: str = "", parent=None):
        super().__init__(parent)
        self.setObjectName("SignatureCard")
        self.consultation = consultation
        self.role = role
        role_name = _(ROLE_NAMES[role])
        language = consultation.content.language
        existing = consultation.signatures.get(role)

        self.title = QLabel(role_name)
        self.title.setObjectName("SignerRole")
        self.signed_at = QLabel()
        self.signed_at.setObjectName("SignedAt")
        self.signed_at.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.meaning = QLabel(_quoted(consultation.meaning(role), language))
        self.meaning.setObjectName("Meaning")
        self.meaning.setWordWrap(True)
        self.meaning.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meaning.setToolTip(_("What this signature means, as printed on the summary (in the patient's language)"))

        self.name = QLineEdit(existing.name if existing else name)
        self.name.setPlaceholderText(_("Full name"))
        self.name.setAccessibleName(_("{role}: printed name").format(role=role_name))
        name_label = QLabel(_("Printed name:"))
        name_label.setBuddy(self.name)
        self.name.textChanged.connect(self._name_changed)

        self.canvas = InkCanvas(_snapshot(existing.drawing) if existing else None,
                                hint=translate(SIGN_HERE, language))
        self.canvas.setAccessibleName(_("{role}: signature pad").format(role=role_name))
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.canvas.setFixedHeight(self.fontMetrics().lineSpacing() * PAD_HEIGHT_LINES)
        self.canvas.changed.connect(self._ink_changed)

        self.clear_button = QPushButton(_("Clear"))
        self.clear_button.setAccessibleName(_("{role}: clear the signature to sign again").format(role=role_name))
        self.clear_button.setToolTip(_("Clear the signature to sign again"))
        self.clear_button.clicked.connect(self.clear)

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.signed_at)
        name_row = QHBoxLayout()
        name_row.addWidget(name_label)
        name_row.addWidget(self.name, 1)
        bottom = QHBoxLayout()
        self.help = QLabel(_("Sign with a mouse, a pen or a finger."))
        self.help.setObjectName("Meta")
        self.help.setWordWrap(True)
        bottom.addWidget(self.help, 1)
        bottom.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.meaning)
        layout.addStretch(1)   # side by side, cards are as tall as the taller: their names and pads line up
        layout.addLayout(name_row)
        layout.addWidget(self.canvas)
        layout.addLayout(bottom)
        self.setTabOrder(self.name, self.canvas)
        self.setTabOrder(self.canvas, self.clear_button)
        self.refresh()

    # --- state -------------------------------------------------------------------------------
    def is_signed(self) -> bool:
        return self.role in self.consultation.signatures

    def is_locked(self) -> bool:
        return self.consultation.finalized_at is not None

    @Slot()
    def clear(self) -> None:
        if not self.is_locked():
            self.canvas.clear()   # emits changed: the signature goes from the consultation too

    @Slot()
    def _ink_changed(self) -> None:
        if self.is_locked():
            return
        drawing = self.canvas.drawing()
        if drawing.is_empty:
            self.consultation.clear_signature(self.role)
        else:
            self.consultation.sign(self.role, self.name.text().strip(), _snapshot(drawing))
        self.refresh()
        self.changed.emit()

    @Slot(str)
    def _name_changed(self, text: str) -> None:
        signature = self.consultation.signatures.get(self.role)
        if signature is not None and not self.is_locked():
            signature.name = text.strip()   # a corrected spelling; the time signed stays when it was signed
        self.changed.emit()

    def refresh(self) -> None:
        signature = self.consultation.signatures.get(self.role)
        locked = self.is_locked()
        if signature is not None:
            self.signed_at.setText("\u2713 " + _signed_text(signature.signed_at))
        else:
            self.signed_at.setText(_("Not signed") if locked else _("Not signed yet"))
        for widget in (self, self.signed_at):
            widget.setProperty("signed", "true" if signature is not None else "false")
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        self.canvas.set_read_only(locked)
        self.canvas.setFocusPolicy(Qt.FocusPolicy.NoFocus if locked else Qt.FocusPolicy.StrongFocus)
        self.name.setReadOnly(locked)
        self.clear_button.setVisible(not locked)
        self.clear_button.setEnabled(signature is not None)
        # Once finalized, an empty pad is not offered for signing any more ("Sign here" would mislead).
        self.canvas.setVisible(signature is not None or not locked)
        if not locked:
            self.help.setText(_("Sign with a mouse, a pen or a finger."))
        elif signature is not None:
            self.help.setText(_("Signature locked: the summary is finalized."))
        elif self.role == "patient" and self.consultation.patient_signature_missing_reason:
            reason = self.consultation.patient_signature_missing_reason
            self.help.setText(_("Not signed: {reason}").format(reason=reason))
        else:
            self.help.setText(_("Not signed when the summary was finalized."))
        self.setAccessibleName(f"{_(ROLE_NAMES[self.role])}: {self.signed_at.text()}")


class SigningPanel(QWidget):
    """The pads, the reason the patient does not sign now, and Finalize, with its problems beside it."""

    changed = Signal()
    finalized = Signal()
    summary_made = Signal(bytes)  # the PDF of the finalized consultation, once, for the record store
    preview_opened = Signal(object)  # the SummaryPreview, so the window can audit prints and exports

    def __init__(self, consultation: Consultation, parent=None):
        super().__init__(parent)
        self.setObjectName("SigningPanel")
        self.setStyleSheet(CARD_STYLE)
        self.consultation = consultation
        self.pdf: bytes | None = None
        self.job = None                # the SummaryJob making the PDF, while it runs
        self.preview = None
        self.audit_hash_source = None  # set by the window when a record store is open
        self.seal_data_dir = None      # the store's folder, which holds the seal key; None: the default
        self.seal_problem = ""         # why the certificate chosen in Settings was not used, if it was not
        self.copies = DEFAULT_COPIES
        self.logo_path = None
        self._problems_shown = False
        setup = consultation.setup

        title = QLabel(_("Signatures"))
        title.setObjectName("PageHeading")
        title.setAccessibleName(_("Signatures"))
        intro = QLabel(_("Each person signs in their own box. A signature can be cleared and signed again "
                         "until the summary is finalized."))
        intro.setObjectName("Meta")
        intro.setWordWrap(True)

        self.pads: dict[str, SignaturePad] = {}
        names = {"patient": setup.patient.name, "surgeon": setup.surgeon.name,
                 "interpreter": setup.interpreter.name if setup.interpreter else "", "witness": ""}
        # The interpreter, when there is one, before the optional witness.
        for role in sorted(SIGNER_ROLES, key=("patient", "surgeon", "interpreter", "witness").index):
            if role == "interpreter" and setup.interpreter is None and role not in consultation.signatures:
                continue
            pad = SignaturePad(consultation, role, names[role])
            pad.changed.connect(self._pad_changed)
            self.pads[role] = pad
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(14)
        self._columns = 0

        self.add_witness_button = QPushButton(_("Add a witness"))
        self.add_witness_button.setAccessibleName(self.add_witness_button.text())
        self.add_witness_button.setAccessibleDescription(_("Add a witness signature"))
        self.add_witness_button.clicked.connect(self.add_witness)

        # The reason the patient does not sign now: only while the patient's pad is empty.
        language = consultation.content.language
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason.addItem("")
        for reason in MISSING_REASONS:
            self.reason.addItem(translate(reason, language))
        self.reason.setEditText(consultation.patient_signature_missing_reason)
        self.reason.lineEdit().setPlaceholderText(_("Choose or type the reason, in the patient's language"))
        self.reason.setAccessibleName(_("Reason the patient does not sign now"))
        # The typing field inside the list is what takes the focus: it gets the same name.
        self.reason.lineEdit().setAccessibleName(_("Reason the patient does not sign now"))
        self.reason.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.reason.editTextChanged.connect(self._reason_changed)
        self.reason_label = QLabel(_("If the patient does not sign now, the reason:"))
        self.reason_label.setBuddy(self.reason)
        self.reason_label.setWordWrap(True)
        self.reason_note = QLabel()
        self.reason_note.setObjectName("Meta")
        self.reason_note.setWordWrap(True)

        self.paper = QComboBox()
        for key, label in PAPER_SIZES:
            self.paper.addItem(_(label), key)
        self.paper.setCurrentIndex(self.paper.findData(default_paper()))
        self.paper.setAccessibleName(_("Paper size of the summary"))
        paper_label = QLabel(_("Paper:"))
        paper_label.setBuddy(self.paper)
        # Large print (issue 18): chosen here for this consultation, Settings giving the default. The choice
        # is part of the record, so the sealed PDF, the stored copy and the printed pages are all this size.
        self.large_print = QCheckBox(_("Large print"))
        self.large_print.setChecked(bool(consultation.large_print))
        self.large_print.setAccessibleName(_("Large print"))
        self.large_print.setAccessibleDescription(_("Make the summary in large print (16 pt text) for this patient"))
        self.large_print.toggled.connect(self._large_print_chosen)
        self.finalize_button = QPushButton(_("Finalize summary"))
        self.finalize_button.setObjectName("PrimaryButton")
        self.finalize_button.setAccessibleName(self.finalize_button.text())
        self.finalize_button.setAccessibleDescription(_("Finalize the summary: lock the signatures and show the PDF"))
        self.finalize_button.clicked.connect(self.finalize)
        # Shown while the summary is made in the background: moving, so nobody thinks the app froze.
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(120)
        self.progress.setAccessibleName(_("Making the sealed summary…"))
        self.progress.hide()
        self.problems = QLabel()
        self.problems.setObjectName("FinalizeProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.problems.hide()

        self.reason_box = reason_box = QFrame()
        reason_box.setObjectName("ReasonBox")
        reason_box.setStyleSheet(f"QFrame#ReasonBox {{ background: {SURFACE}; border: 1px solid {BORDER}; "
                                 "border-radius: 8px; }")
        reason_layout = QVBoxLayout(reason_box)
        reason_layout.setContentsMargins(14, 10, 14, 10)
        reason_layout.setSpacing(6)
        reason_layout.addWidget(self.reason_label)
        reason_layout.addWidget(self.reason)
        reason_layout.addWidget(self.reason_note)

        controls = QHBoxLayout()
        controls.setSpacing(10)
        controls.addWidget(paper_label)
        controls.addWidget(self.paper)
        controls.addWidget(self.large_print)
        controls.addSpacing(6)
        controls.addWidget(self.finalize_button)
        controls.addWidget(self.progress)
        finalize_row = QHBoxLayout()
        finalize_row.setSpacing(14)
        finalize_row.addLayout(controls)
        finalize_row.setAlignment(controls, Qt.AlignmentFlag.AlignTop)
        finalize_row.addWidget(self.problems, 1)

        witness_row = QHBoxLayout()
        witness_row.addWidget(self.add_witness_button)
        witness_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 8)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(self.grid)
        layout.addLayout(witness_row)
        layout.addWidget(reason_box)
        layout.addLayout(finalize_row)
        self._arrange(2)
        # The witness is optional: their pad appears when asked for (or when the record has their signature).
        has_witness = "witness" in consultation.signatures
        self.pads["witness"].setVisible(has_witness)
        self.add_witness_button.setVisible(not has_witness)
        self._set_tab_order()
        self.refresh()

    # --- layout ------------------------------------------------------------------------------
    def _arrange(self, columns: int) -> None:
        """Two pads side by side, or one per row when the page is narrow (large presentation sizes)."""
        if columns == self._columns:
            return
        self._columns = columns
        for pad in self.pads.values():
            self.grid.removeWidget(pad)
        for index, pad in enumerate(self.pads.values()):
            self.grid.addWidget(pad, index // columns, index % columns)
        for column in range(2):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        wide_enough = self.width() >= self.fontMetrics().averageCharWidth() * 90
        self._arrange(2 if wide_enough else 1)

    def _set_tab_order(self) -> None:
        chain = []
        for pad in self.pads.values():
            chain += [pad.name, pad.canvas, pad.clear_button]
        chain += [self.add_witness_button, self.reason, self.paper, self.large_print, self.finalize_button]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    # --- state -------------------------------------------------------------------------------
    def is_finalized(self) -> bool:
        return self.consultation.finalized_at is not None

    @Slot()
    def add_witness(self) -> None:
        pad = self.pads["witness"]
        pad.show()
        self.add_witness_button.hide()
        pad.name.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _pad_changed(self) -> None:
        self.refresh()
        self.changed.emit()

    @Slot(str)
    def _reason_changed(self, text: str) -> None:
        if self.reason.isEnabled() and not self.is_finalized():
            self.consultation.patient_signature_missing_reason = text.strip()
        self.refresh()
        self.changed.emit()

    def _confirm_undiscussed(self) -> bool:
        """Items left unticked do not stop finalizing (the surgeon may have covered them otherwise), but
        they are named, once, in one question, so nothing is signed off without a word."""
        from consultaid.consultation.review import review_items
        from consultaid.i18n import ngettext
        from consultaid.ui.services.messages import messages

        left = [(section.title, item.label) for section in review_items(self.consultation)
                for item in section.items if item.discussed is False]
        if not left:
            return True
        listed = "\n".join(f"\u2022 {title}: {label}" for title, label in left[:MAX_LISTED])
        if len(left) > MAX_LISTED:
            more = len(left) - MAX_LISTED
            listed += "\n" + ngettext("and {count} more", "and {count} more", more).format(count=more)
        text = ngettext("{count} item is not ticked as discussed:", "{count} items are not ticked as discussed:",
                        len(left)).format(count=len(left))
        return messages.confirm(self, _("Finalize with items not discussed?"),
                                text + "\n" + listed + "\n\n" + _("Once finalized, the summary cannot be changed."),
                                _("Finalize anyway"), _("Go back"))

    def problems_now(self) -> list[str]:
        """Why the summary cannot be finalized yet: the consultation's rules, then the printed names."""
        problems = list(self.consultation.finalize_problems())
        for role, signature in self.consultation.signatures.items():
            if not signature.name.strip():
                problems.append(_("{role}: enter the printed name.").format(role=_(ROLE_NAMES[role])))
        return problems

    def refresh(self) -> None:
        finalized = self.is_finalized()
        patient_signed = "patient" in self.consultation.signatures
        # The reason counts only while the patient's pad is empty; the text is kept if they sign later.
        self.reason.setEnabled(not patient_signed and not finalized)
        if patient_signed and not finalized:
            self.consultation.patient_signature_missing_reason = ""
        elif not finalized:
            self.consultation.patient_signature_missing_reason = self.reason.currentText().strip()
        self.reason_note.setText(_("The patient has signed: no reason is needed.") if patient_signed else
                                 _("Printed on the summary in place of the patient's signature."))
        for pad in self.pads.values():
            pad.refresh()
        self.add_witness_button.setVisible(not finalized and not self.pads["witness"].isVisibleTo(self))
        self.reason_box.setVisible(not (finalized and patient_signed))
        if finalized and "witness" not in self.consultation.signatures:
            self.pads["witness"].hide()   # a witness pad opened but not signed is not part of the record
        self.paper.setEnabled(not finalized)
        self.large_print.setEnabled(not finalized)
        if finalized:
            when = self.consultation.finalized_at
            self.finalize_button.setText(_("Show the summary"))
            self.finalize_button.setAccessibleName(self.finalize_button.text())
            self.finalize_button.setAccessibleDescription(_("Show the finalized summary"))
            finalized = _("Finalized on {date} at {time}. The signatures can no longer be changed.").format(
                date=format_long_date(when.date(), interface_language()), time=when.strftime("%H:%M"))
            self._show_message("\u2713 " + finalized, SUCCESS_INK)
        elif self._problems_shown:
            self._show_problems(self.problems_now())

    def _show_message(self, text: str, colour: str, background: str = "transparent") -> None:
        self.problems.setStyleSheet(f"QLabel#FinalizeProblems {{ color: {colour}; background: {background}; "
                                    "border-radius: 6px; padding: 6px 10px; }")
        self.problems.setText(text)
        self.problems.setAccessibleName(text)
        self.problems.setVisible(bool(text))

    def _show_problems(self, problems: list[str]) -> None:
        if problems:
            self._show_message("\n".join(f"\u26a0 {problem}" for problem in problems), ERROR_INK, WARNING_BG)
        else:
            self._show_message("\u2713 " + _("Ready to finalize."), SUCCESS_INK)

    # --- finalize ----------------------------------------------------------------------------
    @Slot()
    def finalize(self) -> None:
        if self.is_finalized():
            self.show_summary()
            return
        problems = self.problems_now()
        if problems:
            self._problems_shown = True
            self._show_problems(problems)
            return
        if not self._confirm_undiscussed():
            return
        self.consultation.large_print = self.large_print.isChecked()   # the finalized record always says which
        self.consultation.finalize()
        log.info("consultation finalized")
        self.refresh()
        self.finalized.emit()
        self.changed.emit()
        self.show_summary()

    def paper_size(self) -> str:
        return self.paper.currentData()

    @Slot(bool)
    def _large_print_chosen(self, checked: bool) -> None:
        if not self.is_finalized():
            self.consultation.large_print = checked
            self.changed.emit()

    def apply_settings(self, paper: str, copies: int, logo_path: str, large_print: bool = False) -> None:
        """The clinic's choices from Settings: default paper, copies to print, logo on the summary, and large
        print unless this consultation already has its own choice."""
        if not self.is_finalized():
            self.paper.setCurrentIndex(max(0, self.paper.findData(paper)))
            if self.consultation.large_print is None:
                self.large_print.blockSignals(True)   # a default, not a choice made for this patient
                self.large_print.setChecked(large_print)
                self.large_print.blockSignals(False)
        self.copies = copies
        self.logo_path = logo_path or None

    def _seal_source(self):
        """What makes the seal, called in the worker: the certificate chosen in Settings, opened here on the
        GUI thread because it may ask for its passphrase, or else this installation's self-signed seal,
        whose key is made (seconds, the first time) or loaded in the worker. When the chosen certificate
        cannot be opened, the installation's seal is used and the surgeon is told why."""
        from consultaid.report.seal import SealError, load_seal
        from consultaid.settings import load_settings

        settings = load_settings()
        self.seal_problem = ""
        if settings.seal_certificate:
            try:
                seal = load_seal(settings, self.seal_data_dir, ask_passphrase=self._ask_passphrase)
                return lambda: seal
            except SealError as error:
                log.warning("the configured seal certificate could not be used")
                self.seal_problem = str(error)
        data_dir = self.seal_data_dir
        return lambda: load_seal(None, data_dir)

    def _ask_passphrase(self, path) -> str | None:
        from consultaid.ui.services.messages import messages

        return messages.ask_secret(self, _("Seal certificate"), _(
            "Passphrase of the seal certificate {path}: ").format(path=path))

    def is_making_summary(self) -> bool:
        return self.job is not None and self.job.is_running()

    @Slot()
    def show_summary(self) -> None:
        """Opens the finalized summary's preview; the first time, makes it first (PDF/A, record attached,
        sealed: consultaid/report/seal.py) in a worker thread, the window staying responsive meanwhile."""
        if self.pdf is not None:
            self._open_preview()
            return
        if self.job is not None:
            return  # already being made: its preview opens when it is done
        from consultaid.ui.services.summary_job import SummaryJob

        if self.audit_hash_source is not None:
            self.consultation.audit_hash = self.audit_hash_source()
        self.job = SummaryJob(self.consultation.to_record(), self.paper_size(), self.logo_path, self._seal_source(),
                              self)
        self.job.done.connect(self._summary_done)
        self.job.failed.connect(self._summary_failed)
        self.finalize_button.setEnabled(False)
        self.progress.show()
        self._show_message(_("Making the sealed summary…"), MUTED)
        self.job.start()

    def finish_pending_summary(self, timeout: float = 120.0) -> None:
        """Before the consultation is closed: let a summary being made arrive, so it is stored, not lost."""
        from PySide6.QtWidgets import QApplication

        if self.job is not None and self.job.join(timeout):
            QApplication.processEvents()  # delivers the job's queued result

    @Slot(bytes)
    def _summary_done(self, pdf: bytes) -> None:
        self._end_job()
        self.pdf = pdf
        self.refresh()  # "Finalized on …" again, in place of the progress message
        self.summary_made.emit(self.pdf)
        if self.seal_problem:
            warning = _("Sealed with this installation's self-signed seal: {reason}").format(
                reason=self.seal_problem)
            self._show_message("\u26a0 " + warning, ERROR_INK, WARNING_BG)
        self._open_preview()

    @Slot(str)
    def _summary_failed(self, reason: str) -> None:
        self._end_job()
        self._show_message("\u26a0 " + _("The summary could not be made: {error}").format(error=reason),
                           ERROR_INK, WARNING_BG)

    def _end_job(self) -> None:
        self.job = None
        self.progress.hide()
        self.finalize_button.setEnabled(True)

    def _open_preview(self) -> None:
        from consultaid.ui.dialogs.summary_preview import SummaryPreview

        record_id = self.consultation.id
        if self.preview is not None:
            self.preview.close()   # one preview at a time
        self.preview = SummaryPreview(self.pdf, copies=self.copies, title=f"ConsultAid summary {record_id[:8]}",
                                      suggested_name=summary_file_name(self.consultation), parent=self.window())
        self.preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.preview.destroyed.connect(self._preview_gone)
        self.preview_opened.emit(self.preview)
        self.preview.open()

    @Slot()
    def _preview_gone(self) -> None:
        self.preview = None


def summary_file_name(consultation: Consultation) -> str:
    """A file name without patient data: the date and the start of the consultation's id."""
    day = (consultation.finalized_at or consultation.started_at).strftime("%Y-%m-%d")
    return f"consultaid-summary-{day}-{consultation.id[:8]}.pdf"
