"""The embedded SQLite store: drafts saved as the consultation runs, finalized records that never change,
and the audit trail. No Qt.

Durability choices: WAL journal with synchronous=FULL (a commit survives a power cut), foreign keys on,
every write in an explicit transaction, and "saved" is only reported after COMMIT returned. Finalized
records are protected by triggers, so even a hand-written UPDATE or DELETE is refused by the database.

At rest the database is encrypted with SQLCipher (AES-256, every page and the WAL), under a random key
kept apart from it (keystore.py); temporary tables and sorts stay in memory, so no unencrypted SQLite
temporary file is ever written. A database from a version without encryption is converted on opening.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeAlias

from sqlcipher3 import dbapi2 as sqlcipher  # SQLite with encryption, same DB-API as sqlite3 (~5 ms import)

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
    latest_head,
    record_problems,
    record_row_hash,
)
from consultaid.consultation.keystore import DatabaseKey, KeyUnavailable, create_key, find_key
from consultaid.i18n import _
from consultaid.instance_lock import held_while

if TYPE_CHECKING:
    from consultaid.consultation.addendum import StoredAddendum
    from consultaid.consultation.record_store import Whereabouts

# sqlcipher3 has no type information: to the type checker its connections are Any, named so here.
Connection: TypeAlias = Any

log = logging.getLogger(__name__)

# What a failing database call raises; callers outside this module catch these, never sqlite3's.
DatabaseError = sqlcipher.Error
OperationalError = sqlcipher.OperationalError

DATABASE_NAME = "consultaid.sqlite3"
FIRST_OPEN_LOCK = "first-open.lock"   # held while a new database and its key are made (Store.__init__)
# The last audit entry's number and hash, kept outside the database after each commit, so deleting
# entries from the end of the chain (which leaves a valid shorter chain) is still detected.
AUDIT_ANCHOR_NAME = "audit-head.txt"
# The date the whole database was last found sound (no patient data): the full check runs once a day.
INTEGRITY_STAMP_NAME = "integrity-checked.txt"

# What a search lists of each record: held by the covering indexes, so a search never reads a record.
LISTED = ("id, consultation_id, version, supersedes, patient_name, patient_identifier, procedure_id, "
          "consultation_date, finalized_at, pdf_sha256")

# Each entry migrates from version N to N+1; PRAGMA user_version records where a database stands.
MIGRATIONS = [
    """
    CREATE TABLE drafts (
        consultation_id TEXT PRIMARY KEY,
        patient_name TEXT NOT NULL,
        procedure_id TEXT NOT NULL,
        started_at TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        revision INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'set_aside')),
        record_json TEXT NOT NULL
    );
    CREATE TABLE records (
        id INTEGER PRIMARY KEY,
        consultation_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        supersedes INTEGER REFERENCES records (id),
        patient_name TEXT NOT NULL,
        patient_name_key TEXT NOT NULL,
        patient_identifier TEXT NOT NULL,
        procedure_id TEXT NOT NULL,
        consultation_date TEXT NOT NULL,
        finalized_at TEXT NOT NULL,
        record_json TEXT NOT NULL,
        pdf BLOB NOT NULL,
        pdf_sha256 TEXT NOT NULL,
        UNIQUE (consultation_id, version)
    );
    CREATE INDEX records_by_name ON records (patient_name_key);
    CREATE INDEX records_by_identifier ON records (patient_identifier);
    CREATE INDEX records_by_date ON records (consultation_date);
    CREATE TRIGGER records_are_immutable BEFORE UPDATE ON records
        BEGIN SELECT RAISE(ABORT, 'a finalized record cannot be changed; make a correction'); END;
    CREATE TRIGGER records_are_kept BEFORE DELETE ON records
        BEGIN SELECT RAISE(ABORT, 'a finalized record cannot be deleted'); END;
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        previous_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TRIGGER audit_is_append_only BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER audit_keeps_entries BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    """,
    # 2: finding whether a record was corrected looks up `supersedes`; without an index every search
    # scanned the table once per row (over 5 s for 100,000 records).
    """
    CREATE INDEX records_by_supersedes ON records (supersedes);
    """,
    # 3: a search lists each matching record's metadata. Read from the table, every row found costs its
    # whole record (the JSON and PDF blobs sit before pdf_sha256), each page decrypted: 261 ms p95 for
    # 20,000 records. Covering indexes hold everything a search reads, so it never reads a record.
    f"""
    DROP INDEX records_by_name;
    DROP INDEX records_by_date;
    DROP INDEX records_by_identifier;
    CREATE INDEX records_by_name ON records (patient_name_key, {LISTED});
    CREATE INDEX records_by_date ON records (consultation_date, {LISTED}, patient_name_key);
    CREATE INDEX records_by_identifier ON records (patient_identifier, {LISTED});
    """,
    # 4: with a clinic server, this store is the workstation's queue while the server cannot be reached
    # (server/clinic_store.py): what was written here then, and must reach the server once it is back.
    # Plain rows, deleted once they arrived: the records and the audit entries they name stay.
    """
    CREATE TABLE server_queue (
        seq INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('draft', 'record', 'audit')),
        key TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'conflict')),
        UNIQUE (kind, key)
    );
    """,
    # 5: name search ignores accents as well as case ("Helene" finds "Hélène"). The accent-folded key is a
    # column of its own: patient_name_key is part of each record's hash in the audit trail (audit.py), so
    # it keeps the value it was finalized with. The immutability trigger is lifted only inside this
    # migration's transaction to fill the new column of the existing rows, and put back before COMMIT.
    # An audit entry queued for the clinic server may carry the id the workstation gave it when it was
    # first sent (origin): a retry after an answer lost on the way back is then recognised by the server.
    f"""
    ALTER TABLE records ADD COLUMN patient_name_folded TEXT NOT NULL DEFAULT '';
    DROP TRIGGER records_are_immutable;
    UPDATE records SET patient_name_folded = fold_name(patient_name);
    CREATE TRIGGER records_are_immutable BEFORE UPDATE ON records
        BEGIN SELECT RAISE(ABORT, 'a finalized record cannot be changed; make a correction'); END;
    DROP INDEX records_by_name;
    DROP INDEX records_by_date;
    CREATE INDEX records_by_name ON records (patient_name_folded, {LISTED});
    CREATE INDEX records_by_date ON records (consultation_date, {LISTED}, patient_name_folded);
    ALTER TABLE server_queue ADD COLUMN origin TEXT;
    """,
    # 6: the hospital outbox (consultaid/hospital/outbox.py). finalize writes one row
    # per configured destination in its own transaction; a sender updates the row's state, never the record.
    # Rows are never deleted: they are the history of what was sent. `handed_over`: a row of a record
    # finalized here while the clinic server was away, whose record the server now holds with its own rows.
    """
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        record_id INTEGER NOT NULL REFERENCES records (id),
        destination TEXT NOT NULL CHECK (destination IN ('mllp', 'fhir')),
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sending', 'waiting', 'sent', 'failed', 'handed_over')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL DEFAULT '',
        claimed_by TEXT NOT NULL DEFAULT '',
        claimed_until TEXT NOT NULL DEFAULT '',
        last_error TEXT NOT NULL DEFAULT '',
        receiver_text TEXT NOT NULL DEFAULT '',
        queued_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (record_id, destination)
    );
    CREATE INDEX outbox_by_state ON outbox (state, next_attempt_at);
    CREATE TRIGGER outbox_keeps_its_document BEFORE UPDATE OF id, record_id, destination, queued_at ON outbox
        BEGIN SELECT RAISE(ABORT, 'an outbox entry always names the same record and destination'); END;
    CREATE TRIGGER outbox_keeps_entries BEFORE DELETE ON outbox
        BEGIN SELECT RAISE(ABORT, 'outbox entries are kept'); END;
    """,
    # 7: addenda (consultation/addendum.py): a confirmation on the day or a withdrawal, each a sealed PDF that
    # names the summary it follows (row, version, SHA-256). Kept like records: never changed or deleted.
    """
    CREATE TABLE addenda (
        id INTEGER PRIMARY KEY,
        addendum_id TEXT NOT NULL UNIQUE,
        consultation_id TEXT NOT NULL,
        number INTEGER NOT NULL CHECK (number >= 1),
        kind TEXT NOT NULL CHECK (kind IN ('confirmation', 'withdrawal')),
        follows INTEGER NOT NULL REFERENCES records (id),
        follows_version INTEGER NOT NULL,
        follows_sha256 TEXT NOT NULL,
        made_at TEXT NOT NULL,
        record_json TEXT NOT NULL,
        pdf BLOB NOT NULL,
        pdf_sha256 TEXT NOT NULL,
        UNIQUE (consultation_id, number)
    );
    CREATE TRIGGER addenda_are_immutable BEFORE UPDATE ON addenda
        BEGIN SELECT RAISE(ABORT, 'an addendum cannot be changed'); END;
    CREATE TRIGGER addenda_are_kept BEFORE DELETE ON addenda
        BEGIN SELECT RAISE(ABORT, 'an addendum cannot be deleted'); END;
    """,
    # 8: addenda in the outbox (issue 16): an outbox row names a record and, for an addendum, the addendum
    # (`record_id` is then the summary it follows). One row per document and destination, so the table is
    # made again without the old UNIQUE (record_id, destination); its triggers come back with the document's
    # columns: a row always names the same document. And an addendum made while the clinic server is away
    # waits in the server queue like a record (kind 'addendum', server/clinic_store.py).
    """
    CREATE TABLE outbox_new (
        id INTEGER PRIMARY KEY,
        record_id INTEGER NOT NULL REFERENCES records (id),
        addendum INTEGER REFERENCES addenda (id),
        destination TEXT NOT NULL CHECK (destination IN ('mllp', 'fhir')),
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sending', 'waiting', 'sent', 'failed', 'handed_over')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL DEFAULT '',
        claimed_by TEXT NOT NULL DEFAULT '',
        claimed_until TEXT NOT NULL DEFAULT '',
        last_error TEXT NOT NULL DEFAULT '',
        receiver_text TEXT NOT NULL DEFAULT '',
        queued_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    INSERT INTO outbox_new (id, record_id, addendum, destination, state, attempts, next_attempt_at, claimed_by,
        claimed_until, last_error, receiver_text, queued_at, updated_at)
        SELECT id, record_id, NULL, destination, state, attempts, next_attempt_at, claimed_by, claimed_until,
        last_error, receiver_text, queued_at, updated_at FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_new RENAME TO outbox;
    CREATE UNIQUE INDEX outbox_one_per_document ON outbox (record_id, coalesce(addendum, 0), destination);
    CREATE INDEX outbox_by_state ON outbox (state, next_attempt_at);
    CREATE TRIGGER outbox_keeps_its_document
        BEFORE UPDATE OF id, record_id, addendum, destination, queued_at ON outbox
        BEGIN SELECT RAISE(ABORT, 'an outbox entry always names the same record and destination'); END;
    CREATE TRIGGER outbox_keeps_entries BEFORE DELETE ON outbox
        BEGIN SELECT RAISE(ABORT, 'outbox entries are kept'); END;
    CREATE TABLE server_queue_new (
        seq INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('draft', 'record', 'audit', 'addendum')),
        key TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'conflict')),
        origin TEXT,
        UNIQUE (kind, key)
    );
    INSERT INTO server_queue_new (seq, kind, key, state, origin) SELECT seq, kind, key, state, origin FROM server_queue;
    DROP TABLE server_queue;
    ALTER TABLE server_queue_new RENAME TO server_queue;
    """,
]

# What the outbox rows say, for the sender and the records view (consultaid/hospital/outbox.py).
OUTBOX_DESTINATIONS = ("mllp", "fhir")
OUTBOX_COLUMNS = ("o.id, o.record_id, r.consultation_id, r.version, (SELECT p.version FROM records p WHERE"
                  " p.id = r.supersedes), o.destination, o.state, o.attempts, o.next_attempt_at, o.claimed_by,"
                  " o.claimed_until, o.last_error, o.receiver_text, o.queued_at, o.updated_at, o.addendum, a.kind,"
                  " a.number")
# An addendum's row names the summary it follows as its record (for the chain) and the addendum itself.
OUTBOX_FROM = "outbox o JOIN records r ON r.id = o.record_id LEFT JOIN addenda a ON a.id = o.addendum"

# An unencrypted SQLite file starts with this; an encrypted one with 16 random bytes (its salt).
PLAIN_HEADER = b"SQLite format 3\x00"
# An encrypted database is whole pages (SQLCipher's default 4096 bytes; never below SQLite's 512).
MIN_PAGE_SIZE = 512
POSIX = os.name == "posix"


class StoreError(Exception):
    """A storage problem worded for the user; `kind` lets the UI offer the right way out."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        # "disk_full", "read_only", "locked", "damaged", "key" (missing or wrong: the file is untouched), "other"
        self.kind = kind


