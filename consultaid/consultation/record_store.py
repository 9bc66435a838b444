"""The one record-store interface the consultation, the records view, the CLI, finalize and the audit check
use, and the choice of back end. No Qt.

Three classes satisfy `RecordStore` (tests/test_record_store_interface.py checks each against it):
- `Store` (consultation/store.py): the embedded, encrypted SQLite file in the data folder: the default;
- `PgStore` (server/pg_store.py): the clinic's PostgreSQL server, used as is by the CLI and IT;
- `ClinicStore` (server/clinic_store.py): what the app uses with a clinic server: PgStore, with the local
  SQLite store as its queue while the server cannot be reached (docs/it.md, "When the server goes away").

`open_record_store` (server/opening.py: the server layer sits above this one) chooses the back end.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from datetime import datetime

    from consultaid.consultation.addendum import StoredAddendum
    from consultaid.consultation.store import DraftSummary, OutboxEntry, StoredRecord

URL_VARIABLE = "CONSULTAID_DATABASE_URL"


@runtime_checkable
class RecordStore(Protocol):
    """What every record store offers. A write returns only after its COMMIT: then it is safe."""

    # Read by callers, never set by them: each back end keeps them as it likes (attribute or property).
    @property
    def actor(self) -> str: ...

    @property
    def data_dir(self) -> Path | None: ...   # this workstation's data folder (the seal key and the anchors)

    @property
    def anchor_problem(self) -> str | None: ...

    @property
    def key_warning(self) -> str | None: ...

    def close(self) -> None: ...

    # the audit trail
    def log(self, action: str, subject: str, origin: str | None = None) -> None: ...
    # origin: an id the entry keeps on its way to the clinic server, so a retry is not added twice

    def latest_audit_hash(self) -> str: ...

    def verify_audit(self, printed_heads: Sequence[str] = ()) -> list[str]: ...

    # drafts
    def save_draft(self, record: dict[str, Any]) -> int: ...

    def drafts(self, status: str | None = None) -> list[DraftSummary]: ...

    def load_draft(self, consultation_id: str) -> dict[str, Any]: ...

    def set_draft_aside(self, consultation_id: str) -> None: ...

    def resume_draft(self, consultation_id: str) -> dict[str, Any]: ...

    # finalized records
    def finalize(self, record: dict[str, Any], pdf: bytes, supersedes: int | None = None) -> int: ...

    def search(self, text: str = "", date_from: str | None = None, date_to: str | None = None,
               procedure_id: str | None = None, status: str | None = None, limit: int = 500) -> list[StoredRecord]: ...

    def record(self, record_id: int) -> tuple[dict[str, Any], bytes]: ...

    def latest_version(self, consultation_id: str) -> int | None: ...

    # what `consultaid verify` compares a PDF with
    def stored_versions(self, consultation_id: str) -> list[tuple[int, str, str]]: ...

    def sealed_outside_entry(self, pdf_sha256: str) -> int | None: ...
    # the hospital outbox: finalize queues one row per destination in `outbox_destinations` (in its own
    # transaction); consultaid/hospital/outbox.py sends them and records each attempt (audited)
    outbox_destinations: tuple[str, ...]

    def outbox(self, record_ids: list[int] | None = None, states: tuple[str, ...] = ()) -> list[OutboxEntry]: ...

    def claim_outbox(self, entry: OutboxEntry, claimer: str, until: datetime) -> bool: ...

    def finish_outbox(self, entry: OutboxEntry, claimer: str, state: str, error: str = "", receiver_text: str = "",
                      next_attempt: datetime | None = None) -> bool: ...

    def retry_outbox(self, entry: OutboxEntry) -> bool: ...

    def outbox_document(self, entry: OutboxEntry) -> tuple[dict[str, Any], bytes]: ...
    def versions(self, consultation_id: str) -> list[StoredRecord]: ...

    # addenda after the summary (consultation/addendum.py)
    def add_addendum(self, record: dict[str, Any], pdf: bytes) -> int: ...

    def addenda(self, consultation_id: str) -> list[StoredAddendum]: ...

    def addendum(self, addendum_id: int) -> tuple[dict[str, Any], bytes]: ...

    # where the records are, for the status bar
    def whereabouts(self) -> Whereabouts: ...


@dataclass(frozen=True)
class Whereabouts:
    """Where the records are and whether everything has reached them, for the status bar (no secret).
    `place` "workstation" or "server"; `server` the server's name; `online` False while the server cannot
    be reached or cannot store, and `problem` why ("offline" or "disk_full"); `waiting` how many records and
    audit entries wait in the local queue; `conflicts` how many of those the server holds differently
    (shown, never overwritten)."""

    place: str
    server: str = ""
    online: bool = True
    waiting: int = 0
    conflicts: int = 0
    problem: str = ""


def database_url(url: str | None = None) -> str | None:
    """The URL the CLI was given (`--database-url`), else CONSULTAID_DATABASE_URL, else None."""
    return url or os.environ.get(URL_VARIABLE) or None
