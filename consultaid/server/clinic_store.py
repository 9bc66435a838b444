"""ClinicStore: the record store the app uses with a clinic server. The server (PgStore) while it answers;
this workstation's own encrypted SQLite store (consultation/store.py) as a queue while it does not. No Qt.

The design, kept small (docs/it.md, "When the server goes away"):
- Every write goes to the server first. If the server cannot take it (unreachable, restarting, disk
  full), the same write is committed to the local store instead, and in that same local transaction it
  is put in the local `server_queue`: so "Saved" still means committed, on this disk, and nothing typed is
  lost. From then on the store is offline and writes locally, until the server answers again.
- When the server is back (`reconnect`, tried by the app every few seconds and before any write), the
  queue is sent in order, each item exactly once: a finalized record by its consultation id and version
  (the server stores it with its finalize entry in one transaction, or finds it already there, or finds
  another record under that key: a conflict, kept here, shown, never overwritten); an audit entry by its
  hash (server table `arrivals`, written in the same transaction as the entry; a "create" entry of a
  consultation the server already saw created is not sent again); an addendum (made while offline, when
  the summary it follows is in this store) by its id, the server finding the summary by consultation,
  version and SHA-256 and writing its own audit entry and hospital outbox rows; a draft by saving its
  latest content on the server (unless that consultation was meanwhile finalized, or another room holds
  it: a conflict). An item leaves the queue only after the server committed it: a crash between the two
  sends it again, and the server recognises it.
- Reads (search, records, drafts) come from the server; while offline, from the local store, and the
  status bar says so (`whereabouts`).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from consultaid.consultation.record_store import Whereabouts
from consultaid.consultation.store import DraftSummary, OutboxEntry, Store, StoredRecord, StoreError, open_store
from consultaid.i18n import _
from consultaid.server.pg_store import DEFAULT_LEASE_SECONDS, DraftLease, PgStore

Result = TypeVar("Result")

if TYPE_CHECKING:
    from consultaid.consultation.addendum import StoredAddendum
    from consultaid.consultation.store import StoredRecord

log = logging.getLogger(__name__)

# Errors after which the write goes to the local queue: the server is not there, or cannot store.
QUEUEING_KINDS = ("offline", "disk_full")
# How long a write waits for an unreachable server before the local queue takes it, and how often the
# server is tried again while offline (each try of a write, at most this often: a dead network costs the
# surgeon at most this, once).
RECONNECT_TIMEOUT_SECONDS = 3
RETRY_SECONDS = 5.0
# Audit entries the server writes itself when a record arrives: never sent separately.
SERVER_WRITTEN_ACTIONS = ("finalize", "correct", "confirm", "withdraw")


class ClinicStore:
    def __init__(self, url: str, data_dir: Path, actor: str = "", server_name: str = "", workstation: str = "",
                 use_keyring: bool = False, lease_seconds: int = DEFAULT_LEASE_SECONDS, background: bool = False):
        self.url = url
        self.data_dir = Path(data_dir)
        self.server_name = server_name
        self.workstation = workstation
        self.use_keyring = use_keyring
        self.lease_seconds = lease_seconds
        self._destinations: tuple[str, ...] = ()
        self.local = open_store(self.data_dir, actor)
        self.local.queue_for_server = True   # only writes made here while offline are queued (see above)
        self.actor = self.local.actor
        self.server: PgStore | None = None
        self.offline_reason = ""
        self.offline_kind = ""    # "offline" or "disk_full": what the status bar says
        self._last_try = 0.0
        self.last_sync: dict[str, int] = {}
        # With `background` (the app), trying an unreachable server again happens in a thread: a network
        # that swallows packets would otherwise hold the window for the connect timeout at every retry.
        self.background = background
        self._trying: threading.Thread | None = None
        self._found: PgStore | None = None
        if self._connect():
            self.sync()

    key_warning = property(lambda self: self.local.key_warning)

    @property
    def outbox_destinations(self) -> tuple[str, ...]:
        return self._destinations

    @outbox_destinations.setter
    def outbox_destinations(self, destinations: tuple[str, ...]) -> None:
        """The hospital destinations, for whichever store finalize writes to (both queue the same rows)."""
        self._destinations = tuple(destinations)
        for store in (self.local, self.server, self._found):
            if store is not None:
                store.outbox_destinations = self._destinations

    @property
    def anchor_problem(self) -> str | None:
        return (self.server.anchor_problem if self.server is not None else None) or self.local.anchor_problem

    @property
    def online(self) -> bool:
        return self.server is not None

    # --- the connection ----------------------------------------------------------------------------
    def _open_server(self) -> PgStore:
        server = PgStore(self.url, actor=self.actor, workstation=self.workstation, anchor_dir=self.data_dir,
                         lease_seconds=self.lease_seconds, use_keyring=self.use_keyring,
                         server_name=self.server_name, timeout=RECONNECT_TIMEOUT_SECONDS)
        server.outbox_destinations = self._destinations
        return server

    def _try_in_background(self) -> None:
        """The thread's work: a connection, handed to the next call on the caller's thread (reconnect)."""
        try:
            self._found = self._open_server()
        except StoreError as error:
            log.warning("the clinic server is still away (%s)", error.kind)

    def _connect(self) -> bool:
        self._last_try = time.monotonic()
        try:
            self.server = self._open_server()
        except StoreError as error:
            if error.kind not in QUEUEING_KINDS:
                raise   # a wrong schema version or a refused address is IT's to fix, not a queue's to hide
            self._went_offline(error)
            return False
        self.offline_reason = self.offline_kind = ""
        return True

    def _went_offline(self, error: StoreError) -> None:
        if self.server is not None:
            try:
                self.server.close()
            except Exception:  # noqa: BLE001 — a broken connection may fail to close; it is dropped anyway
                pass
        self.server = None
        self.offline_reason = str(error)
        self.offline_kind = error.kind
        log.warning("the clinic server cannot be used (%s): working on the local queue", error.kind)

    def reconnect(self) -> bool:
        """Tries the server again (at most every RETRY_SECONDS) and, once it answers, sends the queue.
        True when online."""
        if self.server is not None:
            return True
        if self.background:
            if self._found is not None:   # the thread got through: from now on the server again
                self.server, self._found = self._found, None
                self.offline_reason = self.offline_kind = ""
                self.sync()
            elif (self._trying is None or not self._trying.is_alive()) and \
                    time.monotonic() - self._last_try >= RETRY_SECONDS:
                self._last_try = time.monotonic()
                self._trying = threading.Thread(target=self._try_in_background, daemon=True,
                                                name="clinic-server-retry")
                self._trying.start()
        elif time.monotonic() - self._last_try >= RETRY_SECONDS and self._connect():
            self.sync()
        return self.server is not None

    def check(self) -> bool:
        """For the status bar, every few seconds: is the server still there (a round trip), or back (then
        the queue is sent)? True when online."""
        if self.server is not None:
            try:
                self.server.ping()
            except StoreError as error:
                if error.kind not in QUEUEING_KINDS:
                    raise
                self._went_offline(error)
            else:
                if any(state == "waiting" for _seq, _kind, _key, state in self.local.queued()):
                    self.sync()   # a queue left by a sync the server interrupted
                return True
        return self.reconnect()

    def _on_server(self, call: Callable[[PgStore], Result], fallback: Callable[[], Result]) -> Result:
        """`call(server)`, or `fallback()` on the local store when the server is away or cannot store."""
        self.reconnect()
        if self.server is not None:
            try:
                return call(self.server)
            except StoreError as error:
                if error.kind not in QUEUEING_KINDS:
                    raise
                self._went_offline(error)
        return fallback()

    # --- the queue ---------------------------------------------------------------------------------
    def sync(self) -> dict[str, int]:
        """Sends every queued write to the server, oldest first, each exactly once. Returns how many
        arrived, were already there, and conflict. Stops (offline again) if the server goes away."""
        counts = {"arrived": 0, "present": 0, "conflict": 0}
        try:
            for seq, kind, key, state in self.local.queued():
                if state == "conflict" or self.server is None:
                    continue
                outcome = {"record": self._send_record, "audit": self._send_audit_entry,
                           "draft": self._send_draft, "addendum": self._send_addendum}[kind](self.server, key)
                counts[outcome] += 1
                if outcome == "conflict":
                    log.warning("a queued %s conflicts with what the clinic server holds: kept here", kind)
                    self.local.conflicted(seq)
                else:
                    self.local.arrived(seq)
        except StoreError as error:
            if error.kind not in QUEUEING_KINDS:
                raise
            self._went_offline(error)
        self.last_sync = counts
        return counts

    def _send_record(self, server: PgStore, key: str) -> str:
        row = self.local.record_row(int(key))
        if row is None:
            return "conflict"
        outcome = server.arrive_record(row)[0]
        if outcome != "conflict":
            # The server queued the record's hospital documents when it arrived (same document ids): the
            # workstation's own rows for it stop, so one sender is responsible for it from now on.
            self.local.hand_over_outbox(int(key))
        return outcome

    def _send_addendum(self, server: PgStore, key: str) -> str:
        stored = self.local.addendum_row(int(key))
        if stored is None:
            return "conflict"
        outcome = server.arrive_addendum(*stored)[0]
        if outcome != "conflict":
            # As for a record: the server queued the addendum's hospital documents (same document ids).
            self.local.hand_over_addendum_outbox(int(key))
        return outcome

    def _send_audit_entry(self, server: PgStore, key: str) -> str:
        entry = self.local.audit_entry(int(key))
        if entry is None:
            return "conflict"
        at, actor, action, subject, origin = entry
        if action in SERVER_WRITTEN_ACTIONS:
            return "present"   # its record's arrival writes the server's own entry, with the server's row hash
        if action == "create" and server.has_entry("create", subject):
            return "present"   # created on the server before it went away; saved here only since
        return server.arrive_audit_entry(origin, at, actor, action, subject)

    def _send_draft(self, server: PgStore, key: str) -> str:
        try:
            record = self.local.load_draft(key)
        except KeyError:
            return "present"   # finalized here meanwhile: the record itself is queued
        if server.latest_version(key) is not None:
            return "present"   # finalized on the server meanwhile: the draft is over
        try:
            server.arrive_draft(record)
        except StoreError as error:
            if error.kind == "leased":
                return "conflict"
            raise
        self._retire_local_draft(key)
        return "arrived"

    def _retire_local_draft(self, consultation_id: str) -> None:
        """The server holds the draft now: the local copy is set aside (kept, not queued), so a later start
        while offline does not offer it as an interrupted consultation of this room."""
        self.local.queue_for_server = False
        try:
            self.local.set_draft_aside(consultation_id)
        finally:
            self.local.queue_for_server = True

    def waiting(self) -> tuple[int, int]:
        """(records and audit entries waiting for the server, conflicts among the queued writes)."""
        rows = self.local.queued()
        waiting = sum(1 for _seq, kind, _key, state in rows if state == "waiting" and kind != "draft")
        return waiting, sum(1 for row in rows if row[3] == "conflict")

    def whereabouts(self) -> Whereabouts:
        waiting, conflicts = self.waiting()
        drafts = sum(1 for row in self.local.queued() if row[1] == "draft" and row[3] == "waiting")
        return Whereabouts("server", self.server_name, self.server is not None, waiting + drafts, conflicts,
                           "" if self.server is not None else self.offline_kind)

    # --- the record store interface ------------------------------------------------------------------
    def close(self) -> None:
        if self._trying is not None:
            self._trying.join(RECONNECT_TIMEOUT_SECONDS + 1)
        for server in (self.server, self._found):
            if server is not None:
                server.close()
        self.local.close()

    def log(self, action: str, subject: str, origin: str | None = None) -> None:
        # One id for the entry wherever it lands: if the server committed it but the answer was lost, the
        # local copy queued by the fallback is recognised by that id when it is sent, and not added twice.
        origin = origin or uuid.uuid4().hex
        self._on_server(lambda server: server.log(action, subject, origin),
                        lambda: self.local.log(action, subject, origin))

    def latest_audit_hash(self) -> str:
        return self._on_server(lambda server: server.latest_audit_hash(), self.local.latest_audit_hash)

    def verify_audit(self, printed_heads: Sequence[str] = ()) -> list[str]:
        """The clinic's chain on the server; while offline it cannot be checked, and that is said."""
        return self._on_server(lambda server: server.verify_audit(printed_heads), self._cannot_verify)

    def _cannot_verify(self) -> list[str]:
        raise StoreError("offline", _("The clinic server could not be reached: {reason}").format(
            reason=self.offline_reason))

    def save_draft(self, record: dict[str, Any]) -> int:
        return self._on_server(lambda server: server.save_draft(record), lambda: self.local.save_draft(record))

    def drafts(self, status: str | None = None) -> list[DraftSummary]:
        return self._on_server(lambda server: server.drafts(status), lambda: self.local.drafts(status))

    def load_draft(self, consultation_id: str) -> dict[str, Any]:
        return self._on_server(lambda server: server.load_draft(consultation_id),
                               lambda: self.local.load_draft(consultation_id))

    def set_draft_aside(self, consultation_id: str) -> None:
        self._on_server(lambda server: server.set_draft_aside(consultation_id),
                        lambda: self._local_aside(consultation_id))

    def _local_aside(self, consultation_id: str) -> None:
        if any(draft.consultation_id == consultation_id for draft in self.local.drafts()):
            self.local.set_draft_aside(consultation_id)

    def resume_draft(self, consultation_id: str) -> dict[str, Any]:
        return self._on_server(lambda server: server.resume_draft(consultation_id),
                               lambda: self.local.resume_draft(consultation_id))

    def finalize(self, record: dict[str, Any], pdf: bytes, supersedes: int | None = None) -> int:
        return self._on_server(lambda server: server.finalize(record, pdf, supersedes),
                               lambda: self._finalize_here(record, pdf, supersedes))

    def _finalize_here(self, record: dict[str, Any], pdf: bytes, supersedes: int | None) -> int:
        """Finalize on this workstation while the server is away. A correction names the record it corrects
        by its id in the store it was read from: an id on the server means another record here (or none),
        so a correction is stored here only when that id is this consultation's record here."""
        if supersedes is not None:
            corrected = self.local.record_row(supersedes)
            if corrected is None or corrected["consultation_id"] != record["id"]:
                raise StoreError("offline", _(
                    "The record being corrected is kept on the clinic server, which cannot be reached now, so the "
                    "corrected summary cannot be stored yet. It is stored as soon as the server is back; until "
                    "then keep this consultation open."))
        return self.local.finalize(record, pdf, supersedes)

    def search(self, text: str = "", date_from: str | None = None, date_to: str | None = None,
               procedure_id: str | None = None, status: str | None = None, limit: int = 500) -> list[StoredRecord]:
        arguments = (text, date_from, date_to, procedure_id, status, limit)
        return self._on_server(lambda server: server.search(*arguments), lambda: self.local.search(*arguments))

    def record(self, record_id: int) -> tuple[dict[str, Any], bytes]:
        return self._on_server(lambda server: server.record(record_id), lambda: self.local.record(record_id))

    # --- addenda: on the server; while it is away, in the local queue when the summary is here --------
    def add_addendum(self, record: dict[str, Any], pdf: bytes) -> int:
        return self._on_server(lambda server: server.add_addendum(record, pdf),
                               lambda: self._addendum_here(record, pdf))

    def _addendum_here(self, record: dict[str, Any], pdf: bytes) -> int:
        """While the server is away: stored and queued here (with its outbox rows) like a finalized record,
        when the summary it names is in this workstation's store (the records list shows this store's
        records while offline); else refused, as nothing here can check its link."""
        if not self.local.holds_summary(record.get("follows") or {}, record.get("consultation_id", "")):
            return self._addendum_needs_server()
        return self.local.add_addendum(record, pdf)

    def _addendum_needs_server(self) -> int:
        raise StoreError("offline", _("An addendum is stored on the clinic server, which cannot be reached now: "
                                      "{reason}. Try again when it is back.").format(reason=self.offline_reason))

    def addenda(self, consultation_id: str) -> list[StoredAddendum]:
        return self._on_server(lambda server: server.addenda(consultation_id),
                               lambda: self.local.addenda(consultation_id))

    def addendum(self, addendum_id: int) -> tuple[dict[str, Any], bytes]:
        return self._on_server(lambda server: server.addendum(addendum_id), lambda: self.local.addendum(addendum_id))

    def versions(self, consultation_id: str) -> list[StoredRecord]:
        return self._on_server(lambda server: server.versions(consultation_id),
                               lambda: self.local.versions(consultation_id))

    def latest_version(self, consultation_id: str) -> int | None:
        return self._on_server(lambda server: server.latest_version(consultation_id),
                               lambda: self.local.latest_version(consultation_id))

    def stored_versions(self, consultation_id: str) -> list[tuple[int, str, str]]:
        return self._on_server(lambda server: server.stored_versions(consultation_id),
                               lambda: self.local.stored_versions(consultation_id))

    def sealed_outside_entry(self, pdf_sha256: str) -> int | None:
        return self._on_server(lambda server: server.sealed_outside_entry(pdf_sha256),
                               lambda: self.local.sealed_outside_entry(pdf_sha256))

    # --- the hospital outbox: the server's rows, and this workstation's while they wait for the server --
    def outbox(self, record_ids: list[int] | None = None, states: tuple[str, ...] = ()) -> list[OutboxEntry]:
        """For the records view (`record_ids`): the rows of the store the records come from now. For the
        sender (all records): the server's rows and the workstation's own not yet handed over, so a
        document finalized while the server was away still reaches the hospital."""
        local_states = states or ("pending", "sending", "waiting", "sent", "failed")
        if record_ids is not None:
            return self._on_server(lambda server: server.outbox(record_ids, states),
                                   lambda: self.local.outbox(record_ids, states))
        remote = self._on_server(lambda server: server.outbox(None, states), lambda: [])
        return [*remote, *self.local.outbox(None, tuple(state for state in local_states if state != "handed_over"))]

    def _where(self, entry: OutboxEntry) -> PgStore | Store:
        """The store an entry belongs to: the server's, or this workstation's own."""
        if entry.place == "server":
            if self.server is None:
                raise StoreError("offline", _("The clinic server could not be reached: {reason}").format(
                    reason=self.offline_reason))
            return self.server
        return self.local

    def claim_outbox(self, entry: OutboxEntry, claimer: str, until: datetime) -> bool:
        return self._where(entry).claim_outbox(entry, claimer, until)

    def finish_outbox(self, entry: OutboxEntry, claimer: str, state: str, error: str = "", receiver_text: str = "",
                      next_attempt: datetime | None = None) -> bool:
        return self._where(entry).finish_outbox(entry, claimer, state, error, receiver_text, next_attempt)

    def retry_outbox(self, entry: OutboxEntry) -> bool:
        return self._where(entry).retry_outbox(entry)

    def outbox_document(self, entry: OutboxEntry) -> tuple[dict[str, Any], bytes]:
        return self._where(entry).outbox_document(entry)

    # --- two rooms: the draft leases (server only: offline, this workstation is the only one it knows) --
    def draft_lease(self, consultation_id: str) -> DraftLease | None:
        return self._on_server(lambda server: server.draft_lease(consultation_id), lambda: None)

    def take_over_draft(self, consultation_id: str) -> dict[str, Any]:
        return self._on_server(lambda server: server.take_over_draft(consultation_id),
                               lambda: self.local.resume_draft(consultation_id))

    def renew_lease(self, consultation_id: str) -> bool:
        return self._on_server(lambda server: server.renew_lease(consultation_id), lambda: True)

    def release_draft(self, consultation_id: str) -> None:
        self._on_server(lambda server: server.release_draft(consultation_id), lambda: None)