def _classify(error: Exception) -> StoreError:
    text = str(error).lower()
    if isinstance(error, OSError) and error.errno == 28 or "full" in text:
        return StoreError("disk_full", _("The disk is full: free some space, then try again."))
    if "readonly" in text or "read-only" in text or isinstance(error, PermissionError):
        return StoreError("read_only", _("The data folder cannot be written to: check its permissions, then "
                                         "try again."))
    if "locked" in text or "busy" in text:
        return StoreError("locked", _("The database is in use by another program: close it, then try again."))
    # SQLCipher reports a page whose HMAC check fails (a flipped byte in an encrypted page) as a bare
    # SQLITE_ERROR "SQL logic error", not SQLITE_CORRUPT: the store's statements are fixed and tested, so from
    # them that message means a page could not be read.
    if "malformed" in text or "not a database" in text or text == "sql logic error":
        return StoreError("damaged", _("The records database is damaged: part of it cannot be read. Nothing was "
                                       "changed. Keep the data folder as it is and call IT (consultaid records "
                                       "check)."))
    return StoreError("other", _("The database could not be used: {reason}").format(reason=error))


def classify_error(error: Exception) -> StoreError:
    """A database or file error worded for the user (what the commands print instead of a traceback)."""
    return _classify(error)


def _unusable(kind: str, path: Path) -> StoreError:
    """An empty or damaged database, reported at opening: never moved or replaced here, since only a missing
    file means a first start; the user or IT decides (set_database_aside, `consultaid records reset`)."""
    if kind == "empty":
        text = _("The records database {path} is empty (0 bytes): the records it held are not in it.")
    else:
        text = _("The records database {path} is damaged.")
    return StoreError(kind, text.format(path=path) + " " + _(
        "Nothing was changed. Keep the data folder as it is and call IT: they can restore it from a backup, or "
        "set it aside and start an empty one (consultaid records reset --i-understand)."))


