"""Moving a workstation's SQLite records to the clinic server (`consultaid server import`), verifiably and
leaving the source file untouched. No Qt.

The workstation's database is never opened where it is: while the data folder's lock is held (no
ConsultAid writes to it meanwhile), the file and its WAL are copied into a private temporary folder, and
the copy is read (still encrypted; removed afterwards). Opening SQLite in place, even read-only, would
create its -wal and -shm files. The audit chain is checked first: a broken chain is not copied. Then, oldest first:
- every finalized record, with its version, PDF bytes and hash, goes to the server exactly once
  (PgStore.arrive_record: by consultation id and version; a record already there unchanged is "present",
  a different one under the same key a conflict, never overwritten). Its finalize or correct entry is
  the server's own, written with the record in one transaction (the row hash is the server row's);
- every other audit entry is appended to the clinic's chain exactly once, named by its hash
  (PgStore.arrive_audit_entry), keeping its actor; the time it was written is kept in `arrivals`.
Running it again imports nothing twice. Drafts are not moved: a consultation in progress is finished
on its workstation first.

The proof printed at the end: the counts on both sides, and one fingerprint of the records on each side
(SHA-256 over every record's consultation id, version, record hash and PDF hash, in order), which must match.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from consultaid.consultation.audit import chain_problems
from consultaid.consultation.store import DATABASE_NAME, Connection, StoreError, classify_error
from consultaid.i18n import _

if TYPE_CHECKING:
    from consultaid.server.pg_store import PgStore

# Audit entries the server writes itself when a record arrives.
SERVER_WRITTEN_ACTIONS = ("finalize", "correct")


@dataclass
class ImportReport:
    records: dict[str, int] = field(default_factory=lambda: {"arrived": 0, "present": 0, "conflict": 0})
    entries: dict[str, int] = field(default_factory=lambda: {"arrived": 0, "present": 0})
    source_records: int = 0
    source_fingerprint: str = ""
    server_fingerprint: str = ""
    conflicts: list[str] = field(default_factory=list)   # "consultation id vN", never a patient's name

    @property
    def verified(self) -> bool:
        return not self.conflicts and self.source_fingerprint == self.server_fingerprint


def open_copy(data_dir: Path, folder: Path) -> Connection:
    """A read-only connection to a copy, in `folder`, of the workstation's encrypted database (with its
    WAL), made while the data folder's lock is held: the workstation's own files are only read."""
    import shutil

    from sqlcipher3 import dbapi2 as sqlcipher

    from consultaid.consultation.keystore import find_key
    from consultaid.instance_lock import InstanceLock

    path = Path(data_dir) / DATABASE_NAME
    if not path.is_file():
        raise StoreError("other", _("There is no records database in {folder}.").format(folder=data_dir))
    key = find_key(Path(data_dir))
    if key is None:
        raise StoreError("key", _("The database key was not found."))
    lock = InstanceLock(Path(data_dir))
    if not lock.acquire():
        raise StoreError("locked", _("ConsultAid is open on {folder}: close it there, then import.").format(
            folder=data_dir))
    try:
        for suffix in ("", "-wal"):
            if Path(f"{path}{suffix}").exists():
                shutil.copyfile(f"{path}{suffix}", folder / f"{DATABASE_NAME}{suffix}")
    finally:
        lock.release()
    connection = sqlcipher.connect(str(folder / DATABASE_NAME), isolation_level=None)
    connection.execute("PRAGMA cipher_log_level = NONE")
    connection.execute(f"PRAGMA key = {key.pragma_value}")
    connection.execute("PRAGMA temp_store = MEMORY")
    connection.execute("PRAGMA query_only = ON")
    return connection


def fingerprint(rows: Iterable[tuple[str, int, str, str]]) -> str:
    """SHA-256 over (consultation id, version, SHA-256 of record_json, pdf_sha256) of every record, in order."""
    digest = hashlib.sha256()
    for consultation_id, version, record_json, pdf_sha256 in sorted(rows, key=lambda row: (row[0], row[1])):
        line = [consultation_id, version, hashlib.sha256(record_json.encode("utf-8")).hexdigest(), pdf_sha256]
        digest.update((json.dumps(line, separators=(",", ":")) + "\n").encode("utf-8"))
    return digest.hexdigest()


def import_workstation(data_dir: Path, server: PgStore) -> ImportReport:
    """Copies the records and audit entries of the SQLite store in `data_dir` to `server` (a PgStore)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="consultaid-import-") as folder:   # owner-only (mode 0700)
        source = open_copy(data_dir, Path(folder))
        try:
            return _import(source, server)
        finally:
            source.close()


def _import(source: Connection, server: PgStore) -> ImportReport:
    from sqlcipher3 import dbapi2 as sqlcipher

    report = ImportReport()
    try:
        broken = chain_problems(source, [])
        if broken:
            raise StoreError("damaged", _("The workstation's audit trail is broken ({problem}): nothing was "
                                          "imported. Run consultaid audit verify.").format(problem=broken[0]))
        cursor = source.execute("SELECT r.*, (SELECT version FROM records p WHERE p.id = r.supersedes)"
                                " AS supersedes_version FROM records r ORDER BY r.id")
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
        entries = source.execute("SELECT at, actor, action, subject, hash FROM audit ORDER BY seq").fetchall()
    except sqlcipher.Error as error:
        raise classify_error(error) from error
    keys = []
    for row in rows:
        outcome, _server_id = server.arrive_record(row)
        report.records[outcome] += 1
        keys.append((row["consultation_id"], row["version"], row["record_json"], row["pdf_sha256"]))
        if outcome == "conflict":
            report.conflicts.append(f"{row['consultation_id']} v{row['version']}")
    report.source_records = len(keys)
    report.source_fingerprint = fingerprint(keys)
    for at, actor, action, subject, digest in entries:
        if action not in SERVER_WRITTEN_ACTIONS:
            report.entries[server.arrive_audit_entry(digest, at, actor, action, subject)] += 1
    # The same records, read back from the server.
    held = []
    for consultation_id, version, _record_json, _pdf_sha256 in keys:
        stored = server.connection.execute("SELECT consultation_id, version, record_json, pdf_sha256 FROM records"
                                           " WHERE consultation_id = %s AND version = %s",
                                           (consultation_id, version)).fetchone()
        if stored is not None:
            held.append(tuple(stored))
    report.server_fingerprint = fingerprint(held)
    return report
