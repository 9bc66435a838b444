"""The hospital outbox on the clinic server (PostgreSQL, a real cluster started by the tests): queued in
finalize's transaction, sent to the real MLLP listener and FHIR server, the application role allowed to
change the sending state and nothing else; and a record finalized while the server was away (ClinicStore's
local queue) reaches the hospital once, from the server's outbox."""

from __future__ import annotations

import psycopg
import pytest

from consultaid.consultation.store import StoreError
from consultaid.hospital.document import addendum_document_id, document_id
from consultaid.hospital.fhir_client import Credentials
from consultaid.hospital.outbox import OutboxSender
from consultaid.server import clinic_store
from consultaid.server.clinic_store import ClinicStore
from consultaid.server.connection import connect
from consultaid.server.pg_store import PgStore
from tests.outbox_peers import TOKEN, Listener
from tests.peers.records import example_record, settings, small_pdf
from tests.pg_fixtures import migrated, pg_database, pg_roles, pg_server  # noqa: F401 (fixtures)
from tests.pg_own_server import own_server  # noqa: F401 (fixture)
from tests.test_hospital_fhir import fhir_server, search  # noqa: F401 (the session's FHIR server)


@pytest.fixture
def listener():
    peer = Listener()
    yield peer
    peer.stop()


@pytest.fixture
def store(migrated, tmp_path):  # noqa: F811
    opened = PgStore(migrated["app"], actor="dr-test", workstation="room-1", anchor_dir=tmp_path / "anchor")
    opened.outbox_destinations = ("mllp", "fhir")
    yield opened
    opened.close()


def test_finalize_on_the_server_queues_and_the_sender_delivers_to_both(store, listener, fhir_server):  # noqa: F811
    record = example_record()
    row = store.finalize(record, small_pdf())
    assert [(entry.destination, entry.state) for entry in store.outbox([row])] == [("mllp", "pending"),
                                                                                ("fhir", "pending")]
    assert listener.state.connections == 0
    hospital = settings(mllp_host="127.0.0.1", mllp_port=listener.port, fhir_base_url=fhir_server,
                        fhir_auth="bearer")
    outcomes = OutboxSender(store, hospital, Credentials(token=TOKEN)).send_due()
    assert [(outcome.entry.destination, outcome.state) for outcome in outcomes] == [("mllp", "sent"),
                                                                                   ("fhir", "sent")]
    assert listener.document_ids() == [document_id(record["id"], 1)]
    key = f"urn:ietf:rfc:3986|urn:uuid:{document_id(record['id'], 1)}"
    assert len(search(fhir_server, f"DocumentReference?identifier={key}")) == 1
    actions = [action for (action,) in store.connection.execute(
        "SELECT action FROM audit WHERE action LIKE 'outbox%%' ORDER BY seq").fetchall()]
    assert actions == ["outbox_attempt", "outbox_sent", "outbox_attempt", "outbox_sent"]
    assert store.verify_audit() == []


def test_the_application_role_may_change_the_sending_state_and_nothing_else(store, migrated):  # noqa: F811
    store.finalize(example_record(), small_pdf())
    with connect(migrated["app"]) as app:
        app.execute("UPDATE outbox SET state = 'failed', last_error = 'x'")
        app.commit()
        for statement in ("UPDATE outbox SET record_id = record_id", "UPDATE outbox SET destination = 'fhir'",
                          "DELETE FROM outbox", "TRUNCATE outbox"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                app.execute(statement)
            app.rollback()
    with psycopg.connect(migrated["owner"], autocommit=True) as owner:   # the owner is stopped by the triggers
        for statement in ("DELETE FROM outbox", "TRUNCATE outbox"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="outbox entries are kept"):
                owner.execute(statement)
    assert len(store.outbox()) == 2


def test_a_finalize_refused_by_the_server_queues_nothing(store, monkeypatch):
    def broken(*_arguments, **_keywords):
        raise psycopg.errors.DiskFull("no space")

    monkeypatch.setattr(PgStore, "_audit", broken)
    with pytest.raises(StoreError):
        store.finalize(example_record(), small_pdf())
    monkeypatch.undo()
    assert store.outbox() == [] and store.search() == []


def test_finalized_while_the_server_was_away_reaches_the_hospital_once(own_server, tmp_path, listener,  # noqa: F811
                                                                       monkeypatch):
    monkeypatch.setattr(clinic_store, "RETRY_SECONDS", 0.0)
    store = ClinicStore(own_server.app_url, tmp_path / "room-1", actor="dr-a", server_name="clinic",
                        workstation="room-1")
    store.outbox_destinations = ("mllp",)
    hospital = settings(mllp_host="127.0.0.1", mllp_port=listener.port)
    try:
        own_server.stop()
        record = example_record()
        local_row = store.finalize(record, small_pdf())
        assert not store.online
        [local] = store.outbox([local_row])
        assert (local.place, local.state) == ("workstation", "pending")
        own_server.start()
        assert store.reconnect() is True            # the record arrives; the server queues its own row
        [handed] = store.local.outbox([local_row])
        assert handed.state == "handed_over"
        outcomes = OutboxSender(store, hospital).send_due()
        assert [(outcome.entry.place, outcome.state) for outcome in outcomes] == [("server", "sent")]
        assert OutboxSender(store, hospital).send_due() == []
    finally:
        store.close()
    assert listener.document_ids() == [document_id(record["id"], 1)]


def test_addenda_on_the_server_are_queued_and_reach_both_peers_appending_to_the_summary(
        store, migrated, listener, fhir_server):  # noqa: F811
    from tests.test_outbox_addenda import add_addenda

    record = example_record()
    row = store.finalize(record, small_pdf())
    (confirmation, first, _pdf), (withdrawal, second, _pdf2) = add_addenda(store, record, row)
    assert [(entry.addendum_id, entry.kind, entry.destination) for entry in store.outbox([row])][2:] == [
        (confirmation, "confirmation", "mllp"), (confirmation, "confirmation", "fhir"),
        (withdrawal, "withdrawal", "mllp"), (withdrawal, "withdrawal", "fhir")]
    with connect(migrated["app"]) as app:   # the application role cannot make a row name another document
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            app.execute("UPDATE outbox SET addendum = NULL")
    hospital = settings(mllp_host="127.0.0.1", mllp_port=listener.port, fhir_base_url=fhir_server,
                        fhir_auth="bearer")
    outcomes = OutboxSender(store, hospital, Credentials(token=TOKEN)).send_due()
    assert [outcome.state for outcome in outcomes] == ["sent"] * 6
    summary_id = document_id(record["id"], 1)
    assert listener.document_ids() == [summary_id, addendum_document_id(first["id"]),
                                       addendum_document_id(second["id"])]
    assert [received.message.txa.txa_13.ei_1.value for received in listener.state.received[1:]] == [summary_id] * 2
    master = addendum_document_id(second["id"])
    [reference] = search(fhir_server, f"DocumentReference?identifier=urn:ietf:rfc:3986|urn:uuid:{master}")
    assert reference["relatesTo"][0]["code"] == "appends"
    [consent] = search(fhir_server, f"Consent?source-reference=DocumentReference/{reference['id']}")
    assert consent["status"] == "inactive"
    assert store.verify_audit() == []