@contextmanager
def _reading() -> Iterator[None]:
    """Reads report a damaged page as a StoreError, like writes do, never as a raw DatabaseError."""
    try:
        yield
    except DatabaseError as error:
        raise _classify(error) from error


@dataclass(frozen=True)
class DraftSummary:
    consultation_id: str
    patient_name: str
    procedure_id: str
    started_at: str
    saved_at: str
    revision: int
    status: str


@dataclass(frozen=True)
class StoredRecord:
    id: int
    consultation_id: str
    version: int
    supersedes: int | None
    patient_name: str
    patient_identifier: str
    procedure_id: str
    consultation_date: str
    finalized_at: str
    pdf_sha256: str
    status: str  # "finalized" or "corrected" (a later version supersedes it)


@dataclass(frozen=True)
class OutboxEntry:
    """One document on its way to one hospital destination. Times are ISO 8601 in UTC ("" when none)."""

    id: int
    record_id: int
    consultation_id: str
    version: int
    supersedes_version: int | None
    destination: str      # "mllp" or "fhir"
    state: str            # "pending", "sending", "waiting", "sent", "failed" or "handed_over"
    attempts: int
    next_attempt_at: str  # when a "waiting" entry is tried again
    claimed_by: str       # the sender sending it ("host:pid"), while "sending"
    claimed_until: str
    last_error: str       # one translated line, no patient data
    receiver_text: str    # what the receiver answered, for a refusal
    queued_at: str
    updated_at: str
    place: str = "workstation"  # whose row: this workstation's store or the clinic server's
    addendum_id: int | None = None  # an addendum's row (table addenda); record_id is then the summary it follows
    addendum_kind: str = ""         # "confirmation" or "withdrawal" for an addendum's row
    addendum_number: int | None = None

    @property
    def kind(self) -> str:
        """What the row sends: "summary", "correction", or the addendum's kind."""
        if self.addendum_id is not None:
            return self.addendum_kind
        return "correction" if self.supersedes_version is not None else "summary"


def outbox_entry(row: Sequence[Any], place: str = "workstation") -> OutboxEntry:
    """An outbox row as OUTBOX_COLUMNS reads it."""
    (entry_id, record_id, consultation_id, version, supersedes_version, destination, state, attempts,
     next_attempt_at, claimed_by, claimed_until, last_error, receiver_text, queued_at, updated_at, addendum_id, kind,
     number) = row
    return OutboxEntry(entry_id, record_id, consultation_id, version, supersedes_version, destination, state,
                       attempts, next_attempt_at, claimed_by, claimed_until, last_error, receiver_text, queued_at,
                       updated_at, place, addendum_id, kind or "", number)


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


