"""The durable outbox's sender: delivers the documents finalize queued, with retries, to the hospital record.

Finalize writes one outbox row per configured destination ("mllp", "fhir") in the record's own
transaction (consultation/store.py, server/pg_store.py), and so does storing an addendum (a confirmation or
a withdrawal: its rows name the summary it follows and the addendum, and it is sent as its own document that
appends to the summary, document.build_addendum_document); nothing is sent there. This module takes the rows
that are due and sends each with the existing clients (mllp.py, fhir_client.py). Qt-free: the app runs it
in a background thread (ui/services/outbox_sender.py), IT runs it as `consultaid outbox send --loop`.

An entry's states:
- "pending": queued, or due again because the user asked (`consultaid outbox retry`, "Send again");
- "sending": taken by one sender (`claimed_by` "host:pid:n", until `claimed_until`);
- "sent": the receiver accepted it (HL7 AA, FHIR transaction-response);
- "waiting": the receiver could not be reached or did not answer; tried again at `next_attempt_at`, after
  a back-off that doubles at each attempt (30 s, 1 min, 2 min … at most 1 h);
- "failed": the receiver answered and refused (HL7 AE/AR, FHIR 4xx), with its text; sending the same
  again would fail the same way, so it is retried only when the user asks.

Every attempt and its result is an audit entry, written in the same transaction as the state change
(ids only: "outbox 3 record 12 mllp attempt 2"). An entry left "sending" by a sender that died (kill -9,
power cut) is due again as soon as that process is seen gone on this machine, or when its claim expires
(another machine's sender). Sending again is always safe: the document id is derived from the record's
consultation id and version (document.py), so the MDM's TXA-12 and the DocumentReference's
masterIdentifier are the same, and the FHIR Bundle is made of conditional creates (fhir_bundle.py): the
receiver recognises a resend as the same document and creates nothing new.

The message is built at each attempt from the stored record and its exact PDF bytes (both immutable) and
the current settings, so a refusal caused by a wrong code is cured by correcting Settings, then "Send again".
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from consultaid.consultation.addendum import CONFIRMATION
from consultaid.consultation.store import OutboxEntry, StoreError, outbox_time
from consultaid.hospital.document import HospitalDocument, HospitalSettings, build_addendum_document, build_document
from consultaid.hospital.errors import HospitalError
from consultaid.hospital.fhir_bundle import build_bundle
from consultaid.hospital.fhir_client import Credentials, post_transaction
from consultaid.hospital.hl7_mdm import build_mdm_t02
from consultaid.hospital.mllp import send_message
from consultaid.i18n import N_, _

log = logging.getLogger(__name__)

BACKOFF_FIRST_SECONDS = 30.0
BACKOFF_MAX_SECONDS = 3600.0
# How long a claim holds against other machines' senders: longer than the slowest answer (mllp.ACK_TIMEOUT
# 60 s, fhir_client.TIMEOUT 120 s) with room to spare; a sender on this machine that died is seen at once.
CLAIM_SECONDS = 600.0
ACTIVE_STATES = ("pending", "sending", "waiting")
_claims = itertools.count(1)


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: the entry, its new state and why (one translated line)."""

    entry: OutboxEntry
    state: str
    text: str = ""


def backoff(attempt: int, first: float = BACKOFF_FIRST_SECONDS, most: float = BACKOFF_MAX_SECONDS) -> timedelta:
    """The wait after the `attempt`-th failed attempt to reach the receiver: first, 2×first, 4×first …"""
    return timedelta(seconds=min(most, first * 2 ** max(0, attempt - 1)))


def new_claimer() -> str:
    """Who is sending: this machine, this process, and a number for each sender in it."""
    return f"{socket.gethostname()}:{os.getpid()}:{next(_claims)}"


def _claimer_gone(claimer: str) -> bool:
    """Whether the sender that holds a claim is a process of this machine that no longer runs."""
    host, _, rest = claimer.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def is_due(entry: OutboxEntry, now: datetime) -> bool:
    """Whether a sender should take this entry now."""
    stamp = outbox_time(now)
    if entry.state == "pending":
        return True
    if entry.state == "waiting":
        return not entry.next_attempt_at or entry.next_attempt_at <= stamp
    if entry.state == "sending":
        return entry.claimed_until <= stamp or _claimer_gone(entry.claimed_by)
    return False


