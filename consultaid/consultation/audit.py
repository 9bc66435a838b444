"""The audit trail: a hash chain of every action on the records, its anchors, and the check of both. No Qt.

The chain lives in the database (table `audit`, append-only by trigger). Each entry's hash covers its
content and the hash of the entry before it, so an edited, removed or reordered entry breaks the chain.
What the chain alone cannot show is a chain cut short, or rewritten whole by someone who has the
database key: for that its head (latest entry number and hash) is also kept *outside* the database, in
anchors. docs/security.md says what each anchor does and does not prove.

An anchor is anything that holds heads of the chain (`AuditAnchor`): the local anchor file written
after each commit (`FileAnchor`), the head printed on every summary the patient takes home
(`PrintedHeadAnchor`, given to `consultaid audit verify --head`), and later the clinic server and the
hospital outbox (each a class with the same two methods). A head an anchor holds must be in the chain;
an anchor that should hold one and is missing or unreadable is reported as such, never as intact.

A finalize or correction entry also carries the hash of the record row it stored (`record_row_hash`:
every column of the row, with the SHA-256 of the PDF), so editing a finalized row behind the triggers'
back no longer matches the chain.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from consultaid.consultation.db_api import DbConnection
from consultaid.i18n import _

log = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
# The local anchor file's whole content: "<seq> <64 hex digits>\n". Anything else is unreadable.
ANCHOR_FORM = re.compile(r"(\d{1,18}) ([0-9a-f]{64})\n?")
# An anchor file is a few dozen bytes; reading more than this of a hostile one is pointless.
ANCHOR_MAX_BYTES = 256
# What a finalize or correction entry's subject says: "<consultation id> v<version> row-sha256=<hash>".
FINALIZE_ACTIONS = ("finalize", "correct")
FINALIZE_SUBJECT = re.compile(r"(?P<id>\S+) v(?P<version>\d+) row-sha256=(?P<hash>[0-9a-f]{64})")
# The printed head on a summary is the first 16 hex digits of the latest hash when it was signed.
PRINTED_HEAD = re.compile(r"[0-9a-f]{16,64}")
# The record columns that `record_row_hash` covers, in this order (the PDF by its recomputed SHA-256).
RECORD_COLUMNS = ("id", "consultation_id", "version", "supersedes", "patient_name", "patient_name_key",
                  "patient_identifier", "procedure_id", "consultation_date", "finalized_at", "record_json",
                  "pdf_sha256")


def entry_hash(previous_hash: str, at: str, actor: str, action: str, subject: str) -> str:
    """The audit chain: each entry's hash covers its content and the hash of the entry before it."""
    payload = json.dumps([previous_hash, at, actor, action, subject], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record_row_hash(row: dict[str, Any]) -> str:
    """SHA-256 of a finalized record row: every column in RECORD_COLUMNS (the PDF through its SHA-256)."""
    payload = json.dumps([row[name] for name in RECORD_COLUMNS], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def finalize_subject(consultation_id: str, version: int, row_hash: str) -> str:
    return f"{consultation_id} v{version} row-sha256={row_hash}"


# --- anchors ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Head:
    """A head of the chain as an anchor holds it: the entry number when known, and its hash (the printed
    summary holds only the first 16 hex digits, and no number)."""

    seq: int | None
    hash: str


@dataclass
class AnchorReading:
    state: str                        # "ok", "missing" or "unreadable"
    heads: list[Head] = field(default_factory=list)
    reason: str = ""                  # why it is unreadable; never patient data


class AuditAnchor(Protocol):
    """A place outside the database that holds heads of the audit chain."""

    name: str          # for people: "the anchor file /…/audit-head.txt", "the printed summary"…
    required: bool     # when the chain has entries, must this anchor hold a head? (else it is "missing")

    def read(self) -> AnchorReading:
        """The heads it holds; a missing or unreadable anchor is said as such, never raised."""

    def record(self, seq: int, hash_: str) -> None:
        """Keep a new head after a commit; raises OSError when it cannot. A read-only anchor does nothing."""


class FileAnchor:
    """The local anchor file (audit-head.txt in the data folder): the latest head, rewritten after each
    commit. Written whole or not at all under a temporary name of its own (two processes never share
    one). It may lag behind the chain (a crash or a full disk between commit and write) but never lead."""

    required = True

    def __init__(self, path: Path):
        self.path = Path(path)
        self.name = _("the anchor file {path}").format(path=self.path)

    def read(self) -> AnchorReading:
        try:
            # Not a regular file (a folder, a FIFO that would block the read forever, a device): unreadable.
            if not stat.S_ISREG(os.stat(self.path).st_mode):
                return AnchorReading("unreadable", reason=_("it is not a regular file"))
            with open(self.path, "rb") as handle:
                data = handle.read(ANCHOR_MAX_BYTES + 1)
        except FileNotFoundError:
            return AnchorReading("missing")
        except OSError as error:   # no permission, an I/O error, a loop of links
            return AnchorReading("unreadable", reason=error.strerror or type(error).__name__)
        if len(data) > ANCHOR_MAX_BYTES:
            return AnchorReading("unreadable", reason=_("it is too long"))
        try:
            match = ANCHOR_FORM.fullmatch(data.decode("ascii"))
        except UnicodeDecodeError:
            match = None
        if match is None:
            return AnchorReading("unreadable", reason=_("it is not an entry number and a hash"))
        return AnchorReading("ok", [Head(int(match.group(1)), match.group(2))])

    def record(self, seq: int, hash_: str) -> None:
        from consultaid.files import write_atomically

        write_atomically(self.path, f"{seq} {hash_}\n".encode("ascii"), keep_mode=True)


class PrintedHeadAnchor:
    """Heads read off printed or saved summaries (each prints "audit chain <16 hex digits>"). The patient
    holds the paper, so whoever rewrites the chain on this computer cannot change these. Read-only."""

    required = True

    def __init__(self, heads: list[str]):
        self.name = _("the printed summaries")
        self.given = [head.strip().lower() for head in heads]

    def read(self) -> AnchorReading:
        bad = [head for head in self.given if not PRINTED_HEAD.fullmatch(head)]
        if bad:
            return AnchorReading("unreadable", reason=_("{head} is not 16 to 64 hex digits").format(head=bad[0][:70]))
        return AnchorReading("ok", [Head(None, head) for head in self.given])

    def record(self, seq: int, hash_: str) -> None:
        """Paper is written by printing a summary, not here."""


# --- the check -------------------------------------------------------------------------------------

def chain_problems(connection: DbConnection, anchors: Sequence[AuditAnchor]) -> list[str]:
    """Every break in the chain, every anchored head the chain no longer holds, and every anchor that is
    missing or unreadable. Each problem is one translated line with no patient data."""
    problems, hashes, last_seq = [], {}, None
    previous, expected_seq = GENESIS_HASH, None
    for seq, at, actor, action, subject, previous_hash, stored in connection.execute(
            "SELECT seq, at, actor, action, subject, previous_hash, hash FROM audit ORDER BY seq"):
        if expected_seq is not None and seq != expected_seq:
            problems.append(_("entry {seq} is missing").format(seq=expected_seq))
        expected_seq = seq + 1
        if previous_hash != previous:
            problems.append(_("entry {seq} does not follow the entry before it").format(seq=seq))
        if entry_hash(previous_hash, at, actor, action, subject) != stored:
            problems.append(_("entry {seq} was changed").format(seq=seq))
        previous, hashes[seq], last_seq = stored, stored, seq
    for anchor in anchors:
        problems += _anchor_problems(anchor, hashes, last_seq)
    return problems


def _anchor_problems(anchor: AuditAnchor, hashes: dict[int, str], last_seq: int | None) -> list[str]:
    reading = anchor.read()
    if reading.state == "missing":
        if last_seq is None or not anchor.required:
            return []   # a new, empty store has no anchor yet
        return [_("anchor missing: {anchor} is gone, so entries removed from the end of the chain cannot be "
                  "ruled out").format(anchor=anchor.name)]
    if reading.state == "unreadable":
        return [_("anchor unreadable: {anchor} ({reason}), so entries removed from the end of the chain cannot "
                  "be ruled out").format(anchor=anchor.name, reason=reading.reason)]
    problems = []
    for head in reading.heads:
        if head.seq is not None:
            # The anchor may lag behind the chain, never lead: a missing or different entry at its number
            # means entries were removed or rewritten.
            if hashes.get(head.seq) != head.hash:
                problems.append(_("entries up to {seq} were recorded in {anchor}, but the chain no longer holds "
                                  "them").format(seq=head.seq, anchor=anchor.name))
        elif not any(value.startswith(head.hash) for value in hashes.values()):
            problems.append(_("the head {head} of {anchor} is not in the chain: it was rewritten or cut").format(
                head=head.hash[:16], anchor=anchor.name))
    return problems


def record_problems(connection: DbConnection) -> list[str]:
    """Every finalized record row whose columns or PDF no longer match the hash its finalize entry put in
    the chain, every row with no such entry, and every finalize entry whose row is gone. Entries written
    before rows were hashed (no `row-sha256=`) cannot be compared and are left alone."""
    entries: dict[tuple[str, int], str] = {}
    earlier: set[str] = set()   # consultations finalized before rows were hashed: their rows cannot be compared
    # The actions are constants, written into the query so it runs on SQLite and PostgreSQL alike (their
    # drivers mark parameters differently: ? and %s).
    actions = ", ".join(f"'{action}'" for action in FINALIZE_ACTIONS)
    for _action, subject in connection.execute(
            f"SELECT action, subject FROM audit WHERE action IN ({actions}) ORDER BY seq"):
        match = FINALIZE_SUBJECT.fullmatch(subject)
        if match:
            entries[(match.group("id"), int(match.group("version")))] = match.group("hash")
        else:
            earlier.add(subject.split(" ", 1)[0])
    problems = []
    columns = ", ".join(name for name in RECORD_COLUMNS if name != "pdf_sha256")
    for row in connection.execute(f"SELECT {columns}, pdf_sha256, pdf FROM records ORDER BY id"):
        values = dict(zip(RECORD_COLUMNS, row[:-1], strict=True))
        key = (values["consultation_id"], values["version"])
        if key not in entries:
            if values["consultation_id"] not in earlier:
                problems.append(_("record {id} has no finalize entry in the audit trail").format(id=values["id"]))
            continue
        expected = entries.pop(key)
        actual = record_row_hash({**values, "pdf_sha256": hashlib.sha256(row[-1]).hexdigest()})
        if actual != expected or values["pdf_sha256"] != hashlib.sha256(row[-1]).hexdigest():
            problems.append(_("record {id} was changed after it was finalized").format(id=values["id"]))
    for consultation_id, version in entries:
        problems.append(_("consultation {id} version {version} was finalized, but its record is no longer in "
                          "the store").format(id=consultation_id, version=version))
    return problems


def latest_head(connection: DbConnection) -> tuple[int, str] | None:
    head: tuple[int, str] | None = connection.execute(
        "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return head


def anchor_write_failed(anchor: AuditAnchor, error: OSError) -> str:
    """What to tell the user when a commit succeeded but an anchor could not be updated."""
    return _("Saved, but {anchor} could not be updated ({reason}). Nothing is lost; until it is updated, "
             "`consultaid audit verify` cannot rule out that the latest audit entries are removed.").format(
        anchor=anchor.name, reason=error.strerror or type(error).__name__)