def outbox_time(moment: datetime | None) -> str:
    """An aware time as the outbox keeps it: UTC, fixed width, so text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if moment is not None else ""


class Store:
    def __init__(self, data_dir: Path, actor: str = "", timeout: float = 5.0):
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DATABASE_NAME
        self.actor = actor or os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"
        self.anchor_problem: str | None = None   # set when the last commit's anchor could not be written
        # True while this store stands in for an unreachable clinic server: each write is then also put in
        # server_queue, in its own transaction, so it reaches the server later (server/clinic_store.py).
        self.queue_for_server = False
        # The hospital destinations configured ("mllp", "fhir"): finalize queues one outbox row for each.
        self.outbox_destinations: tuple[str, ...] = ()
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.data_dir, 0o700)
            # Two programs may open a new folder at the same moment (the app and `consultaid outbox send
            # --loop` as a service): each made a key and a database, and one lost (a key that did not
            # open the other's database, or "cannot be written to"). One makes them; the other waits, then
            # finds the database made.
            first_open = _file_state(self.path) in ("absent", "plain")
            with held_while(self.data_dir / FIRST_OPEN_LOCK) if first_open else nullcontext():
                state = _file_state(self.path)
                if state in ("empty", "damaged"):
                    raise _unusable(state, self.path)
                self.key = _key_for(self.data_dir, state)
                if state == "plain":
                    encrypt_plain_database(self.path, self.key)
                elif state == "absent":
                    _create_database(self.path, self.key)
            self.connection = connect(self.path, self.key, timeout)
            _check_key(self.connection, self.key, state)
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute("PRAGMA synchronous=FULL")
            self.connection.execute("PRAGMA foreign_keys=ON")
        except (DatabaseError, OSError) as error:
            raise _classify(error) from error
        self._migrate()

    @property
    def key_warning(self) -> str | None:
        """Set when the key is in the fallback file rather than a keyring: the user must be told."""
        return self.key.warning

    # --- plumbing ------------------------------------------------------------------------------
    def close(self) -> None:
        self.connection.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """BEGIN IMMEDIATE … COMMIT; anything that fails rolls back and is reported as a StoreError."""
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except DatabaseError as error:
            raise _classify(error) from error
        self._audited = False
        try:
            yield self.connection
            self.connection.execute("COMMIT")
        except BaseException as error:
            if self.connection.in_transaction:
                self.connection.execute("ROLLBACK")
            if isinstance(error, (DatabaseError, OSError)):
                raise _classify(error) from error
            raise
        if self._audited:
            self._write_anchors()

    def _migrate(self) -> None:
        try:
            migrate(self.connection)
        except (DatabaseError, OSError) as error:
            raise _classify(error) from error

    def integrity_problems(self, full: bool = True) -> list[str]:
        """SQLite's integrity check of the whole database, or (full=False) of what opening relies on:
        the schema and the drafts (an interrupted consultation is offered from them). The whole check
        reads and decrypts every page, about 16 s for 100,000 records, so it is not done at each start;
        `consultaid records check` runs it, and the app once a day in the background."""
        try:
            if full:
                rows = self.connection.execute("PRAGMA integrity_check").fetchall()
            else:
                rows = [row for table in ("sqlite_schema", "drafts")
                        for row in self.connection.execute(f"PRAGMA integrity_check({table})").fetchall()]
                rows = [row for row in rows if row != ("ok",)] or [("ok",)]
        except DatabaseError as error:  # a page that fails its authentication code stops the check
            return [str(error)]
        return [] if rows == [("ok",)] else [row[0] for row in rows]

    # --- audit (the chain and its anchors: audit.py) ------------------------------------------
    @property
    def anchor_path(self) -> Path:
        return self.data_dir / AUDIT_ANCHOR_NAME

    @property
    def anchors(self) -> list[AuditAnchor]:
        """The anchors written after each commit. The clinic server and the hospital outbox will be added
        here, each an AuditAnchor (audit.py)."""
        return [FileAnchor(self.anchor_path)]

    def _write_anchors(self) -> None:
        """After a commit: the commit stands whatever happens here, so a failed anchor write (a full disk)
        is never raised as a failure to store. It is kept in `anchor_problem` for the caller to show, and
        logged without patient data; the next successful write clears it."""
        head = latest_head(self.connection)
        if head is None:  # never after a commit, which always writes an audit entry
            return
        problems = []
        for anchor in self.anchors:
            try:
                anchor.record(*head)
            except OSError as error:
                log.warning("the audit anchor could not be updated after a commit: %s",
                            error.strerror or type(error).__name__)
                problems.append(anchor_write_failed(anchor, error))
        self.anchor_problem = problems[0] if problems else None

    def _audit(self, db: Connection, action: str, subject: str, origin: str | None = None) -> None:
        self._audited = True
        last = db.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        previous = last[0] if last else GENESIS_HASH
        at = _now()
        cursor = db.execute(
            "INSERT INTO audit (at, actor, action, subject, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?)",
            (at, self.actor, action, subject, previous, entry_hash(previous, at, self.actor, action, subject)))
        self._queue(db, "audit", cursor.lastrowid, origin)

    def _queue(self, db: Connection, kind: str, key: int | str, origin: str | None = None) -> None:
        if self.queue_for_server:
            db.execute("INSERT OR IGNORE INTO server_queue (kind, key, origin) VALUES (?, ?, ?)",
                       (kind, str(key), origin))

    # --- the queue for the clinic server (server/clinic_store.py) --------------------------------
    def queued(self) -> list[tuple[int, str, str, str]]:
        """(seq, kind, key, state) of every write waiting for the clinic server, oldest first."""
        with _reading():
            queued: list[tuple[int, str, str, str]] = self.connection.execute(
                "SELECT seq, kind, key, state FROM server_queue ORDER BY seq").fetchall()
            return queued

    def arrived(self, seq: int) -> None:
        """The queued write `seq` reached the server: it leaves the queue (the data stays here)."""
        with self.transaction() as db:
            db.execute("DELETE FROM server_queue WHERE seq = ?", (seq,))

    def conflicted(self, seq: int) -> None:
        """The server holds something else under the same key: kept here, shown, never overwritten."""
        with self.transaction() as db:
            db.execute("UPDATE server_queue SET state = 'conflict' WHERE seq = ?", (seq,))

    def audit_entry(self, seq: int) -> tuple[str, str, str, str, str] | None:
        """(at, actor, action, subject, origin) of one audit entry: origin names it on the clinic server,
        the id the workstation gave it if it was first sent there (ClinicStore.log), else its hash here."""
        with _reading():
            entry: tuple[str, str, str, str, str] | None = self.connection.execute(
                "SELECT a.at, a.actor, a.action, a.subject, coalesce(q.origin, a.hash) FROM audit a"
                " LEFT JOIN server_queue q ON q.kind = 'audit' AND q.key = CAST(a.seq AS TEXT) WHERE a.seq = ?",
                (seq,)).fetchone()
            return entry

    def record_row(self, record_id: int) -> dict[str, Any] | None:
        """Every column of a finalized record, with its PDF bytes (what goes to the server)."""
        with _reading():
            cursor = self.connection.execute("SELECT *, (SELECT version FROM records p WHERE p.id = r.supersedes)"
                                             " AS supersedes_version FROM records r WHERE id = ?", (record_id,))
            row = cursor.fetchone()
        return dict(zip([column[0] for column in cursor.description], row, strict=True)) if row else None

    def log(self, action: str, subject: str, origin: str | None = None) -> None:
        """One audit entry. `origin`: the id the clinic server may already know it by (ClinicStore.log)."""
        with self.transaction() as db:
            self._audit(db, action, subject, origin)

    def latest_audit_hash(self) -> str:
        row = self.connection.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        return row[0] if row else GENESIS_HASH

    def verify_audit(self, printed_heads: Sequence[str] = ()) -> list[str]:
        """Every break in the chain (an edited, deleted or reordered entry), every anchor that is missing,
        unreadable or holds a head the chain lost, and every finalized record that no longer matches its
        finalize entry. `printed_heads`: heads read off printed summaries (see audit.py)."""
        anchors = [*self.anchors, *([PrintedHeadAnchor(list(printed_heads))] if printed_heads else [])]
        from consultaid.consultation.addendum import addendum_problems

        return (chain_problems(self.connection, anchors) + record_problems(self.connection)
                + addendum_problems(self.connection))

    # --- drafts --------------------------------------------------------------------------------
    def save_draft(self, record: dict[str, Any]) -> int:
        """Store the consultation in progress; returns its revision once committed (then it is safe)."""
        setup = record["setup"]
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        with self.transaction() as db:
            row = db.execute("SELECT revision FROM drafts WHERE consultation_id = ?", (record["id"],)).fetchone()
            revision = row[0] + 1 if row else 1
            db.execute(
                "INSERT INTO drafts (consultation_id, patient_name, procedure_id, started_at, saved_at, revision,"
                " status, record_json) VALUES (?, ?, ?, ?, ?, ?, 'open', ?)"
                " ON CONFLICT (consultation_id) DO UPDATE SET saved_at = excluded.saved_at,"
                " revision = excluded.revision, record_json = excluded.record_json,"
                " patient_name = excluded.patient_name",
                (record["id"], setup["patient"]["name"], setup["procedure_id"], record["started_at"], _now(),
                 revision, text))
            if row is None:
                self._audit(db, "create", record["id"])
            self._queue(db, "draft", record["id"])
        return revision

    def drafts(self, status: str | None = None) -> list[DraftSummary]:
        query = "SELECT consultation_id, patient_name, procedure_id, started_at, saved_at, revision, status FROM drafts"
        with _reading():
            rows = self.connection.execute(query + (" WHERE status = ?" if status else "") + " ORDER BY saved_at DESC",
                                           (status,) if status else ())
            return [DraftSummary(*row) for row in rows]

    def load_draft(self, consultation_id: str) -> dict[str, Any]:
        with _reading():
            row = self.connection.execute("SELECT record_json FROM drafts WHERE consultation_id = ?",
                                          (consultation_id,)).fetchone()
        if row is None:
            raise KeyError(consultation_id)
        record: dict[str, Any] = json.loads(row[0])
        return record

    def set_draft_aside(self, consultation_id: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE drafts SET status = 'set_aside' WHERE consultation_id = ?", (consultation_id,))
            self._audit(db, "set_aside", consultation_id)

    def resume_draft(self, consultation_id: str) -> dict[str, Any]:
        with self.transaction() as db:
            db.execute("UPDATE drafts SET status = 'open' WHERE consultation_id = ?", (consultation_id,))
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
                previous = db.execute("SELECT version FROM records WHERE id = ?", (supersedes,)).fetchone()
                if previous is None:
                    raise StoreError("other", _("The record to correct does not exist."))
                version = previous[0] + 1
            cursor = db.execute(
                "INSERT INTO records (consultation_id, version, supersedes, patient_name, patient_name_key,"
                " patient_name_folded, patient_identifier, procedure_id, consultation_date, finalized_at,"
                " record_json, pdf, pdf_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (record["id"], version, supersedes, setup["patient"]["name"], case_key(setup["patient"]["name"]),
                 name_key(setup["patient"]["name"]), setup["patient"].get("identifier", ""), setup["procedure_id"],
                 record["started_at"][:10], record["finalized_at"],
                 json.dumps(record, ensure_ascii=False, separators=(",", ":")), pdf, digest))
            db.execute("DELETE FROM drafts WHERE consultation_id = ?", (record["id"],))
            self._queue(db, "record", cursor.lastrowid)
            self._queue_outbox(db, cursor.lastrowid)
            # The row's hash goes into the chain, so editing the row behind the triggers' back is found.
            self._audit(db, "correct" if supersedes else "finalize",
                        finalize_subject(record["id"], version, self._row_hash(db, cursor.lastrowid)))
            record_id: int = cursor.lastrowid
            return record_id

    # --- the hospital outbox (consultaid/hospital/outbox.py sends; this only keeps the rows) ------------
    def _queue_outbox(self, db: Connection, record_id: int, addendum_id: int | None = None) -> None:
        """In finalize's (or add_addendum's) transaction: one row per configured destination, sent later,
        never here. An addendum's rows name the summary it follows and the addendum."""
        at = outbox_time(datetime.now(UTC))
        for destination in self.outbox_destinations:
            db.execute("INSERT INTO outbox (record_id, addendum, destination, queued_at, updated_at)"
                       " VALUES (?, ?, ?, ?, ?)", (record_id, addendum_id, destination, at, at))

    def outbox(self, record_ids: list[int] | None = None, states: tuple[str, ...] = ()) -> list[OutboxEntry]:
        """The outbox rows, oldest first: of these records, in these states (all when not given)."""
        clauses: list[str] = []
        arguments: list[object] = []
        if record_ids is not None:
            clauses.append(f"o.record_id IN ({', '.join('?' * len(record_ids))})")
            arguments += list(record_ids)
        if states:
            clauses.append(f"o.state IN ({', '.join('?' * len(states))})")
            arguments += list(states)
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        with _reading():
            rows = self.connection.execute(f"SELECT {OUTBOX_COLUMNS} FROM {OUTBOX_FROM}{where} ORDER BY o.id",
                                           arguments).fetchall()
        return [outbox_entry(row) for row in rows]

    def claim_outbox(self, entry: OutboxEntry, claimer: str, until: datetime) -> bool:
        """Takes an entry to send it, if it is still as `entry` read it (another sender did not take it
        first); the attempt goes into the audit trail in the same transaction."""
        with self.transaction() as db:
            taken = db.execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, claimed_by = ?, claimed_until = ?,"
                " updated_at = ? WHERE id = ? AND state = ? AND claimed_by = ? AND attempts = ?",
                (claimer, outbox_time(until), outbox_time(datetime.now(UTC)), entry.id, entry.state, entry.claimed_by,
                 entry.attempts)).rowcount
            if taken:
                self._audit(db, "outbox_attempt", outbox_subject(entry, entry.attempts + 1))
        return bool(taken)

    def finish_outbox(self, entry: OutboxEntry, claimer: str, state: str, error: str = "", receiver_text: str = "",
                      next_attempt: datetime | None = None) -> bool:
        """Records how an attempt ended ("sent", "waiting" with its next attempt, "failed"), with its audit
        entry, unless another sender took the entry over meanwhile (False)."""
        with self.transaction() as db:
            done = db.execute(
                "UPDATE outbox SET state = ?, next_attempt_at = ?, claimed_by = '', claimed_until = '',"
                " last_error = ?, receiver_text = ?, updated_at = ? WHERE id = ? AND state = 'sending'"
                " AND claimed_by = ?",
                (state, outbox_time(next_attempt), error, receiver_text, outbox_time(datetime.now(UTC)),
                 entry.id, claimer)).rowcount
            if done:
                self._audit(db, f"outbox_{state}", outbox_subject(entry, entry.attempts))
        return bool(done)

    def retry_outbox(self, entry: OutboxEntry) -> bool:
        """A failed or waiting entry is due now (the user asked); audited. False when it is not one."""
        with self.transaction() as db:
            done = db.execute("UPDATE outbox SET state = 'pending', next_attempt_at = '', updated_at = ?"
                              " WHERE id = ? AND state IN ('failed', 'waiting')",
                              (outbox_time(datetime.now(UTC)), entry.id)).rowcount
            if done:
                self._audit(db, "outbox_retry", outbox_subject(entry, entry.attempts))
        return bool(done)

    def outbox_document(self, entry: OutboxEntry) -> tuple[dict[str, Any], bytes]:
        """The record (or addendum record) an entry sends, with its exact stored PDF bytes."""
        if entry.addendum_id is not None:
            return self.addendum(entry.addendum_id)
        return self.record(entry.record_id)

    def hand_over_outbox(self, record_id: int) -> None:
        """This record reached the clinic server, which queued its own outbox rows: the local ones stop
        (its addenda's rows stop when each addendum reaches the server)."""
        with self.transaction() as db:
            db.execute("UPDATE outbox SET state = 'handed_over', claimed_by = '', updated_at = ? WHERE record_id = ?"
                       " AND addendum IS NULL AND state <> 'sent'", (outbox_time(datetime.now(UTC)), record_id))

    def hand_over_addendum_outbox(self, addendum_id: int) -> None:
        """This addendum reached the clinic server, which queued its own outbox rows: the local ones stop."""
        with self.transaction() as db:
            db.execute("UPDATE outbox SET state = 'handed_over', claimed_by = '', updated_at = ? WHERE addendum = ?"
                       " AND state <> 'sent'", (outbox_time(datetime.now(UTC)), addendum_id))

    # --- addenda (consultation/addendum.py) ------------------------------------------------------
    def add_addendum(self, record: dict[str, Any], pdf: bytes) -> int:
        """Store a sealed addendum after checking the summary it names; audited with its row's hash."""
        from consultaid.consultation.addendum import AUDIT_ACTIONS, addendum_subject, insert_addendum

        with self.transaction() as db:
            try:
                row_id, number, row_hash = insert_addendum(db, record, pdf, "?")
            except ValueError as error:
                raise StoreError("other", str(error)) from None
            self._queue(db, "addendum", row_id)
            self._queue_outbox(db, record["follows"]["record_id"], row_id)
            self._audit(db, AUDIT_ACTIONS[record["kind"]], addendum_subject(record["consultation_id"], number,
                                                                            row_hash))
        return row_id

    def addendum_row(self, addendum_id: int) -> tuple[dict[str, Any], bytes] | None:
        """(record, exact PDF) of a stored addendum, None when there is none (what goes to the server)."""
        try:
            return self.addendum(addendum_id)
        except KeyError:
            return None

    def holds_summary(self, link: dict[str, Any], consultation_id: str) -> bool:
        """Whether this store holds the summary an addendum names (row, version and SHA-256)."""
        with _reading():
            row = self.connection.execute("SELECT consultation_id, version, pdf_sha256 FROM records WHERE id = ?",
                                          (link.get("record_id"),)).fetchone()
        return row is not None and tuple(row) == (consultation_id, link.get("version"), link.get("pdf_sha256"))

    def addenda(self, consultation_id: str) -> list[StoredAddendum]:
        """The consultation's addenda, oldest first."""
        from consultaid.consultation.addendum import ADDENDA_SELECT, stored_addendum

        with _reading():
            rows = self.connection.execute(ADDENDA_SELECT + " WHERE consultation_id = ? ORDER BY number",
                                           (consultation_id,)).fetchall()
        return [stored_addendum(row) for row in rows]

    def addendum(self, addendum_id: int) -> tuple[dict[str, Any], bytes]:
        """(record, exact PDF) of a stored addendum."""
        from consultaid.consultation.addendum import stored_pdf

        with _reading():
            row = self.connection.execute("SELECT record_json, pdf, pdf_sha256 FROM addenda WHERE id = ?",
                                          (addendum_id,)).fetchone()
        try:
            return stored_pdf(row, addendum_id)
        except ValueError as error:
            raise StoreError("damaged", str(error)) from None

    def versions(self, consultation_id: str) -> list[StoredRecord]:
        """Every stored version of one consultation, oldest first."""
        with _reading():
            return [StoredRecord(*row) for row in self.connection.execute(versions_query("?"), (consultation_id,))]

    def latest_version(self, consultation_id: str) -> int | None:
        """The newest stored version of a consultation (what a print or export entry names), or None."""
        with _reading():
            row = self.connection.execute("SELECT MAX(version) FROM records WHERE consultation_id = ?",
                                          (consultation_id,)).fetchone()
        version: int | None = row[0]
        return version

    def stored_versions(self, consultation_id: str) -> list[tuple[int, str, str]]:
        """(version, record JSON, PDF SHA-256) of every stored version of a consultation, oldest first."""
        with _reading():
            versions: list[tuple[int, str, str]] = self.connection.execute(
                "SELECT version, record_json, pdf_sha256 FROM records WHERE consultation_id = ? ORDER BY version",
                (consultation_id,)).fetchall()
        return versions

    def sealed_outside_entry(self, pdf_sha256: str) -> int | None:
        """The audit entry that recorded a `render --seal` of the PDF with this SHA-256, if any."""
        with _reading():
            row = self.connection.execute(
                "SELECT seq FROM audit WHERE action = 'seal_outside_store' AND subject LIKE ?",
                (f"% pdf-sha256={pdf_sha256}",)).fetchone()
        return int(row[0]) if row else None

    def whereabouts(self) -> Whereabouts:
        """Where the records are, for the status bar: this workstation, always all there."""
        from consultaid.consultation.record_store import Whereabouts

        return Whereabouts("workstation")

    @staticmethod
    def _row_hash(db: Connection, record_id: int) -> str:
        columns = ", ".join(RECORD_COLUMNS)
        row = db.execute(f"SELECT {columns} FROM records WHERE id = ?", (record_id,)).fetchone()
        return record_row_hash(dict(zip(RECORD_COLUMNS, row, strict=True)))

    def search(self, text: str = "", date_from: str | None = None, date_to: str | None = None,
               procedure_id: str | None = None, status: str | None = None, limit: int = 500) -> list[StoredRecord]:
        """Records by patient name prefix or identifier, date range, procedure and status."""
        query, arguments = search_query(text, date_from, date_to, procedure_id, status, limit)
        with _reading():
            return [StoredRecord(*row) for row in self.connection.execute(query, arguments)]

    def record(self, record_id: int) -> tuple[dict[str, Any], bytes]:
        with _reading():
            row = self.connection.execute("SELECT record_json, pdf, pdf_sha256 FROM records WHERE id = ?",
                                          (record_id,)).fetchone()
        if row is None:
            raise KeyError(record_id)
        if hashlib.sha256(row[1]).hexdigest() != row[2]:
            raise StoreError("damaged", _("The stored PDF does not match its fingerprint."))
        return json.loads(row[0]), row[1]


