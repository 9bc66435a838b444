"""Addenda: what happens after the signed summary, each a short sealed document of its own. No Qt.

Two kinds (design brief, section 10; issue 19):
- a **confirmation on the day**: the summary's key facts shown again, whether the patient still wishes to go
  ahead, anything new the surgeon adds, new questions, and new signatures (patient and confirming clinician);
- a **withdrawal** at any time (or a change to "declines"): who, when, what was said, signed or the reason
  it was not.

An addendum never changes the summary: it is stored apart (table `addenda`, on both back ends), names the
summary it follows by record id, version and the SHA-256 of its stored PDF, and goes into the audit trail
with the hash of its row. The store refuses an addendum whose link does not match the summary it holds.

The record of an addendum is JSON like the consultation's (`ADDENDUM_FORMAT`), attached to its PDF/A and
sealed; `consultaid verify` reads the link from it. The SQL here is shared by the SQLite and PostgreSQL
stores (`mark` is the driver's placeholder).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from consultaid.consultation.ink import InkDrawing
from consultaid.consultation.session import QuestionAnswer, Signature
from consultaid.i18n import N_, _, translate

ADDENDUM_FORMAT = "consultaid.addendum"
ADDENDUM_FORMAT_VERSION = 1
CONFIRMATION, WITHDRAWAL = "confirmation", "withdrawal"
KINDS = (CONFIRMATION, WITHDRAWAL)
AUDIT_ACTIONS = {CONFIRMATION: "confirm", WITHDRAWAL: "withdraw"}
# A summary can be confirmed when the patient's decision was to go ahead or to take time to think.
CONFIRMABLE_DECISIONS = ("proceed", "needs_time")
ADDENDUM_ROLES = ("patient", "clinician")

KIND_TITLES = {
    CONFIRMATION: N_("Confirmation on the day of the procedure"),
    WITHDRAWAL: N_("Withdrawal"),
}
ROLE_NAMES = {"patient": N_("Patient"), "clinician": N_("Confirming clinician")}
WITHDRAWAL_ROLE_NAMES = {"patient": N_("Patient"), "clinician": N_("Clinician recording the withdrawal")}
# What each signature means, printed beside it in the patient's language. As on the summary, in French an
# attestation that information was given (and a decision stated), never a consent form.
MEANINGS = {
    (CONFIRMATION, "patient"): N_("I confirm that this information was given to me again today and that my "
                                  "questions were answered."),
    (CONFIRMATION, "clinician"): N_("I confirm that I gave this information to the patient again today and "
                                    "answered their questions."),
    (WITHDRAWAL, "patient"): N_("I confirm that this document records my decision as I stated it."),
    (WITHDRAWAL, "clinician"): N_("I confirm that I recorded the patient's decision as they stated it."),
}

# The columns an addendum row's hash covers (the PDF by its SHA-256), as in audit.RECORD_COLUMNS.
ADDENDUM_COLUMNS = ("id", "addendum_id", "consultation_id", "number", "kind", "follows", "follows_version",
                    "follows_sha256", "made_at", "record_json", "pdf_sha256")


@dataclass(frozen=True)
class SummaryLink:
    """The stored summary an addendum follows: its row id, version and the SHA-256 of its PDF."""

    record_id: int
    version: int
    pdf_sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {"record_id": self.record_id, "version": self.version, "pdf_sha256": self.pdf_sha256}


@dataclass(frozen=True)
class StoredAddendum:
    id: int
    addendum_id: str
    consultation_id: str
    number: int               # 1 for the consultation's first addendum, then 2…
    kind: str
    follows: int              # the summary's record id
    follows_version: int
    follows_sha256: str
    made_at: str
    pdf_sha256: str
    still_wishes: bool | None = None   # confirmations: the patient still wishes to go ahead


def is_addendum(record: object) -> bool:
    return isinstance(record, dict) and record.get("format") == ADDENDUM_FORMAT


def _now() -> datetime:
    return datetime.now().astimezone()


class Addendum:
    """An addendum being written (the dialog drives it), then its record. `summary` is the stored record of
    the summary it follows, `link` where that summary is stored."""

    def __init__(self, kind: str, summary: dict[str, Any], link: SummaryLink, key_facts: list[dict[str, str]],
                 now: Callable[[], datetime] = _now):
        if kind not in KINDS:
            raise ValueError(f"unknown addendum kind {kind!r}")
        self.id = str(uuid.uuid4())
        self.kind = kind
        self.summary = summary
        self.link = link
        self.key_facts = key_facts   # [{"label", "figures"}], worded by the report layer from the summary
        self._now = now
        self.language: str = summary["content"]["language"]
        self.clinician = ""
        self.clinician_registration = ""   # optional: files the addendum under this number in the hospital record
        self.still_wishes: bool | None = True if kind == CONFIRMATION else None
        self.new_information = ""
        self.statement = ""          # withdrawal: what the patient said
        self.questions: list[QuestionAnswer] = []
        self.signatures: dict[str, Signature] = {}
        self.patient_signature_missing_reason = ""
        self.made_at: datetime | None = None

    def meaning(self, role: str) -> str:
        return translate(MEANINGS[(self.kind, role)], self.language)

    def sign(self, role: str, name: str, drawing: InkDrawing) -> Signature:
        signature = Signature(role, name, self._now(), self.meaning(role), drawing)
        self.signatures[role] = signature
        return signature

    def problems(self) -> list[str]:
        """Why the addendum cannot be made yet, in the interface language (empty when it can)."""
        problems = []
        if not self.clinician.strip():
            problems.append(_("Give the clinician's name."))
        if "clinician" not in self.signatures:
            problems.append(_("The clinician must sign."))
        if "patient" not in self.signatures and not self.patient_signature_missing_reason.strip():
            problems.append(_("The patient must sign, or give the reason why they do not sign now."))
        if self.kind == WITHDRAWAL and not self.statement.strip():
            problems.append(_("Record what the patient said."))
        return problems

    def to_record(self, audit_hash: str = "") -> dict[str, Any]:
        """The addendum's versioned JSON record; its time is set the first time it is asked for."""
        if self.made_at is None:
            self.made_at = self._now()
        setup = self.summary["setup"]
        content = self.summary["content"]
        return {
            "format": ADDENDUM_FORMAT,
            "format_version": ADDENDUM_FORMAT_VERSION,
            "id": self.id,
            "kind": self.kind,
            "consultation_id": self.summary["id"],
            "follows": self.link.to_dict(),
            "language": self.language,
            "patient": {key: setup["patient"].get(key, "") for key in ("name", "date_of_birth", "identifier")},
            "surgeon": setup["surgeon"].get("name", ""),
            "procedure": {"title": content["title"], "side_level": setup.get("side_level", ""),
                          "pack_id": content["pack_id"], "pack_version": content["pack_version"]},
            "summary_finalized_at": self.summary.get("finalized_at"),
            "key_facts": list(self.key_facts) if self.kind == CONFIRMATION else [],
            "still_wishes": self.still_wishes,
            "new_information": self.new_information,
            "statement": self.statement,
            "questions": [{"question": qa.question, "answer": qa.answer} for qa in self.questions
                          if qa.question.strip() or qa.answer.strip()],
            "clinician": self.clinician,
            "clinician_registration": self.clinician_registration,
            "signatures": [self.signatures[role].to_dict() for role in ADDENDUM_ROLES if role in self.signatures],
            "patient_signature_missing_reason": self.patient_signature_missing_reason,
            "made_at": self.made_at.isoformat(timespec="seconds"),
            "audit_hash": audit_hash,
        }


