"""PgStore: the record store on the clinic's PostgreSQL server, with the public methods and meaning of the
SQLite Store (consultaid/consultation/store.py). No Qt.

- Every write is one transaction, and a method returns only after COMMIT (autosave is safe once it
  returns); finalize stores the record, its PDF bytes and their SHA-256 together (the database checks
  the hash), and removes the draft, in that same transaction.
- The audit trail is one hash chain for the whole clinic. Workstations append to it one at a time: each
  append takes a transaction-scoped advisory lock, reads the head, and inserts the next entry; the lock is
  held until COMMIT, so no two entries follow the same head (the schema refuses a fork anyway, UNIQUE
  previous_hash, and an entry that does not extend the head).
- A draft is leased by the workstation that saves it, until `lease_seconds` after its last save; another
  workstation cannot save over it while the lease lasts, but may take it over explicitly (audited).
- The last chain head this workstation saw is kept in a file outside the database (`anchor_dir`), so
  entries removed from the end of the chain are still detected by verify_audit. The check itself is the
  SQLite store's (consultation/audit.py: chain, anchors, and each record row against its finalize entry).
- Error messages never quote a row: a database error's DETAIL can hold patient data.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from consultaid.consultation.audit import (
    GENESIS_HASH,
    RECORD_COLUMNS,
    AuditAnchor,
    FileAnchor,
    PrintedHeadAnchor,
    anchor_write_failed,
    chain_problems,
    entry_hash,
    finalize_subject,
    record_problems,
    record_row_hash,
)
from consultaid.consultation.db_api import certain_row
from consultaid.consultation.record_store import Whereabouts
from consultaid.consultation.store import (
    OUTBOX_COLUMNS,
    OUTBOX_FROM,
    DraftSummary,
    OutboxEntry,
    StoredRecord,
    StoreError,
    name_key,
    outbox_entry,
    outbox_subject,
    outbox_time,
    versions_query,
)
from consultaid.i18n import _
from consultaid.server.connection import CONNECT_TIMEOUT_SECONDS, ServerError, connect, server_reason
from consultaid.server.migrations import LATEST_VERSION, schema_version
from consultaid.server.search import search_query

if TYPE_CHECKING:
    import psycopg

# psycopg's connection, under the name store.py gives sqlcipher's: the two stores' signatures read alike.
Connection: TypeAlias = "psycopg.Connection[Any]"

if TYPE_CHECKING:
    from consultaid.consultation.addendum import StoredAddendum

# The advisory lock that serializes appends to the audit chain (any fixed 64-bit number; "Audit").
AUDIT_CHAIN_LOCK = 0x4175646974
ANCHOR_NAME = "server-audit-head.txt"
DEFAULT_LEASE_SECONDS = 120


@dataclass(frozen=True)
class DraftLease:
    workstation: str
    expires: str  # ISO 8601


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


def _as_store_error(error: Exception) -> StoreError:
    from psycopg import errors

    reason = server_reason(error)
    sqlstate = getattr(getattr(error, "diag", None), "sqlstate", None)
    if isinstance(error, errors.DiskFull):
        return StoreError("disk_full", _("The clinic server's disk is full: tell IT."))
    if isinstance(error, errors.UniqueViolation):
        return StoreError("conflict", _("Another workstation stored this first: {reason}").format(reason=reason))
    # No SQLSTATE: libpq lost or never had the connection; 08: connection exceptions; 57P0x: the server is
    # shutting down, restarting or not yet accepting connections.
    if sqlstate is None or sqlstate.startswith(("08", "57P")):
        return StoreError("offline", _("The clinic server could not be reached: {reason}").format(reason=reason))
    return StoreError("other", _("The database could not be used: {reason}").format(reason=reason))


class ServerHeadAnchor(FileAnchor):
    """The newest head of the clinic's chain this workstation has seen, in a file of its data folder. Never
    goes back (another process on this workstation may have anchored a later entry). Not required: a
    workstation that never wrote to the chain holds no head of it."""

    required = False

    def record(self, seq: int, hash_: str) -> None:
        held = self.read()
        newest = held.heads[0].seq if held.state == "ok" else None
        if newest is not None and newest >= seq:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        super().record(seq, hash_)


class PgStore:
    def __init__(self, url: str, actor: str = "", workstation: str = "", anchor_dir: Path | None = None,
                 lease_seconds: int = DEFAULT_LEASE_SECONDS, use_keyring: bool = False, server_name: str = "",
                 timeout: int = CONNECT_TIMEOUT_SECONDS):
        self.actor = actor or os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"
        self.workstation = workstation or socket.gethostname()
        self.anchor_dir = Path(anchor_dir) if anchor_dir is not None else None
        self.data_dir = self.anchor_dir   # the seal key stays on the workstation, with the anchor
        self.lease_seconds = lease_seconds
        self.anchor_problem: str | None = None
        self.server_name = server_name or _host_of(url)
        # The hospital destinations configured ("mllp", "fhir"): finalize queues one outbox row for each.
        self.outbox_destinations: tuple[str, ...] = ()
        try:
            self.connection = connect(url, use_keyring=use_keyring, timeout=timeout)
        except ServerError as error:
            raise StoreError("offline" if error.kind == "offline" else "other", str(error)) from None
        self._last_audit: tuple[int, str] | None = None
        self._audited: tuple[int, str] | None = None   # the entry the open transaction wrote, if any
        try:
            version = schema_version(self.connection)
        except Exception as error:
            self.connection.close()
            raise _as_store_error(error) from None
        if version != LATEST_VERSION:
            self.connection.close()
            raise StoreError("other", _("The clinic server's database is at schema version {found}; this ConsultAid "
                                        "needs version {needed}. IT updates it with: consultaid server migrate"
                                        ).format(found=version, needed=LATEST_VERSION))

    key_warning = None  # the server's data is protected by the server, not by a key on this workstation

    # --- plumbing ------------------------------------------------------------------------------
    def close(self) -> None:
        self.connection.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """BEGIN … COMMIT; anything that fails rolls back and is reported as a StoreError."""
        import psycopg

        self._audited = None
        try:
            with self.connection.transaction():
                yield self.connection
        except psycopg.Error as error:
            raise _as_store_error(error) from None
        self._anchor_audit()

    def _anchor_audit(self) -> None:
        """After a commit that wrote an audit entry: that entry is the head this workstation anchors."""
        if self._audited is not None:
            self._last_audit = self._audited
            self._write_anchor()

    # --- audit ---------------------------------------------------------------------------------
    @property
    def anchor_path(self) -> Path | None:
        return self.anchor_dir / ANCHOR_NAME if self.anchor_dir is not None else None

    @property
    def anchors(self) -> list[AuditAnchor]:
        """The anchors written after each commit (consultation/audit.py): this workstation's file."""
        return [ServerHeadAnchor(self.anchor_path)] if self.anchor_path is not None else []

    def _write_anchor(self) -> None:
        """After a commit, which stands whatever happens here: a failed anchor write is kept in
        `anchor_problem` for the caller to show, never raised as a failure to store."""
        if self._last_audit is None:  # only called once an audit entry was committed
            return
        problems = []
        for anchor in self.anchors:
            try:
                anchor.record(*self._last_audit)
            except OSError as error:
                problems.append(anchor_write_failed(anchor, error))
        self.anchor_problem = problems[0] if problems else None

    def _audit(self, db: Connection, action: str, subject: str,
               actor: str | None = None) -> tuple[int, str]:
        # Held until COMMIT or ROLLBACK: the next workstation reads the head only after this entry is in.
        db.execute("SELECT pg_advisory_xact_lock(%s)", (AUDIT_CHAIN_LOCK,))
        head = db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        seq, previous = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        at = _now()
        actor = actor or self.actor
        digest = entry_hash(previous, at, actor, action, subject)
        db.execute("INSERT INTO audit (seq, at, actor, action, subject, previous_hash, hash)"
                   " VALUES (%s, %s, %s, %s, %s, %s, %s)", (seq, at, actor, action, subject, previous, digest))
        self._audited = (seq, digest)
        return self._audited

    def log(self, action: str, subject: str, origin: str | None = None) -> None:
        """One audit entry. With `origin` (an id the workstation chose), the entry is kept once under it: a
        retry after an answer lost on the way back (sent again from the workstation's queue) adds nothing."""
        if origin is not None:
            self.arrive_audit_entry(origin, _now(), self.actor, action, subject)
            return
        with self.transaction() as db:
            self._audit(db, action, subject)

    def latest_audit_hash(self) -> str:
        row = self._read("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1")
        return row[0] if row else GENESIS_HASH

    def verify_audit(self, printed_heads: Sequence[str] = ()) -> list[str]:
        """Every break in the chain (an edited, deleted or reordered entry), every anchor that holds a head
        the chain lost, and every finalized record that no longer matches its finalize entry: the same
        check as the SQLite store's (consultation/audit.py)."""
        anchors = [*self.anchors, *([PrintedHeadAnchor(list(printed_heads))] if printed_heads else [])]
        try:
            with self.connection.transaction():   # one snapshot: the chain and the records agree
                self.connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                from consultaid.consultation.addendum import addendum_problems

                return (chain_problems(self.connection, anchors) + record_problems(self.connection)
                        + addendum_problems(self.connection))
        except StoreError:
            raise
        except Exception as error:
            raise _as_store_error(error) from None

    def _read(self, query: str, arguments: tuple[object, ...] = ()) -> Any:
        """One row as psycopg gives it (a tuple), or None."""
        try:
            return self.connection.execute(query, arguments).fetchone()
        except Exception as error:
            raise _as_store_error(error) from None

    def _read_all(self, query: str, arguments: tuple[object, ...] = ()) -> list[Any]:
        try:
            rows: list[Any] = self.connection.execute(query, arguments).fetchall()
            return rows
        except Exception as error:
            raise _as_store_error(error) from None

    # --- drafts --------------------------------------------------------------------------------
    def save_draft(self, record: dict[str, Any]) -> int:
        """Store the consultation in progress and renew this workstation's lease on it; returns its revision
        once committed. Refused (StoreError "leased") while another workstation's lease on it lasts."""
        return self._save_draft(record, audited=True)

    def arrive_draft(self, record: dict[str, Any]) -> int:
        """A draft saved in a workstation's local queue while the server was away: saved like save_draft,
        but its "create" entry, if it was new there, arrives on its own (arrive_audit_entry), not twice."""
        return self._save_draft(record, audited=False)

    def has_entry(self, action: str, subject: str) -> bool:
        """Whether the clinic's chain holds an entry of this action on this subject."""
        found = self._read("SELECT 1 FROM audit WHERE action = %s AND subject = %s LIMIT 1", (action, subject))
        return found is not None

    def _save_draft(self, record: dict[str, Any], audited: bool) -> int:
        setup = record["setup"]
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        with self.transaction() as db:
            row = db.execute(
                "INSERT INTO drafts AS d (consultation_id, patient_name, procedure_id, started_at, saved_at, revision,"
                " status, record_json, lease_owner, lease_expires)"
                " VALUES (%s, %s, %s, %s, %s, 1, 'open', %s, %s, now() + make_interval(secs => %s))"
                " ON CONFLICT (consultation_id) DO UPDATE SET saved_at = excluded.saved_at,"
                " revision = d.revision + 1, record_json = excluded.record_json,"
                " patient_name = excluded.patient_name, lease_owner = excluded.lease_owner,"
                " lease_expires = excluded.lease_expires"
                " WHERE d.lease_owner IS NULL OR d.lease_owner = excluded.lease_owner OR d.lease_expires <= now()"
                " RETURNING d.revision",
                (record["id"], setup["patient"]["name"], setup["procedure_id"], record["started_at"], _now(), text,
                 self.workstation, self.lease_seconds)).fetchone()
            if row is None:
                raise self._leased_error(db, record["id"])
            if row[0] == 1 and audited:
                self._audit(db, "create", record["id"])
        revision: int = row[0]
        return revision

    def _leased_error(self, db: Connection, consultation_id: str) -> StoreError:
        holder = db.execute("SELECT lease_owner, lease_expires FROM drafts WHERE consultation_id = %s",
                            (consultation_id,)).fetchone()
        holder = certain_row(holder, "the draft's lease")
        return StoreError("leased", _("This consultation is open on workstation {workstation} until {time}: "
                                      "open it read-only, or take it over.").format(
            workstation=holder[0], time=holder[1].astimezone().strftime("%H:%M")))

    def draft_lease(self, consultation_id: str) -> DraftLease | None:
        """Who else has this draft open, while their lease lasts; None if nobody or this workstation."""
        row = self._read("SELECT lease_owner, lease_expires FROM drafts WHERE consultation_id = %s"
                         " AND lease_owner <> %s AND lease_expires > now()", (consultation_id, self.workstation))
        return DraftLease(row[0], row[1].astimezone().isoformat(timespec="seconds")) if row else None

    def take_over_draft(self, consultation_id: str) -> dict[str, Any]:
        """Take the draft from the workstation that has it (it can then no longer save it); audited."""
        with self.transaction() as db:
            row = db.execute("UPDATE drafts SET lease_owner = %s, lease_expires = now() + make_interval(secs => %s)"
                             " WHERE consultation_id = %s RETURNING 1",
                             (self.workstation, self.lease_seconds, consultation_id)).fetchone()
            if row is None:
                raise KeyError(consultation_id)
            self._audit(db, "take_over", consultation_id)
        return self.load_draft(consultation_id)

    def renew_lease(self, consultation_id: str) -> bool:
        """Extends this workstation's lease on a draft it has open (between autosaves: a consultation left
        on one step for minutes stays this room's). False when it no longer holds it (taken over)."""
        with self.transaction() as db:
            row = db.execute("UPDATE drafts SET lease_expires = now() + make_interval(secs => %s)"
                             " WHERE consultation_id = %s AND lease_owner = %s RETURNING 1",
                             (self.lease_seconds, consultation_id, self.workstation)).fetchone()
        return row is not None

    def release_draft(self, consultation_id: str) -> None:
        """Ends this workstation's lease (the consultation was closed here)."""
        with self.transaction() as db:
            db.execute("UPDATE drafts SET lease_owner = NULL, lease_expires = NULL"
                       " WHERE consultation_id = %s AND lease_owner = %s", (consultation_id, self.workstation))

    def drafts(self, status: str | None = None) -> list[DraftSummary]:
        query = "SELECT consultation_id, patient_name, procedure_id, started_at, saved_at, revision, status FROM drafts"
        rows = self._read_all(query + (" WHERE status = %s" if status else "") + " ORDER BY saved_at DESC",
                              (status,) if status else ())
        return [DraftSummary(*row) for row in rows]

    def load_draft(self, consultation_id: str) -> dict[str, Any]:
        row = self._read("SELECT record_json FROM drafts WHERE consultation_id = %s", (consultation_id,))
        if row is None:
            raise KeyError(consultation_id)
        record: dict[str, Any] = json.loads(row[0])
        return record

    def set_draft_aside(self, consultation_id: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE drafts SET status = 'set_aside', lease_owner = NULL, lease_expires = NULL"
                       " WHERE consultation_id = %s", (consultation_id,))
            self._audit(db, "set_aside", consultation_id)

    def resume_draft(self, consultation_id: str) -> dict[str, Any]:
        """Reopen a draft here (after a crash, or one set aside); refused while another workstation has it."""
        with self.transaction() as db:
            row = db.execute(
                "UPDATE drafts SET status = 'open', lease_owner = %s, lease_expires = now() + make_interval(secs => %s)"
                " WHERE consultation_id = %s AND (lease_owner IS NULL OR lease_owner = %s OR lease_expires <= now())"
                " RETURNING 1", (self.workstation, self.lease_seconds, consultation_id, self.workstation)).fetchone()
            if row is None and db.execute("SELECT 1 FROM drafts WHERE consultation_id = %s",
                                          (consultation_id,)).fetchone():
                raise self._leased_error(db, consultation_id)
            self._audit(db, "autosave_recovery", consultation_id)
        return self.load_draft(consultation_id)

    # --- finalized records -----------------------------------------------------------------------
    def finalize(self, record: dict[str, Any], pdf: bytes, supersedes: int | None = None) -> int:
        """Store the finalized record and its exact PDF bytes with their SHA-256, in one transaction."""
        setup = record["setup"]
        digest = hashlib.sha256(pdf).hexdigest()
        with self.transaction() as db:
            version = 1
            if supersedes is not None:
                previous = db.execute("SELECT version FROM records WHERE id = %s", (supersedes,)).fetchone()
                if previous is None:
                    raise StoreError("other", _("The record to correct does not exist."))
                version = previous[0] + 1
            record_id: int = certain_row(db.execute(
                "INSERT INTO records (consultation_id, version, supersedes, patient_name, patient_name_key,"
                " patient_identifier, procedure_id, consultation_date, finalized_at, record_json, pdf, pdf_sha256)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                (record["id"], version, supersedes, setup["patient"]["name"],
                 name_key(setup["patient"]["name"]), setup["patient"].get("identifier", ""),
                 setup["procedure_id"], record["started_at"][:10], record["finalized_at"],
                 json.dumps(record, ensure_ascii=False, separators=(",", ":")), pdf, digest)).fetchone(),
                "INSERT … RETURNING id")[0]
            # Not while another workstation has the draft open (it took it over): that would end its work.
            if db.execute("SELECT 1 FROM drafts WHERE consultation_id = %s AND lease_owner <> %s"
                          " AND lease_expires > now() FOR UPDATE", (record["id"], self.workstation)).fetchone():
                raise self._leased_error(db, record["id"])
            db.execute("DELETE FROM drafts WHERE consultation_id = %s", (record["id"],))
            self._queue_outbox(db, record_id)
            # The row's hash goes into the chain, so editing the row behind the triggers' back is found.
            self._audit(db, "correct" if supersedes else "finalize",
                        finalize_subject(record["id"], version, self._row_hash(db, record_id)))
        return record_id

    @staticmethod
    def _row_hash(db: Connection, record_id: int) -> str:
        row = certain_row(db.execute(f"SELECT {', '.join(RECORD_COLUMNS)} FROM records WHERE id = %s",
                                     (record_id,)).fetchone(), "the stored record")
        return record_row_hash(dict(zip(RECORD_COLUMNS, row, strict=True)))

    # --- arrivals: what a workstation wrote while the server was away (server/clinic_store.py) ---------
    def arrive_record(self, row: dict[str, Any]) -> tuple[str, int | None]:
        """Stores a record finalized on a workstation's local queue, exactly once: ("arrived", id) when
        stored now (with its finalize or correct entry in the clinic's chain, in the same transaction);
        ("present", id) when the server already holds this very record (the same consultation, version,
        record and PDF: an earlier attempt whose answer was lost); ("conflict", id) when it holds another
        one under that consultation and version: nothing is overwritten. `row` is Store.record_row's."""
        for _attempt in range(2):   # a concurrent arrival of the same record: the second look finds it
            try:
                return self._arrive_record(row)
            except StoreError as error:
                if error.kind != "conflict":
                    raise
        raise StoreError("conflict", _("Another workstation stored this first."))

    def _arrive_record(self, row: dict[str, Any]) -> tuple[str, int | None]:
        with self.transaction() as db:
            held = db.execute("SELECT id, record_json, pdf_sha256 FROM records WHERE consultation_id = %s"
                              " AND version = %s", (row["consultation_id"], row["version"])).fetchone()
            if held is not None:
                same = held[1] == row["record_json"] and held[2] == row["pdf_sha256"]
                return ("present" if same else "conflict"), held[0]
            supersedes = None
            if row["supersedes_version"] is not None:
                earlier = db.execute("SELECT id FROM records WHERE consultation_id = %s AND version = %s",
                                     (row["consultation_id"], row["supersedes_version"])).fetchone()
                if earlier is None:
                    return "conflict", None   # the version it corrects is not on the server
                supersedes = earlier[0]
            record_id = certain_row(db.execute(
                "INSERT INTO records (consultation_id, version, supersedes, patient_name, patient_name_key,"
                " patient_identifier, procedure_id, consultation_date, finalized_at, record_json, pdf, pdf_sha256)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                (row["consultation_id"], row["version"], supersedes, row["patient_name"],
                 name_key(row["patient_name"]), row["patient_identifier"], row["procedure_id"],
                 row["consultation_date"], row["finalized_at"], row["record_json"], bytes(row["pdf"]),
                 row["pdf_sha256"])).fetchone(), "INSERT … RETURNING id")[0]
            db.execute("DELETE FROM drafts WHERE consultation_id = %s AND (lease_owner IS NULL OR lease_owner = %s"
                       " OR lease_expires <= now())", (row["consultation_id"], self.workstation))
            self._queue_outbox(db, record_id)
            self._audit(db, "correct" if supersedes else "finalize",
                        finalize_subject(row["consultation_id"], row["version"], self._row_hash(db, record_id)))
        return "arrived", record_id

    def arrive_audit_entry(self, origin_hash: str, at: str, actor: str, action: str, subject: str) -> str:
        """Appends an audit entry a workstation wrote, exactly once: "arrived", or "present" when the entry
        with this origin (its hash in the workstation's queue, or the id the workstation gave it) is already
        in the clinic's chain. The entry keeps its actor; the time it was written on the workstation is
        kept in `arrivals`."""
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM arrivals WHERE origin_hash = %s", (origin_hash,)).fetchone():
                return "present"
            seq, _digest = self._audit(db, action, subject, actor=actor)
            db.execute("INSERT INTO arrivals (origin_hash, workstation, queued_at, audit_seq) VALUES (%s, %s, %s, %s)",
                       (origin_hash, self.workstation, at, seq))
        return "arrived"

    # --- the hospital outbox (the same rows and meaning as the SQLite store's) -------------------------
    def _queue_outbox(self, db: Connection, record_id: int, addendum_id: int | None = None) -> None:
        """In finalize's (or add_addendum's) transaction: one row per configured destination, sent later,
        never here. An addendum's rows name the summary it follows and the addendum."""
        at = outbox_time(datetime.now(UTC))
        for destination in self.outbox_destinations:
            db.execute("INSERT INTO outbox (record_id, addendum, destination, queued_at, updated_at)"
                       " VALUES (%s, %s, %s, %s, %s)", (record_id, addendum_id, destination, at, at))

    def outbox(self, record_ids: list[int] | None = None, states: tuple[str, ...] = ()) -> list[OutboxEntry]:
        """The outbox rows, oldest first: of these records, in these states (all when not given)."""
        clauses: list[str] = []
        arguments: list[object] = []
        if record_ids is not None:
            clauses.append("o.record_id = ANY(%s)")
            arguments.append(list(record_ids))
        if states:
            clauses.append("o.state = ANY(%s)")
            arguments.append(list(states))
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        rows = self._read_all(f"SELECT {OUTBOX_COLUMNS} FROM {OUTBOX_FROM}{where} ORDER BY o.id", tuple(arguments))
        return [outbox_entry(row, place="server") for row in rows]

    def claim_outbox(self, entry: OutboxEntry, claimer: str, until: datetime) -> bool:
        """Takes an entry to send it, if it is still as `entry` read it; the attempt is audited with it."""
        with self.transaction() as db:
            taken = db.execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, claimed_by = %s, claimed_until = %s,"
                " updated_at = %s WHERE id = %s AND state = %s AND claimed_by = %s AND attempts = %s",
                (claimer, outbox_time(until), outbox_time(datetime.now(UTC)), entry.id, entry.state, entry.claimed_by,
                 entry.attempts)).rowcount
            if taken:
                self._audit(db, "outbox_attempt", outbox_subject(entry, entry.attempts + 1))
        return bool(taken)

    def finish_outbox(self, entry: OutboxEntry, claimer: str, state: str, error: str = "", receiver_text: str = "",
                      next_attempt: datetime | None = None) -> bool:
        """Records how an attempt ended, with its audit entry, unless another sender took it over (False)."""
        with self.transaction() as db:
            done = db.execute(
                "UPDATE outbox SET state = %s, next_attempt_at = %s, claimed_by = '', claimed_until = '',"
                " last_error = %s, receiver_text = %s, updated_at = %s WHERE id = %s AND state = 'sending'"
                " AND claimed_by = %s",
                (state, outbox_time(next_attempt), error, receiver_text, outbox_time(datetime.now(UTC)),
                 entry.id, claimer)).rowcount
            if done:
                self._audit(db, f"outbox_{state}", outbox_subject(entry, entry.attempts))
        return bool(done)

    def retry_outbox(self, entry: OutboxEntry) -> bool:
        """A failed or waiting entry is due now (the user asked); audited. False when it is not one."""
        with self.transaction() as db:
            done = db.execute("UPDATE outbox SET state = 'pending', next_attempt_at = '', updated_at = %s"
                              " WHERE id = %s AND state IN ('failed', 'waiting')",
                              (outbox_time(datetime.now(UTC)), entry.id)).rowcount
            if done:
                self._audit(db, "outbox_retry", outbox_subject(entry, entry.attempts))
        return bool(done)

    def outbox_document(self, entry: OutboxEntry) -> tuple[dict[str, Any], bytes]:
        """The record (or addendum record) an entry sends, with its exact stored PDF bytes."""
        if entry.addendum_id is not None:
            return self.addendum(entry.addendum_id)
        return self.record(entry.record_id)

    def ping(self) -> None:
        """A round trip to the server; StoreError "offline" when it is gone (the status bar's check)."""
        self._read("SELECT 1")

    # --- addenda (consultation/addendum.py), as the SQLite store keeps them ---------------------------
    def add_addendum(self, record: dict[str, Any], pdf: bytes) -> int:
        from consultaid.consultation.addendum import AUDIT_ACTIONS, addendum_subject, insert_addendum

        with self.transaction() as db:
            # The audit chain's lock, taken first: two addenda of one consultation are numbered one at a time.
            db.execute("SELECT pg_advisory_xact_lock(%s)", (AUDIT_CHAIN_LOCK,))
            try:
                row_id, number, row_hash = insert_addendum(db, record, pdf, "%s")
            except ValueError as error:
                raise StoreError("other", str(error)) from None
            self._queue_outbox(db, record["follows"]["record_id"], row_id)
            self._audit(db, AUDIT_ACTIONS[record["kind"]], addendum_subject(record["consultation_id"], number,
                                                                            row_hash))
        return row_id

    def arrive_addendum(self, record: dict[str, Any], pdf: bytes) -> tuple[str, int | None]:
        """Stores an addendum made on a workstation while the server was away, exactly once: ("arrived",
        id) when stored now (with its hospital outbox rows and the server's own audit entry, in one
        transaction); ("present", id) when the server already holds this very addendum (an earlier attempt
        whose answer was lost); ("conflict", id or None) when it holds another one under this id, or not the
        summary it names (that consultation, version and SHA-256): nothing is overwritten."""
        from consultaid.consultation.addendum import AUDIT_ACTIONS, addendum_subject, insert_addendum

        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        with self.transaction() as db:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (AUDIT_CHAIN_LOCK,))
            held = db.execute("SELECT id, record_json, pdf_sha256 FROM addenda WHERE addendum_id = %s",
                              (record["id"],)).fetchone()
            if held is not None:
                same = held[1] == text and held[2] == hashlib.sha256(pdf).hexdigest()
                return ("present" if same else "conflict"), held[0]
            follows = record["follows"]
            # The workstation named its own row: the server's row of that version and SHA-256 is the same summary.
            summary = db.execute("SELECT id FROM records WHERE consultation_id = %s AND version = %s"
                                 " AND pdf_sha256 = %s", (record["consultation_id"], follows["version"],
                                                          follows["pdf_sha256"])).fetchone()
            if summary is None:
                return "conflict", None
            row_id, number, row_hash = insert_addendum(db, record, pdf, "%s", summary_row=summary[0])
            self._queue_outbox(db, summary[0], row_id)
            self._audit(db, AUDIT_ACTIONS[record["kind"]], addendum_subject(record["consultation_id"], number,
                                                                            row_hash))
        return "arrived", row_id

    def addenda(self, consultation_id: str) -> list[StoredAddendum]:
        from consultaid.consultation.addendum import ADDENDA_SELECT, stored_addendum

        return [stored_addendum(tuple(row)) for row in self._read_all(
            ADDENDA_SELECT + " WHERE consultation_id = %s ORDER BY number", (consultation_id,))]

    def addendum(self, addendum_id: int) -> tuple[dict[str, Any], bytes]:
        from consultaid.consultation.addendum import stored_pdf

        row = self._read("SELECT record_json, pdf, pdf_sha256 FROM addenda WHERE id = %s", (addendum_id,))
        try:
            return stored_pdf(row, addendum_id)
        except ValueError as error:
            raise StoreError("damaged", str(error)) from None

    def versions(self, consultation_id: str) -> list[StoredRecord]:
        return [StoredRecord(*row) for row in self._read_all(versions_query("%s"), (consultation_id,))]

    def latest_version(self, consultation_id: str) -> int | None:
        """The newest stored version of a consultation (what a print or export entry names), or None."""
        version: int | None = self._read("SELECT MAX(version) FROM records WHERE consultation_id = %s",
                                         (consultation_id,))[0]
        return version

    def stored_versions(self, consultation_id: str) -> list[tuple[int, str, str]]:
        """(version, record JSON, PDF SHA-256) of every stored version of a consultation, oldest first."""
        try:
            return self.connection.execute(
                "SELECT version, record_json, pdf_sha256 FROM records WHERE consultation_id = %s ORDER BY version",
                (consultation_id,)).fetchall()
        except Exception as error:
            raise _as_store_error(error) from None

    def sealed_outside_entry(self, pdf_sha256: str) -> int | None:
        """The audit entry that recorded a `render --seal` of the PDF with this SHA-256, if any."""
        row = self._read("SELECT seq FROM audit WHERE action = 'seal_outside_store' AND subject LIKE %s",
                         (f"% pdf-sha256={pdf_sha256}",))
        return row[0] if row else None

    def whereabouts(self) -> Whereabouts:
        """The clinic server, reached (this store is used only while it is: ClinicStore queues otherwise)."""
        return Whereabouts("server", self.server_name)

    def search(self, text: str = "", date_from: str | None = None, date_to: str | None = None,
               procedure_id: str | None = None, status: str | None = None, limit: int = 500) -> list[StoredRecord]:
        """Records by patient name prefix (accent- and case-insensitive) or identifier, date range,
        procedure and status."""
        query, arguments = search_query(text, date_from, date_to, procedure_id, status, limit)
        return [StoredRecord(*row) for row in self._read_all(query, arguments)]

    def record(self, record_id: int) -> tuple[dict[str, Any], bytes]:
        row = self._read("SELECT record_json, pdf, pdf_sha256 FROM records WHERE id = %s", (record_id,))
        if row is None:
            raise KeyError(record_id)
        pdf = bytes(row[1])
        if hashlib.sha256(pdf).hexdigest() != row[2]:
            raise StoreError("damaged", _("The stored PDF does not match its fingerprint."))
        return json.loads(row[0]), pdf


def _host_of(url: str) -> str:
    """The server's host name, for people (status bar); never the password or the rest of the URL."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        return str(conninfo_to_dict(url).get("host") or "localhost")
    except Exception:  # noqa: BLE001 — an address libpq cannot parse is refused when connecting
        return ""
