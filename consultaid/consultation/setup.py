"""Who is in the consultation and what is proposed: the start form's data and its checks (no Qt)."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from consultaid.consultation import text_rules
from consultaid.i18n import SUPPORTED_LANGUAGES, _

MAX_NAME_LENGTH = text_rules.NAME.limit
OLDEST_AGE_YEARS = 130
# A surgery is planned weeks or months ahead, rarely more than a year; five years leaves room for any
# real waiting list, and a typing slip (31/12/9999, 2207 for 2027) is caught at the field instead of
# breaking the recovery calendar later (its dates must stay in the calendar the app computes in).
LATEST_SURGERY_YEARS_AHEAD = 5
# The rule each optional text of the form follows (the names are checked by _check_name).
TEXT_FIELDS = {
    "patient_identifier": text_rules.IDENTIFIER, "surgeon_registration": text_rules.IDENTIFIER,
    "surgeon_title": text_rules.LABEL, "clinic": text_rules.LABEL, "side_level": text_rules.LABEL,
    "indication": text_rules.LABEL, "interpreter_language": text_rules.LABEL,
}


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

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["patient"]["date_of_birth"] = self.patient.date_of_birth.isoformat()
        data["surgery_date"] = self.surgery_date.isoformat() if self.surgery_date else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConsultationSetup:
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


def _check_name(errors: dict[str, Any], field: str, value: str, label_empty: str) -> None:
    problem = text_rules.NAME.problem(value)
    if not value:
        errors[field] = label_empty
    elif problem:
        errors[field] = problem
    elif not any(unicodedata.category(ch).startswith("L") for ch in value):
        errors[field] = _("A name needs at least one letter.")


def years_after(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def validate_setup(fields: dict[str, Any], today: date) -> dict[str, str]:
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
    elif surgery is not None and surgery > years_after(today, LATEST_SURGERY_YEARS_AHEAD):
        errors["surgery_date"] = _("Check the planned surgery date: it is more than {years} years ahead.").format(
            years=LATEST_SURGERY_YEARS_AHEAD)
    if fields.get("interpreter_present"):
        _check_name(errors, "interpreter_name", fields.get("interpreter_name", ""),
                    _("Enter the interpreter's name."))
        if not fields.get("interpreter_language"):
            errors["interpreter_language"] = _("Enter the language the interpreter translates into.")
    for field, rule in TEXT_FIELDS.items():
        if field == "interpreter_language" and not fields.get("interpreter_present"):
            continue
        problem = rule.problem(fields.get(field, ""))
        if problem and field not in errors:
            errors[field] = problem
    return errors


def field_problem(field: str, value: str) -> str | None:
    """The text rule's problem with one field of the form as typed so far (for showing it at once)."""
    rule = text_rules.NAME if field in ("surgeon_name", "patient_name", "interpreter_name") else TEXT_FIELDS.get(field)
    return rule.problem(value) if rule is not None else None
