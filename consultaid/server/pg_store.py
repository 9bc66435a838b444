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
  entries removed from the end of the chain are still detected by verify_audit.
- Error messages never quote a row: a database error's DETAIL can hold patient data.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from consultaid.consultation.store import GENESIS_HASH, DraftSummary, StoredRecord, StoreError, entry_hash
from consultaid.i18n import _
from consultaid.server.connection import ServerError, connect, server_reason
from consultaid.server.migrations import LATEST_VERSION, schema_version
from consultaid.server.search import folded_name_key, search_query

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


class PgStore:
    def __init__(self, url: str, actor: str = "", workstation: str = "", anchor_dir: Path | None = None,
                 lease_seconds: int = DEFAULT_LEASE_SECONDS, use_keyring: bool = False):
        self.actor = actor or os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"
        self.workstation = workstation or socket.gethostname()
        self.anchor_dir = Path(anchor_dir) if anchor_dir is not None else None
        self.lease_seconds = lease_seconds
        try:
            self.connection = connect(url, use_keyring=use_keyring)
        except ServerError as error:
            raise StoreError("offline" if error.kind == "offline" else "other", str(error)) from None
        self._last_audit: tuple[int, str] | None = None
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
    def transaction(self):
        """BEGIN … COMMIT; anything that fails rolls back and is reported as a StoreError."""
        import psycopg

        self._audited = None
        try:
            with self.connection.transaction():
                yield self.connection
        except psycopg.Error as error:
            raise _as_store_error(error) from None
        if self._audited is not None:
            self._last_audit = self._audited
            self._write_anchor()

    # --- audit ---------------------------------------------------------------------------------
    @property
    def anchor_path(self) -> Path | None:
        return self.anchor_dir / ANCHOR_NAME if self.anchor_dir is not None else None

    def _read_anchor(self) -> tuple[int, str] | None:
        try:
            seq, digest = self.anchor_path.read_text(encoding="ascii").split()
            return int(seq), digest
        except (AttributeError, OSError, ValueError):
            return None

    def _write_anchor(self) -> None:
        """Keeps the newest head this workstation has seen; never goes back (another process on this
        workstation may have anchored a later entry)."""
        if self.anchor_path is None:
            return
        anchored = self._read_anchor()
        if anchored is not None and anchored[0] >= self._last_audit[0]:
            return
        self.anchor_dir.mkdir(parents=True, exist_ok=True)
        temporary = self.anchor_path.with_name(f"{ANCHOR_NAME}.{os.getpid()}.tmp")
        with open(temporary, "w", encoding="ascii") as handle:
            handle.write(f"{self._last_audit[0]} {self._last_audit[1]}\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.anchor_path)

    def _audit(self, db, action: str, subject: str) -> None:
        # Held until COMMIT or ROLLBACK: the next workstation reads the head only after this entry is in.
        db.execute("SELECT pg_advisory_xact_lock(%s)", (AUDIT_CHAIN_LOCK,))
        head = db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        seq, previous = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        at = _now()
        digest = entry_hash(previous, at, self.actor, action, subject)
        db.execute("INSERT INTO audit (seq, at, actor, action, subject, previous_hash, hash)"
                   " VALUES (%s, %s, %s, %s, %s, %s, %s)", (seq, at, self.actor, action, subject, previous, digest))
        self._audited = (seq, digest)

    def log(self, action: str, subject: str) -> None:
        with self.transaction() as db:
            self._audit(db, action, subject)

    def latest_audit_hash(self) -> str:
        row = self._read("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1")
        return row[0] if row else GENESIS_HASH

    def verify_audit(self) -> list[str]:
        """Every break in the chain (an edited, deleted or reordered entry), and entries anchored on this
        workstation that the chain no longer holds."""
        problems = []
        previous = GENESIS_HASH
        expected_seq = 1
        try:
            with self.connection.cursor() as cursor:
                for seq, at, actor, action, subject, previous_hash, stored in cursor.stream(
                        "SELECT seq, at, actor, action, subject, previous_hash, hash FROM audit ORDER BY seq"):
                    if seq != expected_seq:
                        problems.append(f"entry {expected_seq} is missing")
                    expected_seq = seq + 1
                    if previous_hash != previous:
                        problems.append(f"entry {seq} does not follow the entry before it")
                    if entry_hash(previous_hash, at, actor, action, subject) != stored:
                        problems.append(f"entry {seq} was changed")
                    previous = stored
            anchored = self._read_anchor()
            if anchored is not None:
                row = self._read("SELECT hash FROM audit WHERE seq = %s", (anchored[0],))
                if row is None or row[0] != anchored[1]:
                    problems.append(f"entries up to {anchored[0]} were recorded, but the chain no longer holds them")
        except Exception as error:
            if isinstance(error, StoreError):
                raise
            raise _as_store_error(error) from None
        return problems

    def _read(self, query: str, arguments: tuple = ()):
        try:
            return self.connection.execute(query, arguments).fetchone()
        except Exception as error:
            raise _as_store_error(error) from None

    def _read_all(self, query: str, arguments: tuple = ()) -> list:
        try:
            return self.connection.execute(query, arguments).fetchall()
        except Exception as error:
            raise _as_store_error(error) from None

    # --- drafts --------------------------------------------------------------------------------
    def save_draft(self, record: dict) -> int:
        """Store the consultation in progress and renew this workstation's lease on it; returns its revision
        once committed. Refused (StoreError "leased") while another workstation's lease on it lasts."""
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
            if row[0] == 1:
                self._audit(db, "create", record["id"])
        return row[0]

    def _leased_error(self, db, consultation_id: str) -> StoreError:
        holder = db.execute("SELECT lease_owner, lease_expires FROM drafts WHERE consultation_id = %s",
                            (consultation_id,)).fetchone()
        return StoreError("leased", _("This consultation is open on workstation {workstation} until {time}: "
                                      "open it read-only, or take it over.").format(
            workstation=holder[0], time=holder[1].astimezone().strftime("%H:%M")))

    def draft_lease(self, consultation_id: str) -> DraftLease | None:
        """Who else has this draft open, while their lease lasts; None if nobody or this workstation."""
        row = self._read("SELECT lease_owner, lease_expires FROM drafts WHERE consultation_id = %s"
                         " AND lease_owner <> %s AND lease_expires > now()", (consultation_id, self.workstation))
        return DraftLease(row[0], row[1].astimezone().isoformat(timespec="seconds")) if row else None

    def take_over_draft(self, consultation_id: str) -> dict:
        """Take the draft from the workstation that has it (it can then no longer save it); audited."""
        with self.transaction() as db:
            row = db.execute("UPDATE drafts SET lease_owner = %s, lease_expires = now() + make_interval(secs => %s)"
                             " WHERE consultation_id = %s RETURNING 1",
                             (self.workstation, self.lease_seconds, consultation_id)).fetchone()
            if row is None:
                raise KeyError(consultation_id)
            self._audit(db, "take_over", consultation_id)
        return self.load_draft(consultation_id)

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

    def load_draft(self, consultation_id: str) -> dict:
        row = self._read("SELECT record_json FROM drafts WHERE consultation_id = %s", (consultation_id,))
        if row is None:
            raise KeyError(consultation_id)
        return json.loads(row[0])

    def set_draft_aside(self, consultation_id: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE drafts SET status = 'set_aside', lease_owner = NULL, lease_expires = NULL"
                       " WHERE consultation_id = %s", (consultation_id,))
            self._audit(db, "set_aside", consultation_id)

    def resume_draft(self, consultation_id: str) -> dict:
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
    def finalize(self, record: dict, pdf: bytes, supersedes: int | None = None) -> int:
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
            record_id = db.execute(
                "INSERT INTO records (consultation_id, version, supersedes, patient_name, patient_name_key,"
                " patient_identifier, procedure_id, consultation_date, finalized_at, record_json, pdf, pdf_sha256)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                (record["id"], version, supersedes, setup["patient"]["name"],
                 folded_name_key(setup["patient"]["name"]), setup["patient"].get("identifier", ""),
                 setup["procedure_id"], record["started_at"][:10], record["finalized_at"],
                 json.dumps(record, ensure_ascii=False, separators=(",", ":")), pdf, digest)).fetchone()[0]
            # Not while another workstation has the draft open (it took it over): that would end its work.
            if db.execute("SELECT 1 FROM drafts WHERE consultation_id = %s AND lease_owner <> %s"
                          " AND lease_expires > now() FOR UPDATE", (record["id"], self.workstation)).fetchone():
                raise self._leased_error(db, record["id"])
            db.execute("DELETE FROM drafts WHERE consultation_id = %s", (record["id"],))
            self._audit(db, "correct" if supersedes else "finalize", f"{record['id']} v{version}")
        return record_id

    def search(self, text: str = "", date_from: str | None = None, date_to: str | None = None,
               procedure_id: str | None = None, status: str | None = None, limit: int = 500) -> list[StoredRecord]:
        """Records by patient name prefix (accent- and case-insensitive) or identifier, date range,
        procedure and status."""
        query, arguments = search_query(text, date_from, date_to, procedure_id, status, limit)
        return [StoredRecord(*row) for row in self._read_all(query, arguments)]

    def record(self, record_id: int) -> tuple[dict, bytes]:
        row = self._read("SELECT record_json, pdf, pdf_sha256 FROM records WHERE id = %s", (record_id,))
        if row is None:
            raise KeyError(record_id)
        pdf = bytes(row[1])
        if hashlib.sha256(pdf).hexdigest() != row[2]:
            raise StoreError("damaged", _("The stored PDF does not match its fingerprint."))
        return json.loads(row[0]), pdf
