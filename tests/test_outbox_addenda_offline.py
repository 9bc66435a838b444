"""An addendum made while the clinic server is away (issue 19 with issue 16): queued in the workstation's
encrypted store like a finalized record, with its hospital outbox rows; when the server is back it arrives
exactly once (idempotent by the addendum's id), linked to the server's row of the same summary, and reaches
the hospital once, from the server's outbox. A summary the server holds differently is a conflict: kept
here, shown, never overwritten. Against a PostgreSQL cluster of the test's own, stopped and started again."""

from __future__ import annotations

import pytest

from consultaid.consultation.addendum import CONFIRMATION, WITHDRAWAL, SummaryLink
from consultaid.consultation.store import StoreError
from consultaid.hospital.document import addendum_document_id, document_id
from consultaid.hospital.outbox import OutboxSender
from consultaid.server import clinic_store
from consultaid.server.clinic_store import ClinicStore
from tests.outbox_peers import Listener
from tests.peers.records import example_record, settings, small_pdf
from tests.pg_own_server import own_server  # noqa: F401 (fixture)
from tests.test_outbox_addenda import add_addenda, addendum_record


@pytest.fixture
def listener():
    peer = Listener()
    yield peer
    peer.stop()


@pytest.fixture(autouse=True)
def retry_at_once(monkeypatch):
    monkeypatch.setattr(clinic_store, "RETRY_SECONDS", 0.0)


def server_actions(store: ClinicStore, *actions: str) -> list[str]:
    marks = ", ".join(["%s"] * len(actions))
    return [action for (action,) in store.server.connection.execute(
        f"SELECT action FROM audit WHERE action IN ({marks}) ORDER BY seq", actions).fetchall()]


def test_addenda_made_while_the_server_is_away_arrive_once_and_reach_the_hospital_once(
        own_server, tmp_path, listener):  # noqa: F811
    store = ClinicStore(own_server.app_url, tmp_path / "room-1", actor="dr-a", server_name="clinic",
                        workstation="room-1")
    store.outbox_destinations = ("mllp",)
    try:
        own_server.stop()
        record = example_record()
        local_row = store.finalize(record, small_pdf())
        (_first_row, first, _p), (second_row, second, _q) = add_addenda(store, record, local_row)
        assert not store.online
        assert [(e.kind, e.place, e.state) for e in store.outbox()] == [
            ("summary", "workstation", "pending"), (CONFIRMATION, "workstation", "pending"),
            (WITHDRAWAL, "workstation", "pending")]
        assert [kind for _seq, kind, _key, _state in store.local.queued() if kind != "audit"] == [
            "record", "addendum", "addendum"]

        own_server.start()
        assert store.reconnect() is True
        assert store.local.queued() == []                       # everything arrived
        [server_row] = store.server.versions(record["id"])
        arrived = store.server.addenda(record["id"])
        assert [(a.addendum_id, a.kind, a.follows, a.follows_sha256) for a in arrived] == [
            (first["id"], CONFIRMATION, server_row.id, server_row.pdf_sha256),
            (second["id"], WITHDRAWAL, server_row.id, server_row.pdf_sha256)]
        assert store.server.addendum(arrived[1].id)[0] == second   # the very record, sealed as it was
        # Sent again (an answer lost): recognised, nothing added.
        assert store.server.arrive_addendum(*store.local.addendum(second_row))[0] == "present"
        assert len(store.server.addenda(record["id"])) == 2
        assert [e.state for e in store.local.outbox()] == ["handed_over"] * 3
        assert server_actions(store, "finalize", "confirm", "withdraw") == ["finalize", "confirm", "withdraw"]
        assert store.verify_audit() == []

        hospital = settings(mllp_host="127.0.0.1", mllp_port=listener.port)
        outcomes = OutboxSender(store, hospital).send_due()
        assert [(o.entry.place, o.entry.kind, o.state) for o in outcomes] == [
            ("server", "summary", "sent"), ("server", CONFIRMATION, "sent"), ("server", WITHDRAWAL, "sent")]
        assert OutboxSender(store, hospital).send_due() == []
    finally:
        store.close()
    summary_id = document_id(record["id"], 1)
    assert listener.document_ids() == [summary_id, addendum_document_id(first["id"]),
                                       addendum_document_id(second["id"])]
    assert [r.message.txa.txa_13.ei_1.value for r in listener.state.received[1:]] == [summary_id] * 2