def search_query(text: str = "", date_from: str | None = None, date_to: str | None = None,
                 procedure_id: str | None = None, status: str | None = None,
                 limit: int = 500) -> tuple[str, tuple[object, ...]]:
    """The SQL of Store.search and its arguments; every column it reads is in the covering indexes of
    migrations 3 and 5, so a search never reads the records themselves."""
    clauses, arguments = [], []
    if text:
        clauses.append("(r.patient_name_folded >= ? AND r.patient_name_folded < ? OR r.patient_identifier = ?)")
        key = name_key(text)
        arguments += [key, key + "\U0010ffff", text.strip()]
    filters, values = record_filters(date_from, date_to, procedure_id, status)
    clauses += filters
    arguments += values
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    query = ("SELECT r.id, r.consultation_id, r.version, r.supersedes, r.patient_name, r.patient_identifier,"
             " r.procedure_id, r.consultation_date, r.finalized_at, r.pdf_sha256,"
             f" CASE WHEN {CORRECTED} THEN 'corrected' ELSE 'finalized' END"
             f" FROM records r{where} ORDER BY r.consultation_date DESC, r.id DESC LIMIT ?")
    return query, (*arguments, limit)


def outbox_subject(entry: OutboxEntry, attempt: int) -> str:
    """An outbox audit entry's subject: ids only, never patient data."""
    addendum = f" addendum {entry.addendum_id}" if entry.addendum_id is not None else ""
    return f"outbox {entry.id} record {entry.record_id}{addendum} {entry.destination} attempt {attempt}"


