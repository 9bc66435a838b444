"""Clinic: the name, address and logo printed at the top of every summary."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from consultaid.i18n import _
from consultaid.settings import Clinic, Settings
from consultaid.ui.dialogs.settings_pages.page import SettingsPage, buddy_label, named
from consultaid.ui.widgets.field_error import with_error

THUMBNAIL_HEIGHT = 64


class ClinicPage(SettingsPage):
    def __init__(self, errors):
        super().__init__(errors)
        self.clinic_name = named(QLineEdit(), _("Clinic name"))
        self.clinic_address = named(QPlainTextEdit(), _("Clinic address"))
        self.clinic_address.setTabChangesFocus(True)
        self.clinic_address.setFixedHeight(80)
        self.logo_path = named(QLineEdit(), _("Logo image file"),
                               _("A PNG or JPEG image of at most 2 MB, printed top left of the summary"))
        self.logo_browse = named(QPushButton(_("Browse…")), _("Choose the logo image"))
        self.logo_clear = named(QPushButton(_("No logo")), _("Remove the logo"))
        self.logo_preview = named(QLabel(), _("Logo preview"))
        self.logo_preview.setMinimumHeight(THUMBNAIL_HEIGHT)
        self.logo_browse.clicked.connect(self.browse_logo)
        self.logo_clear.clicked.connect(lambda: self.logo_path.setText(""))
        self.logo_path.textChanged.connect(self._update_logo_preview)
        logo_row = QHBoxLayout()
        logo_row.setContentsMargins(0, 0, 0, 0)
        logo_row.addWidget(self.logo_path, 1)
        logo_row.addWidget(self.logo_browse)
        logo_row.addWidget(self.logo_clear)
        logo_box = QWidget()
        logo_box.setLayout(logo_row)

        form = QFormLayout(self)
        form.addRow(buddy_label(_("&Name:"), self.clinic_name), self.clinic_name)
        form.addRow(buddy_label(_("&Address:"), self.clinic_address), self.clinic_address)
        form.addRow(buddy_label(_("&Logo:"), self.logo_path), with_error(logo_box, self.error("clinic.logo_path")))
        form.addRow("", self.logo_preview)

    def title(self) -> str:
        return _("Clinic")

    def load(self, settings: Settings) -> None:
        self.clinic_name.setText(settings.clinic.name)
        self.clinic_address.setPlainText(settings.clinic.address)
        self.logo_path.setText(settings.clinic.logo_path)
        self._update_logo_preview()

    def collect(self, values: dict, problems: dict[str, str]) -> None:
        values["clinic"] = Clinic(name=self.clinic_name.text().strip(),
                                  address=self.clinic_address.toPlainText().strip(),
                                  logo_path=self.logo_path.text().strip())

    def browse_logo(self) -> None:
        start = str(Path(self.logo_path.text()).parent) if self.logo_path.text() else ""
        path, _filter = QFileDialog.getOpenFileName(self, _("Choose the clinic's logo"), start,
                                                    _("Images (*.png *.jpg *.jpeg)"))
        if path:
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
