"""Settings › Hospital record's "Send a test message": does each configured destination answer, and what?

HL7 (MLLP): a fictional MDM^T02 (patient "TEST^CONSULTAID", a one-page PDF saying it is a test) with MSH-11
processing ID "T" (test, HL7 table 0103), so an integration engine routes it to its test channel or
refuses it, and the ACK is shown as it came. FHIR: a search for a patient identifier no one has (with
the configured TLS and credentials), which creates nothing in the hospital's record; a server that answers
with a searchset Bundle is reachable and accepts ConsultAid's credentials. Sending a fictional document
to a production FHIR server would file a fictional patient, hence the search.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from consultaid.hospital.document import HospitalDocument, HospitalSettings, document_id
from consultaid.hospital.errors import HospitalError
from consultaid.hospital.fhir_client import FHIR_JSON, Credentials, _context, operation_outcome_text
from consultaid.hospital.hl7_mdm import FIELD, build_mdm_t02
from consultaid.hospital.mllp import send_message
from consultaid.i18n import _

TEST_IDENTIFIER = "CONSULTAID-CONNECTION-TEST"
TIMEOUT = 20.0
# A whole, valid one-page PDF saying what it is (hand-written: the hospital layer draws no PDFs).
_TEST_PDF_TEXT = "ConsultAid connection test: not a patient document"


def _test_pdf() -> bytes:
    stream = f"BT /F1 14 Tf 72 720 Td ({_TEST_PDF_TEXT}) Tj ET".encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
    return bytes(out)


def fictional_document(settings: HospitalSettings) -> HospitalDocument:
    """A fictional document: no real patient, surgeon or record."""
    now = datetime.now(UTC).astimezone().isoformat(timespec="seconds")
    return HospitalDocument(
        document_id=document_id("consultaid-connection-test", int(datetime.now(UTC).timestamp())),
        consultation_id="consultaid-connection-test", version=1, replaces_document_id=None, relation="replaces",
        patient_name="TEST^CONSULTAID", patient_birth_date="2000-01-01", patient_identifier=TEST_IDENTIFIER,
        surgeon_name="TEST", surgeon_registration="", started_at=now, created_at=now, signed_at=now,
        language="en", title=_TEST_PDF_TEXT, pack_id="test", pack_version="0", pack_fingerprint="0" * 64,
        decision=None, visit_number="", settings=settings, pdf=_test_pdf())


def fictional_message(settings: HospitalSettings) -> str:
    """The MDM of the test document, marked as a test message (MSH-11 "T")."""
    segments = build_mdm_t02(fictional_document(settings)).split("\r")
    header = segments[0].split(FIELD)
    header[10] = "T"   # MSH-11: the encoding characters field is MSH-2, so MSH-n is item n - 1 after "MSH"
    segments[0] = FIELD.join(header)
    return "\r".join(segments)


def check_mllp(settings: HospitalSettings) -> str:
    """Sends the test message; the receiver's answer as one line, or raises HospitalError."""
    ack = send_message(settings, fictional_message(settings), ack_timeout=TIMEOUT, connect_timeout=TIMEOUT)
    return _("The HL7 receiver accepted the test message ({code}).").format(code=ack.code) + \
        (f" {ack.text}" if ack.text else "")


def check_fhir(settings: HospitalSettings, credentials: Credentials) -> str:
    """An authenticated search that finds no one; the server's answer as one line, or raises HospitalError."""
    if not settings.fhir_configured:
        raise HospitalError(_("No FHIR server is configured."))
    base = settings.fhir_base_url.rstrip("/")
    where = urlsplit(base).netloc or base
    headers = {"Accept": FHIR_JSON}
    if settings.fhir_auth == "bearer" and credentials.token:
        headers["Authorization"] = f"Bearer {credentials.token}"
    url = f"{base}/Patient?identifier={quote(TEST_IDENTIFIER, safe='')}"
    context = _context(settings, credentials) if base.startswith("https:") else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=TIMEOUT,
                                    context=context) as response:
            answer = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        text = operation_outcome_text(error.read()) or error.reason
        raise HospitalError(_("The FHIR server at {where} refused the test ({status}): {text}").format(
            where=where, status=error.code, text=text), rejected=True, receiver_text=str(text)) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", None) or error
        raise HospitalError(_("The FHIR server at {where} could not be reached: {reason}").format(
            where=where, reason=reason)) from None
    except ValueError:
        raise HospitalError(_("The FHIR server at {where} answered with something that is not FHIR.").format(
            where=where)) from None
    if not isinstance(answer, dict) or answer.get("resourceType") != "Bundle":
        raise HospitalError(_("The FHIR server at {where} answered with something that is not FHIR.").format(
            where=where))
    return _("The FHIR server at {where} answered and accepted ConsultAid's credentials.").format(where=where)


def check_destinations(settings: HospitalSettings, credentials: Credentials) -> list[tuple[str, bool, str]]:
    """Each configured destination: (name, answered well, the answer or the error), one line each."""
    results = []
    checks: list[tuple[str, bool, Callable[[], str]]] = [
        ("HL7", settings.mllp_configured, lambda: check_mllp(settings)),
        ("FHIR", settings.fhir_configured, lambda: check_fhir(settings, credentials))]
    for name, configured, check in checks:
        if not configured:
            continue
        try:
            results.append((name, True, check()))
        except HospitalError as error:
            results.append((name, False, str(error)))
    return results
