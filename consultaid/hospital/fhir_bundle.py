"""The FHIR R4 transaction Bundle in the shape of IHE MHD ITI-65 "Provide Document Bundle" (Minimal).

Entries: the SubmissionSet List, the DocumentReference, the Binary (the sealed PDF), the Patient and, when
the patient's decision is recorded (proceed or declines), a Consent pointing at the DocumentReference.

An addendum (document.build_addendum_document) is the same shape: its DocumentReference `relatesTo` the
summary's ("appends", the target by the summary's masterIdentifier, as a correction names the version it
replaces), and its Consent says the patient's position now: a confirmation "active" with provision permit
(deny when the patient no longer wishes to go ahead), a withdrawal "inactive" with provision deny
(`consent_status`). A refusal (a withdrawal, or a confirmation where the patient no longer wishes to go
ahead) and a correction also put the consultation's earlier Consents again, "inactive" (`document.ends`):
a search for the patient's active consents finds the current answer only.

Resending is safe. Every fullUrl is a urn:uuid derived from the document id, the List, DocumentReference,
Patient and Consent are conditional creates (`ifNoneExist` on their stable identifier), so a transaction
sent again after a lost answer finds them and creates nothing new. The Binary has no search parameter to
make it conditional: it is written with PUT at an id derived from the document id, so a resend rewrites
the same Binary with the same bytes instead of adding one.

Why the Patient is in the Bundle (conditional create on the patient identifier) rather than only a
reference by identifier: a FHIR reference by identifier alone is not resolved by servers, so the
DocumentReference could not be found by a patient search (`patient.identifier=`). With ifNoneExist, a
patient the hospital already has is reused (the server keeps its own record); one it does not have yet is
created with the identifier, name and birth date from the summary.

Identifiers: the document id is the masterIdentifier (MHD uniqueId, `urn:uuid:`); the PDF's SHA-256 is
carried as an RFC 6920 named-information URI (`ni:///sha-256;...`) in a secondary identifier, because
FHIR R4 `Attachment.hash` is SHA-1 (base64) by definition; the content pack's fingerprint, itself a SHA-256,
is the identifier of `context.related`.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any
from urllib.parse import quote

from consultaid.hospital.document import HospitalDocument

URI_SYSTEM = "urn:ietf:rfc:3986"
MHD = "https://profiles.ihe.net/ITI/MHD/StructureDefinition/"
PROVIDE_BUNDLE_PROFILE = MHD + "IHE.MHD.Minimal.ProvideBundle"
SUBMISSION_SET_PROFILE = MHD + "IHE.MHD.Minimal.SubmissionSet"
DOCUMENT_REFERENCE_PROFILE = MHD + "IHE.MHD.Minimal.DocumentReference"
SOURCE_ID_EXTENSION = MHD + "ihe-sourceId"
LIST_TYPES = "https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes"
# IHE format code for a document whose MIME type says all (a PDF): IHE ITI TF-3, formatCode value set.
FORMAT_CODE = ("http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode",
               "urn:ihe:iti:xds:2017:mimeTypeSufficient", "mimeType Sufficient")
# Consent.policyRule.text (R4 requires a policy or a rule, invariant ppc-1): where the decision was recorded.
POLICY_TEXTS = {
    "": "Decision recorded at a surgical information consultation (ConsultAid)",
    "confirmation": "Decision confirmed on the day of the procedure (ConsultAid addendum)",
    "withdrawal": "Withdrawal recorded by the clinical team (ConsultAid addendum)",
}
CONSENT_SCOPE = ("http://terminology.hl7.org/CodeSystem/consentscope", "treatment", "Treatment")


def _uuid(document: HospitalDocument, part: str) -> str:
    return str(uuid.uuid5(uuid.UUID(document.document_id), part))


def full_url(document: HospitalDocument, part: str) -> str:
    """The stable urn:uuid of one entry of this document's Bundle."""
    return f"urn:uuid:{_uuid(document, part)}"


def entry_uuid(document: HospitalDocument, part: str) -> str:
    """The stable identifier value of one entry's resource (MHD entryUUID and conditional-create key).
    Deliberately not its fullUrl: servers replace every occurrence of a fullUrl in the Bundle with the
    created resource's location, identifiers included, and the search on it would then never match."""
    return f"urn:uuid:{_uuid(document, part + '.identifier')}"


def binary_id(document: HospitalDocument) -> str:
    return _uuid(document, "Binary")


def named_information(sha256_hex: str) -> str:
    """RFC 6920 URI for a SHA-256 digest: ni:///sha-256;<base64url without padding>."""
    return "ni:///sha-256;" + base64.urlsafe_b64encode(bytes.fromhex(sha256_hex)).decode("ascii").rstrip("=")


