"""POSTs the MHD Provide Document Bundle to the hospital's FHIR server and reads its answer.

HTTPS verifies the server's certificate and host name (the configured CA file, or the system's trusted
certificates); the client authenticates with a bearer token or a client certificate, which the caller
reads from the keyring (nothing secret is kept in settings). A refusal is reported with the text of the
server's OperationOutcome. No connection is made unless a FHIR base URL is configured.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from consultaid.hospital.document import HospitalSettings
from consultaid.hospital.errors import HospitalError
from consultaid.i18n import _

FHIR_JSON = "application/fhir+json"
TIMEOUT = 120.0  # a 30 MB document is ~40 MB of JSON


@dataclass(frozen=True)
class TransactionResult:
    """The server's transaction-response: one (status, location) per entry, in the Bundle's order."""

    entries: tuple[tuple[str, str], ...]

    def location(self, resource_type: str) -> str:
        """Where the server keeps the first entry of this type, e.g. "DocumentReference/123/_history/1"."""
        return next((location for _status, location in self.entries
                     if location.split("/")[0] == resource_type), "")


@dataclass(frozen=True)
class Credentials:
    token: str = ""  # bearer token
    certificate_file: str = ""  # client certificate (PEM), with its key
    key_file: str = ""


def operation_outcome_text(body: bytes) -> str:
    """The human text of an OperationOutcome (details.text, else diagnostics, else the code)."""
    try:
        outcome = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return ""
    if not isinstance(outcome, dict) or outcome.get("resourceType") != "OperationOutcome":
        return ""
    texts = []
    for issue in outcome.get("issue", []):
        text = (issue.get("details") or {}).get("text") or issue.get("diagnostics") or issue.get("code", "")
        where = ", ".join(issue.get("expression", []))
        texts.append(f"{text} ({where})" if where else text)
    return "; ".join(text for text in texts if text)


def _context(settings: HospitalSettings, credentials: Credentials) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=settings.fhir_ca_file or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if settings.fhir_auth == "client_certificate" and credentials.certificate_file:
        context.load_cert_chain(credentials.certificate_file, credentials.key_file or None)
    return context


def post_transaction(settings: HospitalSettings, bundle: dict[str, Any], credentials: Credentials = Credentials(),
                     timeout: float = TIMEOUT) -> TransactionResult:
    """Sends the Bundle; returns the server's answer per entry or raises HospitalError (rejected=True
    when the server answered with a 4xx refusal)."""
    if not settings.fhir_configured:
        raise HospitalError(_("No FHIR server is configured."))
    base = settings.fhir_base_url.rstrip("/")
    where = urlsplit(base).netloc or base
    headers = {"Content-Type": FHIR_JSON, "Accept": FHIR_JSON}
    if settings.fhir_auth == "bearer" and credentials.token:
        headers["Authorization"] = f"Bearer {credentials.token}"
    request = urllib.request.Request(base, data=json.dumps(bundle, ensure_ascii=False).encode("utf-8"),
                                     headers=headers, method="POST")
    context = _context(settings, credentials) if base.startswith("https:") else None
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        text = operation_outcome_text(error.read()) or error.reason
        raise HospitalError(_("The FHIR server at {where} refused the document ({status}): {text}").format(
            where=where, status=error.code, text=text), rejected=400 <= error.code < 500,
            receiver_text=str(text)) from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, ssl.SSLError):
            raise HospitalError(_("The secure connection to the FHIR server at {where} failed: {reason}").format(
                where=where, reason=reason.reason or reason)) from None
        raise HospitalError(_("The FHIR server at {where} could not be reached: {reason}").format(
            where=where, reason=getattr(reason, "strerror", None) or reason)) from None
    except (TimeoutError, OSError) as error:
        raise HospitalError(_("The FHIR server at {where} did not answer in time.").format(where=where)
                            if isinstance(error, TimeoutError) else
                            _("The FHIR server at {where} could not be reached: {reason}").format(
                                where=where, reason=error.strerror or error)) from None
    try:
        answer = json.loads(body.decode("utf-8"))
        entries = tuple(((entry.get("response") or {}).get("status", ""),
                         (entry.get("response") or {}).get("location", ""))
                        for entry in answer.get("entry", []))
    except (ValueError, UnicodeDecodeError, AttributeError):
        raise HospitalError(_("The FHIR server at {where} answered with something that is not a "
                              "transaction response.").format(where=where)) from None
    if answer.get("resourceType") != "Bundle" or answer.get("type") != "transaction-response":
        raise HospitalError(_("The FHIR server at {where} answered with something that is not a "
                              "transaction response.").format(where=where))
    return TransactionResult(entries)
