"""The Settings dialog: surgeon profiles, clinic, summary and printing, languages, data folder.

It edits a copy of a `consultaid.settings.Settings`; on OK it checks the result with
`consultaid.settings.validate()`, shows each problem beside its field (a warning sign and words, never
colour alone) and stays open until all is right. Then `result_settings` holds the new settings and the
dialog is accepted. Saving them is the caller's business.
"""

from __future__ import annotations

import copy
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from consultaid.i18n import LANGUAGE_NAMES, _
from consultaid.pin import hash_pin, pin_problem
from consultaid.settings import (
    LANGUAGES,
    MAX_COPIES,
    MAX_LOCK_MINUTES,
    MIN_COPIES,
    MIN_LOCK_MINUTES,
    Clinic,
    Settings,
    SurgeonProfile,
    validate,
)
from consultaid.ui.field_error import FieldError

THUMBNAIL_HEIGHT = 64


def _named(widget, name: str, description: str = ""):
    widget.setAccessibleName(name)
    if description:
        widget.setAccessibleDescription(description)
    return widget


def _field(widget, error: FieldError) -> QWidget:
    """A field with its error message right under it."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(widget)
    layout.addWidget(error)
    return box


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, printers: list[str] | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))
        self.setAccessibleName(_("Settings"))
        self.original = settings
        self.result_settings: Settings | None = None
        self.profiles: list[SurgeonProfile] = [copy.deepcopy(profile) for profile in settings.profiles]
        self._loading = False
        self.errors: dict[str, FieldError] = {}
        # PINs typed but not yet kept, per profile (by identity): hashed only when OK is pressed, so the
        # slow hash runs once, and never kept in the settings in clear.
        self.new_pins: dict[int, tuple[str, str]] = {}

        self.tabs = _named(QTabWidget(), _("Settings sections"))
        self.tabs.addTab(self._surgeons_tab(settings), _("Surgeons"))
        self.tabs.addTab(self._clinic_tab(settings.clinic), _("Clinic"))
        self.tabs.addTab(self._printing_tab(settings, printers), _("Summary && printing"))
        self.tabs.addTab(self._languages_tab(settings), _("Languages"))
        self.tabs.addTab(self._data_tab(settings), _("Data"))
        self.tabs.addTab(self._lock_tab(settings), _("Screen lock"))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("OK"))
        _named(self.ok_button, _("OK"), _("Check and keep these settings"))
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(_("Cancel"))
        _named(self.cancel_button, _("Cancel"), _("Close without changing the settings"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.buttons)
        self.resize(840, 600)   # the six tabs in French, and the surgeon form beside its list

    # ---- tabs ----------------------------------------------------------------------------------------------
    def _error(self, key: str) -> FieldError:
        error = FieldError()
        self.errors[key] = error
        return error

    def _surgeons_tab(self, settings: Settings) -> QWidget:
        page = QWidget()
        self.profile_list = _named(QListWidget(), _("Surgeon profiles"))
        for profile in self.profiles:
            self.profile_list.addItem(self._profile_label(profile))
        self.add_profile_button = _named(QPushButton(_("Add")), _("Add a surgeon profile"))
        self.remove_profile_button = _named(QPushButton(_("Remove")), _("Remove the selected surgeon profile"))
        self.add_profile_button.clicked.connect(self.add_profile)
        self.remove_profile_button.clicked.connect(self.remove_profile)
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.add_profile_button)
        list_buttons.addWidget(self.remove_profile_button)
        list_buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.profile_list)
        left.addLayout(list_buttons)

        self.profile_name = _named(QLineEdit(), _("Surgeon's name"))
        self.profile_title = _named(QLineEdit(), _("Title"))
        self.profile_registration = _named(QLineEdit(), _("Registration number"))
        self.profile_meaning = _named(QPlainTextEdit(), _("Signature meaning"),
                                      _("What the surgeon's signature means, as printed on the summary"))
        self.profile_meaning.setTabChangesFocus(True)
        self.profile_meaning.setFixedHeight(70)
        self.pin_state = _named(QLabel(), _("Unlock PIN"))
        self.pin_state.setWordWrap(True)
        self.new_pin = _named(QLineEdit(), _("New PIN"), _("From 4 to 12 digits, to unlock the screen"))
        self.repeat_pin = _named(QLineEdit(), _("Repeat the new PIN"))
        self.new_pin.setPlaceholderText(_("New PIN"))
        self.repeat_pin.setPlaceholderText(_("Repeat PIN"))
        for edit in (self.new_pin, self.repeat_pin):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(12)
        self.remove_pin_button = _named(QPushButton(_("Remove PIN")), _("Remove this surgeon's unlock PIN"))
        self.remove_pin_button.clicked.connect(self.remove_pin)
        # A box of its own under the form, the whole column wide: the state and the error wrap there
        # (in a form row, a wrapped French text was cut off).
        self.pin_group = QGroupBox(_("Unlock PIN"))
        pin_row = QHBoxLayout()
        pin_row.addWidget(self.new_pin, 1)
        pin_row.addWidget(self.repeat_pin, 1)
        pin_row.addWidget(self.remove_pin_button)
        pin_column = QVBoxLayout(self.pin_group)
        pin_column.addWidget(self.pin_state)
        pin_column.addLayout(pin_row)
        pin_column.addWidget(self._error("profile.pin"))
        self.current_combo = _named(QComboBox(), _("Surgeon consulting"),
                                    _("The profile the consultation form is filled from"))
        form = QFormLayout()
        form.addRow(_("&Name:"), _field(self.profile_name, self._error("profile.name")))
        form.addRow(_("&Title:"), self.profile_title)
        form.addRow(_("&Registration number:"), self.profile_registration)
        form.addRow(_("Signature &meaning:"), self.profile_meaning)
        self.profile_form = QWidget()
        self.profile_form.setLayout(form)
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget()
            target = field.layout().itemAt(0).widget() if field.layout() else field
            label.setBuddy(target)

        right = QVBoxLayout()
        right.addWidget(self.profile_form)
        right.addWidget(self.pin_group)
        current_row = QFormLayout()
        current_label = QLabel(_("&Surgeon consulting:"))
        current_label.setBuddy(self.current_combo)
        current_row.addRow(current_label, _field(self.current_combo, self._error("current_profile")))
        right.addLayout(current_row)
        right.addStretch(1)

        layout = QHBoxLayout(page)
        layout.addLayout(left, 1)
        layout.addLayout(right, 2)

        self.profile_list.currentRowChanged.connect(self._show_profile)
        self.profile_name.textEdited.connect(self._profile_edited)
        self.profile_title.textEdited.connect(self._profile_edited)
        self.profile_registration.textEdited.connect(self._profile_edited)
        self.profile_meaning.textChanged.connect(self._profile_edited)
        self.new_pin.textEdited.connect(self._pin_edited)
        self.repeat_pin.textEdited.connect(self._pin_edited)
        self._refresh_current_combo(settings.current_profile)
        self.profile_list.setCurrentRow(settings.current_profile if self.profiles else -1)
        self._show_profile(self.profile_list.currentRow())
        return page

    def _clinic_tab(self, clinic: Clinic) -> QWidget:
        page = QWidget()
        self.clinic_name = _named(QLineEdit(clinic.name), _("Clinic name"))
        self.clinic_address = _named(QPlainTextEdit(clinic.address), _("Clinic address"))
        self.clinic_address.setTabChangesFocus(True)
        self.clinic_address.setFixedHeight(80)
        self.logo_path = _named(QLineEdit(clinic.logo_path), _("Logo image file"),
                                _("A PNG or JPEG image of at most 2 MB, printed top left of the summary"))
        self.logo_browse = _named(QPushButton(_("Browse…")), _("Choose the logo image"))
        self.logo_clear = _named(QPushButton(_("No logo")), _("Remove the logo"))
        self.logo_preview = _named(QLabel(), _("Logo preview"))
        self.logo_preview.setMinimumHeight(THUMBNAIL_HEIGHT)
        self.logo_browse.clicked.connect(self.browse_logo)
        self.logo_clear.clicked.connect(lambda: self._set_logo(""))
        self.logo_path.textChanged.connect(self._update_logo_preview)
        logo_row = QHBoxLayout()
        logo_row.setContentsMargins(0, 0, 0, 0)
        logo_row.addWidget(self.logo_path, 1)
        logo_row.addWidget(self.logo_browse)
        logo_row.addWidget(self.logo_clear)
        logo_box = QWidget()
        logo_box.setLayout(logo_row)

        form = QFormLayout(page)
        form.addRow(self._label(_("&Name:"), self.clinic_name), self.clinic_name)
        form.addRow(self._label(_("&Address:"), self.clinic_address), self.clinic_address)
        form.addRow(self._label(_("&Logo:"), self.logo_path), _field(logo_box, self._error("clinic.logo_path")))
        form.addRow("", self.logo_preview)
        self._update_logo_preview()
        return page

    def _printing_tab(self, settings: Settings, printers: list[str] | None) -> QWidget:
        page = QWidget()
        self.paper_combo = _named(QComboBox(), _("Default paper size"))
        self.paper_combo.addItem(_("A4"), "a4")
        self.paper_combo.addItem(_("US Letter"), "letter")
        self._select(self.paper_combo, settings.paper)

        if printers is None:
            try:
                from consultaid.printing import list_printers

                printers = list_printers()
            except Exception:   # no print system here: the printer's name is typed instead
                printers = None
        if printers is None:
            self.printer_combo = None
            self.printer_edit = _named(QLineEdit(settings.printer), _("Default printer"),
                                       _("The print queue's name; empty for the system's default printer"))
            self.printer_edit.setPlaceholderText(_("System default printer"))
            printer_field = self.printer_edit
        else:
            self.printer_edit = None
            self.printer_combo = _named(QComboBox(), _("Default printer"))
            self.printer_combo.addItem(_("System default printer"), "")
            for name in printers:
                self.printer_combo.addItem(name, name)
            if settings.printer and settings.printer not in printers:   # keep what was chosen, even if gone
                self.printer_combo.addItem(settings.printer, settings.printer)
            self._select(self.printer_combo, settings.printer)
            printer_field = self.printer_combo

        self.copies_edit = _named(QLineEdit(str(settings.copies)), _("Number of copies"),
                                  _("How many copies are printed, from 1 to 99"))
        self.copies_edit.setMaxLength(3)
        self.copies_edit.setMaximumWidth(80)

        form = QFormLayout(page)
        form.addRow(self._label(_("Default &paper:"), self.paper_combo),
                    _field(self.paper_combo, self._error("paper")))
        form.addRow(self._label(_("Default p&rinter:"), printer_field), printer_field)
        form.addRow(self._label(_("&Copies:"), self.copies_edit), _field(self.copies_edit, self._error("copies")))
        return page

    def _languages_tab(self, settings: Settings) -> QWidget:
        page = QWidget()
        self.interface_combo = _named(QComboBox(), _("Interface language"))
        self.patient_combo = _named(QComboBox(), _("Patient's language, by default"))
        for combo, value in ((self.interface_combo, settings.interface_language),
                             (self.patient_combo, settings.patient_language)):
            for language in LANGUAGES:
                combo.addItem(LANGUAGE_NAMES.get(language, language), language)
            self._select(combo, value)
        form = QFormLayout(page)
        form.addRow(self._label(_("&Interface:"), self.interface_combo),
                    _field(self.interface_combo, self._error("interface_language")))
        form.addRow(self._label(_("&Patient, by default:"), self.patient_combo),
                    _field(self.patient_combo, self._error("patient_language")))
        return page

    def _data_tab(self, settings: Settings) -> QWidget:
        page = QWidget()
        self.data_dir_edit = _named(QLineEdit(settings.data_dir), _("Data folder"),
                                    _("Where consultations are kept; empty for the usual place"))
        self.data_dir_edit.setPlaceholderText(_("The usual place"))
        self.data_browse = _named(QPushButton(_("Browse…")), _("Choose the data folder"))
        self.data_browse.clicked.connect(self.browse_data_dir)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.data_dir_edit, 1)
        row.addWidget(self.data_browse)
        box = QWidget()
        box.setLayout(row)
        note = QLabel(_("A change of data folder takes effect the next time ConsultAid starts."))
        note.setWordWrap(True)
        form = QFormLayout(page)
        form.addRow(self._label(_("&Data folder:"), self.data_dir_edit), _field(box, self._error("data_dir")))
        form.addRow("", note)
        self._seal_rows(form, settings)
        return page

    def _seal_rows(self, form: QFormLayout, settings: Settings) -> None:
        """The certificate that seals finalized summaries (consultaid/report/seal.py) and its passphrase."""
        self.seal_edit = _named(QLineEdit(settings.seal_certificate), _("Seal certificate"),
                                _("PKCS#12 file (.p12 or .pfx) of the clinic or surgeon; empty for this "
                                  "installation's self-signed seal"))
        self.seal_edit.setPlaceholderText(_("This installation's self-signed seal"))
        self.seal_browse = _named(QPushButton(_("Browse…")), _("Choose the seal certificate"))
        self.seal_browse.clicked.connect(self.browse_seal_certificate)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.seal_edit, 1)
        row.addWidget(self.seal_browse)
        box = QWidget()
        box.setLayout(row)
        self.seal_passphrase = _named(QLineEdit(), _("Passphrase of the seal certificate"))
        self.seal_passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        note = QLabel(_("Each finalized summary is sealed so that any later change shows. The passphrase is "
                        "kept in the system keyring when there is one; otherwise it is asked when a summary is "
                        "finalized."))
        note.setWordWrap(True)
        form.addRow(self._label(_("&Seal certificate:"), self.seal_edit),
                    _field(box, self._error("seal_certificate")))
        form.addRow(self._label(_("Pass&phrase:"), self.seal_passphrase), self.seal_passphrase)
        form.addRow("", note)

    def _lock_tab(self, settings: Settings) -> QWidget:
        page = QWidget()
        self.lock_minutes = _named(QSpinBox(), _("Minutes before locking"),
                                   _("The window locks after this many minutes without a key, click or touch"))
        self.lock_minutes.setRange(MIN_LOCK_MINUTES, MAX_LOCK_MINUTES)
        self.lock_minutes.setValue(min(max(settings.lock_after_minutes, MIN_LOCK_MINUTES), MAX_LOCK_MINUTES))
        self.lock_minutes.setMaximumWidth(100)
        self.lock_minutes.findChild(QLineEdit).setAccessibleName(_("Minutes before locking"))   # what is typed in
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.lock_minutes)
        row.addWidget(QLabel(_("minutes without use")))
        row.addStretch(1)
        box = QWidget()
        box.setLayout(row)
        note = QLabel(_("The draft is saved, then the window hides the patient's information until the "
                        "surgeon's PIN is entered. Ctrl+L locks at once. Each surgeon sets a PIN under "
                        "Surgeons; without one, anyone can unlock."))
        note.setWordWrap(True)
        form = QFormLayout(page)
        form.addRow(self._label(_("&Lock after:"), self.lock_minutes),
                    _field(box, self._error("lock_after_minutes")))
        form.addRow("", note)
        return page

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    @staticmethod
    def _select(combo: QComboBox, value) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    # ---- surgeon profiles ----------------------------------------------------------------------------------
    @staticmethod
    def _profile_label(profile: SurgeonProfile) -> str:
        return profile.name.strip() or _("(no name)")

    def _refresh_current_combo(self, chosen: int | None = None) -> None:
        if chosen is None:
            chosen = self.current_combo.currentIndex()
        self.current_combo.blockSignals(True)
        self.current_combo.clear()
        for profile in self.profiles:
            self.current_combo.addItem(self._profile_label(profile))
        if self.profiles:
            self.current_combo.setCurrentIndex(min(max(chosen, 0), len(self.profiles) - 1))
        self.current_combo.setEnabled(bool(self.profiles))
        self.current_combo.blockSignals(False)

    def _show_profile(self, row: int) -> None:
        self._loading = True
        profile = self.profiles[row] if 0 <= row < len(self.profiles) else None
        self.profile_name.setText(profile.name if profile else "")
        self.profile_title.setText(profile.title if profile else "")
        self.profile_registration.setText(profile.registration_number if profile else "")
        self.profile_meaning.setPlainText(profile.signature_meaning if profile else "")
        typed = self.new_pins.get(id(profile), ("", "")) if profile else ("", "")
        self.new_pin.setText(typed[0])
        self.repeat_pin.setText(typed[1])
        self._show_pin_state(profile)
        self.errors["profile.pin"].show_message(None)
        self.profile_form.setEnabled(profile is not None)
        self.pin_group.setEnabled(profile is not None)
        self.remove_profile_button.setEnabled(profile is not None)
        self.errors["profile.name"].show_message(None)
        self._loading = False

    def _profile_edited(self) -> None:
        row = self.profile_list.currentRow()
        if self._loading or not 0 <= row < len(self.profiles):
            return
        profile = self.profiles[row]
        profile.name = self.profile_name.text()
        profile.title = self.profile_title.text()
        profile.registration_number = self.profile_registration.text()
        profile.signature_meaning = self.profile_meaning.toPlainText()
        self.profile_list.item(row).setText(self._profile_label(profile))
        self.current_combo.setItemText(row, self._profile_label(profile))

    def _show_pin_state(self, profile: SurgeonProfile | None) -> None:
        if profile is None:
            self.pin_state.setText("")
        elif id(profile) in self.new_pins:
            self.pin_state.setText(_("The new PIN is kept when you press OK."))
        elif profile.pin_hash:
            self.pin_state.setText(_("A PIN is set. Type a new one below to change it."))
        else:
            self.pin_state.setText(_("No PIN yet: anyone can unlock the screen. Type one below."))
        self.remove_pin_button.setEnabled(profile is not None and bool(profile.pin_hash or id(profile) in self.new_pins))

    def _pin_edited(self) -> None:
        row = self.profile_list.currentRow()
        if self._loading or not 0 <= row < len(self.profiles):
            return
        profile = self.profiles[row]
        if self.new_pin.text() or self.repeat_pin.text():
            self.new_pins[id(profile)] = (self.new_pin.text(), self.repeat_pin.text())
        else:
            self.new_pins.pop(id(profile), None)
        self._show_pin_state(profile)

    def remove_pin(self) -> None:
        row = self.profile_list.currentRow()
        if not 0 <= row < len(self.profiles):
            return
        profile = self.profiles[row]
        profile.pin_hash = ""
        self.new_pins.pop(id(profile), None)
        self.new_pin.clear()
        self.repeat_pin.clear()
        self._show_pin_state(profile)
        self.errors["profile.pin"].show_message(None)

    def add_profile(self) -> None:
        self.profiles.append(SurgeonProfile(name=""))
        self.profile_list.addItem(self._profile_label(self.profiles[-1]))
        self._refresh_current_combo()
        self.profile_list.setCurrentRow(len(self.profiles) - 1)
        self.profile_name.setFocus()

    def remove_profile(self) -> None:
        row = self.profile_list.currentRow()
        if not 0 <= row < len(self.profiles):
            return
        current = self.current_combo.currentIndex()
        del self.profiles[row]
        self.profile_list.blockSignals(True)
        self.profile_list.takeItem(row)
        self.profile_list.blockSignals(False)
        self._refresh_current_combo(current - 1 if current > row else current)
        self.profile_list.setCurrentRow(min(row, len(self.profiles) - 1))
        self._show_profile(self.profile_list.currentRow())

    # ---- logo and folders ----------------------------------------------------------------------------------
    def browse_logo(self) -> None:
        start = str(Path(self.logo_path.text()).parent) if self.logo_path.text() else ""
        path, _filter = QFileDialog.getOpenFileName(self, _("Choose the clinic's logo"), start,
                                                    _("Images (*.png *.jpg *.jpeg)"))
        if path:
            self._set_logo(path)

    def _set_logo(self, path: str) -> None:
        self.logo_path.setText(path)

    def _update_logo_preview(self) -> None:
        path = self.logo_path.text().strip()
        pixmap = QPixmap(str(Path(path).expanduser())) if path else QPixmap()
        if path and not pixmap.isNull():
            self.logo_preview.setPixmap(pixmap.scaledToHeight(THUMBNAIL_HEIGHT,
                                                              Qt.TransformationMode.SmoothTransformation))
            self.logo_preview.setAccessibleDescription(_("The logo as it will be printed"))
        else:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(_("The image cannot be shown.") if path else _("No logo."))
            self.logo_preview.setAccessibleDescription(self.logo_preview.text())
        self.logo_clear.setEnabled(bool(path))

    def browse_data_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Choose the data folder"), self.data_dir_edit.text())
        if folder:
            self.data_dir_edit.setText(folder)

    def browse_seal_certificate(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Choose the seal certificate"), self.seal_edit.text(),
                                                    _("PKCS#12 certificates (*.p12 *.pfx)"))
        if path:
            self.seal_edit.setText(path)

    # ---- the result ----------------------------------------------------------------------------------------
    def printer(self) -> str:
        if self.printer_combo is not None:
            return self.printer_combo.currentData() or ""
        return self.printer_edit.text().strip()

    def collected(self) -> tuple[Settings, dict[str, str]]:
        """The settings as the fields say, and the problems found in reading the fields themselves."""
        problems: dict[str, str] = {}
        text = self.copies_edit.text().strip()
        try:
            copies = int(text)
        except ValueError:
            copies = 0
            problems["copies"] = _("The number of copies must be a whole number from {low} to {high}.").format(
                low=MIN_COPIES, high=MAX_COPIES)
        profiles = [SurgeonProfile(name=p.name.strip(), title=p.title.strip(),
                                   registration_number=p.registration_number.strip(),
                                   signature_meaning=p.signature_meaning.strip(), pin_hash=p.pin_hash)
                    for p in self.profiles]
        for number, profile in enumerate(self.profiles):
            if id(profile) not in self.new_pins:
                continue
            pin, repeated = self.new_pins[id(profile)]
            problem = pin_problem(pin) or (None if pin == repeated else _("The two PINs are not the same."))
            if problem:
                problems[f"profiles[{number}].pin"] = problem
        settings = Settings(
            profiles=profiles,
            current_profile=self.current_combo.currentIndex() if profiles else -1,
            clinic=Clinic(name=self.clinic_name.text().strip(), address=self.clinic_address.toPlainText().strip(),
                          logo_path=self.logo_path.text().strip()),
            paper=self.paper_combo.currentData(),
            interface_language=self.interface_combo.currentData(),
            patient_language=self.patient_combo.currentData(),
            data_dir=self.data_dir_edit.text().strip(),
            printer=self.printer(),
            copies=copies,
            seal_certificate=self.seal_edit.text().strip(),
            lock_after_minutes=self.lock_minutes.value(),
        )
        return settings, problems

    def show_problems(self, problems: dict[str, str]) -> None:
        for error in self.errors.values():
            error.show_message(None)
        first_tab = None
        profile_shown = None
        for key, message in problems.items():
            if key.startswith("profiles[") and key.endswith(("].name", "].pin")):
                field = key[key.index("]") + 2:]
                row = int(key[len("profiles["):key.index("]")])
                if profile_shown in (None, row):   # the form shows one profile: the first that needs fixing
                    self.profile_list.setCurrentRow(row)
                    self.errors["profile." + field].show_message(message)
                    profile_shown = row
                key = "profile." + field
            elif key in self.errors:
                self.errors[key].show_message(message)
            else:
                continue
            tab = self._tab_of(self.errors[key])
            if first_tab is None or tab < first_tab:
                first_tab = tab
        if first_tab is not None and first_tab >= 0:
            self.tabs.setCurrentIndex(first_tab)

    def _tab_of(self, widget: QWidget) -> int:
        for index in range(self.tabs.count()):
            if self.tabs.widget(index).isAncestorOf(widget):
                return index
        return -1

    def accept(self) -> None:
        settings, problems = self.collected()
        for key, message in validate(settings).items():
            problems.setdefault(key, message)
        self.show_problems(problems)
        if problems:
            return
        # Only now the slow hash, once per new PIN; the PIN itself goes no further than this dialog.
        for number, profile in enumerate(self.profiles):
            if id(profile) in self.new_pins:
                settings.profiles[number].pin_hash = hash_pin(self.new_pins[id(profile)][0])
        self.result_settings = settings
        if settings.seal_certificate and self.seal_passphrase.text():
            from consultaid.report.seal import keep_passphrase

            keep_passphrase(Path(settings.seal_certificate).expanduser(), self.seal_passphrase.text())
        super().accept()


__all__ = ["SettingsDialog"]