def source_id(document: HospitalDocument) -> str:
    """The MHD sourceId: the hospital's OID for this source when configured, else a stable UUID URN."""
    settings = document.settings
    if settings.source_oid:
        return f"urn:oid:{settings.source_oid}"
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_DNS,
                                        f"{settings.sending_application}.{settings.sending_facility}.consultaid"))


def _conditional(system: str, value: str) -> str:
    """The ifNoneExist search on a stable identifier."""
    token = f"{system}|{value}" if system else value
    return f"identifier={quote(token, safe='')}"


def _patient(document: HospitalDocument) -> tuple[dict[str, Any], str]:
    settings = document.settings
    identifier: dict[str, Any] = {"use": "usual", "value": document.patient_identifier}
    if settings.identifier_system:
        identifier["system"] = settings.identifier_system
    if settings.identifier_authority:
        identifier["assigner"] = {"display": settings.identifier_authority}
    patient = {"resourceType": "Patient", "identifier": [identifier],
               "name": [{"text": document.patient_name}], "birthDate": document.patient_birth_date}
    return patient, _conditional(settings.identifier_system, document.patient_identifier)


def _document_reference(document: HospitalDocument, patient_url: str, binary_url: str) -> dict[str, Any]:
    settings = document.settings
    master = f"urn:uuid:{document.document_id}"
    author = {"resourceType": "Practitioner", "id": "author", "name": [{"text": document.surgeon_name}]}
    if document.surgeon_registration:
        author["identifier"] = [{"value": document.surgeon_registration}]
    resource: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "meta": {"profile": [DOCUMENT_REFERENCE_PROFILE]},
        "contained": [author],
        "masterIdentifier": {"system": URI_SYSTEM, "value": master},
        "identifier": [
            {"use": "official", "system": URI_SYSTEM, "value": entry_uuid(document, "DocumentReference")},
            {"use": "secondary", "system": URI_SYSTEM, "value": named_information(document.pdf_sha256)},
        ],
        "status": "current",
        "docStatus": "final",
        "type": {"coding": [{"system": settings.document_type_system, "code": settings.document_type_code,
                             "display": settings.document_type_display}]},
        "subject": {"reference": patient_url},
        "date": document.created_at,
        "author": [{"reference": "#author"}],
        "authenticator": {"reference": "#author"},
        "description": document.title or None,
        "content": [{
            "attachment": {
                "contentType": "application/pdf",
                "language": document.language,
                "url": binary_url,
                "size": document.pdf_size,
                "hash": base64.b64encode(document.pdf_sha1).decode("ascii"),
                "title": document.title or None,
                "creation": document.created_at,
            },
            "format": {"system": FORMAT_CODE[0], "code": FORMAT_CODE[1], "display": FORMAT_CODE[2]},
        }],
        "context": {
            "period": {"start": document.started_at, "end": document.created_at},
            "related": [{"identifier": {"system": URI_SYSTEM, "value": named_information(document.pack_fingerprint)},
                         "display": f"ConsultAid content pack {document.pack_id} {document.pack_version}"}],
        },
    }
    if document.replaces_document_id:
        resource["relatesTo"] = [{"code": document.relation, "target": {
            "identifier": {"system": URI_SYSTEM, "value": f"urn:uuid:{document.replaces_document_id}"}}}]
    return _without_empty(resource)


def consent_status(document: HospitalDocument) -> str:
    """The R4 Consent.status (required binding to http://hl7.org/fhir/ValueSet/consent-state-codes, FHIR
    4.0.1): "inactive" ("the consent is terminated or replaced") for a withdrawal, since R4 has no
    "withdrawn"; "active" otherwise, the provision saying permit or deny."""
    return "inactive" if document.addendum_kind == "withdrawal" else "active"


def _consent(document: HospitalDocument, patient_url: str, source: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Consent",
        "identifier": [{"system": URI_SYSTEM, "value": entry_uuid(document, "Consent")}],
        "status": consent_status(document),
        "scope": {"coding": [{"system": CONSENT_SCOPE[0], "code": CONSENT_SCOPE[1], "display": CONSENT_SCOPE[2]}]},
        "category": [{"coding": [{"system": document.settings.document_type_system,
                                  "code": document.settings.document_type_code,
                                  "display": document.settings.document_type_display}]}],
        "patient": {"reference": patient_url},
        "dateTime": document.signed_at,
        "performer": [{"reference": patient_url}],
        "sourceReference": source,
        # R4 requires a policy or a policy rule (invariant ppc-1); the rule here is the consultation itself.
        "policyRule": {"text": POLICY_TEXTS.get(document.addendum_kind, POLICY_TEXTS[""])},
        "provision": {"type": "permit" if document.decision == "proceed" else "deny",
                      "code": [{"text": document.title}] if document.title else None},
    }