class OutboxSender:
    """Sends the due entries of one record store. `clock` gives the current time (tests move it on)."""

    def __init__(self, store: Any, settings: HospitalSettings, credentials: Credentials | None = None, *,
                 first_backoff: float = BACKOFF_FIRST_SECONDS, max_backoff: float = BACKOFF_MAX_SECONDS,
                 clock: Callable[[], datetime] | None = None, claimer: str | None = None) -> None:
        self.store = store
        self.settings = settings
        self.credentials = credentials or Credentials()
        self.first_backoff, self.max_backoff = first_backoff, max_backoff
        self.clock = clock or (lambda: datetime.now(UTC))
        self.claimer = claimer or new_claimer()

    def due(self) -> list[OutboxEntry]:
        now = self.clock()
        return [entry for entry in self.store.outbox(None, ACTIVE_STATES) if is_due(entry, now)]

    def send_due(self, stop: Callable[[], bool] = lambda: False) -> list[Outcome]:
        """One pass: every due entry, oldest first; `stop` is asked between entries (the app closing)."""
        outcomes = []
        for entry in self.due():
            if stop():
                break
            outcome = self.send(entry)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    def send(self, entry: OutboxEntry) -> Outcome | None:
        """Takes the entry, sends it, records how it went; None when another sender took it first."""
        if not self.store.claim_outbox(entry, self.claimer, self.clock() + timedelta(seconds=CLAIM_SECONDS)):
            return None
        attempt = entry.attempts + 1
        taken = replace(entry, state="sending", attempts=attempt, claimed_by=self.claimer)
        log.info("outbox entry %s (record %s, %s): attempt %s", entry.id, entry.record_id, entry.destination,
                 attempt)
        try:
            self._deliver(taken)
        except HospitalError as error:
            if error.rejected:
                state, next_attempt = "failed", None
            else:
                state, next_attempt = "waiting", self.clock() + backoff(attempt, self.first_backoff,
                                                                         self.max_backoff)
            self.store.finish_outbox(taken, self.claimer, state, str(error), error.receiver_text, next_attempt)
            log.warning("outbox entry %s (%s): %s", entry.id, entry.destination, state)
            return Outcome(taken, state, str(error))
        except StoreError as error:
            # The record could not be read (the server went away, a damaged page): tried again later.
            text = str(error)
            self._finish_quietly(taken, "waiting", text, attempt)
            return Outcome(taken, "waiting", text)
        except Exception as error:  # noqa: BLE001 — a record this version cannot make a message of
            # Kept as a failure (sending it again would fail the same way) rather than left "sending"; the
            # kind only, never the text: it could quote the record.
            text = _("The document could not be made from the stored record ({kind}).").format(
                kind=type(error).__name__)
            log.error("outbox entry %s (%s): %s", entry.id, entry.destination, type(error).__name__)
            self.store.finish_outbox(taken, self.claimer, "failed", text)
            return Outcome(taken, "failed", text)
        self.store.finish_outbox(taken, self.claimer, "sent")
        log.info("outbox entry %s (%s): sent", entry.id, entry.destination)
        return Outcome(taken, "sent")

    def _finish_quietly(self, entry: OutboxEntry, state: str, text: str, attempt: int) -> None:
        try:
            self.store.finish_outbox(entry, self.claimer, state, text, "",
                                     self.clock() + backoff(attempt, self.first_backoff, self.max_backoff))
        except StoreError:
            log.warning("outbox entry %s: its state could not be kept; its claim expires instead", entry.id)

    def _deliver(self, entry: OutboxEntry) -> None:
        record, pdf = self.store.outbox_document(entry)
        if entry.addendum_id is not None:
            # An addendum's row names the summary it follows as its record: patient and author come from it,
            # read where the row is kept (the workstation's store or the clinic server's, whose ids differ).
            summary, _summary_pdf = self.store.outbox_document(replace(entry, addendum_id=None))
            document = build_addendum_document(summary, record, pdf, self.settings)
            if entry.destination == "fhir" and document.decision == "declines":
                document = replace(document, ends=self._documents_before(summary, record))
        else:
            document = build_document(record, pdf, self.settings, version=entry.version,
                                      replaces_version=entry.supersedes_version)
            if entry.destination == "fhir" and entry.supersedes_version is not None:
                document = replace(document, ends=self._versions_replaced(record, entry.version))
        if entry.destination == "mllp":
            send_message(self.settings, build_mdm_t02(document))
        elif entry.destination == "fhir":
            post_transaction(self.settings, build_bundle(document), self.credentials)
        else:
            raise HospitalError(_("Unknown destination: {name}").format(name=entry.destination), rejected=True)

    def _versions_replaced(self, record: dict[str, Any], version: int) -> tuple[HospitalDocument, ...]:
        """The summary versions before `version`, whose Consents a correction ends: the patient's current
        answer is the corrected summary's, not one answer per version. A version the hospital could never
        file (no patient identifier: the usual reason to correct it) had no Consent and is left out."""
        earlier = []
        for stored in self.store.versions(record["id"]):
            if stored.version < version:
                old, _pdf = self.store.record(stored.id)
                try:
                    earlier.append(build_document(old, b"", self.settings, version=stored.version))
                except HospitalError:
                    continue
        return tuple(earlier)

    def _documents_before(self, summary: dict[str, Any], addendum: dict[str, Any]) -> tuple[HospitalDocument, ...]:
        """The documents of the consultation before `addendum` that carried the patient's decision: the
        summary version it follows and each earlier confirmation (their Consents are what a refusal ends)."""
        version = int(addendum["follows"]["version"])
        earlier = [build_document(summary, b"", self.settings, version=version)]
        for stored in self.store.addenda(addendum["consultation_id"]):
            if stored.addendum_id == addendum["id"]:
                break
            if stored.kind == CONFIRMATION:
                confirmation, _pdf = self.store.addendum(stored.id)
                earlier.append(build_addendum_document(summary, confirmation, b"", self.settings))
        return tuple(earlier)


