"""Checks a consultation record read from a file before anything is drawn from it. No Qt.

A record is JSON that anyone can edit, so a summary must not print what the app itself could never have
shown: "Nan in 1000", "-500 in 1000", a range "900–5 in 1000", a recovery date past the year 9999. The
checks run when a record is loaded (`Consultation.from_record` through the summary's loader), and each
problem is one translated line that says where it is, never the patient's words:

- `check_json(data)`: the raw document: nested no deeper than a record can be, every number finite,
  every text valid Unicode (JSON can carry lone surrogates, which no PDF or file can hold);
- `check_figures(estimate, where)`: one estimate's figures: numbers, not negative, at most 1000 in 1000
  (100 %), a range with both ends and its low end not above its high end, a known unit;
- `check_consultation(consultation)`: every field of the loaded record has the type it is declared
  with (text is text, figures are numbers), the patient-specific risks' figures, and every recovery
  date falls inside the calendar.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from functools import cache
from typing import TYPE_CHECKING, Protocol

from consultaid.i18n import N_, _

if TYPE_CHECKING:
    from consultaid.consultation.session import Consultation

# A record is about six levels deep (record > content > risks > risk > estimates > estimate); the ink's
# points add three. Far deeper JSON is not a record, and walking it would exhaust Python's stack.
MAX_DEPTH = 32
SHORT = 40   # characters of an id shown in a message

NESTED_TOO_DEEP = N_("the record is nested more than {depth} levels deep, so it is not a consultation record")
NOT_UNICODE = N_("{where}: the text holds a lone surrogate, which is not valid Unicode")
NOT_FINITE = N_("{where}: {value} is not a finite number")
WRONG_TEXT = N_("{where}: text was expected")
WRONG_NUMBER = N_("{where}: a number was expected")
WRONG_BOOL = N_("{where}: true or false was expected")
WRONG_LIST = N_("{where}: a list was expected")
NEGATIVE = N_("{value} is negative")
ABOVE_1000 = N_("{value} is more than 1000 in 1000")
NOT_PERCENTAGE = N_("{value} is not a percentage between 0 and 100")
UNKNOWN_UNIT = N_("{value} is not one of: {choices}")
HALF_RANGE = N_("{where}: a range needs both its low and its high figure")
BACKWARDS_RANGE = N_("{where}: the range {low}–{high} has its low end above its high end")
NO_UNIT = N_("{where}: a figure without its unit (percent or per_1000)")
BEYOND_CALENDAR = N_("{where}: its date falls after 31 December 9999, the last date the calendar can hold")
BENEFIT, RISK, PATIENT_RISK = N_("benefit {id}"), N_("risk {id}"), N_("patient-specific risk {number}")
MILESTONE = N_("milestone {id}")

UNITS = {"percent": 100.0, "per_1000": 1000.0}   # the largest figure each unit can express
FIGURES = ("value", "low", "high", "upper")


class RecordProblem(ValueError):
    """A record this program recognises but must not render: the message is one translated line."""


def short(text: object) -> str:
    """An id or path as a message may show it: printable, one line, at most SHORT characters."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    return text if len(text) <= SHORT else text[:SHORT - 1] + "…"


def check_json(data: object) -> None:
    """The raw document, walked without recursion (so depth itself cannot break the walk)."""
    pending: list[tuple[object, str, int]] = [(data, "", 1)]
    while pending:
        value, path, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise RecordProblem(_(NESTED_TOO_DEEP).format(depth=MAX_DEPTH))
        if isinstance(value, dict):
            for key, item in value.items():
                _check_text(key, path or "/")
                pending.append((item, f"{path}/{key}", depth + 1))
        elif isinstance(value, list):
            pending += [(item, f"{path}/{index}", depth + 1) for index, item in enumerate(value)]
        elif isinstance(value, str):
            _check_text(value, path or "/")
        elif isinstance(value, float) and not math.isfinite(value):
            raise RecordProblem(_(NOT_FINITE).format(where=short(path or "/"), value=value))


def _check_text(text: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise RecordProblem(_(NOT_UNICODE).format(where=short(path))) from None


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class Figures(Protocol):
    """A content estimate or a patient-specific risk: a unit, and some of `FIGURES` read by name."""

    @property
    def unit(self) -> str | None: ...


def check_figures(estimate: Figures, where: str) -> None:
    """One estimate (a content estimate or a patient-specific risk): see the module docstring."""
    figures = {name: getattr(estimate, name, None) for name in FIGURES}
    given = {name: number for name, number in figures.items() if number is not None}
    for number in given.values():
        if not is_number(number):
            raise RecordProblem(_(WRONG_NUMBER).format(where=where))
        if not math.isfinite(number):
            raise RecordProblem(_(NOT_FINITE).format(where=where, value=number))
    if not given:
        return
    unit = estimate.unit
    if unit not in UNITS:
        if unit is None:
            raise RecordProblem(_(NO_UNIT).format(where=where))
        raise RecordProblem(f"{where}: " + _(UNKNOWN_UNIT).format(value=short(unit), choices=", ".join(UNITS)))
    for number in given.values():
        if number < 0:
            raise RecordProblem(f"{where}: " + _(NEGATIVE).format(value=number))
        if number > UNITS[unit]:
            problem = ABOVE_1000 if unit == "per_1000" else NOT_PERCENTAGE
            raise RecordProblem(f"{where}: " + _(problem).format(value=number))
    low, high = figures["low"], figures["high"]
    if (low is None) != (high is None):
        raise RecordProblem(_(HALF_RANGE).format(where=where))
    if low is not None and low > high:
        raise RecordProblem(_(BACKWARDS_RANGE).format(where=where, low=low, high=high))


@cache
def _declared(cls: type) -> tuple[tuple[str, object], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls) if f.init)