def _ended_consent(earlier: HospitalDocument, patient_url: str) -> tuple[str, dict[str, Any], dict[str, str]]:
    """An earlier document's Consent, ended by a refusal or a correction: the same resource, now
    "inactive", put again in place by its identifier (a conditional update), so a search for the patient's
    active consents no longer finds a permit the patient has withdrawn, or one answer per version. Its
    source, the earlier DocumentReference, is not in this Bundle: it is named by its masterIdentifier (a
    logical reference; a conditional reference is not resolved by every server: the test server stored it
    as text)."""
    source = {"type": "DocumentReference",
              "identifier": {"system": URI_SYSTEM, "value": f"urn:uuid:{earlier.document_id}"}}
    resource = dict(_consent(earlier, patient_url, source), status="inactive")
    return (full_url(earlier, "Consent"), resource,
            {"method": "PUT", "url": "Consent?" + _conditional(URI_SYSTEM, entry_uuid(earlier, "Consent"))})


def _submission_set(document: HospitalDocument, patient_url: str, reference_url: str) -> dict[str, Any]:
    return {
        "resourceType": "List",
        "meta": {"profile": [SUBMISSION_SET_PROFILE]},
        "extension": [{"url": SOURCE_ID_EXTENSION,
                       "valueIdentifier": {"system": URI_SYSTEM, "value": source_id(document)}}],
        "identifier": [
            {"use": "usual", "system": URI_SYSTEM, "value": entry_uuid(document, "SubmissionSet.uniqueId")},
            {"use": "official", "system": URI_SYSTEM, "value": entry_uuid(document, "List")},
        ],
        "status": "current",
        "mode": "working",
        "code": {"coding": [{"system": LIST_TYPES, "code": "submissionset"}]},
        "subject": {"reference": patient_url},
        "date": document.created_at,
        "entry": [{"item": {"reference": reference_url}}],
    }


def build_bundle(document: HospitalDocument) -> dict[str, Any]:
    """The transaction Bundle as a JSON-ready dict."""
    patient_url = full_url(document, "Patient")
    reference_url = full_url(document, "DocumentReference")
    list_url = full_url(document, "List")
    binary = binary_id(document)
    binary_url = f"Binary/{binary}"
    patient, patient_condition = _patient(document)
    entries = [
        (list_url, _submission_set(document, patient_url, reference_url),
         {"method": "POST", "url": "List",
          "ifNoneExist": _conditional(URI_SYSTEM, entry_uuid(document, "List"))}),
        (reference_url, _document_reference(document, patient_url, binary_url),
         {"method": "POST", "url": "DocumentReference",
          "ifNoneExist": _conditional(URI_SYSTEM, f"urn:uuid:{document.document_id}")}),
        (full_url(document, "Binary"), {"resourceType": "Binary", "id": binary, "contentType": "application/pdf",
                      "securityContext": {"reference": reference_url},
                      "data": base64.b64encode(document.pdf).decode("ascii")},
         {"method": "PUT", "url": binary_url}),
        (patient_url, patient, {"method": "POST", "url": "Patient", "ifNoneExist": patient_condition}),
    ]
    if document.patient_decided:
        entries.append((full_url(document, "Consent"), _consent(document, patient_url, {"reference": reference_url}),
                        {"method": "POST", "url": "Consent",
                         "ifNoneExist": _conditional(URI_SYSTEM, entry_uuid(document, "Consent"))}))
    entries += [_ended_consent(earlier, patient_url) for earlier in document.ends if earlier.patient_decided]
    return {
        "resourceType": "Bundle",
        "meta": {"profile": [PROVIDE_BUNDLE_PROFILE]},
        "type": "transaction",
        "entry": [{"fullUrl": url, "resource": _without_empty(resource), "request": request}
                  for url, resource, request in entries],
    }


def _without_empty(resource: dict[str, Any]) -> dict[str, Any]:
    """FHIR forbids empty values: drops None, empty strings, lists and objects, recursively."""
    cleaned = {key: _cleaned(item) for key, item in resource.items()}
    return {key: item for key, item in cleaned.items() if item not in (None, "", [], {})}


def _cleaned(value: object) -> object:
    if isinstance(value, dict):
        return _without_empty(value)
    if isinstance(value, list):
        cleaned = [_cleaned(item) for item in value]
        return [item for item in cleaned if item not in (None, "", [], {})]
    return value