def test_an_addendum_whose_summary_the_server_holds_differently_is_a_conflict_kept_here(
        own_server, tmp_path):  # noqa: F811
    store = ClinicStore(own_server.app_url, tmp_path / "room-1", actor="dr-a", server_name="clinic",
                        workstation="room-1")
    try:
        record = example_record()
        on_server = dict(record, finalized_at="2026-11-23T09:59:00+01:00")
        own_server.stop()
        local_row = store.finalize(record, small_pdf())
        [(local_addendum, _record, _pdf)] = add_addenda(store, record, local_row, (WITHDRAWAL,))
        own_server.start()
        # Meanwhile another workstation stored another version 1 of this consultation on the server.
        from consultaid.server.pg_store import PgStore

        other = PgStore(own_server.app_url, actor="dr-b", workstation="room-2")
        try:
            other.finalize(on_server, small_pdf())
        finally:
            other.close()
        assert store.reconnect() is True
        assert store.last_sync["conflict"] == 2                  # the record and its addendum
        assert store.waiting() == (0, 2)
        assert store.server.addenda(record["id"]) == []          # nothing overwritten, nothing linked wrongly
        assert store.local.addendum(local_addendum)[0]["statement"]   # kept here
    finally:
        store.close()


def test_an_addendum_to_a_summary_only_the_server_holds_is_refused_while_it_is_away(own_server, tmp_path):  # noqa: F811
    store = ClinicStore(own_server.app_url, tmp_path / "room-1", actor="dr-a", server_name="clinic",
                        workstation="room-1")
    try:
        record = example_record()
        row = store.finalize(record, small_pdf())
        assert store.online
        [version] = store.versions(record["id"])    # what the records view showed before the server went away
        addendum = addendum_record(CONFIRMATION, record, SummaryLink(row, 1, version.pdf_sha256))
        own_server.stop()
        with pytest.raises(StoreError, match="cannot be reached now") as refused:
            store.add_addendum(addendum, small_pdf())
        assert refused.value.kind == "offline"
        assert store.local.addenda(record["id"]) == []
    finally:
        own_server.start()
        store.close()


def test_verify_finds_the_summary_an_addendum_made_offline_follows_on_the_server(own_server, tmp_path):  # noqa: F811
    from consultaid.consultation.addendum import Addendum
    from consultaid.report import sealed_summary
    from consultaid.report.addendum import key_facts, sealed_addendum
    from consultaid.report.seal import installation_seal
    from consultaid.report.verify import verify_pdf
    from consultaid.server.pg_store import PgStore
    from tests.test_outbox_addenda import INK

    folder = tmp_path / "room-1"
    store = ClinicStore(own_server.app_url, folder, actor="dr-a", server_name="clinic", workstation="room-1")
    try:
        store.finalize(example_record(), small_pdf())      # the server's row 1: another consultation
        own_server.stop()
        record = example_record()
        local_row = store.finalize(record, sealed_summary(record, seal=installation_seal(folder)))
        [version] = store.versions(record["id"])
        addendum = Addendum(WITHDRAWAL, record, SummaryLink(local_row, 1, version.pdf_sha256), key_facts(record))
        addendum.clinician, addendum.statement = "Dr Anne Martin", "Je ne souhaite plus l’intervention."
        addendum.sign("clinician", "Dr Anne Martin", INK)
        addendum.patient_signature_missing_reason = "Par téléphone"
        pdf = sealed_addendum(addendum.to_record(), installation_seal(folder))
        store.add_addendum(addendum.to_record(), pdf)
        own_server.start()
        assert store.reconnect() is True and store.local.queued() == []
        [server_row] = store.server.versions(record["id"])
        assert server_row.id != local_row      # the addendum names the workstation's row
    finally:
        store.close()
    verdict = verify_pdf(pdf, folder, (), lambda _folder: PgStore(own_server.app_url))
    checks = {check.label: (check.ok, check.detail) for check in verdict.checks}
    assert checks["Stored addendum"][0] is True, checks
    assert checks["Summary it follows"][0] is True, checks
    assert verdict.ok, checks