CORRECTED = "EXISTS (SELECT 1 FROM records later WHERE later.supersedes = r.id)"  # a later version exists


def versions_query(mark: str) -> str:
    """Every version of one consultation (its id as the one argument), oldest first, as `search` lists them;
    shared with the clinic server's store (`mark` is the driver's placeholder)."""
    return ("SELECT r.id, r.consultation_id, r.version, r.supersedes, r.patient_name, r.patient_identifier,"
            " r.procedure_id, r.consultation_date, r.finalized_at, r.pdf_sha256,"
            f" CASE WHEN {CORRECTED} THEN 'corrected' ELSE 'finalized' END"
            f" FROM records r WHERE r.consultation_id = {mark} ORDER BY r.version")


def record_filters(date_from: str | None, date_to: str | None, procedure_id: str | None, status: str | None,
                   mark: str = "?") -> tuple[list[str], list[str]]:
    """The search conditions besides the name, and their arguments, shared by the workstation's and the
    clinic server's search: a date range, a procedure, finalized or corrected. `mark` is the driver's
    placeholder ("?" for SQLite, "%s" for psycopg)."""
    clauses, arguments = [], []
    for clause, value in (("r.consultation_date >= ", date_from), ("r.consultation_date <= ", date_to),
                          ("r.procedure_id = ", procedure_id)):
        if value:
            clauses.append(clause + mark)
            arguments.append(value)
    if status == "corrected":
        clauses.append(CORRECTED)
    elif status == "finalized":
        clauses.append("NOT " + CORRECTED)
    return clauses, arguments


