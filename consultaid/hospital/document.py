"""What is sent to the hospital record: one document submission per stored record version.

A `HospitalDocument` is built from a finalized record (the JSON of docs/record.md), the exact PDF bytes
kept with it and the hospital's settings. Both message forms (HL7 v2 MDM and FHIR MHD) are made from this
one object, so they always say the same thing.

The document id is a UUID derived (UUID version 5) from the consultation id and the record version: the
same stored version always gets the same id, so a message sent again after a lost answer is recognised by
the receiver as the same document, and a correction (a later version) gets a new id that names the id of
the version it replaces.

An addendum (a confirmation on the day or a withdrawal, consultation/addendum.py) is its own document: its
id is a UUID version 5 of the addendum's own id, and it names the document id of the summary version it
follows ("appends"). Patient, author and content pack come from that summary; times, language and the
patient's new position from the addendum.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from consultaid.consultation.addendum import CONFIRMATION, KIND_TITLES, WITHDRAWAL
from consultaid.hospital.errors import HospitalError
from consultaid.i18n import _, translate

# Fixed once for ConsultAid: every document id is uuid5(DOCUMENT_NAMESPACE, "<consultation id>/<version>").
DOCUMENT_NAMESPACE = uuid.UUID("6f1d3c52-8f0e-4c1a-9a43-2b7e5d0c9e71")

# LOINC 59284-0 "Consent Document" (Patient consent): the LOINC code HL7 lists for consent documents
# (FHIR R4 Consent category example value set; HL7 Consent Management IG, LOINC Consent Document Types).
# The hospital may configure its own code (see docs/it.md, "Codes and their sources").
DEFAULT_DOCUMENT_TYPE = ("59284-0", "http://loinc.org", "Consent Document")

# The decisions of the record's `decision.choice` that are a patient's decision on the procedure.
DECIDED = ("proceed", "declines")


@dataclass(frozen=True)
class HospitalSettings:
    """Where and how documents go. Both destinations are off while their address is empty."""

    sending_application: str = "ConsultAid"
    sending_facility: str = ""
    source_oid: str = ""  # the OID the hospital gave this source, for the MHD sourceId (FHIR)
    receiving_application: str = ""
    receiving_facility: str = ""
    # The assigning authority of the patient identifier: its HL7 v2 namespace id (PID-3.4) and, for FHIR,
    # the identifier system URI (for example "urn:oid:1.2.250.1.71.4.2.1" or an https URL).
    identifier_authority: str = ""
    identifier_system: str = ""
    document_type_code: str = DEFAULT_DOCUMENT_TYPE[0]
    document_type_system: str = DEFAULT_DOCUMENT_TYPE[1]
    document_type_display: str = DEFAULT_DOCUMENT_TYPE[2]
    mllp_host: str = ""
    mllp_port: int = 0
    mllp_tls: bool = False
    mllp_ca_file: str = ""  # empty with TLS: the system's trusted certificates
    fhir_base_url: str = ""
    fhir_auth: str = "none"  # "none", "bearer" (token from the keyring) or "client_certificate"
    fhir_ca_file: str = ""

    @property
    def mllp_configured(self) -> bool:
        return bool(self.mllp_host and self.mllp_port)

    @property
    def fhir_configured(self) -> bool:
        return bool(self.fhir_base_url)


@dataclass(frozen=True)
class HospitalDocument:
    """Everything one submission carries; times are the record's ISO 8601 text with its UTC offset."""

    document_id: str  # a UUID, stable for one record version
    consultation_id: str
    version: int
    replaces_document_id: str | None  # the earlier version's document id, for corrections and addenda
    relation: str  # "replaces" or "appends", meaningful with replaces_document_id
    patient_name: str
    patient_birth_date: str  # YYYY-MM-DD
    patient_identifier: str
    surgeon_name: str
    surgeon_registration: str
    started_at: str
    created_at: str  # when the summary was made (the record's finalized_at)
    signed_at: str  # the surgeon's signature
    language: str
    title: str
    pack_id: str
    pack_version: str
    pack_fingerprint: str
    decision: str | None  # "proceed", "declines", "needs_time", "second_opinion" or None
    visit_number: str
    settings: HospitalSettings
    pdf: bytes = field(repr=False)
    # An addendum: "confirmation" or "withdrawal" ("" for a summary version), and, for a confirmation,
    # whether the patient still wishes to go ahead.
    addendum_kind: str = ""
    still_wishes: bool | None = None
    # A refusal (a withdrawal, or a confirmation where the patient no longer wishes to go ahead) or a
    # correction: the earlier documents of the consultation whose Consent it ends (FHIR), filled in by the
    # outbox.
    ends: tuple[HospitalDocument, ...] = field(default=(), repr=False)

    @property
    def pdf_sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()

    @property
    def pdf_sha1(self) -> bytes:
        return hashlib.sha1(self.pdf).digest()

    @property
    def pdf_size(self) -> int:
        return len(self.pdf)

    @property
    def patient_decided(self) -> bool:
        return self.decision in DECIDED

    @property
    def is_addendum(self) -> bool:
        return bool(self.addendum_kind)


