"""The server goes away (server/clinic_store.py): a stopped server never stops a consultation or loses what
was saved; the work goes to the local encrypted queue, and when the server is back it arrives exactly once;
a conflict is kept and shown, never overwritten. Against a real PostgreSQL cluster of the test's own."""

from __future__ import annotations

import psycopg
import pytest

from consultaid.consultation.store import Store, StoreError
from consultaid.server import clinic_store
from consultaid.server.clinic_store import ClinicStore
from consultaid.server.pg_store import PgStore
from tests.pg_own_server import own_server  # noqa: F401 (fixture)
from tests.test_pg_store import record


@pytest.fixture(autouse=True)
def retry_at_once(monkeypatch):
    monkeypatch.setattr(clinic_store, "RETRY_SECONDS", 0.0)


def _server_rows(server, query):
    with psycopg.connect(server.admin_db_url, autocommit=True) as admin:
        return admin.execute(query).fetchall()


def test_with_the_server_up_nothing_is_queued(own_server, tmp_path):
    store = ClinicStore(own_server.app_url, tmp_path / "room-1", actor="dr-a", server_name="clinic",
                        workstation="room-1")
    try:
        store.save_draft(record("c-1"))
        store.finalize(record("c-1"), b"%PDF one")
        store.log("print", "c-1 v1")
        assert store.local.queued() == []
        assert store.whereabouts().online and store.whereabouts().waiting == 0
        assert store.verify_audit() == []
    finally:
        store.close()


def test_an_audit_entry_whose_answer_was_lost_reaches_the_chain_once(own_server, tmp_path, monkeypatch):
    """The server commits a print entry, then goes away before its answer reaches the workstation: the
    workstation cannot know, keeps the entry in its queue, and sends it when the server is back. The server
    must recognise it (the id the workstation gave it) and not append it a second time."""
    store = ClinicStore(own_server.app_url, tmp_path / "room-1", actor="dr-a", server_name="clinic",
                        workstation="room-1")
    try:
        real_log = PgStore.log

        def committed_then_cut_off(server, *arguments):
            real_log(server, *arguments)   # committed on the server...
            own_server.stop()                           # ...which goes away before answering
            raise StoreError("offline", "the connection was lost before the answer came")

        monkeypatch.setattr(PgStore, "log", committed_then_cut_off)
        store.log("print", "c-1 v1")
        monkeypatch.setattr(PgStore, "log", real_log)
        assert not store.online and [kind for _seq, kind, _key, _state in store.local.queued()] == ["audit"]
        own_server.start()
        assert store.reconnect() is True and store.local.queued() == []
        actions = [row[0] for row in _server_rows(own_server, "SELECT action FROM audit ORDER BY seq")]
        assert actions.count("print") == 1, actions
        assert store.verify_audit() == []
    finally:
        store.close()


def test_a_correction_of_a_record_kept_on_the_server_waits_for_the_server(own_server, tmp_path):
    """Record ids are the server's or this workstation's: while offline, correcting a record read from the
    server must never be linked to whichever local record has the same number."""
    store = ClinicStore(own_server.app_url, tmp_path / "room-1", actor="dr-a", server_name="clinic",
                        workstation="room-1")
    try:
        on_server = store.finalize(record("c-1", notes="first"), b"%PDF c-1 v1")
        own_server.stop()
        here = store.finalize(record("c-2"), b"%PDF c-2 v1")   # offline: a local record, maybe the same number
        assert store.local.record_row(here)["consultation_id"] == "c-2"
        with pytest.raises(StoreError) as refused:
            store.finalize(record("c-1", notes="corrected"), b"%PDF c-1 v2", supersedes=on_server)
        assert refused.value.kind == "offline" and "clinic server" in str(refused.value)
        assert [row.consultation_id for row in store.local.search()] == ["c-2"]   # nothing stored under c-2
        own_server.start()
        assert store.reconnect() is True
        corrected = store.finalize(record("c-1", notes="corrected"), b"%PDF c-1 v2", supersedes=on_server)
        versions = {(row.consultation_id, row.version, row.supersedes) for row in store.search()}
        assert versions == {("c-1", 1, None), ("c-1", 2, on_server), ("c-2", 1, None)}, versions
        assert store.record(corrected)[1] == b"%PDF c-1 v2"
        assert store.verify_audit() == []
    finally:
        store.close()