def case_key(name: str) -> str:
    """The name case-folded, spaces collapsed: what a record's patient_name_key holds on this store (part
    of the record's hash, so it stays as it was; search compares name_key)."""
    return " ".join(name.casefold().split())


def name_key(name: str) -> str:
    """What a name search compares, on this store and the clinic server: case- and accent-insensitive, so
    "helene" finds "Hélène" and "Hélène" finds "Helene"."""
    decomposed = unicodedata.normalize("NFKD", case_key(name))
    return unicodedata.normalize("NFC", "".join(char for char in decomposed if not unicodedata.combining(char)))


def whole_check_due(data_dir: Path, today: str | None = None) -> bool:
    """Whether the whole database has not been found sound today (see Store.integrity_problems)."""
    try:
        last = (Path(data_dir) / INTEGRITY_STAMP_NAME).read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return True
    return last != (today or datetime.now().date().isoformat())


def check_whole_database(data_dir: Path, started: Callable[[object], None] | None = None) -> list[str]:
    """The whole integrity check, on a connection of its own (so it may run in a background thread);
    a sound database is stamped with today's date. `started` is given that connection first, so another
    thread may stop the check (connection.interrupt(): the check then reports a problem, and nothing is
    stamped)."""
    store = Store(data_dir)
    try:
        if started is not None:
            started(store.connection)
        problems = store.integrity_problems(full=True)
    finally:
        store.close()
    if not problems:
        try:
            (Path(data_dir) / INTEGRITY_STAMP_NAME).write_text(datetime.now().date().isoformat() + "\n",
                                                                encoding="ascii")
        except OSError:
            pass  # checked again tomorrow's start instead
    return problems


def open_store(data_dir: Path, actor: str = "", full_check: bool = False) -> Store:
    """Open the store after an integrity check (of what opening relies on, or with `full_check` of the
    whole database). An empty or damaged database is reported (StoreError "empty" or "damaged") and left
    exactly as it is: opening never moves or replaces it, so a read-only command cannot lose records and
    the next start cannot silently begin with an empty store. Setting it aside is set_database_aside's,
    on the user's or IT's explicit choice."""
    path = Path(data_dir) / DATABASE_NAME
    try:
        store = Store(data_dir, actor)
    except StoreError as error:
        if error.kind == "damaged":
            raise _unusable("damaged", path) from error
        raise
    problems = store.integrity_problems(full=full_check)
    if problems:
        store.close()
        raise _unusable("damaged", path)
    return store


def set_database_aside(data_dir: Path) -> str:
    """Moves the database (with its WAL and index) aside under a dated name, deleting nothing, so the next
    opening starts an empty store; returns the new name. Only on an explicit request (`consultaid records
    reset --i-understand`, or the choice the app offers when the database is empty or damaged), and only
    while no other ConsultAid holds the data folder (consultaid/instance_lock.py)."""
    path = Path(data_dir) / DATABASE_NAME
    stamp = time.strftime("%Y%m%d-%H%M%S")
    name = f"{path.stem}.damaged-{stamp}{path.suffix}"
    for suffix in ("", "-wal", "-shm"):
        part = Path(str(path) + suffix)
        if part.exists():
            shutil.move(part, part.with_name(name + suffix))
    # The audit anchor is the head of the chain set aside, so it goes with it: left in place it would make
    # the new, empty chain look cut. The daily check's stamp was about the old file.
    anchor = Path(data_dir) / AUDIT_ANCHOR_NAME
    if anchor.exists():
        shutil.move(anchor, anchor.with_name(f"{anchor.stem}.damaged-{stamp}{anchor.suffix}"))
    (Path(data_dir) / INTEGRITY_STAMP_NAME).unlink(missing_ok=True)
    return name