def _accepts(kind: object, value: object) -> bool | None:
    """Whether `value` fits the declared type `kind`; None for kinds not checked here."""
    options = typing.get_args(kind) if typing.get_origin(kind) in (typing.Union, types.UnionType) else (kind,)
    if value is None and type(None) in options:
        return True
    verdicts = [_accepts_one(option, value) for option in options if option is not type(None)]
    if any(verdict is None for verdict in verdicts):
        return None
    return any(verdicts)


def _accepts_one(kind: object, value: object) -> bool | None:
    if kind is str:
        return isinstance(value, str)
    if kind is bool:
        return isinstance(value, bool)
    if kind in (int, float):
        return is_number(value)
    if typing.get_origin(kind) in (tuple, list):
        return isinstance(value, (tuple, list))
    return None


MESSAGES: dict[object, str] = {str: WRONG_TEXT, bool: WRONG_BOOL, int: WRONG_NUMBER, float: WRONG_NUMBER}


def check_fields(item: object, where: str) -> None:
    """Every text, number, flag and list field of a dataclass instance has its declared type."""
    declared_class: type = type(item)
    for name, kind in _declared(declared_class):
        value = getattr(item, name)
        if _accepts(kind, value) is False:
            base = next((option for option in (typing.get_args(kind) or (kind,)) if option is not type(None)),
                        kind)
            message = MESSAGES.get(base, WRONG_LIST)
            raise RecordProblem(_(message).format(where=f"{where}/{short(name)}"))
        if isinstance(value, (tuple, list)):
            for index, element in enumerate(value):
                if dataclasses.is_dataclass(element):
                    check_fields(element, f"{where}/{short(name)}/{index}")
                elif typing.get_args(kind) and typing.get_args(kind)[0] is str and not isinstance(element, str):
                    raise RecordProblem(_(WRONG_TEXT).format(where=f"{where}/{short(name)}/{index}"))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            check_fields(value, f"{where}/{short(name)}")


def check_consultation(consultation: Consultation) -> None:
    """The loaded record: declared types, figures, recovery dates. See the module docstring."""
    from consultaid.consultation.recovery_dates import (
        DateOutOfRange,
        milestone_dates,
        uncertain_end_dates,
    )

    c = consultation
    check_fields(c.setup, "setup")
    check_fields(c.content, "content")
    for where, text in (("id", c.id), ("app_version", c.app_version), ("notes", c.notes),
                        ("decision/note", c.decision_note),
                        ("patient_signature_missing_reason", c.patient_signature_missing_reason),
                        ("audit_hash", c.audit_hash)):
        if not isinstance(text, str):
            raise RecordProblem(_(WRONG_TEXT).format(where=where))
    if c.decision is not None and not isinstance(c.decision, str):
        raise RecordProblem(_(WRONG_TEXT).format(where="decision/choice"))
    for name in ("sections", "benefits", "risks", "milestones", "alternatives"):
        for item_id, progress in c.collection(name).items():
            check_fields(progress, f"{name}/{short(item_id)}")
    for index, item in enumerate(c.patient_specific_risks):
        check_fields(item, f"patient_specific_risks/{index}")
        check_figures(item, _(PATIENT_RISK).format(number=index + 1))
    for collection, items in (("other_alternatives", c.other_alternatives), ("questions", c.questions)):
        for index, entry in enumerate(items):
            check_fields(entry, f"{collection}/{index}")
    for role, signature in c.signatures.items():
        for name in ("name", "meaning"):
            if not isinstance(getattr(signature, name), str):
                raise RecordProblem(_(WRONG_TEXT).format(where=f"signatures/{short(role)}/{name}"))
    surgery = c.setup.surgery_date
    if surgery is not None:
        for milestone in c.content.milestones:
            try:
                milestone_dates(milestone, surgery)
                uncertain_end_dates(milestone, surgery)
            except DateOutOfRange:  # its text holds the surgery date: not chained, so no log ever shows it
                raise RecordProblem(_(BEYOND_CALENDAR).format(
                    where=_(MILESTONE).format(id=short(milestone.id)))) from None
