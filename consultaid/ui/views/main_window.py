"""The main window: the library, a consultation or the records, one at a time in a stack.

Every screen is rebuilt from the state it shows (the library, the Consultation, the store) when the
interface language changes, so no widget has to know how to translate itself again."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Slot
from PySide6.QtGui import QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QStackedWidget

from consultaid import __version__
from consultaid.content.library import ContentLibrary
from consultaid.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, _, interface_language, set_interface_language
from consultaid.ui.services.screen_fit import fit_main_window, keep_on_screen, snap_frame_to_area
from consultaid.ui.services.style import apply_style
from consultaid.ui.views.library_page import LibraryPage

if TYPE_CHECKING:
    from consultaid.ui.services.idle_lock import IdleLock

log = logging.getLogger(__name__)

# How often the clinic server is tried again while offline, and the status bar's note brought up to date.
SERVER_TICK_MS = 5000
# Every this many ticks, the lease on the open draft is renewed (well inside its 120 s).
LEASE_RENEWAL_TICKS = 6


class MainWindow(QMainWindow):
    def __init__(self, library: ContentLibrary, content_language: str = "en", store=None):
        super().__init__()
        self.library = library
        self.store = store
        self.autosaver = None
        self.stored_summaries: set[tuple] = set()
        fit_main_window(self)
        self._fitted = self.geometry()   # the snap below only corrects this guess, never a size chosen since
        # Then, once the window manager has drawn its frame (a few tries: it comes after the first show),
        # the frame over the available area.
        self._frame_tries = 0
        self._frame_timer = QTimer(self)
        self._frame_timer.setInterval(50)
        self._frame_timer.timeout.connect(self._snap_frame)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.consultation_view = None
        self.history_view = None
        self.library_page = None
        self.high_contrast = False
        self.zoom_factor = 1.0
        self.read_only = False     # a consultation another workstation has open, shown here without saving
        self._build_library(content_language)
        self._build_menus()
        self.statusBar().showMessage(_("ConsultAid {version}").format(version=__version__))
        # Always in the status bar: where the records are and whether everything reached the server.
        self.records_place = QLabel()
        self.records_place.setObjectName("RecordsPlace")
        self.statusBar().addPermanentWidget(self.records_place)
        if store is not None:
            self.show_whereabouts()
        else:   # the app opens the store just after the first paint (ui/app.py), which then says where
            self.records_place.setText(_("Records: opening…"))
            self.records_place.setAccessibleName(self.records_place.text())
        self._ticks = 0
        self.server_timer = QTimer(self)
        self.server_timer.setInterval(SERVER_TICK_MS)
        self.server_timer.timeout.connect(self._server_tick)
        self.server_timer.start()
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self._focus_search)
        QShortcut(QKeySequence("Ctrl+="), self, activated=lambda: self.zoom(+0.25))  # "+" without Shift
        self.idle_lock: IdleLock | None = None   # start_idle_lock: just after the first paint
        self.outbox_sender = None   # configure_outbox: once the store is attached (ui/app.py)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._frame_tries == 0:
            self._frame_timer.start()

    def _snap_frame(self) -> None:
        self._frame_tries += 1
        if self.geometry() != self._fitted or snap_frame_to_area(self) or self._frame_tries >= 40:
            self._frame_timer.stop()

    def configure_outbox(self) -> None:
        """Settings › Hospital record, applied: what finalize queues, and the background sender, which runs
        only while a destination is configured (none by default: then no socket is ever opened)."""
        from consultaid.settings import load_settings

        configured = load_settings().hospital
        if self.store is None:
            return
        self.store.outbox_destinations = configured.destinations()
        if self.outbox_sender is not None:
            self.outbox_sender.stop()
            self.outbox_sender = None
        if not configured.destinations():
            return   # the sender's modules (HTTP, MLLP, TLS) are not even imported: a cold start pays nothing
        from consultaid.hospital.outbox_settings import credentials, hospital_settings
        from consultaid.ui.services.outbox_sender import BackgroundSender

        opener = outbox_store_opener(self.store)
        if opener is not None:
            self.outbox_sender = BackgroundSender(opener, hospital_settings(configured), credentials(configured),
                                                  parent=self)
            self.outbox_sender.passed.connect(self._outbox_passed)
            self.outbox_sender.start()

    @Slot(object)
    def _outbox_passed(self, outcomes: list) -> None:
        """After a pass that sent something: the records view shows the new states."""
        if outcomes and self.history_view is not None and self.stack.currentWidget() is self.history_view:
            self.history_view.refresh()

    def wake_outbox(self) -> None:
        if self.outbox_sender is not None:
            self.outbox_sender.wake()

    def show_whereabouts(self) -> None:
        """The status bar's permanent note: this workstation or the clinic server, online or not, what waits."""
        from consultaid.consultation.store import StoreError
        from consultaid.ui.widgets.records_place import describe

        try:
            text, warning = describe(self.store)
        except StoreError as error:   # the local queue could not be read: said, never raised from a timer
            text, warning = "\u26a0 " + str(error), True
        self.records_place.setText(text)
        self.records_place.setAccessibleName(text)
        sheet = "color: #8a1c00; font-weight: bold;" if warning else ""
        if self.records_place.styleSheet() != sheet:   # the server tick asks every 5 s: restyle only on a change
            self.records_place.setStyleSheet(sheet)

    @Slot()
    def _server_tick(self) -> None:
        """With a clinic server: try it again while offline (the queue is then sent), renew this room's
        lease on the open draft, and bring the status bar's note up to date."""
        from consultaid.consultation.store import StoreError

        self._ticks += 1
        try:
            if hasattr(self.store, "check"):
                self.store.check()
            view = self.consultation_view
            if (self._ticks % LEASE_RENEWAL_TICKS == 0 and view is not None and not self.read_only
                    and view.consultation.finalized_at is None and hasattr(self.store, "renew_lease")):
                self.store.renew_lease(view.consultation.id)
        except StoreError as error:
            log.warning("the clinic server tick failed (%s)", error.kind)
        self.show_whereabouts()

    def start_idle_lock(self) -> IdleLock:
        """After the configured minutes without input, or at Ctrl+L: save, hide everything, ask the PIN.
        Started by the app just after the first paint (no one types to a window not yet shown, and the
        first screen does not wait for the settings and the lock's module), or by the first thing needing it."""
        if self.idle_lock is None:
            from consultaid.settings import load_settings
            from consultaid.ui.services.idle_lock import IdleLock

            self.idle_lock = IdleLock(self, load_settings().lock_after_minutes)
        return self.idle_lock

    # --- the library page, and what the tests and other screens reach through the window -----------
    def _build_library(self, content_language: str) -> None:
        page = LibraryPage(self.library, content_language)
        page.start_requested.connect(self.start_consultation)
        page.records_requested.connect(self.show_history)
        if self.library_page is not None:
            self.stack.removeWidget(self.library_page)
            self.library_page.deleteLater()
        self.library_page = page
        # Larger type, from the app's zoom or the desktop's scaling (200 %: the list is 282 px wide for 333 px
        # of title), wraps long titles instead of a sideways scroll bar.
        if getattr(self, "zoom_factor", 1.0) > 1.0 or self.devicePixelRatioF() > 1.0:
            page.wrap_long_titles()
        self.stack.insertWidget(0, page)
        self.setWindowTitle(_("ConsultAid"))

    # The library's widgets, reached through the window by the other screens and the tests.
    procedures = property(lambda self: self.library_page.procedures)
    search = property(lambda self: self.library_page.search)
    start_button = property(lambda self: self.library_page.start_button)
    records_button = property(lambda self: self.library_page.records_button)
    language_buttons = property(lambda self: self.library_page.language_buttons)
    overview = property(lambda self: self.library_page.overview)
    banner = property(lambda self: self.library_page.banner)
    empty_note = property(lambda self: self.library_page.empty_note)
    content_language = property(lambda self: self.library_page.content_language)

    def current_pack(self):
        return self.library_page.current_pack()

    def set_content_language(self, language: str) -> None:
        self.library_page.set_content_language(language)

    def _build_menus(self) -> None:
        """Menus show every shortcut; rebuilt with the interface language."""
        bar = self.menuBar()
        bar.clear()
        consultation = bar.addMenu(_("&Consultation"))
        consultation.addAction(_("&Start consultation…"), QKeySequence.StandardKey.New, self.start_consultation)
        consultation.addAction(_("&Records…"), QKeySequence("Ctrl+H"), self.show_history)
        consultation.addSeparator()
        consultation.addAction(_("S&ettings…"), QKeySequence("Ctrl+,"), self.show_settings)
        consultation.addAction(_("&Lock now"), QKeySequence("Ctrl+L"), self.lock_now)
        view = bar.addMenu(_("&View"))
        view.addAction(_("Larger"), QKeySequence.StandardKey.ZoomIn, lambda: self.zoom(+0.25))
        view.addAction(_("Smaller"), QKeySequence.StandardKey.ZoomOut, lambda: self.zoom(-0.25))
        view.addAction(_("Normal size"), QKeySequence("Ctrl+0"), lambda: self.zoom(0))
        view.addSeparator()
        contrast = view.addAction(_("High contrast"), QKeySequence("Ctrl+Shift+H"), self.toggle_high_contrast)
        contrast.setCheckable(True)
        contrast.setChecked(self.high_contrast)
        self.high_contrast_action = contrast
        language = bar.addMenu(_("&Language"))
        group = QActionGroup(language)
        for code in SUPPORTED_LANGUAGES:
            # Made by the menu, not by QAction(text, parent): that overload check builds QIcon's enum
            # classes, a millisecond of the cold start.
            action = language.addAction(LANGUAGE_NAMES[code])
            action.setCheckable(True)
            action.setChecked(code == interface_language())
            action.triggered.connect(lambda _checked=False, code=code: self.switch_interface_language(code))
            group.addAction(action)
            language.addAction(action)
        self.language_actions = {action.text(): action for action in group.actions()}
        help_menu = bar.addMenu(_("&Help"))
        help_menu.addAction(_("How to use ConsultAid"), QKeySequence.StandardKey.HelpContents, self.show_help)
        help_menu.addAction(_("About ConsultAid"), self.show_about)

    @Slot()
    def lock_now(self) -> None:
        self.start_idle_lock().lock()

    def show_settings(self) -> None:
        from consultaid.settings import load_settings
        from consultaid.ui.dialogs.settings_dialog import SettingsDialog

        self.settings_dialog = SettingsDialog(load_settings(), parent=self)
        self.settings_dialog.accepted.connect(self._settings_accepted)
        self.settings_dialog.open()

    @Slot()
    def _settings_accepted(self) -> None:
        from consultaid.settings import load_settings, save_settings

        before = load_settings()
        chosen = self.settings_dialog.result_settings
        try:
            save_settings(chosen)
        except OSError as error:
            self.statusBar().showMessage("\u26a0 " + _("The settings could not be saved: {reason}").format(
                reason=error.strerror or error))
            return
        message = _("Settings saved.")
        if chosen.data_dir != before.data_dir:
            message += " " + _("The new data folder is used from the next start.")
        if self.consultation_view is not None:
            self._configure_signing(self.consultation_view)
        self.start_idle_lock().set_minutes(chosen.lock_after_minutes)
        if chosen.hospital != before.hospital or chosen.hospital.destinations():
            self.configure_outbox()   # also a new token, which the keyring has and the settings do not
        if chosen.interface_language != interface_language():
            self.switch_interface_language(chosen.interface_language)
        self.statusBar().showMessage(message)

    def _configure_signing(self, view) -> None:
        """Once the clinic has saved settings, its paper, copies and logo apply to the summary."""
        from consultaid.settings import load_settings, settings_path

        if settings_path().exists():
            configured = load_settings()
            view.page_for["review"].signing.apply_settings(configured.paper, configured.copies,
                                                           configured.clinic.logo_path, configured.large_print)

    def show_about(self) -> None:
        from consultaid.ui.dialogs.about_dialog import show_about

        show_about(self)

    def show_help(self) -> None:
        from consultaid.ui.dialogs.help_dialog import show_help

        show_help(self)

    def switch_interface_language(self, language: str) -> None:
        """Change the interface language now: every screen is rebuilt from its state, nothing is lost.
        The patient's language (content, summary) is separate and does not change."""
        if language == interface_language():
            return
        from consultaid.ui.app import install_qt_translations

        set_interface_language(language)
        install_qt_translations(QApplication.instance(), language)
        content_language = self.library_page.content_language
        consultation = self.consultation_view.consultation if self.consultation_view is not None else None
        step = self.consultation_view.current if self.consultation_view is not None else None
        history_shown = self.history_view is not None and self.stack.currentWidget() is self.history_view
        self._build_library(content_language)
        self._build_menus()
        if self.history_view is not None:
            self.stack.removeWidget(self.history_view)
            self.history_view.deleteLater()
            self.history_view = None
        if consultation is not None:
            self._drop_consultation_view()
            self._show_consultation_view(consultation)
            self.consultation_view.go_to(step)
        elif history_shown:
            self.show_history()
        else:
            self.stack.setCurrentWidget(self.library_page)
        self.statusBar().showMessage(_("ConsultAid {version}").format(version=__version__))
        self.show_whereabouts()

    def zoom(self, step: float) -> None:
        """Presentation size, 100 % to 200 %: the whole interface grows with its font."""
        from PySide6.QtWidgets import QApplication

        self.zoom_factor = 1.0 if step == 0 else min(2.0, max(1.0, self.zoom_factor + step))
        apply_style(QApplication.instance(), self.zoom_factor, self.high_contrast)
        if self.library_page is not None:
            self.library_page.wrap_long_titles()
        keep_on_screen(self)  # a larger size may have grown the window past the screen's edge
        self.statusBar().showMessage(_("Presentation size: {percent} %").format(percent=round(self.zoom_factor * 100)))

    def toggle_high_contrast(self) -> None:
        self.high_contrast = not self.high_contrast
        self.high_contrast_action.setChecked(self.high_contrast)
        apply_style(QApplication.instance(), self.zoom_factor, self.high_contrast)

    @Slot()
    def _focus_search(self) -> None:
        shown = self.stack.currentWidget()
        (shown.search if shown is self.history_view else self.search).setFocus()

    @Slot()
    def show_history(self) -> None:
        """The records, as a page of the window: search, resume a draft, reprint or export a signed PDF."""
        from consultaid.ui.views.history_view import HistoryView

        if self.consultation_view is not None:
            # The records replace the consultation on screen: say why nothing opens rather than nothing.
            self.statusBar().showMessage(_("Close the consultation to open the records (Ctrl+H)."), 10000)
            return
        if self.history_view is None:
            self.history_view = HistoryView(self.store, self.library)
            self.history_view.back_requested.connect(self.close_history)
            self.history_view.resume_requested.connect(self.open_consultation)
            self.history_view.read_only_requested.connect(self.open_read_only)
            self.history_view.correction_requested.connect(self.start_correction)
            self.history_view.send_again_requested.connect(self.wake_outbox)
            self.stack.addWidget(self.history_view)
        self.stack.setCurrentWidget(self.history_view)
        self.history_view.refresh()   # what was stored since it was last shown
        self.history_view.search.setFocus()

    @Slot()
    def close_history(self) -> None:
        self.stack.setCurrentWidget(self.library_page)
        self.search.setFocus()

    @Slot()
    def start_consultation(self) -> None:
        from consultaid.ui.dialogs.start_dialog import StartConsultationDialog
        from consultaid.ui.services.surgeon_profile import load_surgeon

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
        from consultaid.ui.services.surgeon_profile import save_surgeon

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

    def open_consultation(self, consultation) -> bool:
        """Shows the consultation, saved from its first second. One whose screens cannot be built from its
        data (a draft from an older version, a date the screens cannot show) is set aside in the store,
        kept, and reported: never left half open, never a crash at every later start."""
        self.corrects = None
        if self.store is not None:
            from consultaid.ui.services.autosave import Autosaver

            self.autosaver = Autosaver(self.store, consultation, self)
            self.autosaver.saved.connect(self._saved)
            self.autosaver.failed.connect(self._save_failed)
            self.autosaver.save_now()  # a consultation exists in the store from its first second
        try:
            self._show_consultation_view(consultation)
        except Exception as error:  # noqa: BLE001 (whatever stored data makes the screens fail)
            self._abandon_opening()
            self._set_aside_unopenable(consultation.id, consultation.setup.patient.name, error)
            return False
        return True

    def open_read_only(self, consultation, workstation: str = "") -> None:
        """A consultation another workstation has open, shown here to be read: every step takes no input
        and nothing is saved (that workstation keeps it; taking it over is the other choice)."""
        self.corrects = None
        self.autosaver = None
        self.read_only = True
        self._show_consultation_view(consultation)
        for page in self.consultation_view.page_for.values():
            page.setEnabled(False)
            page.setToolTip(_("Read-only: this consultation is open on another workstation."))
        self.statusBar().showMessage(_("Read-only: this consultation is open on workstation {workstation}; nothing "
                                       "is changed or saved here.").format(workstation=workstation))

    def _abandon_opening(self) -> None:
        """Undoes a half-made opening: no view, no autosaver, the library shown."""
        if self.consultation_view is not None:
            self._drop_consultation_view()
        if self.autosaver is not None:
            self.autosaver.timer.stop()
            self.autosaver.deleteLater()
            self.autosaver = None
        self.stack.setCurrentWidget(self.library_page)

    def _set_aside_unopenable(self, consultation_id: str, patient: str, error: Exception) -> None:
        """Sets a consultation that cannot be opened aside (kept in the records) and says so. The log gets
        its id and the kind of error only: an error's text may quote what was typed about the patient."""
        from consultaid.consultation.store import StoreError
        from consultaid.ui.services.messages import messages

        log.warning("consultation %s could not be opened (%s); it is set aside", consultation_id,
                    type(error).__name__)
        text = _("The consultation with {patient} could not be opened: this version of ConsultAid cannot show "
                 "what was saved of it. It has been set aside and stays in the records, unchanged; IT can look "
                 "into it.").format(patient=patient)
        if self.store is not None:
            try:
                self.store.set_draft_aside(consultation_id)
            except StoreError as store_error:
                text += " " + str(store_error)
        self.statusBar().showMessage("\u26a0 " + _("A consultation could not be opened; it has been set aside."))
        messages.choose(self, _("A consultation could not be opened"), text, [_("OK")])

    def _show_consultation_view(self, consultation) -> None:
        from consultaid.ui.views.consultation_view import ConsultationView

        self.consultation_view = ConsultationView(consultation)
        self.consultation_view.finished.connect(self.close_consultation)
        self._configure_signing(self.consultation_view)
        self.stack.addWidget(self.consultation_view)
        self.stack.setCurrentWidget(self.consultation_view)
        if self.autosaver is not None:
            self.consultation_view.changed.connect(self.autosaver.changed)
            signing = self.consultation_view.page_for["review"].signing
            signing.audit_hash_source = self.store.latest_audit_hash
            signing.seal_data_dir = self.store.data_dir   # the seal key lives with the records
            signing.summary_made.connect(self._store_finalized)
            signing.preview_opened.connect(lambda preview, c=consultation: preview.handed_out.connect(
                lambda action: self._audit_hand_out(action, c)))

    def _drop_consultation_view(self) -> None:
        view, self.consultation_view = self.consultation_view, None
        view.patient_button.setChecked(False)  # the patient screen closes with its consultation
        self.stack.removeWidget(view)
        view.deleteLater()

    def _store_finalized(self, pdf: bytes) -> None:
        """The finalized record and the exact PDF bytes go into the store in one transaction."""
        from consultaid.consultation.store import StoreError

        consultation = self.consultation_view.consultation
        stored = (consultation.id, consultation.finalized_at)
        if stored in self.stored_summaries:
            return True  # shown again (e.g. after a language switch): the signed one is stored already
        self.unstored_summary = (consultation.to_record(), pdf, getattr(self, "corrects", None))
        try:
            self.stored_record_id = self.store.finalize(*self.unstored_summary)
        except StoreError as error:  # kept in memory; closing the consultation tries again
            self.statusBar().showMessage("\u26a0 " + _("The signed summary is not stored yet: {reason}").format(
                reason=error))
            return False
        self.unstored_summary = None
        self.corrects = None
        self.stored_summaries.add(stored)
        self.wake_outbox()
        self.statusBar().showMessage(self._with_anchor_note(_("The signed summary is stored in the records.")))
        self.show_whereabouts()
        return True

    def _audit_hand_out(self, action: str, consultation) -> None:
        from consultaid.consultation.store import StoreError

        try:
            version = self.store.latest_version(consultation.id)
            self.store.log(action, f"{consultation.id} v{version or 1}")
        except StoreError as error:
            self.statusBar().showMessage("\u26a0 " + str(error))

    def _retry_store(self) -> bool:
        from consultaid.consultation.store import StoreError
        from consultaid.ui.services.messages import messages

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

        self.statusBar().showMessage(self._with_anchor_note(
            _("Saved at {time}").format(time=datetime.now().strftime("%H:%M:%S"))))
        self.show_whereabouts()

    def _with_anchor_note(self, message: str) -> str:
        """`message`, unless the commit stood but the audit anchor could not be updated (a full disk):
        then that, as it is, and never as a failure to store (consultation/audit.py)."""
        problem = getattr(self.store, "anchor_problem", None)
        return "\u26a0 " + problem if problem else message

    def _save_failed(self, message: str) -> None:
        self.statusBar().showMessage("\u26a0 " + _("Not saved: {reason} Your work is kept on screen; it will be "
                                                    "saved again at the next change.").format(reason=message))

    @Slot()
    def offer_recovery(self) -> None:
        """After a crash, the interrupted consultation is offered: resume it, or set it aside (kept)."""
        from consultaid.consultation.session import Consultation
        from consultaid.consultation.store import StoreError
        from consultaid.ui.services.messages import messages

        if self.store is None or self.consultation_view is not None:
            return
        for draft in self.store.drafts("open"):
            lease_of = getattr(self.store, "draft_lease", None)
            if lease_of is not None and lease_of(draft.consultation_id) is not None:
                continue   # open in another room right now: not an interrupted consultation of this one
            pack = self.library.get(draft.procedure_id)
            procedure = pack.title(self.content_language) if pack and self.content_language in pack.texts \
                else draft.procedure_id
            choice = messages.choose(
                self, _("Resume the interrupted consultation?"),
                _("The consultation with {patient} ({procedure}), last saved {saved}, was interrupted.").format(
                    patient=draft.patient_name, procedure=procedure, saved=draft.saved_at[:16].replace("T", " ")),
                [_("Resume it"), _("Set it aside (it stays in the records)")])
            if choice != 0:
                self.store.set_draft_aside(draft.consultation_id)
                continue
            try:
                consultation = Consultation.from_record(self.store.resume_draft(draft.consultation_id))
            except StoreError as error:  # the store itself failed: said, and offered again at the next start
                self.statusBar().showMessage("\u26a0 " + str(error))
                return
            except Exception as error:  # noqa: BLE001 (a draft this version cannot read, whatever the reason)
                self._set_aside_unopenable(draft.consultation_id, draft.patient_name, error)
                continue
            if self.open_consultation(consultation):
                return

    @Slot()
    def close_consultation(self) -> bool:
        """Back to the library; asks first when the consultation has not been finalized."""
        from consultaid.ui.services.messages import messages

        view = self.consultation_view
        if view is None:
            return True
        if self.read_only:   # nothing of it is this workstation's to keep
            self.read_only = False
            self.stack.setCurrentWidget(self.library_page)
            self._drop_consultation_view()
            return True
        if not view.confirm_close():   # signatures drawn, summary not finalized: ask first
            return False
        view.page_for["review"].signing.finish_pending_summary()  # stored before anything is dropped
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
        self._release_lease(view.consultation.id)
        self.autosaver = None
        self.stack.setCurrentWidget(self.library_page)
        self._drop_consultation_view()
        return True

    def _release_lease(self, consultation_id: str) -> None:
        """Another room may open it at once (clinic server; nothing to do on this workstation's file)."""
        from consultaid.consultation.store import StoreError

        release = getattr(self.store, "release_draft", None)
        if release is None:
            return
        try:
            release(consultation_id)
        except (StoreError, KeyError) as error:   # the lease then ends by itself within minutes
            log.warning("the draft's lease could not be released (%s)", type(error).__name__)

    def closeEvent(self, event) -> None:
        if self.close_consultation():
            if self.outbox_sender is not None:
                self.outbox_sender.stop()
                self.outbox_sender = None
            event.accept()
        else:
            event.ignore()


def outbox_store_opener(store):
    """How the background sender opens its own connection to the records: this workstation's file, or with
    a clinic server the server itself (what is finalized while it is away is sent once it has arrived)."""
    from consultaid.consultation.store import Store, open_store
    from consultaid.server.clinic_store import ClinicStore
    from consultaid.server.pg_store import PgStore

    if isinstance(store, Store):
        return lambda: open_store(store.data_dir, store.actor)
    if isinstance(store, ClinicStore):
        return lambda: PgStore(store.url, actor=store.actor, workstation=store.workstation,
                               anchor_dir=store.data_dir, use_keyring=store.use_keyring,
                               server_name=store.server_name)
    return None
