"""The HL7 v2.5 MDM document message with content, and its ACK.

The trigger event follows HL7 v2.5 chapter 9: T02 "original document notification and content" for a
first version, T10 "document replacement notification and content" for a correction (the new document
names the one it replaces in TXA-13, the parent document), T06 "addendum notification and content" for an
addendum. All three use the one MDM_T02 message structure (MSH-9 "MDM^T10^MDM_T02").

Written with a small builder of our own rather than hl7apy: the ER7 encoding rules needed here (five
delimiters, their escape sequences, time stamps) are short and fully specified, the application gains no
dependency, and the tests can then check our output with hl7apy, an independent parser that validates
against the v2.5 MDM_T02 structure; building with the library we check against would let its mistakes
cancel out.

Segments: MSH (MSH-18 "UNICODE UTF-8": the message is sent as UTF-8), EVN, PID, PV1, TXA, OBX. PV1 is
required by the v2.5 MDM_T02 structure, so it is always sent; PV1-2 is "O" (outpatient: a consultation)
and PV1-19 carries the visit number when one is known. TXA-12 is the stable document id, TXA-13 the
replaced document's id for a correction. OBX-5 holds the sealed PDF as ED: ^AP^PDF^Base64^<data>.
"""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from consultaid.hospital.document import HospitalDocument

FIELD, COMPONENT, REPETITION, ESCAPE, SUBCOMPONENT = "|", "^", "~", "\\", "&"
ENCODING_CHARACTERS = COMPONENT + REPETITION + ESCAPE + SUBCOMPONENT
SEGMENT_END = "\r"
CHARACTER_SET = "UNICODE UTF-8"
VERSION = "2.5"
# HL7 v2 name of the LOINC coding system (table 0396).
CODING_SYSTEMS = {"http://loinc.org": "LN"}

_ESCAPES = {ESCAPE: "\\E\\", FIELD: "\\F\\", COMPONENT: "\\S\\", SUBCOMPONENT: "\\T\\", REPETITION: "\\R\\",
            "\r": "\\X0D\\", "\n": "\\X0A\\"}
_ESCAPED = re.compile(r"[\\|^&~\r\n]")
_ESCAPE_SEQUENCE = re.compile(r"\\(E|F|S|T|R|X[0-9A-Fa-f]+|\.br)\\")


def escape(text: str) -> str:
    """One value made safe inside a field: every delimiter and line break as its escape sequence."""
    return _ESCAPED.sub(lambda match: _ESCAPES[match.group()], text)


def unescape(text: str) -> str:
    """The inverse of `escape`, for text read from a receiver (hex escapes decoded as UTF-8)."""
    plain = {"E": ESCAPE, "F": FIELD, "S": COMPONENT, "T": SUBCOMPONENT, "R": REPETITION, ".br": "\r"}

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code in plain:
            return plain[code]
        try:
            return bytes.fromhex(code[1:]).decode("utf-8")
        except ValueError:
            return match.group()
    return _ESCAPE_SEQUENCE.sub(replace, text)


def components(*values: str) -> str:
    """A field of components, each escaped, trailing empty ones dropped."""
    parts = [escape(value or "") for value in values]
    while parts and not parts[-1]:
        parts.pop()
    return COMPONENT.join(parts)


def timestamp(iso: str) -> str:
    """HL7 TS (YYYYMMDDHHMMSS+ZZZZ) from an ISO 8601 date-time, keeping its UTC offset."""
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        return moment.strftime("%Y%m%d%H%M%S")
    return moment.strftime("%Y%m%d%H%M%S%z")


def date(iso_date: str) -> str:
    return iso_date.replace("-", "")


def segment(name: str, *fields: str) -> str:
    values = list(fields)
    while values and not values[-1]:
        values.pop()
    return FIELD.join([name, *values])


def new_control_id() -> str:
    """MSH-10: unique per message sent (ST, at most 20 characters in v2.5)."""
    return uuid.uuid4().hex[:20]


def trigger_event(document: HospitalDocument) -> str:
    if not document.replaces_document_id:
        return "T02"
    return "T10" if document.relation == "replaces" else "T06"


