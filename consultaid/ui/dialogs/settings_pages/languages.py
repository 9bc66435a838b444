"""Languages: the interface's, and the patient's by default (each consultation can choose another)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout

from consultaid.i18n import LANGUAGE_NAMES, _
from consultaid.settings import LANGUAGES, Settings
from consultaid.ui.dialogs.settings_pages.page import SettingsPage, buddy_label, named, select
from consultaid.ui.widgets.field_error import with_error


class LanguagesPage(SettingsPage):
    def __init__(self, errors):
        super().__init__(errors)
        self.interface_combo = named(QComboBox(), _("Interface language"))
        self.patient_combo = named(QComboBox(), _("Patient's language, by default"))
        for combo in (self.interface_combo, self.patient_combo):
            for language in LANGUAGES:
                combo.addItem(LANGUAGE_NAMES.get(language, language), language)
        form = QFormLayout(self)
        form.addRow(buddy_label(_("&Interface:"), self.interface_combo),
                    with_error(self.interface_combo, self.error("interface_language")))
        form.addRow(buddy_label(_("&Patient, by default:"), self.patient_combo),
                    with_error(self.patient_combo, self.error("patient_language")))

    def title(self) -> str:
        return _("Languages")

    def load(self, settings: Settings) -> None:
        select(self.interface_combo, settings.interface_language)
        select(self.patient_combo, settings.patient_language)

    def collect(self, values: dict, problems: dict[str, str]) -> None:
        values["interface_language"] = self.interface_combo.currentData()
        values["patient_language"] = self.patient_combo.currentData()
