"""Data: where the records are kept (this workstation's folder, or the clinic server), and the certificate
that seals each finalized summary."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from consultaid.i18n import _
from consultaid.settings import ClinicServer, Settings
from consultaid.ui.dialogs.settings_pages.page import SettingsPage, buddy_label, named
from consultaid.ui.widgets.field_error import with_error


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
        # Scrolled rather than squeezed: with an error under several server fields, in French, at 200 %,
        # the page is taller than the dialog, and a squeezed QFormLayout cuts its fields in half.
        inside = QWidget()
        column = QVBoxLayout(inside)
        column.addWidget(self._where_box())
        column.addWidget(self._seal_box())
        column.addStretch(1)
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(inside)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroller)

    # ---- where the records are ----------------------------------------------------------------------------
    def _where_box(self) -> QGroupBox:
        box = QGroupBox(_("Where the records are kept"))
        self.on_workstation = named(QRadioButton(_("&This workstation")), _("This workstation"),
                                    _("An encrypted database in this computer's data folder"))
        self.on_server = named(QRadioButton(_("&Clinic server")), _("Clinic server"),
                               _("The clinic's shared PostgreSQL database, for every consultation room"))
        self.where = QButtonGroup(self)
        self.where.addButton(self.on_workstation)
        self.where.addButton(self.on_server)
        self.on_server.toggled.connect(self._show_where)

        self.data_dir_edit = named(QLineEdit(), _("Data folder"),
                                   _("Where consultations are kept; empty for the usual place"))
        self.data_dir_edit.setPlaceholderText(_("The usual place"))
        self.data_browse = named(QPushButton(_("Browse…")), _("Choose the data folder"))
        self.data_browse.clicked.connect(self.browse_data_dir)
        self.workstation_form = QWidget()
        form = QFormLayout(self.workstation_form)
        form.addRow(buddy_label(_("&Data folder:"), self.data_dir_edit),
                    with_error(_path_row(self.data_dir_edit, self.data_browse), self.error("data_dir")))

        self.server_host = named(QLineEdit(), _("Server"), _("The clinic server's name or address"))
        self.server_port = named(QSpinBox(), _("Port"))
        self.server_port.setRange(1, 65535)
        self.server_port.setMaximumWidth(100)
        self.server_port.findChild(QLineEdit).setAccessibleName(_("Port"))   # what is typed in
        self.server_database = named(QLineEdit(), _("Database"))
        self.server_user = named(QLineEdit(), _("User"), _("The database user this workstation signs in as"))
        self.server_password = named(QLineEdit(), _("Password"),
                                     _("Kept in the system keyring, never in the settings file"))
        self.server_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_ca = named(QLineEdit(), _("CA certificate"),
                               _("The certificate (PEM) of the authority that signed the server's certificate"))
        self.server_ca_browse = named(QPushButton(_("Browse…")), _("Choose the CA certificate"))
        self.server_ca_browse.clicked.connect(self.browse_ca_certificate)
        # Two fields a row (server and port, database and user): the whole form fits the tab at 1366x768.
        self.server_form = QWidget()
        grid = QGridLayout(self.server_form)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        rows = (
            ((_("Ser&ver:"), self.server_host, "server.host"), (_("P&ort:"), self.server_port, "server.port")),
            ((_("Data&base:"), self.server_database, "server.database"),
             (_("&User:"), self.server_user, "server.user")),
            ((_("Pass&word:"), self.server_password, None),),
            ((_("C&A certificate:"), _path_row(self.server_ca, self.server_ca_browse), "server.ca_certificate"),),
        )
        for row, fields in enumerate(rows):
            for place, (label, field, key) in enumerate(fields):
                buddy = self.server_ca if key == "server.ca_certificate" else field
                # Level with its field's text even when an error opens below the field.
                shown_label = buddy_label(label, buddy)
                shown_label.setMinimumHeight(buddy.sizeHint().height())
                shown_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(shown_label, row, place * 2, Qt.AlignmentFlag.AlignTop)
                shown = with_error(field, self.error(key)) if key else field
                grid.addWidget(shown, row, place * 2 + 1, 1, 1 if len(fields) > 1 else 3)

        note = QLabel(_("A change of place takes effect the next time ConsultAid starts. A server on the network "
                        "is always reached over TLS, its certificate checked against the CA."))
        note.setWordWrap(True)
        layout = QVBoxLayout(box)
        layout.addWidget(self.on_workstation)
        layout.addWidget(self.workstation_form)
        layout.addWidget(self.on_server)
        layout.addWidget(self.server_form)
        layout.addWidget(self.error("record_store"))
        layout.addWidget(note)
        return box

    def _show_where(self) -> None:
        self.workstation_form.setEnabled(self.on_workstation.isChecked())
        self.server_form.setEnabled(self.on_server.isChecked())

    # ---- the seal ------------------------------------------------------------------------------------------
    def _seal_box(self) -> QGroupBox:
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
        box = QGroupBox(_("Seal of the summaries"))
        form = QFormLayout(box)
        form.addRow(buddy_label(_("&Seal certificate:"), self.seal_edit),
                    with_error(_path_row(self.seal_edit, self.seal_browse), self.error("seal_certificate")))
        form.addRow(buddy_label(_("Pass&phrase:"), self.seal_passphrase), self.seal_passphrase)
        form.addRow(note)
        return box

    # ---- load, collect, keep -------------------------------------------------------------------------------
    def title(self) -> str:
        return _("Data")

    def load(self, settings: Settings) -> None:
        self.data_dir_edit.setText(settings.data_dir)
        server = settings.server
        self.server_host.setText(server.host)
        self.server_port.setValue(min(max(server.port, 1), 65535))
        self.server_database.setText(server.database)
        self.server_user.setText(server.user)
        self.server_ca.setText(server.ca_certificate)
        (self.on_server if settings.record_store == "server" else self.on_workstation).setChecked(True)
        self._show_where()
        self.seal_edit.setText(settings.seal_certificate)

    def collect(self, values: dict, problems: dict[str, str]) -> None:
        values["data_dir"] = self.data_dir_edit.text().strip()
        values["record_store"] = "server" if self.on_server.isChecked() else "workstation"
        values["server"] = ClinicServer(host=self.server_host.text().strip(), port=self.server_port.value(),
                                        database=self.server_database.text().strip(),
                                        user=self.server_user.text().strip(),
                                        ca_certificate=self.server_ca.text().strip())
        values["seal_certificate"] = self.seal_edit.text().strip()

    def keep(self, settings: Settings) -> None:
        if settings.seal_certificate and self.seal_passphrase.text():
            from consultaid.report.seal import keep_passphrase

            keep_passphrase(Path(settings.seal_certificate).expanduser(), self.seal_passphrase.text())
        if settings.record_store == "server" and self.server_password.text():
            from consultaid.server.location import keep_password
            from consultaid.ui.services.messages import messages

            if not keep_password(settings.server.location(), self.server_password.text()):
                # Never written to a file instead: without a keyring, IT provides libpq's .pgpass.
                messages.inform(self, _("The password was not kept"), _(
                    "This computer has no system keyring, so the server's password cannot be kept safely. "
                    "Ask IT to give this account a .pgpass file (see the IT guide)."))

    # ---- choosing files ------------------------------------------------------------------------------------
    def browse_data_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Choose the data folder"), self.data_dir_edit.text())
        if folder:
            self.data_dir_edit.setText(folder)

    def browse_seal_certificate(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Choose the seal certificate"), self.seal_edit.text(),
                                                    _("PKCS#12 certificates (*.p12 *.pfx)"))
        if path:
            self.seal_edit.setText(path)

    def browse_ca_certificate(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Choose the CA certificate"), self.server_ca.text(),
                                                    _("Certificates (*.pem *.crt)"))
        if path:
            self.server_ca.setText(path)