def link_problem(record: dict[str, Any], summary_row: tuple[str, int, str] | None) -> str | None:
    """Why `record` may not be stored as following the summary row (consultation id, version, PDF SHA-256)
    the store holds under its `follows.record_id`; None when the link is exact."""
    follows = record.get("follows") or {}
    if summary_row is None:
        return _("The summary this addendum follows is not in the record store.")
    if summary_row != (record.get("consultation_id"), follows.get("version"), follows.get("pdf_sha256")):
        return _("The summary this addendum names is not the one in the record store (its version or SHA-256 "
                 "differ).")
    return None


# --- the SQL both stores share ---------------------------------------------------------------------

ADDENDA_SELECT = ("SELECT id, addendum_id, consultation_id, number, kind, follows, follows_version, follows_sha256,"
                  " made_at, pdf_sha256, record_json FROM addenda")


def insert_addendum(db: Any, record: dict[str, Any], pdf: bytes, mark: str,
                    summary_row: int | None = None) -> tuple[int, int, str]:
    """Inserts the addendum row after checking its link; returns (row id, number, row hash). Raises
    ValueError with the reason when the summary it names is not the one stored. `summary_row`: where this
    store keeps the summary, when it is not the row the record names (an addendum made on a workstation
    while the clinic server was away names the workstation's row; the version and SHA-256 must still match)."""
    follows = record["follows"]
    summary_row = follows["record_id"] if summary_row is None else summary_row
    summary = db.execute(f"SELECT consultation_id, version, pdf_sha256 FROM records WHERE id = {mark}",
                         (summary_row,)).fetchone()
    problem = link_problem(record, tuple(summary) if summary else None)
    if problem:
        raise ValueError(problem)
    number = db.execute(f"SELECT COUNT(*) FROM addenda WHERE consultation_id = {mark}",
                        (record["consultation_id"],)).fetchone()[0] + 1
    marks = ", ".join([mark] * 10)
    row_id = db.execute(
        "INSERT INTO addenda (addendum_id, consultation_id, number, kind, follows, follows_version, follows_sha256,"
        f" made_at, record_json, pdf, pdf_sha256) VALUES ({marks}, {mark}) RETURNING id",
        (record["id"], record["consultation_id"], number, record["kind"], summary_row, follows["version"],
         follows["pdf_sha256"], record["made_at"], json.dumps(record, ensure_ascii=False, separators=(",", ":")),
         pdf, hashlib.sha256(pdf).hexdigest())).fetchone()[0]
    columns = ", ".join(ADDENDUM_COLUMNS)
    row = db.execute(f"SELECT {columns} FROM addenda WHERE id = {mark}", (row_id,)).fetchone()
    return row_id, number, addendum_row_hash(dict(zip(ADDENDUM_COLUMNS, row, strict=True)))


