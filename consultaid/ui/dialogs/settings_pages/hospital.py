"""Hospital record: where each finalized summary is sent (an HL7 v2 receiver over MLLP, a FHIR server), with
the hospital's codes, and a "Send a test message" button that shows each receiver's answer.

Both destinations are off while their address is empty (the default): then nothing is queued and the app
opens no socket. The FHIR bearer token goes to the system keyring on OK, never into the settings file.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from consultaid.charts.palette import ERROR_INK
from consultaid.hospital.document import DEFAULT_DOCUMENT_TYPE
from consultaid.i18n import _
from consultaid.settings import HospitalRecord, Settings
from consultaid.ui.dialogs.settings_pages.page import SettingsPage, buddy_label, named, select
from consultaid.ui.widgets.field_error import FieldError, with_error


def _file_row(edit: QLineEdit, button: QPushButton) -> QWidget:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(edit, 1)
    row.addWidget(button)
    box = QWidget()
    box.setLayout(row)
    return box


class HospitalPage(SettingsPage):
    def __init__(self, errors: dict[str, FieldError]) -> None:
        super().__init__(errors)
        inside = QWidget()
        column = QVBoxLayout(inside)
        column.addWidget(self._mllp_box())
        column.addWidget(self._fhir_box())
        column.addWidget(self._codes_box())
        column.addWidget(self._test_box())
        column.addStretch(1)
        scroller = QScrollArea()   # scrolled, not squeezed: the page is tall in French at 200 %
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(inside)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroller)
        self.loaded = HospitalRecord()

    def _file_field(self, name: str, description: str, key: str) -> tuple[QLineEdit, QWidget]:
        edit = named(QLineEdit(), name, description)
        browse = named(QPushButton(_("Browse…")), _("Choose: {what}").format(what=name))
        browse.clicked.connect(lambda: self._browse(edit, name))
        return edit, with_error(_file_row(edit, browse), self.error(key))

    def _mllp_box(self) -> QGroupBox:
        box = QGroupBox(_("HL7 v2 receiver (MLLP)"))
        self.mllp_host = named(QLineEdit(), _("HL7 receiver"),
                               _("The integration engine's name or address; empty: no HL7 messages are sent"))
        self.mllp_port = named(QSpinBox(), _("HL7 port"))
        self.mllp_port.setRange(0, 65535)
        self.mllp_port.setSpecialValueText(_("none"))
        self.mllp_port.setMaximumWidth(110)
        self.mllp_port.findChild(QLineEdit).setAccessibleName(_("HL7 port"))
        self.mllp_tls = named(QCheckBox(_("Use &TLS")), _("Use TLS"),
                              _("Encrypt the connection and check the receiver's certificate"))
        self.mllp_ca, mllp_ca_row = self._file_field(_("HL7 CA certificate"), _(
            "The certificate (PEM) of the authority that signed the receiver's certificate; empty: the "
            "system's"), "hospital.mllp_ca_file")
        form = QFormLayout(box)
        form.addRow(buddy_label(_("HL7 &receiver:"), self.mllp_host), self.mllp_host)
        form.addRow(buddy_label(_("HL7 p&ort:"), self.mllp_port), with_error(self.mllp_port,
                                                                            self.error("hospital.mllp_port")))
        form.addRow("", self.mllp_tls)
        form.addRow(buddy_label(_("HL7 CA certificate:"), self.mllp_ca), mllp_ca_row)
        return box

    def _fhir_box(self) -> QGroupBox:
        box = QGroupBox(_("FHIR server (IHE MHD)"))
        self.fhir_url = named(QLineEdit(), _("FHIR base URL"),
                              _("For example https://fhir.hospital.example/R4; empty: nothing is sent to FHIR"))
        self.fhir_auth = named(QComboBox(), _("Sign in with"))
        for value, text in (("none", _("Nothing")), ("bearer", _("A bearer token")),
                            ("client_certificate", _("A client certificate"))):
            self.fhir_auth.addItem(text, value)
        self.fhir_auth.currentIndexChanged.connect(self._show_auth)
        self.fhir_token = named(QLineEdit(), _("Bearer token"),
                                _("Kept in the system keyring, never in the settings file"))
        self.fhir_token.setEchoMode(QLineEdit.EchoMode.Password)
        self.fhir_certificate, certificate_row = self._file_field(
            _("Client certificate"), _("The client certificate (PEM)"), "hospital.fhir_certificate_file")
        self.fhir_key, key_row = self._file_field(_("Client key"), _("The client certificate's private key (PEM)"),
                                                  "hospital.fhir_key_file")
        self.fhir_ca, fhir_ca_row = self._file_field(_("FHIR CA certificate"), _(
            "The certificate (PEM) of the authority that signed the server's certificate; empty: the system's"),
            "hospital.fhir_ca_file")
        form = QFormLayout(box)
        form.addRow(buddy_label(_("FHIR &base URL:"), self.fhir_url),
                    with_error(self.fhir_url, self.error("hospital.fhir_base_url")))
        form.addRow(buddy_label(_("Sign &in with:"), self.fhir_auth),
                    with_error(self.fhir_auth, self.error("hospital.fhir_auth")))
        form.addRow(buddy_label(_("Bearer to&ken:"), self.fhir_token), self.fhir_token)
        form.addRow(buddy_label(_("Client certificate:"), self.fhir_certificate), certificate_row)
        form.addRow(buddy_label(_("Client key:"), self.fhir_key), key_row)
        form.addRow(buddy_label(_("FHIR CA certificate:"), self.fhir_ca), fhir_ca_row)
        return box

    def _codes_box(self) -> QGroupBox:
        box = QGroupBox(_("The hospital's codes"))
        self.sending_application = named(QLineEdit(), _("Sending application"), _("MSH-3; usually ConsultAid"))
        self.sending_facility = named(QLineEdit(), _("Sending facility"), _("MSH-4: this clinic's code"))
        self.receiving_application = named(QLineEdit(), _("Receiving application"), _("MSH-5"))
        self.receiving_facility = named(QLineEdit(), _("Receiving facility"), _("MSH-6"))
        self.identifier_authority = named(QLineEdit(), _("Assigning authority"),
                                          _("Of the patient identifiers (PID-3.4), as the hospital names it"))
        self.identifier_system = named(QLineEdit(), _("Identifier system"),
                                       _("The FHIR system URI of the patient identifiers, e.g. urn:oid:…"))
        self.source_oid = named(QLineEdit(), _("Source OID"), _("The OID the hospital gave this source (MHD)"))
        self.document_code = named(QLineEdit(), _("Document type code"), _(
            "Empty: LOINC {code} \u201c{name}\u201d").format(code=DEFAULT_DOCUMENT_TYPE[0],
                                                            name=DEFAULT_DOCUMENT_TYPE[2]))
        self.document_code.setPlaceholderText(f"{DEFAULT_DOCUMENT_TYPE[0]} (LOINC)")
        self.document_system = named(QLineEdit(), _("Document type system"), _("Empty: LOINC"))
        self.document_system.setPlaceholderText(DEFAULT_DOCUMENT_TYPE[1])
        self.document_display = named(QLineEdit(), _("Document type name"))
        self.document_display.setPlaceholderText(DEFAULT_DOCUMENT_TYPE[2])
        form = QFormLayout(box)
        for label, field, key in (
                (_("Sending a&pplication:"), self.sending_application, None),
                (_("Sending &facility:"), self.sending_facility, None),
                (_("Receiving application:"), self.receiving_application, None),
                (_("Receiving facility:"), self.receiving_facility, None),
                (_("Assigning a&uthority:"), self.identifier_authority, "hospital.identifier_authority"),
                (_("Identifier system:"), self.identifier_system, None),
                (_("Source OID:"), self.source_oid, None),
                (_("&Document type code:"), self.document_code, None),
                (_("Document type system:"), self.document_system, None),
                (_("Document type name:"), self.document_display, None)):
            form.addRow(buddy_label(label, field), with_error(field, self.error(key)) if key else field)
        return box

    def _test_box(self) -> QGroupBox:
        box = QGroupBox(_("Test"))
        self.test_button = named(QPushButton(_("Send a &test message")), _("Send a test message"),
                                 _("Sends a fictional test message to each receiver set above and shows its answer"))
        self.test_button.clicked.connect(self.send_test_message)
        self.test_thread: threading.Thread | None = None
        self.test_timer = QTimer(self)
        self.test_timer.setInterval(100)
        self.test_timer.timeout.connect(self._test_done)
        self.test_answer = QLabel()
        self.test_answer.setObjectName("HospitalTestAnswer")
        self.test_answer.setWordWrap(True)
        self.test_answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        note = QLabel(_("Each finalized summary, and each correction, is sent to every receiver set here, in the "
                        "background; the records list shows where each one stands. The HL7 test message is "
                        "marked as a test (MSH-11 T) and names a fictional patient; the FHIR test only searches, "
                        "and files nothing."))
        note.setWordWrap(True)
        layout = QVBoxLayout(box)
        layout.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.test_answer)
        layout.addWidget(note)
        return box

    def _show_auth(self) -> None:
        auth = self.fhir_auth.currentData()
        self.fhir_token.setEnabled(auth == "bearer")
        for field in (self.fhir_certificate, self.fhir_key):
            row = field.parentWidget()
            if row is not None:
                row.setEnabled(auth == "client_certificate")

    # ---- load, collect, keep -------------------------------------------------------------------------------
    def title(self) -> str:
        return _("Hospital record")

    def load(self, settings: Settings) -> None:
        hospital = self.loaded = settings.hospital
        self.mllp_host.setText(hospital.mllp_host)
        self.mllp_port.setValue(min(max(hospital.mllp_port, 0), 65535))
        self.mllp_tls.setChecked(hospital.mllp_tls)
        self.mllp_ca.setText(hospital.mllp_ca_file)
        self.fhir_url.setText(hospital.fhir_base_url)
        select(self.fhir_auth, hospital.fhir_auth)
        self.fhir_certificate.setText(hospital.fhir_certificate_file)
        self.fhir_key.setText(hospital.fhir_key_file)
        self.fhir_ca.setText(hospital.fhir_ca_file)
        for field, value in ((self.sending_application, hospital.sending_application),
                             (self.sending_facility, hospital.sending_facility),
                             (self.receiving_application, hospital.receiving_application),
                             (self.receiving_facility, hospital.receiving_facility),
                             (self.identifier_authority, hospital.identifier_authority),
                             (self.identifier_system, hospital.identifier_system),
                             (self.source_oid, hospital.source_oid),
                             (self.document_code, hospital.document_type_code),
                             (self.document_system, hospital.document_type_system),
                             (self.document_display, hospital.document_type_display)):
            field.setText(value)
        self._show_auth()

    def hospital(self) -> HospitalRecord:
        """What the fields say."""
        return HospitalRecord(
            mllp_host=self.mllp_host.text().strip(), mllp_port=self.mllp_port.value(),
            mllp_tls=self.mllp_tls.isChecked(), mllp_ca_file=self.mllp_ca.text().strip(),
            fhir_base_url=self.fhir_url.text().strip(), fhir_auth=self.fhir_auth.currentData(),
            fhir_ca_file=self.fhir_ca.text().strip(), fhir_certificate_file=self.fhir_certificate.text().strip(),
            fhir_key_file=self.fhir_key.text().strip(),
            sending_application=self.sending_application.text().strip(),
            sending_facility=self.sending_facility.text().strip(),
            receiving_application=self.receiving_application.text().strip(),
            receiving_facility=self.receiving_facility.text().strip(),
            identifier_authority=self.identifier_authority.text().strip(),
            identifier_system=self.identifier_system.text().strip(), source_oid=self.source_oid.text().strip(),
            document_type_code=self.document_code.text().strip(),
            document_type_system=self.document_system.text().strip(),
            document_type_display=self.document_display.text().strip())

    def collect(self, values: dict[str, object], problems: dict[str, str]) -> None:
        values["hospital"] = self.hospital()

    def keep(self, settings: Settings) -> None:
        if settings.hospital.fhir_auth == "bearer" and self.fhir_token.text():
            self._keep_token(settings.hospital)

    def _keep_token(self, hospital: HospitalRecord) -> bool:
        from consultaid.hospital.outbox_settings import keep_token
        from consultaid.ui.services.messages import messages

        if keep_token(hospital, self.fhir_token.text()):
            return True
        messages.inform(self, _("The token was not kept"), _(
            "This computer has no system keyring, so the FHIR server's token cannot be kept safely. A sender "
            "run as a service reads it from CONSULTAID_FHIR_TOKEN (see the IT guide)."))
        return False

    # ---- the test ------------------------------------------------------------------------------------------
    def send_test_message(self) -> None:
        """Sends the test to each receiver as the fields say now (before OK), and shows each answer."""
        from dataclasses import replace

        from consultaid.hospital.fhir_client import Credentials
        from consultaid.hospital.outbox_settings import credentials, hospital_settings
        from consultaid.hospital.outbox_test_message import check_destinations
        from consultaid.settings import hospital_problems

        hospital = self.hospital()
        problems = hospital_problems(replace(hospital, identifier_authority=hospital.identifier_authority or "-"))
        for key, error in self.errors.items():
            if key.startswith("hospital."):
                error.show_message(problems.get(key))
        if problems:
            return
        if not hospital.destinations():
            self._answer(_("Set an HL7 receiver or a FHIR server first."), False)
            return
        given = credentials(hospital)
        if hospital.fhir_auth == "bearer" and self.fhir_token.text():
            given = Credentials(token=self.fhir_token.text())
        self.test_answer.setText(_("Sending…"))
        self.test_button.setEnabled(False)
        # In a thread: a receiver that does not answer must not hold the dialog (up to the tests' timeouts).
        self.test_results: list[tuple[str, bool, str]] | None = None
        settings = hospital_settings(hospital)

        def run() -> None:
            self.test_results = check_destinations(settings, given)

        self.test_thread = threading.Thread(target=run, daemon=True, name="hospital-test-message")
        self.test_thread.start()
        self.test_timer.start()

    def _test_done(self) -> None:
        if self.test_thread is not None and self.test_thread.is_alive():
            return
        self.test_timer.stop()
        self.test_button.setEnabled(True)
        results = self.test_results or []
        lines = [("\u2714 " if good else "\u26a0 ") + f"{name}: {text}" for name, good, text in results]
        self._answer("\n".join(lines), all(good for _name, good, _text in results))

    def _answer(self, text: str, good: bool) -> None:
        self.test_answer.setText(text)
        self.test_answer.setAccessibleName(text)
        self.test_answer.setStyleSheet("" if good else f"color: {ERROR_INK};")

    def _browse(self, edit: QLineEdit, what: str) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Choose: {what}").format(what=what), edit.text(),
                                                    _("Certificates (*.pem *.crt *.key)"))
        if path:
            edit.setText(path)