def document_id(consultation_id: str, version: int) -> str:
    return str(uuid.uuid5(DOCUMENT_NAMESPACE, f"{consultation_id}/{int(version)}"))


def addendum_document_id(addendum_id: str) -> str:
    """An addendum's document id: uuid5 of its own id (a UUID kept in its record), stable across resends."""
    return str(uuid.uuid5(DOCUMENT_NAMESPACE, f"addendum/{addendum_id}"))


def build_document(record: dict[str, Any], pdf: bytes, settings: HospitalSettings, *, version: int = 1,
                   replaces_version: int | None = None, relation: str = "replaces",
                   visit_number: str = "") -> HospitalDocument:
    """The submission for one stored version of a finalized record.

    `replaces_version` is the version of the same consultation this one corrects (`relation` "replaces")
    or adds to (`relation` "appends", for addenda). Raises HospitalError when the record cannot be filed in
    a hospital record: not finalized, or no patient identifier (a hospital files documents by identifier).
    """
    if relation not in ("replaces", "appends"):
        raise ValueError(f"unknown relation: {relation!r}")
    if not record.get("finalized_at"):
        raise HospitalError(_("Only a finalized summary can be sent to the hospital record."))
    setup = record["setup"]
    patient = setup["patient"]
    if not patient.get("identifier", "").strip():
        raise HospitalError(_("This summary has no patient identifier, so the hospital record cannot file it. "
                              "Correct the summary with the patient's hospital identifier."))
    surgeon = setup["surgeon"]
    content = record["content"]
    signed_at = next((signature["signed_at"] for signature in record.get("signatures", [])
                      if signature.get("role") == "surgeon" and signature.get("signed_at")),
                     record["finalized_at"])
    return HospitalDocument(
        document_id=document_id(record["id"], version),
        consultation_id=record["id"],
        version=version,
        replaces_document_id=document_id(record["id"], replaces_version) if replaces_version else None,
        relation=relation,
        patient_name=patient["name"],
        patient_birth_date=patient["date_of_birth"],
        patient_identifier=patient["identifier"].strip(),
        surgeon_name=surgeon["name"],
        surgeon_registration=surgeon.get("registration_number", ""),
        started_at=record["started_at"],
        created_at=record["finalized_at"],
        signed_at=signed_at,
        language=setup.get("patient_language") or content.get("language", "en"),
        title=content.get("title", ""),
        pack_id=content["pack_id"],
        pack_version=content["pack_version"],
        pack_fingerprint=content["fingerprint"],
        decision=(record.get("decision") or {}).get("choice"),
        visit_number=visit_number,
        settings=settings,
        pdf=bytes(pdf),
    )


def build_addendum_document(summary: dict[str, Any], addendum: dict[str, Any], pdf: bytes,
                            settings: HospitalSettings, *, visit_number: str = "") -> HospitalDocument:
    """The submission for a stored addendum: its own document, appending to the summary version it follows
    (`summary` is that version's record, `addendum` the addendum's record, `pdf` its exact stored bytes).
    The patient's decision it carries: "proceed" for a confirmation where the patient still wishes to go
    ahead, "declines" for one where they no longer do and for a withdrawal."""
    kind = addendum["kind"]
    if kind not in (CONFIRMATION, WITHDRAWAL):
        raise ValueError(f"unknown addendum kind: {kind!r}")
    summary_document = build_document(summary, b"", settings, version=int(addendum["follows"]["version"]),
                                      visit_number=visit_number)
    clinician_signed = next((signature["signed_at"] for signature in addendum.get("signatures", [])
                             if signature.get("role") == "clinician" and signature.get("signed_at")),
                            addendum["made_at"])
    still_wishes = addendum.get("still_wishes") if kind == CONFIRMATION else None
    decision = "proceed" if kind == CONFIRMATION and still_wishes is not False else "declines"
    language = addendum.get("language") or summary_document.language
    title = translate(KIND_TITLES[kind], language)
    if summary_document.title:
        title = f"{title}: {summary_document.title}"
    # The addendum's author is the clinician who recorded and signed it, who need not be the surgeon, with
    # the registration number given in the addendum; without one, the surgeon's goes with the name only when
    # the clinician is the surgeon.
    clinician = (addendum.get("clinician") or "").strip() or summary_document.surgeon_name
    same_person = clinician.casefold() == summary_document.surgeon_name.strip().casefold()
    registration = (addendum.get("clinician_registration") or "").strip()
    return replace(
        summary_document,
        surgeon_name=clinician,
        surgeon_registration=registration or (summary_document.surgeon_registration if same_person else ""),
        document_id=addendum_document_id(addendum["id"]),
        replaces_document_id=summary_document.document_id,
        relation="appends",
        created_at=addendum["made_at"],
        signed_at=clinician_signed,
        language=language,
        title=title,
        decision=decision,
        pdf=bytes(pdf),
        addendum_kind=kind,
        still_wishes=still_wishes,
    )