def build_mdm_t02(document: HospitalDocument, *, control_id: str | None = None,
                  sent_at: datetime | None = None) -> str:
    """The whole message (MDM_T02 structure) as text, segments ended by carriage returns; encode it as
    UTF-8 to send."""
    settings = document.settings
    event = trigger_event(document)
    sent = timestamp((sent_at or datetime.now(UTC).astimezone()).isoformat(timespec="seconds"))
    coding_system = CODING_SYSTEMS.get(settings.document_type_system, settings.document_type_system)
    surgeon = components(document.surgeon_registration, document.surgeon_name)
    identifier = components(document.patient_identifier, "", "", settings.identifier_authority, "PI")
    pdf = base64.b64encode(document.pdf).decode("ascii")  # base64 has no HL7 delimiter: no escaping
    segments = [
        FIELD.join(["MSH", ENCODING_CHARACTERS, escape(settings.sending_application),
                    escape(settings.sending_facility), escape(settings.receiving_application),
                    escape(settings.receiving_facility), sent, "", f"MDM^{event}^MDM_T02",
                    escape(control_id or new_control_id()), "P", VERSION, "", "", "", "", "", CHARACTER_SET]),
        segment("EVN", event, timestamp(document.created_at)),
        segment("PID", "1", "", identifier, "", components(document.patient_name), "",
                date(document.patient_birth_date)),
        segment("PV1", "1", "O", *[""] * 16, escape(document.visit_number)),
        segment("TXA", "1", escape(settings.document_type_code), "AP", timestamp(document.started_at), surgeon,
                timestamp(document.created_at), "", "", surgeon, "", "",
                components(document.document_id, settings.sending_application),
                components(document.replaces_document_id or "", settings.sending_application)
                if document.replaces_document_id else "",
                "", "", f"{document.document_id}.pdf", "AU", "", "AV", "",
                "Correction" if document.replaces_document_id and document.relation == "replaces" else "",
                # PPN: the person (as XCN) then, in component 15, when they signed.
                components(document.surgeon_registration, document.surgeon_name, *[""] * 12,
                           timestamp(document.signed_at))),
        segment("OBX", "1", "ED",
                components(settings.document_type_code, settings.document_type_display, coding_system),
                "", f"^AP^PDF^Base64^{pdf}", "", "", "", "", "", "F", "", "", timestamp(document.created_at)),
    ]
    return SEGMENT_END.join(segments) + SEGMENT_END


def _error_text(fields: list[str]) -> str:
    """One ERR segment's words: the user message (ERR-8) and diagnostics (ERR-7) of v2.5, else the text of
    the HL7 error code (ERR-3.2), else, from receivers still on v2.4, the text of ERR-1's code (ERR-1.4.2)."""
    def field(number: int) -> str:
        return fields[number] if len(fields) > number else ""

    own = [value for value in (field(8), field(7)) if value]
    if own:
        return " ".join(own)
    code_text = field(3).split(COMPONENT)[1] if len(field(3).split(COMPONENT)) > 1 else ""
    if code_text:
        return code_text
    v24_code = field(1).split(COMPONENT)[3] if len(field(1).split(COMPONENT)) > 3 else ""
    return v24_code.split(SUBCOMPONENT)[1] if len(v24_code.split(SUBCOMPONENT)) > 1 else ""


@dataclass(frozen=True)
class Acknowledgement:
    """What the receiver answered: MSA-1 code, MSA-2 the control id answered, and its text."""

    code: str  # AA / CA accepted; AE / CE error; AR / CR rejected
    control_id: str
    text: str

    @property
    def accepted(self) -> bool:
        return self.code in ("AA", "CA")


def parse_ack(message: str) -> Acknowledgement:
    """Reads an ACK; its text is MSA-3 and what each ERR segment says (see `_error_text`). Raises
    ValueError when there is no MSA."""
    lines = [line for line in re.split(r"\r\n|\r|\n", message) if line]
    if not lines or not lines[0].startswith("MSH") or len(lines[0]) < 4:
        raise ValueError("not an HL7 message")
    field_separator = lines[0][3]
    msa = next((line.split(field_separator) for line in lines if line.startswith("MSA")), None)
    if msa is None or len(msa) < 2:
        raise ValueError("no MSA segment")
    texts = [msa[3]] if len(msa) > 3 and msa[3] else []
    for line in lines:
        if line.startswith("ERR"):
            texts.append(_error_text(line.split(field_separator)))
    text = " ".join(unescape(value) for value in dict.fromkeys(texts) if value)
    return Acknowledgement(code=msa[1].strip(), control_id=msa[2] if len(msa) > 2 else "", text=text)
