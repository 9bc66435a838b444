"""The durable outbox on the workstation's SQLite store, sent by consultaid/hospital/outbox.py to the real
peers: the hl7apy MLLP listener and the @medplum FHIR server (tests/peers). Queued in finalize's own
transaction, sent later, retried with back-off, refusals kept until the user asks, one document however
often it is sent."""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from consultaid.consultation.store import StoreError, open_connection, open_store
from consultaid.hospital.document import document_id
from consultaid.hospital.fhir_client import Credentials
from consultaid.hospital.outbox import OutboxSender, backoff, describe, is_due, record_state, retry_record
from tests.outbox_peers import TOKEN, Listener, finalize
from tests.peers.records import settings
from tests.test_hospital_fhir import AnswerLosingProxy, fhir_server, search  # noqa: F401 (the session's FHIR server)


class Clock:
    """The sender's clock, moved on by the test instead of waiting for the back-off."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def later(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def listener():
    peer = Listener()
    yield peer
    peer.stop()


def sender(store, clock=None, **destinations):
    return OutboxSender(store, settings(**destinations), Credentials(token=TOKEN), clock=clock or Clock())


def mllp_to(peer):
    return {"mllp_host": "127.0.0.1", "mllp_port": peer.port}


def entries(data_dir, record_id=None):
    store = open_store(data_dir)
    try:
        return store.outbox([record_id] if record_id is not None else None)
    finally:
        store.close()


def test_finalize_queues_one_entry_per_destination_and_sends_nothing(tmp_path, listener):
    _record, row = finalize(tmp_path, ("mllp", "fhir"))
    queued = entries(tmp_path, row)
    assert [(entry.destination, entry.state, entry.attempts) for entry in queued] == [
        ("mllp", "pending", 0), ("fhir", "pending", 0)]
    assert listener.state.connections == 0   # nothing was sent by finalize
    assert record_state(queued) == "waiting"


def test_without_a_destination_nothing_is_queued_and_the_record_says_not_sent(tmp_path):
    _record, row = finalize(tmp_path, ())
    assert entries(tmp_path, row) == []
    assert describe([]) == "not sent" and record_state([]) == "not_sent"


def test_a_finalize_that_fails_midway_queues_nothing(tmp_path, monkeypatch):
    from consultaid.consultation.store import Store
    from tests.peers.records import example_record, small_pdf

    store = open_store(tmp_path, actor="dr-test")
    store.outbox_destinations = ("mllp",)

    def broken(*_arguments):
        raise StoreError("disk_full", "full")

    monkeypatch.setattr(Store, "_audit", broken)   # the last step of finalize's transaction
    with pytest.raises(StoreError):
        store.finalize(example_record(), small_pdf())
    monkeypatch.undo()
    assert store.outbox() == [] and store.search() == []
    store.close()


def test_the_database_keeps_outbox_entries_and_their_document(tmp_path):
    _record, row = finalize(tmp_path, ("mllp",))
    connection = open_connection(tmp_path)
    try:
        for statement in ("DELETE FROM outbox", "UPDATE outbox SET record_id = 99",
                          "UPDATE outbox SET destination = 'fhir'"):
            with pytest.raises(Exception, match="outbox"):
                connection.execute(statement)
        assert connection.execute("SELECT count(*) FROM outbox").fetchone()[0] == 1
    finally:
        connection.close()


def test_sent_to_the_listener_with_the_stored_pdf_and_audited_without_patient_data(tmp_path, listener):
    record, row = finalize(tmp_path, ("mllp",))
    store = open_store(tmp_path, actor="sender")
    try:
        [outcome] = sender(store, **mllp_to(listener)).send_due()
        assert outcome.state == "sent"
        [entry] = store.outbox([row])
        assert (entry.state, entry.attempts, entry.last_error) == ("sent", 1, "")
        _stored, pdf = store.record(row)
        trail = store.connection.execute("SELECT action, subject FROM audit WHERE action LIKE 'outbox%'").fetchall()
    finally:
        store.close()
    [received] = listener.state.received
    assert received.message is not None, received.problem
    assert received.message.txa.txa_12.ei_1.value == document_id(record["id"], 1)
    assert base64.b64decode(received.component(5)) == pdf
    assert trail == [("outbox_attempt", f"outbox {entry.id} record {row} mllp attempt 1"),
                     ("outbox_sent", f"outbox {entry.id} record {row} mllp attempt 1")]
    patient = record["setup"]["patient"]
    assert not any(patient["name"] in subject or patient["identifier"] in subject for _a, subject in trail)


def test_listener_down_waits_with_back_off_then_is_delivered_once(tmp_path, listener):
    _record, row = finalize(tmp_path, ("mllp",))
    listener.stop()
    clock = Clock()
    store = open_store(tmp_path)
    try:
        outbox = sender(store, clock, **mllp_to(listener))
        [first] = outbox.send_due()
        assert first.state == "waiting" and "could not be reached" in first.text
        [entry] = store.outbox([row])
        assert entry.state == "waiting" and entry.attempts == 1
        assert outbox.send_due() == []          # not due before its next attempt
        clock.later(backoff(1).total_seconds())
        [second] = outbox.send_due()            # still down: the wait doubles
        assert second.state == "waiting"
        [entry] = store.outbox([row])
        assert entry.next_attempt_at == (clock.now + backoff(2)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        assert backoff(2) == 2 * backoff(1)
        assert "waiting, next try at" in describe([entry])
        listener.start_again()
        clock.later(backoff(2).total_seconds())
        [third] = outbox.send_due()
        assert third.state == "sent"
        assert outbox.send_due() == []         # sent once: never again
    finally:
        store.close()
    assert len(listener.state.received) == 1


def test_an_error_answer_is_shown_and_not_retried_until_the_user_asks(tmp_path, listener):
    _record, row = finalize(tmp_path, ("mllp",))
    listener.state.mode = "error"
    listener.state.error_text = "Unknown patient identifier"
    clock = Clock()
    store = open_store(tmp_path)
    try:
        outbox = sender(store, clock, **mllp_to(listener))
        [outcome] = outbox.send_due()
        assert outcome.state == "failed"
        [entry] = store.outbox([row])
        assert entry.state == "failed" and entry.receiver_text == "Unknown patient identifier"
        assert describe([entry]).startswith("HL7: failed (The HL7 receiver refused the document (AE): Unknown patient")
        clock.later(10 * 3600)
        assert outbox.send_due() == []              # however long one waits
        assert len(listener.state.received) == 1
        listener.state.mode = "accept"
        assert retry_record(store, row) == 1        # the user asks
        [again] = outbox.send_due()
        assert again.state == "sent"
        actions = [action for (action,) in store.connection.execute(
            "SELECT action FROM audit WHERE action LIKE 'outbox%' ORDER BY seq")]
    finally:
        store.close()
    assert actions == ["outbox_attempt", "outbox_failed", "outbox_retry", "outbox_attempt", "outbox_sent"]
    assert len(listener.state.received) == 2


def test_a_lost_ack_is_sent_again_as_the_same_document(tmp_path, listener):
    record, row = finalize(tmp_path, ("mllp",))
    listener.state.mode = "lose_ack"
    clock = Clock()
    store = open_store(tmp_path)
    try:
        outbox = sender(store, clock, **mllp_to(listener))
        [lost] = outbox.send_due()
        assert lost.state == "waiting" and "without answering" in lost.text
        clock.later(backoff(1).total_seconds())
        [sent] = outbox.send_due()
        assert sent.state == "sent"
    finally:
        store.close()
    assert listener.document_ids() == [document_id(record["id"], 1)] * 2   # one document, received twice
    first, second = listener.state.received
    assert first.message.msh.msh_10.value != second.message.msh.msh_10.value


def test_a_correction_is_sent_as_a_replacement_of_the_first_version(tmp_path, listener):
    record, first = finalize(tmp_path, ("mllp",))
    _record, second = finalize(tmp_path, ("mllp",), record=record, supersedes=first)
    store = open_store(tmp_path)
    try:
        assert [outcome.state for outcome in sender(store, **mllp_to(listener)).send_due()] == ["sent", "sent"]
    finally:
        store.close()
    original, correction = listener.state.received
    assert correction.message.msh.msh_9.to_er7() == "MDM^T10^MDM_T02"
    assert correction.message.txa.txa_13.ei_1.value == document_id(record["id"], 1)
    assert correction.message.txa.txa_12.ei_1.value == document_id(record["id"], 2)


def test_sent_to_the_fhir_server_after_a_lost_answer_and_read_back_once_by_search(tmp_path, fhir_server):  # noqa: F811
    record, row = finalize(tmp_path, ("fhir",))
    proxy = AnswerLosingProxy(fhir_server)   # the server processes the Bundle; its answer never comes back
    clock = Clock()
    store = open_store(tmp_path)
    try:
        via_proxy = OutboxSender(store, settings(fhir_base_url=proxy.base, fhir_auth="bearer"),
                                 Credentials(token=TOKEN), clock=clock)
        [lost] = via_proxy.send_due()
        assert lost.state == "waiting", lost.text
        proxy.stop()
        clock.later(backoff(1).total_seconds())
        direct = OutboxSender(store, settings(fhir_base_url=fhir_server, fhir_auth="bearer"),
                              Credentials(token=TOKEN), clock=clock)
        [sent] = direct.send_due()
        assert sent.state == "sent", sent.text
        _stored, pdf = store.record(row)
    finally:
        store.close()
    key = f"urn:ietf:rfc:3986|urn:uuid:{document_id(record['id'], 1)}"
    found = search(fhir_server, f"DocumentReference?identifier={key}")
    assert len(found) == 1
    attachment = found[0]["content"][0]["attachment"]
    assert attachment["hash"] == base64.b64encode(hashlib.sha1(pdf).digest()).decode()
    assert attachment["size"] == len(pdf)


def test_an_entry_left_sending_by_a_dead_sender_is_due_again_at_once(tmp_path):
    _record, row = finalize(tmp_path, ("mllp",))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    store = open_store(tmp_path)
    try:
        [entry] = store.outbox([row])
        now = datetime.now(UTC)
        assert store.claim_outbox(entry, f"{socket.gethostname()}:{dead.pid}:1", now + timedelta(hours=1))
        [taken] = store.outbox([row])
        assert taken.state == "sending"
        assert is_due(taken, now)                                         # its sender is gone
        alive = f"{socket.gethostname()}:{os.getppid()}:1"
        assert not is_due(replace(taken, claimed_by=alive), now)         # alive: its claim holds
        assert not is_due(replace(taken, claimed_by="elsewhere:1:1"), now)
        assert is_due(replace(taken, claimed_by="elsewhere:1:1"), now + timedelta(hours=2))  # until it expires
        assert not store.claim_outbox(entry, "other", now)                # read before the claim: refused
    finally:
        store.close()


def test_the_test_message_reaches_each_receiver_and_reports_its_answer(listener, fhir_server):  # noqa: F811
    from consultaid.hospital.outbox_test_message import check_destinations

    hospital = settings(fhir_base_url=fhir_server, fhir_auth="bearer", **mllp_to(listener))
    assert check_destinations(hospital, Credentials(token=TOKEN)) == [
        ("HL7", True, "The HL7 receiver accepted the test message (AA)."),
        ("FHIR", True, "The FHIR server at " + fhir_server.split("/")[2] + " answered and accepted ConsultAid's "
                       "credentials.")]
    [received] = listener.state.received
    assert received.message is not None and received.message.msh.msh_11.to_er7() == "T"
    assert search(fhir_server, "Patient?identifier=CONSULTAID-CONNECTION-TEST") == []   # nothing filed
    listener.state.mode = "error"
    [(_hl7, good, text), (_fhir, fhir_good, fhir_text)] = check_destinations(hospital, Credentials())
    assert not good and text.endswith("(AE): Unknown patient identifier")
    assert not fhir_good and "(401): Unauthorized" in fhir_text


def test_a_record_that_cannot_be_made_into_a_message_fails_without_its_text(tmp_path, listener):
    from tests.peers.records import example_record

    record = example_record()
    record["started_at"] = "not a time: Jeanne Dupont"   # the builders cannot read it
    _record, row = finalize(tmp_path, ("mllp",), record=record)
    store = open_store(tmp_path)
    try:
        [outcome] = sender(store, **mllp_to(listener)).send_due()
        [entry] = store.outbox([row])
    finally:
        store.close()
    assert outcome.state == entry.state == "failed"
    assert entry.last_error == "The document could not be made from the stored record (ValueError)."
    assert "Jeanne" not in entry.last_error and listener.state.received == []