# --- what the records view and `consultaid outbox list` say --------------------------------------------------
DESTINATION_NAMES = {"mllp": "HL7", "fhir": "FHIR"}


def record_state(entries: list[OutboxEntry]) -> str:
    """One record's sending state in one word: "not sent" (nothing queued), "failed", "waiting" or "sent"."""
    states = [entry.state for entry in entries if entry.state != "handed_over"]
    if not states:
        return "not_sent"
    if "failed" in states:
        return "failed"
    if any(state in ACTIVE_STATES for state in states):
        return "waiting"
    return "sent"


def document_words(entry: OutboxEntry) -> str:
    """Which document of the chain an entry sends, for people: "Summary, version 1", "Withdrawal (addendum 2)"."""
    if entry.addendum_id is not None:
        kind = _(ADDENDUM_WORDS.get(entry.addendum_kind, entry.addendum_kind))
        return _("{kind} (addendum {number})").format(kind=kind, number=entry.addendum_number)
    return _("Summary, version {version}").format(version=entry.version)


ADDENDUM_WORDS = {"confirmation": N_("Confirmation"), "withdrawal": N_("Withdrawal")}


def describe(entries: list[OutboxEntry]) -> str:
    """One record's sending state for people: per destination, and why for a failure (translated). When the
    entries are of more than one document (a summary and its addenda), each names its document."""
    shown = [entry for entry in entries if entry.state != "handed_over"]
    if not shown:
        return _("not sent")
    several = len({(entry.record_id, entry.addendum_id) for entry in shown}) > 1
    parts = []
    for entry in shown:
        name = DESTINATION_NAMES.get(entry.destination, entry.destination)
        if several:
            name = _("{document}, {destination}").format(document=document_words(entry), destination=name)
        if entry.state == "sent":
            parts.append(_("{destination}: sent").format(destination=name))
        elif entry.state == "failed":
            parts.append(_("{destination}: failed ({why})").format(destination=name, why=entry.last_error))
        elif entry.state == "waiting" and entry.next_attempt_at:
            parts.append(_("{destination}: waiting, next try at {time}").format(
                destination=name, time=_local_time(entry.next_attempt_at)))
        else:
            parts.append(_("{destination}: waiting").format(destination=name))
    return "; ".join(parts)


def _local_time(stamp: str) -> str:
    try:
        return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).astimezone().strftime(
            "%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


def by_record(entries: list[OutboxEntry]) -> dict[int, list[OutboxEntry]]:
    grouped: dict[int, list[OutboxEntry]] = {}
    for entry in entries:
        grouped.setdefault(entry.record_id, []).append(entry)
    return grouped


def retry_record(store: Any, record_id: int) -> int:
    """The user's "Send again": every failed or waiting entry of the record is due now. How many."""
    return sum(1 for entry in store.outbox([record_id], ("failed", "waiting")) if store.retry_outbox(entry))
