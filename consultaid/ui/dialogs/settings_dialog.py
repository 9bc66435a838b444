"""The Settings dialog: one tab per page of `ui/dialogs/settings_pages/` (surgeons, clinic, summary and printing,
languages, data, screen lock, hospital record).

Each page loads its part of a `consultaid.settings.Settings` and gives it back on OK; the dialog then checks
the whole with `consultaid.settings.validate()`, shows each problem beside its field (a warning sign and
words, never colour alone) on the first tab that has one, and stays open until all is right. Then
`result_settings` holds the new settings and the dialog is accepted. Saving them is the caller's business.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTabWidget, QVBoxLayout, QWidget

from consultaid.i18n import _
from consultaid.settings import Settings, validate
from consultaid.ui.dialogs.settings_pages.clinic import ClinicPage
from consultaid.ui.dialogs.settings_pages.data import DataPage
from consultaid.ui.dialogs.settings_pages.hospital import HospitalPage
from consultaid.ui.dialogs.settings_pages.languages import LanguagesPage
from consultaid.ui.dialogs.settings_pages.lock import LockPage
from consultaid.ui.dialogs.settings_pages.page import SettingsPage, named
from consultaid.ui.dialogs.settings_pages.printing import PrintingPage
from consultaid.ui.dialogs.settings_pages.surgeons import SurgeonsPage
from consultaid.ui.services.screen_fit import fit_to_screen
from consultaid.ui.widgets.field_error import FieldError


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, printers: list[str] | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))
        self.setAccessibleName(_("Settings"))
        self.original = settings
        self.result_settings: Settings | None = None
        self.errors: dict[str, FieldError] = {}

        self.surgeons = SurgeonsPage(self.errors)
        self.clinic = ClinicPage(self.errors)
        self.printing = PrintingPage(self.errors, printers)
        self.languages = LanguagesPage(self.errors)
        self.data = DataPage(self.errors)
        self.lock = LockPage(self.errors)
        self.hospital = HospitalPage(self.errors)
        self.pages: list[SettingsPage] = [self.surgeons, self.clinic, self.printing, self.languages, self.data,
                                          self.lock, self.hospital]
        self.tabs = named(QTabWidget(), _("Settings sections"))
        for page in self.pages:
            page.load(settings)
            self.tabs.addTab(page, page.title())

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("OK"))
        named(self.ok_button, _("OK"), _("Check and keep these settings"))
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(_("Cancel"))
        named(self.cancel_button, _("Cancel"), _("Close without changing the settings"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.buttons)
        # The seven tabs in French, and the surgeon form beside its list; less on a smaller screen (960x540
        # logical pixels at desktop scaling 200 %), where 960x600 went past its bottom edge.
        fit_to_screen(self, 960, 600)

    def collected(self) -> tuple[Settings, dict[str, str]]:
        """The settings as the fields say, and the problems found in reading the fields themselves."""
        values: dict = {}
        problems: dict[str, str] = {}
        for page in self.pages:
            page.collect(values, problems)
        return Settings(**values), problems

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
                    self.surgeons.show_profile_problem(row, field, message)
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
        for page in self.pages:
            page.keep(settings)
        self.result_settings = settings
        super().accept()


__all__ = ["SettingsDialog"]
