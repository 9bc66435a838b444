"""Summary & printing: the default paper, print size (standard or large print), printer and number of copies."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLineEdit

from consultaid.i18n import _
from consultaid.settings import MAX_COPIES, MIN_COPIES, Settings
from consultaid.ui.dialogs.settings_pages.page import SettingsPage, buddy_label, named, select
from consultaid.ui.widgets.field_error import with_error


class PrintingPage(SettingsPage):
    def __init__(self, errors, printers: list[str] | None):
        """`printers`: the print queues to offer, or None to ask the print system (and, if there is none,
        to let the queue's name be typed)."""
        super().__init__(errors)
        self.paper_combo = named(QComboBox(), _("Default paper size"))
        self.paper_combo.addItem(_("A4"), "a4")
        self.paper_combo.addItem(_("US Letter"), "letter")
        if printers is None:
            try:
                from consultaid.printing import list_printers

                printers = list_printers()
            except Exception:   # no print system here: the printer's name is typed instead
                printers = None
        self.printers = printers
        if printers is None:
            self.printer_combo = None
            self.printer_edit = named(QLineEdit(), _("Default printer"),
                                      _("The print queue's name; empty for the system's default printer"))
            self.printer_edit.setPlaceholderText(_("System default printer"))
            printer_field = self.printer_edit
        else:
            self.printer_edit = None
            self.printer_combo = named(QComboBox(), _("Default printer"))
            printer_field = self.printer_combo
        # The default for each consultation's summary; the surgeon can still choose per consultation when
        # finalizing (issue 18: large print for the patient's copy, chosen per consultation and in Settings).
        self.large_print_check = QCheckBox(_("&Large print (16 pt text) by default"))
        named(self.large_print_check, self.large_print_check.text().replace("&", ""),
              _("Summaries are made in large print unless the surgeon unticks it when finalizing"))
        self.copies_edit = named(QLineEdit(), _("Number of copies"), _("How many copies are printed, from 1 to 99"))
        self.copies_edit.setMaxLength(3)
        self.copies_edit.setMaximumWidth(80)

        form = QFormLayout(self)
        form.addRow(buddy_label(_("Default &paper:"), self.paper_combo),
                    with_error(self.paper_combo, self.error("paper")))
        form.addRow("", self.large_print_check)
        form.addRow(buddy_label(_("Default p&rinter:"), printer_field), printer_field)
        form.addRow(buddy_label(_("&Copies:"), self.copies_edit), with_error(self.copies_edit, self.error("copies")))

    def title(self) -> str:
        return _("Summary && printing")

    def load(self, settings: Settings) -> None:
        select(self.paper_combo, settings.paper)
        self.large_print_check.setChecked(settings.large_print)
        if self.printer_combo is None:
            self.printer_edit.setText(settings.printer)
        else:
            self.printer_combo.clear()
            self.printer_combo.addItem(_("System default printer"), "")
            for name in self.printers:
                self.printer_combo.addItem(name, name)
            if settings.printer and settings.printer not in self.printers:   # keep what was chosen, even if gone
                self.printer_combo.addItem(settings.printer, settings.printer)
            select(self.printer_combo, settings.printer)
        self.copies_edit.setText(str(settings.copies))

    def printer(self) -> str:
        if self.printer_combo is not None:
            return self.printer_combo.currentData() or ""
        return self.printer_edit.text().strip()

    def collect(self, values: dict, problems: dict[str, str]) -> None:
        values["paper"] = self.paper_combo.currentData()
        values["large_print"] = self.large_print_check.isChecked()
        values["printer"] = self.printer()
        try:
            values["copies"] = int(self.copies_edit.text().strip())
        except ValueError:
            values["copies"] = 0
            problems["copies"] = _("The number of copies must be a whole number from {low} to {high}.").format(
                low=MIN_COPIES, high=MAX_COPIES)
