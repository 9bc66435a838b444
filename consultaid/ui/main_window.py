"""The main window: the procedure library in the chosen patient language, and any pack that failed to load."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from consultaid import __version__
from consultaid.content.library import ContentLibrary
from consultaid.content.model import ProcedurePack
from consultaid.content.wording import render
from consultaid.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, _
from consultaid.ui.style import apply_style

PACK_ROLE = Qt.ItemDataRole.UserRole


class BrokenPacksBanner(QFrame):
    """Says which packs could not be loaded and why, without hiding the ones that did."""

    def __init__(self, library: ContentLibrary, parent=None):
        super().__init__(parent)
        self.setObjectName("Banner")
        self.library = library
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        names = ", ".join(broken.folder.name for broken in library.broken)
        first = library.broken[0].problems[0] if library.broken and library.broken[0].problems else None
        text = _("{count} procedure pack(s) could not be loaded and are not shown: {names}.").format(
            count=len(library.broken), names=names)
        if first is not None:
            text += " " + _("First problem: {file}, line {line}: {message}").format(
                file=first.file.name, line=first.line, message=first.message)
        self.message = QLabel(text)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        details = QPushButton(_("Details…"))
        details.setAccessibleName(_("Show every problem in the broken packs"))
        details.clicked.connect(self.show_details)
        layout.addWidget(self.message, 1)
        layout.addWidget(details, 0, Qt.AlignmentFlag.AlignTop)

    @Slot()
    def show_details(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle(_("Packs that could not be loaded"))
        dialog.resize(820, 420)
        layout = QVBoxLayout(dialog)
        report = QPlainTextEdit(dialog)
        report.setReadOnly(True)
        report.setPlainText("\n".join(str(problem) for broken in self.library.broken for problem in broken.problems))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(report)
        layout.addWidget(buttons)
        dialog.open()


class PackOverview(QScrollArea):
    """What a procedure pack holds, in one language: enough to choose it (the consultation comes next)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        body = QWidget()
        body.setObjectName("OverviewBody")
        self.layout_ = QVBoxLayout(body)
        self.layout_.setContentsMargins(24, 16, 24, 16)
        self.layout_.setSpacing(10)
        self.title = QLabel()
        self.title.setObjectName("PackTitle")
        self.title.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.meta = QLabel()
        self.meta.setObjectName("Meta")
        self.meta.setWordWrap(True)
        self.contents = QLabel()
        self.contents.setWordWrap(True)
        self.contents.setTextFormat(Qt.TextFormat.RichText)
        for widget in (self.title, self.summary, self.meta, self.contents):
            self.layout_.addWidget(widget)
        self.layout_.addStretch(1)
        self.setWidget(body)

    def show_pack(self, pack: ProcedurePack | None, language: str) -> None:
        if pack is None:
            self.title.setText(_("No procedure selected"))
            for label in (self.summary, self.meta, self.contents):
                label.clear()
            return
        texts = pack.texts[language]
        self.title.setText(texts.title)
        self.summary.setText(render(pack, language, texts.summary))
        self.meta.setText(_("Content pack {id}, version {version}, fingerprint {fingerprint}").format(
            id=pack.id, version=pack.version, fingerprint=pack.short_fingerprint))
        sections = "".join(f"<li>{_escape(texts.entry('sections', s.id)['title'])}</li>" for s in pack.sections)
        sources = "".join(f"<li>{_escape(texts.entry('sources', s.id))} <i>({_escape(s.file)})</i></li>"
                          for s in pack.sources)
        counts = _("{risks} risks, {benefits} benefits, {milestones} recovery milestones").format(
            risks=len(pack.risks), benefits=len(pack.benefits), milestones=len(pack.milestones))
        html = f"<h3>{_escape(_('Explanation'))}</h3><ol>{sections}</ol><p>{_escape(counts)}</p>"
        if pack.reviews:
            notes = "".join(f"<li>{_escape(render(pack, language, texts.entry('reviews', r.id)))}</li>"
                            for r in pack.reviews)
            html += "<h3>{}</h3><p>{}</p><ul>{}</ul>".format(
                _escape(_("For the surgeon to review")),
                _escape(_("{count} point(s) where the sources disagree or look doubtful.").format(
                    count=len(pack.reviews))), notes)
        html += f"<h3>{_escape(_('Sources'))}</h3><ul>{sources}</ul>"
        self.contents.setText(html)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class MainWindow(QMainWindow):
    def __init__(self, library: ContentLibrary, content_language: str = "en", store=None):
        super().__init__()
        self.library = library
        self.store = store
        self.autosaver = None
        self.content_language = content_language
        self.setWindowTitle(_("ConsultAid"))
        self.resize(1180, 760)

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(20, 16, 20, 16)
        outer.setSpacing(12)

        header = QHBoxLayout()
        titles = QVBoxLayout()
        title = QLabel(_("ConsultAid"))
        title.setObjectName("AppTitle")
        tagline = QLabel(_("Choose the procedure to discuss with your patient."))
        tagline.setObjectName("AppTagline")
        titles.addWidget(title)
        titles.addWidget(tagline)
        header.addLayout(titles, 1)
        header.addWidget(QLabel(_("Patient language:")))
        self.language_buttons = QButtonGroup(self)
        for language in SUPPORTED_LANGUAGES:
            button = QPushButton(LANGUAGE_NAMES[language])
            button.setCheckable(True)
            button.setAccessibleName(_("Show procedures in {language}").format(language=LANGUAGE_NAMES[language]))
            button.setProperty("language", language)
            button.setChecked(language == content_language)
            self.language_buttons.addButton(button)
            header.addWidget(button)
        self.language_buttons.buttonClicked.connect(self.on_language_clicked)
        outer.addLayout(header)

        self.banner = BrokenPacksBanner(library) if library.broken else None
        if self.banner is not None:
            outer.addWidget(self.banner)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(_("PROCEDURES"))
        heading.setObjectName("SectionHeading")
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search procedures…"))
        self.search.setAccessibleName(_("Search procedures"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh_list)
        self.procedures = QListWidget()
        self.procedures.setAccessibleName(_("Procedures"))
        self.procedures.currentItemChanged.connect(self.on_current_changed)
        self.empty_note = QLabel()
        self.empty_note.setObjectName("Meta")
        self.empty_note.setWordWrap(True)
        left_layout.addWidget(heading)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.procedures, 1)
        left_layout.addWidget(self.empty_note)
        self.overview = PackOverview()
        splitter.addWidget(left)
        splitter.addWidget(self.overview)
        splitter.setSizes([380, 800])
        outer.addWidget(splitter, 1)
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.records_button = QPushButton(_("Records…"))
        self.records_button.setAccessibleName(_("Find past consultations, drafts and signed summaries"))
        self.records_button.setShortcut(QKeySequence("Ctrl+H"))
        self.records_button.setToolTip(_("Ctrl+H"))
        self.records_button.clicked.connect(self.show_history)
        actions.addWidget(self.records_button)
        self.start_button = QPushButton(_("Start consultation…"))
        self.start_button.setObjectName("PrimaryButton")
        self.start_button.setAccessibleName(_("Start a consultation with the selected procedure"))
        self.start_button.setShortcut(QKeySequence.StandardKey.New)
        self.start_button.setToolTip(_("Ctrl+N"))
        self.start_button.clicked.connect(self.start_consultation)
        actions.addWidget(self.start_button)
        outer.addLayout(actions)

        self.stack = QStackedWidget()
        self.stack.addWidget(central)
        self.setCentralWidget(self.stack)
        self.consultation_view = None
        self.history_view = None
        self.statusBar().showMessage(_("ConsultAid {version}").format(version=__version__))
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self._focus_search)
        QShortcut(QKeySequence.StandardKey.ZoomIn, self, activated=lambda: self.zoom(+0.25))
        QShortcut(QKeySequence("Ctrl+="), self, activated=lambda: self.zoom(+0.25))
        QShortcut(QKeySequence.StandardKey.ZoomOut, self, activated=lambda: self.zoom(-0.25))
        QShortcut(QKeySequence("Ctrl+0"), self, activated=lambda: self.zoom(0))
        self.zoom_factor = 1.0
        self.refresh_list()

    def zoom(self, step: float) -> None:
        """Presentation size, 100 % to 200 %: the whole interface grows with its font."""
        from PySide6.QtWidgets import QApplication

        self.zoom_factor = 1.0 if step == 0 else min(2.0, max(1.0, self.zoom_factor + step))
        apply_style(QApplication.instance(), self.zoom_factor)
        self.statusBar().showMessage(_("Presentation size: {percent} %").format(percent=round(self.zoom_factor * 100)))

    @Slot()
    def _focus_search(self) -> None:
        shown = self.stack.currentWidget()
        (shown.search if shown is self.history_view else self.search).setFocus()

    @Slot()
    def show_history(self) -> None:
        """The records, as a page of the window: search, resume a draft, reprint or export a signed PDF."""
        from consultaid.ui.history_view import HistoryView

        if self.consultation_view is not None:
            return
        if self.history_view is None:
            self.history_view = HistoryView(self.store, self.library)
            self.history_view.back_requested.connect(self.close_history)
            self.history_view.resume_requested.connect(self.open_consultation)
            self.history_view.correction_requested.connect(self.start_correction)
            self.stack.addWidget(self.history_view)
        self.stack.setCurrentWidget(self.history_view)
        self.history_view.refresh()   # what was stored since it was last shown
        self.history_view.search.setFocus()

    @Slot()
    def close_history(self) -> None:
        self.stack.setCurrentIndex(0)
        self.search.setFocus()

    @Slot()
    def start_consultation(self) -> None:
        from consultaid.ui.start_dialog import StartConsultationDialog
        from consultaid.ui.surgeon_profile import load_surgeon

        pack = self.current_pack()
        self.start_dialog = StartConsultationDialog(self.library, surgeon=load_surgeon(),
                                                    procedure_id=pack.id if pack else None,
                                                    patient_language=self.content_language, parent=self)
        self.start_dialog.accepted.connect(self._start_from_dialog)
        self.start_dialog.open()

    @Slot()
    def _start_from_dialog(self) -> None:
        from consultaid.consultation.session import Consultation
        from consultaid.consultation.shown_content import shown_content
        from consultaid.ui.surgeon_profile import save_surgeon

        setup = self.start_dialog.result_setup
        save_surgeon(setup.surgeon)
        chosen = self.library.get(setup.procedure_id)
        self.open_consultation(Consultation(setup, shown_content(chosen, setup.patient_language)))

    @Slot(int)
    def start_correction(self, record_id: int) -> None:
        """A corrected version: the stored record reopened unsigned; finalizing stores version N+1 linked
        to it, and the signed original stays as it was."""
        from consultaid.consultation.session import Consultation

        record, _pdf = self.store.record(record_id)
        consultation = Consultation.from_record(record)
        consultation.finalized_at = consultation.ended_at = None
        consultation.signatures = {}
        consultation.patient_signature_missing_reason = consultation.audit_hash = ""
        self.open_consultation(consultation)
        self.corrects = record_id

    def open_consultation(self, consultation) -> None:
        from consultaid.ui.consultation_view import ConsultationView

        self.corrects = None
        self.consultation_view = ConsultationView(consultation)
        self.consultation_view.finished.connect(self.close_consultation)
        self.stack.addWidget(self.consultation_view)
        self.stack.setCurrentWidget(self.consultation_view)
        if self.store is not None:
            from consultaid.ui.autosave import Autosaver

            self.autosaver = Autosaver(self.store, consultation, self)
            self.consultation_view.changed.connect(self.autosaver.changed)
            self.autosaver.saved.connect(self._saved)
            self.autosaver.failed.connect(self._save_failed)
            self.autosaver.save_now()  # a consultation exists in the store from its first second
            signing = self.consultation_view.page_for["review"].signing
            signing.audit_hash_source = self.store.latest_audit_hash
            signing.summary_made.connect(self._store_finalized)
            signing.preview_opened.connect(lambda preview, c=consultation: preview.handed_out.connect(
                lambda action: self._audit_hand_out(action, c)))

    def _store_finalized(self, pdf: bytes) -> None:
        """The finalized record and the exact PDF bytes go into the store in one transaction."""
        from consultaid.consultation.store import StoreError

        consultation = self.consultation_view.consultation
        self.unstored_summary = (consultation.to_record(), pdf, getattr(self, "corrects", None))
        try:
            self.stored_record_id = self.store.finalize(*self.unstored_summary)
        except StoreError as error:  # kept in memory; closing the consultation tries again
            self.statusBar().showMessage("\u26a0 " + _("The signed summary is not stored yet: {reason}").format(
                reason=error))
            return False
        self.unstored_summary = None
        self.corrects = None
        self.statusBar().showMessage(_("The signed summary is stored in the records."))
        return True

    def _audit_hand_out(self, action: str, consultation) -> None:
        from consultaid.consultation.store import StoreError

        try:
            version = self.store.connection.execute(
                "SELECT MAX(version) FROM records WHERE consultation_id = ?", (consultation.id,)).fetchone()[0]
            self.store.log(action, f"{consultation.id} v{version or 1}")
        except StoreError as error:
            self.statusBar().showMessage("\u26a0 " + str(error))

    def _retry_store(self) -> bool:
        from consultaid.consultation.store import StoreError
        from consultaid.ui.messages import messages

        try:
            self.stored_record_id = self.store.finalize(*self.unstored_summary)
        except StoreError as error:
            return messages.confirm(self, _("The signed summary could not be stored"),
                                    _("{reason} Save the PDF from the preview before closing, or it is lost.")
                                    .format(reason=error), _("Close anyway"), _("Go back"))
        self.unstored_summary = None
        return True

    def _saved(self, _revision: int) -> None:
        from datetime import datetime

        self.statusBar().showMessage(_("Saved at {time}").format(time=datetime.now().strftime("%H:%M:%S")))

    def _save_failed(self, message: str) -> None:
        self.statusBar().showMessage("\u26a0 " + _("Not saved: {reason} Your work is kept on screen; it will be "
                                                    "saved again at the next change.").format(reason=message))

    @Slot()
    def offer_recovery(self) -> None:
        """After a crash, the interrupted consultation is offered: resume it, or set it aside (kept)."""
        from consultaid.consultation.session import Consultation
        from consultaid.ui.messages import messages

        if self.store is None or self.consultation_view is not None:
            return
        for draft in self.store.drafts("open"):
            pack = self.library.get(draft.procedure_id)
            procedure = pack.title(self.content_language) if pack and self.content_language in pack.texts \
                else draft.procedure_id
            choice = messages.choose(
                self, _("Resume the interrupted consultation?"),
                _("The consultation with {patient} ({procedure}), last saved {saved}, was interrupted.").format(
                    patient=draft.patient_name, procedure=procedure, saved=draft.saved_at[:16].replace("T", " ")),
                [_("Resume it"), _("Set it aside (it stays in the records)")])
            if choice == 0:
                self.open_consultation(Consultation.from_record(self.store.resume_draft(draft.consultation_id)))
                return
            self.store.set_draft_aside(draft.consultation_id)

    @Slot()
    def close_consultation(self) -> bool:
        """Back to the library; asks first when the consultation has not been finalized."""
        from consultaid.ui.messages import messages

        view = self.consultation_view
        if view is None:
            return True
        if getattr(self, "unstored_summary", None) is not None and not self._retry_store():
            return False
        saved = self.autosaver is not None and self.autosaver.save_now()
        if saved and view.consultation.finalized_at is None:
            self.store.set_draft_aside(view.consultation.id)  # closed on purpose: not offered as a crash
        elif view.consultation.finalized_at is None and not messages.confirm(
                self, _("Close this consultation?"),
                _("It has not been finalized. What was entered and drawn will not be kept."),
                _("Close without keeping"), _("Go back to the consultation")):
            return False
        view.consultation.end()
        self.autosaver = None
        self.stack.setCurrentIndex(0)
        self.stack.removeWidget(view)
        view.deleteLater()
        self.consultation_view = None
        return True

    def closeEvent(self, event) -> None:
        if self.close_consultation():
            event.accept()
        else:
            event.ignore()

    @Slot(QPushButton)
    def on_language_clicked(self, button) -> None:
        self.set_content_language(button.property("language"))

    def set_content_language(self, language: str) -> None:
        self.content_language = language
        for button in self.language_buttons.buttons():
            button.setChecked(button.property("language") == language)
        self.refresh_list()

    @Slot()
    def refresh_list(self) -> None:
        wanted = self.search.text().strip().casefold()
        current = self.current_pack()
        self.procedures.clear()
        for pack in self.library.in_language(self.content_language):
            texts = pack.texts[self.content_language]
            if wanted and wanted not in (texts.title + " " + texts.summary + " " + pack.id).casefold():
                continue
            item = QListWidgetItem(texts.title)
            item.setData(PACK_ROLE, pack.id)
            item.setToolTip(render(pack, self.content_language, texts.summary))
            self.procedures.addItem(item)
            if current is not None and pack.id == current.id:
                self.procedures.setCurrentItem(item)
        if self.procedures.count() and self.procedures.currentItem() is None:
            self.procedures.setCurrentRow(0)
        if not self.procedures.count():
            self.overview.show_pack(None, self.content_language)
        self.empty_note.setText("" if self.procedures.count() else (
            _("No procedure matches your search.") if wanted else _("No procedure is available in this language.")))

    def current_pack(self) -> ProcedurePack | None:
        item = self.procedures.currentItem()
        return self.library.get(item.data(PACK_ROLE)) if item is not None else None

    @Slot()
    def on_current_changed(self, *_items) -> None:
        pack = self.current_pack()
        if pack is not None:
            self.overview.show_pack(pack, self.content_language)
