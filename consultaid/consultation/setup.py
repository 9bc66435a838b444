"""Who is in the consultation and what is proposed: the start form's data and its checks (no Qt)."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from datetime import date

from consultaid.i18n import SUPPORTED_LANGUAGES, _

MAX_NAME_LENGTH = 200
MAX_TEXT_LENGTH = 2000
OLDEST_AGE_YEARS = 130


@dataclass(frozen=True)
class Surgeon:
    name: str
    title: str = ""
    registration_number: str = ""
    clinic: str = ""


@dataclass(frozen=True)
class Patient:
    name: str
    date_of_birth: date
    identifier: str = ""


@dataclass(frozen=True)
class Interpreter:
    name: str
    language: str


@dataclass(frozen=True)
class ConsultationSetup:
    surgeon: Surgeon
    patient: Patient
    procedure_id: str
    patient_language: str
    side_level: str = ""
    indication: str = ""
    surgery_date: date | None = None
    interpreter: Interpreter | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["patient"]["date_of_birth"] = self.patient.date_of_birth.isoformat()
        data["surgery_date"] = self.surgery_date.isoformat() if self.surgery_date else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "ConsultationSetup":
        patient = dict(data["patient"], date_of_birth=date.fromisoformat(data["patient"]["date_of_birth"]))
        return cls(
            surgeon=Surgeon(**data["surgeon"]),
            patient=Patient(**patient),
            procedure_id=data["procedure_id"],
            patient_language=data["patient_language"],
            side_level=data.get("side_level", ""),
            indication=data.get("indication", ""),
            surgery_date=date.fromisoformat(data["surgery_date"]) if data.get("surgery_date") else None,
            interpreter=Interpreter(**data["interpreter"]) if data.get("interpreter") else None,
        )


def parse_date(text: str) -> date | None:
    """A typed date: DD/MM/YYYY (or with . or -) or ISO YYYY-MM-DD; None when empty.

    Day first, never month first: the form shows the date back in words, so a slip is seen at once."""
    text = (text or "").strip()
    if not text:
        return None
    for separator in "/.-":
        parts = text.split(separator)
        if len(parts) == 3 and all(part.isdigit() for part in parts):
            if len(parts[0]) == 4:
                year, month, day = parts
            elif len(parts[2]) == 4:
                day, month, year = parts
            else:
                break
            return date(int(year), int(month), int(day))  # ValueError for 31/02/2020
    raise ValueError(text)


def clean_text(text: str) -> str:
    """NFC-normalised, trimmed, with control characters (pasted from elsewhere) removed; any script kept."""
    text = unicodedata.normalize("NFC", text or "")
    kept = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf"))
    return kept.strip()


def _check_name(errors: dict, field: str, value: str, label_empty: str) -> None:
    if not value:
        errors[field] = label_empty
    elif len(value) > MAX_NAME_LENGTH:
        errors[field] = _("Too long: at most {count} characters.").format(count=MAX_NAME_LENGTH)
    elif not any(unicodedata.category(ch).startswith("L") for ch in value):
        errors[field] = _("A name needs at least one letter.")


def validate_setup(fields: dict, today: date) -> dict[str, str]:
    """Field name -> message to show beside that field; empty when the consultation can start.

    `fields` holds cleaned values: surgeon_name, patient_name, date_of_birth (date or None),
    procedure_id, patient_language, surgery_date (date or None), interpreter_present (bool),
    interpreter_name, interpreter_language, and free texts.
    """
    errors: dict[str, str] = {}
    _check_name(errors, "surgeon_name", fields.get("surgeon_name", ""), _("Enter the surgeon's name."))
    _check_name(errors, "patient_name", fields.get("patient_name", ""), _("Enter the patient's name."))
    birth = fields.get("date_of_birth")
    if birth is None:
        errors["date_of_birth"] = _("Enter the date of birth.")
    elif birth > today:
        errors["date_of_birth"] = _("The date of birth cannot be in the future.")
    elif today.year - birth.year > OLDEST_AGE_YEARS:
        errors["date_of_birth"] = _("Check the date of birth: it is more than {years} years ago.").format(
            years=OLDEST_AGE_YEARS)
    if not fields.get("procedure_id"):
        errors["procedure_id"] = _("Choose the procedure to discuss.")
    if fields.get("patient_language") not in SUPPORTED_LANGUAGES:
        errors["patient_language"] = _("Choose the patient's language.")
    surgery = fields.get("surgery_date")
    if surgery is not None and surgery < today:
        errors["surgery_date"] = _("The planned surgery date is in the past.")
    if fields.get("interpreter_present"):
        _check_name(errors, "interpreter_name", fields.get("interpreter_name", ""),
                    _("Enter the interpreter's name."))
        if not fields.get("interpreter_language"):
            errors["interpreter_language"] = _("Enter the language the interpreter translates into.")
    for field in ("patient_identifier", "side_level", "indication", "surgeon_title",
                  "surgeon_registration", "clinic"):
        if len(fields.get(field, "")) > MAX_TEXT_LENGTH:
            errors[field] = _("Too long: at most {count} characters.").format(count=MAX_TEXT_LENGTH)
    return errors
