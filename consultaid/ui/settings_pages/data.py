"""Data: where the records are kept, and the certificate that seals each finalized summary."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from consultaid.i18n import _
from consultaid.settings import Settings
from consultaid.ui.settings_pages.page import SettingsPage, buddy_label, named, with_error


def _path_row(edit: QLineEdit, button: QPushButton) -> QWidget:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(edit, 1)
    row.addWidget(button)
    box = QWidget()
    box.setLayout(row)
    return box


class DataPage(SettingsPage):
    def __init__(self, errors):
        super().__init__(errors)
        self.data_dir_edit = named(QLineEdit(), _("Data folder"),
                                   _("Where consultations are kept; empty for the usual place"))
        self.data_dir_edit.setPlaceholderText(_("The usual place"))
        self.data_browse = named(QPushButton(_("Browse…")), _("Choose the data folder"))
        self.data_browse.clicked.connect(self.browse_data_dir)
        note = QLabel(_("A change of data folder takes effect the next time ConsultAid starts."))
        note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(buddy_label(_("&Data folder:"), self.data_dir_edit),
                    with_error(_path_row(self.data_dir_edit, self.data_browse), self.error("data_dir")))
        form.addRow("", note)
        self._seal_rows(form)

    def _seal_rows(self, form: QFormLayout) -> None:
        """The certificate that seals finalized summaries (consultaid/report/seal.py) and its passphrase."""
        self.seal_edit = named(QLineEdit(), _("Seal certificate"),
                               _("PKCS#12 file (.p12 or .pfx) of the clinic or surgeon; empty for this "
                                 "installation's self-signed seal"))
        self.seal_edit.setPlaceholderText(_("This installation's self-signed seal"))
        self.seal_browse = named(QPushButton(_("Browse…")), _("Choose the seal certificate"))
        self.seal_browse.clicked.connect(self.browse_seal_certificate)
        self.seal_passphrase = named(QLineEdit(), _("Passphrase of the seal certificate"))
        self.seal_passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        note = QLabel(_("Each finalized summary is sealed so that any later change shows. The passphrase is "
                        "kept in the system keyring when there is one; otherwise it is asked when a summary is "
                        "finalized."))
        note.setWordWrap(True)
        form.addRow(buddy_label(_("&Seal certificate:"), self.seal_edit),
                    with_error(_path_row(self.seal_edit, self.seal_browse), self.error("seal_certificate")))
        form.addRow(buddy_label(_("Pass&phrase:"), self.seal_passphrase), self.seal_passphrase)
        form.addRow("", note)

    def title(self) -> str:
        return _("Data")

    def load(self, settings: Settings) -> None:
        self.data_dir_edit.setText(settings.data_dir)
        self.seal_edit.setText(settings.seal_certificate)

    def collect(self, values: dict, problems: dict[str, str]) -> None:
        values["data_dir"] = self.data_dir_edit.text().strip()
        values["seal_certificate"] = self.seal_edit.text().strip()

    def keep(self, settings: Settings) -> None:
        if settings.seal_certificate and self.seal_passphrase.text():
            from consultaid.report.seal import keep_passphrase

            keep_passphrase(Path(settings.seal_certificate).expanduser(), self.seal_passphrase.text())

    def browse_data_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Choose the data folder"), self.data_dir_edit.text())
        if folder:
            self.data_dir_edit.setText(folder)

    def browse_seal_certificate(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Choose the seal certificate"), self.seal_edit.text(),
                                                    _("PKCS#12 certificates (*.p12 *.pfx)"))
        if path:
            self.seal_edit.setText(path)
