"""From Settings › Hospital record to what the senders need: the destination settings and the credentials.

The FHIR bearer token is a secret: it is kept in the system keyring (`keep_token`), never in the settings
file. A sender run as a service, where there is often no keyring, reads it from the environment variable
CONSULTAID_FHIR_TOKEN instead (set it in the service's unit, readable by its account only: docs/it.md).
"""

from __future__ import annotations

import os

from consultaid.hospital.document import DEFAULT_DOCUMENT_TYPE, HospitalSettings
from consultaid.hospital.fhir_client import Credentials
from consultaid.settings import HospitalRecord

KEYRING_SERVICE = "ConsultAid hospital record"
TOKEN_VARIABLE = "CONSULTAID_FHIR_TOKEN"


def hospital_settings(record: HospitalRecord) -> HospitalSettings:
    """The destination settings the message builders and clients read."""
    code = record.document_type_code.strip() or DEFAULT_DOCUMENT_TYPE[0]
    system = record.document_type_system.strip() or DEFAULT_DOCUMENT_TYPE[1]
    default_name = DEFAULT_DOCUMENT_TYPE[2] if (code, system) == DEFAULT_DOCUMENT_TYPE[:2] else code
    display = record.document_type_display.strip() or default_name
    return HospitalSettings(
        sending_application=record.sending_application.strip() or "ConsultAid",
        sending_facility=record.sending_facility.strip(),
        source_oid=record.source_oid.strip(),
        receiving_application=record.receiving_application.strip(),
        receiving_facility=record.receiving_facility.strip(),
        identifier_authority=record.identifier_authority.strip(),
        identifier_system=record.identifier_system.strip(),
        document_type_code=code,
        document_type_system=system,
        document_type_display=display,
        mllp_host=record.mllp_host.strip(),
        mllp_port=record.mllp_port if record.mllp_host.strip() else 0,
        mllp_tls=record.mllp_tls,
        mllp_ca_file=os.path.expanduser(record.mllp_ca_file.strip()) if record.mllp_ca_file.strip() else "",
        fhir_base_url=record.fhir_base_url.strip(),
        fhir_auth=record.fhir_auth,
        fhir_ca_file=os.path.expanduser(record.fhir_ca_file.strip()) if record.fhir_ca_file.strip() else "",
    )


def token_account(record: HospitalRecord) -> str:
    """The keyring entry of the token: the server's address, never the token."""
    return record.fhir_base_url.strip().rstrip("/")


def keep_token(record: HospitalRecord, token: str) -> bool:
    """Puts the bearer token in the system keyring; False when there is none (then it is kept nowhere)."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, token_account(record), token)
        return True
    except Exception:  # noqa: BLE001 — no keyring backend on this machine
        return False


def _kept_token(record: HospitalRecord) -> str:
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, token_account(record)) or ""
    except Exception:  # noqa: BLE001 — no keyring: the environment may have it
        return ""


def credentials(record: HospitalRecord) -> Credentials:
    """The FHIR credentials: the token from the keyring or CONSULTAID_FHIR_TOKEN, or the client certificate."""
    if record.fhir_auth == "bearer":
        return Credentials(token=_kept_token(record) or os.environ.get(TOKEN_VARIABLE, ""))
    if record.fhir_auth == "client_certificate":
        return Credentials(certificate_file=os.path.expanduser(record.fhir_certificate_file.strip()),
                           key_file=os.path.expanduser(record.fhir_key_file.strip()))
    return Credentials()