def test_a_stopped_server_queues_locally_and_everything_arrives_once_when_it_is_back(own_server, tmp_path):
    store = ClinicStore(own_server.app_url, tmp_path / "room-1", actor="dr-a", server_name="clinic",
                        workstation="room-1")
    try:
        store.save_draft(record("c-1", notes="before"))
        own_server.stop()
        # Saving goes on: committed on this workstation, and queued.
        assert store.save_draft(record("c-1", notes="typed while offline")) >= 1
        assert not store.online and store.whereabouts().online is False
        store.save_draft(record("c-5", notes="begun while offline"))
        first = store.finalize(record("c-1", notes="typed while offline"), b"%PDF offline")
        store.log("print", "c-1 v1")
        assert store.local.record(first)[1] == b"%PDF offline"
        assert store.whereabouts().waiting >= 2       # the record and the print entry at least
        assert store.reconnect() is False              # still down: nothing lost, nothing sent
        own_server.start()
        assert store.reconnect() is True
        assert store.local.queued() == []
        assert store.whereabouts().waiting == 0
        records = _server_rows(own_server, "SELECT consultation_id, version, pdf FROM records")
        assert [(cid, version, bytes(pdf)) for cid, version, pdf in records] == [("c-1", 1, b"%PDF offline")]
        actions = [row[0] for row in _server_rows(own_server, "SELECT action FROM audit ORDER BY seq")]
        assert actions.count("finalize") == 1 and actions.count("print") == 1
        # c-1 created on the server (its local copy's "create" is not sent again); c-5 created offline.
        assert actions.count("create") == 2
        # c-1 was finalized while offline: its draft is not left (or brought back) on the server; c-5's is there.
        assert _server_rows(own_server, "SELECT consultation_id, record_json LIKE '%%begun while offline%%'"
                                        " FROM drafts") == [("c-5", True)]
        assert store.verify_audit() == []
        assert store.local.drafts("open") == []   # nothing left to offer as interrupted at an offline start
        # Sending again sends nothing again.
        assert store.sync() == {"arrived": 0, "present": 0, "conflict": 0}
    finally:
        store.close()


def test_a_queue_sent_twice_arrives_once(own_server, tmp_path):
    """An answer lost after the server committed: the same queued items are sent again, and recognised."""
    data = tmp_path / "room-1"
    store = ClinicStore(own_server.app_url, data, actor="dr-a", server_name="clinic", workstation="room-1")
    own_server.stop()
    store.finalize(record("c-2"), b"%PDF two")
    store.log("export", "c-2 v1")
    queued = store.local.connection.execute("SELECT seq, kind, key, state, origin FROM server_queue").fetchall()
    own_server.start()
    store.reconnect()
    store.close()
    # Put the same items back in the queue, as if their removal had not been committed.
    local = Store(data)
    with local.transaction() as db:
        db.executemany("INSERT INTO server_queue (seq, kind, key, state, origin) VALUES (?, ?, ?, ?, ?)", queued)
    local.close()
    again = ClinicStore(own_server.app_url, data, actor="dr-a", server_name="clinic", workstation="room-1")
    try:
        assert again.last_sync["arrived"] == 0 and again.last_sync["present"] == len(queued)
        assert _server_rows(own_server, "SELECT count(*) FROM records") == [(1,)]
        assert _server_rows(own_server, "SELECT count(*) FROM audit WHERE action = 'export'") == [(1,)]
        assert again.verify_audit() == []
    finally:
        again.close()


def test_a_conflict_is_kept_and_shown_never_overwritten(own_server, tmp_path):
    room_1 = ClinicStore(own_server.app_url, tmp_path / "room-1", actor="dr-a", server_name="clinic",
                         workstation="room-1")
    try:
        own_server.stop()
        room_1.finalize(record("c-3", notes="room 1's"), b"%PDF room 1")
        own_server.start()
        room_4 = PgStore(own_server.app_url, workstation="room-4")
        room_4.finalize(record("c-3", notes="room 4's"), b"%PDF room 4")   # the same consultation and version
        room_4.close()
        room_1.reconnect()
        assert room_1.whereabouts().conflicts == 1
        held = _server_rows(own_server, "SELECT pdf FROM records WHERE consultation_id = 'c-3'")
        assert [bytes(row[0]) for row in held] == [b"%PDF room 4"]
        assert room_1.local.record(1)[1] == b"%PDF room 1"      # kept here
    finally:
        room_1.close()


def test_a_server_with_another_schema_is_not_hidden_behind_the_queue(own_server, tmp_path):
    with psycopg.connect(own_server.admin_db_url, autocommit=True) as admin:
        admin.execute("INSERT INTO schema_version (version, description) VALUES (99, 'future')")
    with pytest.raises(StoreError) as refused:
        ClinicStore(own_server.app_url, tmp_path / "room-1", workstation="room-1")
    assert refused.value.kind == "other" and "consultaid server migrate" in str(refused.value)