# --- encryption at rest ----------------------------------------------------------------------------
def _file_state(path: Path) -> str:
    """"absent" (a first start), "empty" (0 bytes: never a database of ours, which is made whole before it
    takes its name, see _create_database), "plain" (unencrypted, from an earlier version), "encrypted", or
    "damaged" when it cannot be an encrypted database at all (not whole pages), so it is never mistaken for
    a key problem."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "absent"
    if size == 0:
        return "empty"
    with open(path, "rb") as handle:
        header = handle.read(len(PLAIN_HEADER))
    if header == PLAIN_HEADER:
        return "plain"
    return "encrypted" if size % MIN_PAGE_SIZE == 0 else "damaged"


def _key_for(data_dir: Path, state: str) -> DatabaseKey:
    try:
        key = find_key(data_dir)
        if key is None and state == "encrypted":
            from consultaid.consultation.keystore import key_file_path

            raise StoreError("key", _("The records are encrypted, and their key was found neither in the "
                                      "system keyring nor in {path}. Nothing was changed: restore the key from "
                                      "its copy (see the IT guide), then start again.").format(
                                          path=key_file_path(data_dir)))
        return key or create_key(data_dir)
    except KeyUnavailable as error:
        raise StoreError("key", str(error)) from error


def migrate(connection: Connection) -> None:
    """Brings a database to the current schema, one transaction per migration (PRAGMA user_version)."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    connection.create_function("fold_name", 1, name_key, deterministic=True)   # migration 5 fills a column
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in script.split(";\n"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise


def _create_database(path: Path, key: DatabaseKey) -> None:
    """A new database is made whole (schema, owner-only) under a temporary name, then renamed into place.
    SQLite creates a file of 0 bytes at connect; made in place, a crash on a first start left that under
    the real name, and a 0-byte database could not be told from records that were lost. Now it can only
    mean the latter, and it is reported (open_store), never taken for a first start."""
    temporary = path.with_name(path.name + ".new")
    for leftover in (temporary, Path(f"{temporary}-journal")):
        if leftover.exists():
            leftover.unlink()   # a half-made new database from an interrupted first start: holds nothing
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # owner-only from the start
    connection = connect(temporary, key)
    try:
        migrate(connection)
    finally:
        connection.close()
    with open(temporary, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    if POSIX:
        _fsync_folder(path.parent)


def connect(path: Path, key: DatabaseKey, timeout: float = 5.0) -> Connection:
    """A connection that reads and writes the database encrypted. The key must be the first statement."""
    connection = sqlcipher.connect(str(path), timeout=timeout, isolation_level=None)
    # SQLCipher otherwise prints its own lines to stderr for a wrong key; the StoreError says it better.
    connection.execute("PRAGMA cipher_log_level = NONE")
    connection.execute(f"PRAGMA key = {key.pragma_value}")
    # Sorts, indexes being built and temporary tables in memory: SQLite's temporary files are not encrypted.
    connection.execute("PRAGMA temp_store = MEMORY")
    return connection


def _check_key(connection: Connection, key: DatabaseKey, state: str) -> None:
    """The first read decrypts page 1: with another key it fails. That is a key problem, not damage: the
    file is left as it is (open_store must not move it aside and start an empty database)."""
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DatabaseError as error:
        if "not a database" not in str(error) or state == "absent":
            raise
        connection.close()
        where = _("the system keyring") if key.place == "keyring" else str(key.file)
        raise StoreError("key", _("The records cannot be opened with the key found in {place}: it is not "
                                  "their key, or the database is damaged. Nothing was changed: restore the "
                                  "right key (see the IT guide), then start again.").format(place=where)) from error


def open_connection(data_dir: Path) -> Connection:
    """A bare connection to the encrypted database of `data_dir` with its key (for tests and repairs)."""
    data_dir = Path(data_dir)
    key = find_key(data_dir)
    if key is None:
        raise StoreError("key", _("The database key was not found."))
    return connect(data_dir / DATABASE_NAME, key)


def key_opens(data_dir: Path, value: str) -> bool:
    """Whether the key `value` (64 hex digits) decrypts the database of `data_dir`."""
    path = Path(data_dir) / DATABASE_NAME
    connection = connect(path, DatabaseKey(value, "file"))
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except DatabaseError:
        return False
    finally:
        connection.close()


def _table_counts(connection: Connection, schema: str = "main") -> dict[str, int]:
    tables = [row[0] for row in connection.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {table: connection.execute(f'SELECT count(*) FROM {schema}."{table}"').fetchone()[0] for table in tables}


def encrypt_plain_database(path: Path, key: DatabaseKey) -> None:
    """Converts an unencrypted database (from a version before encryption) in place, losing nothing.

    sqlcipher_export copies every table, index, trigger and row into a new encrypted file beside it; that
    copy is checked (integrity, row counts, audit head, schema version) before it replaces the original by
    an atomic rename. Until then the original is untouched, so a crash at any point loses nothing: the
    next start begins again. The old file and its WAL are then overwritten with zeros through descriptors
    held open across the rename. On SSDs, copy-on-write or journaling file systems and in backups, older
    copies of those blocks may survive that: disk encryption is what covers them (docs/it.md)."""
    temporary = path.with_name(path.name + ".encrypting")
    for leftover in (temporary, Path(f"{temporary}-journal")):
        if leftover.exists():
            leftover.unlink()   # an encrypted half-copy from an interrupted attempt: the original is whole
    plain = sqlcipher.connect(str(path), isolation_level=None)
    wal_handle = None
    try:
        plain.execute("PRAGMA temp_store = MEMORY")
        version = plain.execute("PRAGMA user_version").fetchone()[0]
        counts = _table_counts(plain)
        head = (plain.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone() if "audit" in counts
                else None)
        plain.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(temporary), f"x'{key.hex}'"))
        plain.execute("SELECT sqlcipher_export('encrypted')")
        plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        plain.execute("DETACH DATABASE encrypted")
        copy = connect(temporary, key)
        try:
            problems = copy.execute("PRAGMA integrity_check").fetchall()
            same = (problems == [("ok",)] and _table_counts(copy) == counts
                    and copy.execute("PRAGMA user_version").fetchone()[0] == version
                    and (head is None or copy.execute(
                        "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone() == head))
        finally:
            copy.close()
        if not same:
            temporary.unlink()
            raise StoreError("other", _("The database could not be encrypted: the encrypted copy did not match. "
                                        "Nothing was changed."))
        os.chmod(temporary, 0o600)
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        wal = Path(f"{path}-wal")
        if wal.exists() and POSIX:
            wal_handle = open(wal, "rb+")  # kept open: closing the connection checkpoints and deletes it
    finally:
        plain.close()
    if POSIX:
        with open(path, "rb+") as old:
            os.replace(temporary, path)
            _fsync_folder(path.parent)
            _overwrite(old)
    else:  # Windows cannot rename over an open file: the old one is only replaced (docs/it.md)
        os.replace(temporary, path)
    if wal_handle is not None:
        with wal_handle:
            _overwrite(wal_handle)
    shm = Path(f"{path}-shm")
    if shm.exists():
        shm.unlink()   # the old WAL's index: page numbers only, and stale for the new file


def _overwrite(handle: IO[bytes]) -> None:
    """Zeros over the whole file behind `handle` (already renamed over or deleted), then to the disk."""
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(0)
    block = b"\0" * 65536
    for start in range(0, size, len(block)):
        handle.write(block[:min(len(block), size - start)])
    handle.flush()
    os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
