"""Surgeons: the profiles the consultation form is filled from, each with its unlock PIN."""

from __future__ import annotations

import copy

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from consultaid.i18n import _
from consultaid.pin import hash_pin, pin_problem
from consultaid.settings import Settings, SurgeonProfile
from consultaid.ui.dialogs.settings_pages.page import SettingsPage, named
from consultaid.ui.widgets.field_error import with_error


class SurgeonsPage(SettingsPage):
    def __init__(self, errors):
        super().__init__(errors)
        self.profiles: list[SurgeonProfile] = []
        self._loading = False
        # PINs typed but not yet kept, per profile (by identity): hashed only when OK is pressed, so the
        # slow hash runs once, and never kept in the settings in clear.
        self.new_pins: dict[int, tuple[str, str]] = {}

        self.profile_list = named(QListWidget(), _("Surgeon profiles"))
        self.add_profile_button = named(QPushButton(_("Add")), _("Add a surgeon profile"))
        self.remove_profile_button = named(QPushButton(_("Remove")), _("Remove the selected surgeon profile"))
        self.add_profile_button.clicked.connect(self.add_profile)
        self.remove_profile_button.clicked.connect(self.remove_profile)
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.add_profile_button)
        list_buttons.addWidget(self.remove_profile_button)
        list_buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.profile_list)
        left.addLayout(list_buttons)

        self.profile_name = named(QLineEdit(), _("Surgeon's name"))
        self.profile_title = named(QLineEdit(), _("Title"))
        self.profile_registration = named(QLineEdit(), _("Registration number"))
        self.profile_meaning = named(QPlainTextEdit(), _("Signature meaning"),
                                     _("What the surgeon's signature means, as printed on the summary"))
        self.profile_meaning.setTabChangesFocus(True)
        self.profile_meaning.setFixedHeight(70)
        form = QFormLayout()
        form.addRow(_("&Name:"), with_error(self.profile_name, self.error("profile.name")))
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

        self.current_combo = named(QComboBox(), _("Surgeon consulting"),
                                   _("The profile the consultation form is filled from"))
        right = QVBoxLayout()
        right.addWidget(self.profile_form)
        right.addWidget(self._pin_box())
        current_row = QFormLayout()
        current_label = QLabel(_("&Surgeon consulting:"))
        current_label.setBuddy(self.current_combo)
        current_row.addRow(current_label, with_error(self.current_combo, self.error("current_profile")))
        right.addLayout(current_row)
        right.addStretch(1)

        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 2)

        self.profile_list.currentRowChanged.connect(self._show_profile)
        self.profile_name.textEdited.connect(self._profile_edited)
        self.profile_title.textEdited.connect(self._profile_edited)
        self.profile_registration.textEdited.connect(self._profile_edited)
        self.profile_meaning.textChanged.connect(self._profile_edited)

    def _pin_box(self) -> QGroupBox:
        """A box of its own under the form, the whole column wide: the state and the error wrap there (in a
        form row, a wrapped French text was cut off)."""
        self.pin_state = named(QLabel(), _("Unlock PIN"))
        self.pin_state.setWordWrap(True)
        self.new_pin = named(QLineEdit(), _("New PIN"), _("From 4 to 12 digits, to unlock the screen"))
        self.repeat_pin = named(QLineEdit(), _("Repeat the new PIN"))
        self.new_pin.setPlaceholderText(_("New PIN"))
        self.repeat_pin.setPlaceholderText(_("Repeat PIN"))
        for edit in (self.new_pin, self.repeat_pin):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(12)
            edit.textEdited.connect(self._pin_edited)
        self.remove_pin_button = named(QPushButton(_("Remove PIN")), _("Remove this surgeon's unlock PIN"))
        self.remove_pin_button.clicked.connect(self.remove_pin)
        self.pin_group = QGroupBox(_("Unlock PIN"))
        pin_row = QHBoxLayout()
        pin_row.addWidget(self.new_pin, 1)
        pin_row.addWidget(self.repeat_pin, 1)
        pin_row.addWidget(self.remove_pin_button)
        pin_column = QVBoxLayout(self.pin_group)
        pin_column.addWidget(self.pin_state)
        pin_column.addLayout(pin_row)
        pin_column.addWidget(self.error("profile.pin"))
        return self.pin_group

    def title(self) -> str:
        return _("Surgeons")

    def load(self, settings: Settings) -> None:
        self.profiles = [copy.deepcopy(profile) for profile in settings.profiles]
        self.new_pins.clear()
        self.profile_list.clear()
        for profile in self.profiles:
            self.profile_list.addItem(self._profile_label(profile))
        self._refresh_current_combo(settings.current_profile)
        self.profile_list.setCurrentRow(settings.current_profile if self.profiles else -1)
        self._show_profile(self.profile_list.currentRow())

    def collect(self, values: dict, problems: dict[str, str]) -> None:
        values["profiles"] = [SurgeonProfile(name=p.name.strip(), title=p.title.strip(),
                                             registration_number=p.registration_number.strip(),
                                             signature_meaning=p.signature_meaning.strip(), pin_hash=p.pin_hash)
                              for p in self.profiles]
        values["current_profile"] = self.current_combo.currentIndex() if self.profiles else -1
        for number, profile in enumerate(self.profiles):
            if id(profile) not in self.new_pins:
                continue
            pin, repeated = self.new_pins[id(profile)]
            problem = pin_problem(pin) or (None if pin == repeated else _("The two PINs are not the same."))
            if problem:
                problems[f"profiles[{number}].pin"] = problem

    def keep(self, settings: Settings) -> None:
        # Only now the slow hash, once per new PIN; the PIN itself goes no further than this dialog.
        for number, profile in enumerate(self.profiles):
            if id(profile) in self.new_pins:
                settings.profiles[number].pin_hash = hash_pin(self.new_pins[id(profile)][0])

    def show_profile_problem(self, row: int, field: str, message: str) -> None:
        """The form shows one profile: the one the problem is about."""
        self.profile_list.setCurrentRow(row)
        self.errors["profile." + field].show_message(message)

    # ---- the list and the form -----------------------------------------------------------------------------
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

    def _current(self) -> SurgeonProfile | None:
        row = self.profile_list.currentRow()
        if self._loading or not 0 <= row < len(self.profiles):
            return None
        return self.profiles[row]

    def _profile_edited(self) -> None:
        profile = self._current()
        if profile is None:
            return
        profile.name = self.profile_name.text()
        profile.title = self.profile_title.text()
        profile.registration_number = self.profile_registration.text()
        profile.signature_meaning = self.profile_meaning.toPlainText()
        row = self.profile_list.currentRow()
        self.profile_list.item(row).setText(self._profile_label(profile))
        self.current_combo.setItemText(row, self._profile_label(profile))

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

    # ---- the PIN -------------------------------------------------------------------------------------------
    def _show_pin_state(self, profile: SurgeonProfile | None) -> None:
        if profile is None:
            self.pin_state.setText("")
        elif id(profile) in self.new_pins:
            self.pin_state.setText(_("The new PIN is kept when you press OK."))
        elif profile.pin_hash:
            self.pin_state.setText(_("A PIN is set. Type a new one below to change it."))
        else:
            self.pin_state.setText(_("No PIN yet: anyone can unlock the screen. Type one below."))
        self.remove_pin_button.setEnabled(profile is not None
                                          and bool(profile.pin_hash or id(profile) in self.new_pins))

    def _pin_edited(self) -> None:
        profile = self._current()
        if profile is None:
            return
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
