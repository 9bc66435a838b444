"""Screen lock: how long the window waits without use before it hides the patient's information."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QWidget

from consultaid.i18n import _
from consultaid.settings import MAX_LOCK_MINUTES, MIN_LOCK_MINUTES, Settings
from consultaid.ui.dialogs.settings_pages.page import SettingsPage, buddy_label, named
from consultaid.ui.widgets.field_error import with_error


class LockPage(SettingsPage):
    def __init__(self, errors):
        super().__init__(errors)
        self.lock_minutes = named(QSpinBox(), _("Minutes before locking"),
                                  _("The window locks after this many minutes without a key, click or touch"))
        self.lock_minutes.setRange(MIN_LOCK_MINUTES, MAX_LOCK_MINUTES)
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
        form = QFormLayout(self)
        form.addRow(buddy_label(_("&Lock after:"), self.lock_minutes),
                    with_error(box, self.error("lock_after_minutes")))
        form.addRow("", note)

    def title(self) -> str:
        return _("Screen lock")

    def load(self, settings: Settings) -> None:
        self.lock_minutes.setValue(min(max(settings.lock_after_minutes, MIN_LOCK_MINUTES), MAX_LOCK_MINUTES))

    def collect(self, values: dict, problems: dict[str, str]) -> None:
        values["lock_after_minutes"] = self.lock_minutes.value()