def addendum_row_hash(row: dict[str, Any]) -> str:
    payload = json.dumps([row[name] for name in ADDENDUM_COLUMNS], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def addendum_subject(consultation_id: str, number: int, row_hash: str) -> str:
    """An addendum's audit entry: "<consultation id> addendum <n> row-sha256=<hash>"."""
    return f"{consultation_id} addendum {number} row-sha256={row_hash}"


ADDENDUM_SUBJECT = re.compile(r"(?P<id>\S+) addendum (?P<number>\d+) row-sha256=(?P<hash>[0-9a-f]{64})")


def addendum_problems(connection: Any) -> list[str]:
    """As audit.record_problems does for summaries: every addendum row whose columns or PDF no longer match
    the hash its audit entry holds, every row without an entry, every entry whose row is gone. The query
    has no parameters, so it runs on SQLite and PostgreSQL alike."""
    actions = ", ".join(f"'{action}'" for action in AUDIT_ACTIONS.values())
    entries: dict[tuple[str, int], str] = {}
    for (subject,) in connection.execute(f"SELECT subject FROM audit WHERE action IN ({actions}) ORDER BY seq"):
        match = ADDENDUM_SUBJECT.fullmatch(subject)
        if match:
            entries[(match.group("id"), int(match.group("number")))] = match.group("hash")
    problems = []
    columns = ", ".join(ADDENDUM_COLUMNS)
    for row in connection.execute(f"SELECT {columns}, pdf FROM addenda ORDER BY id"):
        values = dict(zip(ADDENDUM_COLUMNS, row[:-1], strict=True))
        digest = hashlib.sha256(bytes(row[-1])).hexdigest()
        expected = entries.pop((values["consultation_id"], values["number"]), None)
        if expected is None:
            problems.append(_("addendum {id} has no entry in the audit trail").format(id=values["id"]))
        elif addendum_row_hash({**values, "pdf_sha256": digest}) != expected or values["pdf_sha256"] != digest:
            problems.append(_("addendum {id} was changed after it was stored").format(id=values["id"]))
    for consultation_id, number in entries:
        problems.append(_("addendum {number} of consultation {id} was stored, but is no longer in the store")
                        .format(number=number, id=consultation_id))
    return problems


def stored_addendum(row: tuple[Any, ...]) -> StoredAddendum:
    """A row of ADDENDA_SELECT (the record's JSON last, read only for the patient's answer)."""
    *columns, record_json = row
    record = json.loads(record_json)
    still = record.get("still_wishes") if record.get("kind") == CONFIRMATION else None
    return replace(StoredAddendum(*columns), still_wishes=still)


def stored_pdf(row: tuple[Any, ...] | None, key: object) -> tuple[dict[str, Any], bytes]:
    """(record, PDF) of a (record_json, pdf, pdf_sha256) row; KeyError when there is none, ValueError when the
    PDF no longer matches its SHA-256."""
    if row is None:
        raise KeyError(key)
    pdf = bytes(row[1])
    if hashlib.sha256(pdf).hexdigest() != row[2]:
        raise ValueError(_("The stored PDF does not match its fingerprint."))
    record: dict[str, Any] = json.loads(row[0])
    return record, pdf


# --- the chain, as the records view and `records show` list it -----------------------------------------

@dataclass(frozen=True)
class ChainEntry:
    """One document of a consultation's chain: a summary version or an addendum."""

    kind: str            # "summary", "corrected", CONFIRMATION, "declined" or WITHDRAWAL
    moment: str          # ISO date and time it was finalized or made
    record_id: int | None = None      # summaries: the key for store.record()
    addendum_id: int | None = None    # addenda: the key for store.addendum()
    version: int | None = None        # summaries
    number: int | None = None         # addenda
    pdf_sha256: str = ""
    follows_version: int | None = None


CHAIN_WORDS = {
    "summary": N_("Summary, version {version}"),
    "corrected": N_("Corrected, version {version}"),
    CONFIRMATION: N_("Confirmed (addendum {number}, after version {follows})"),
    "declined": N_("Declined at confirmation (addendum {number}, after version {follows})"),
    WITHDRAWAL: N_("Withdrawn (addendum {number}, after version {follows})"),
}
STATE_WORDS = {
    "summary": N_("Signed on {date}"),
    CONFIRMATION: N_("Confirmed on {date}"),
    "declined": N_("Declined on {date}"),
    WITHDRAWAL: N_("Withdrawn on {date}"),
}


def chain(versions: list[Any], addenda: list[StoredAddendum]) -> list[ChainEntry]:
    """Summary versions (StoredRecord) and addenda of one consultation, in the order they were made."""
    entries = [ChainEntry("corrected" if row.version > 1 else "summary", row.finalized_at, record_id=row.id,
                          version=row.version, pdf_sha256=row.pdf_sha256) for row in versions]
    for item in addenda:
        kind = "declined" if item.kind == CONFIRMATION and item.still_wishes is False else item.kind
        entries.append(ChainEntry(kind, item.made_at, addendum_id=item.id, number=item.number,
                                  pdf_sha256=item.pdf_sha256, follows_version=item.follows_version))
    return sorted(entries, key=lambda entry: (entry.moment, entry.addendum_id or 0))


def entry_words(entry: ChainEntry) -> str:
    return _(CHAIN_WORDS[entry.kind]).format(version=entry.version, number=entry.number,
                                             follows=entry.follows_version)


def current_state(entries: list[ChainEntry]) -> ChainEntry | None:
    """The latest event that says where the patient stands: the last addendum, else the last summary."""
    return entries[-1] if entries else None


def state_words(entry: ChainEntry, format_date: Callable[[str], str]) -> str:
    key = "summary" if entry.kind == "corrected" else entry.kind
    return _(STATE_WORDS[key]).format(date=format_date(entry.moment[:10]))


def may_confirm(summary: dict[str, Any], entries: list[ChainEntry]) -> bool:
    """A summary whose decision was to go ahead (or to take time), not withdrawn or declined since."""
    decision = (summary.get("decision") or {}).get("choice")
    state = current_state(entries)
    return decision in CONFIRMABLE_DECISIONS and (state is None or state.kind not in (WITHDRAWAL, "declined"))


def latest_summary(entries: list[ChainEntry]) -> ChainEntry | None:
    summaries = [entry for entry in entries if entry.record_id is not None]
    return max(summaries, key=lambda entry: entry.version or 0) if summaries else None


__all__ = ["ADDENDUM_FORMAT", "Addendum", "ChainEntry", "StoredAddendum", "SummaryLink", "chain"]
