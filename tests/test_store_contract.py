"""The record store's behaviour, the same on both back ends: each test runs on this workstation's SQLite
store and on the clinic server's PgStore (a real PostgreSQL test database), through the one interface
(consultation/record_store.py). Behaviour only one back end has stays in test_store.py / test_pg_store.py."""

from __future__ import annotations

import pytest

from consultaid.consultation.record_store import RecordStore
from consultaid.consultation.store import StoreError, open_store
from tests.pg_fixtures import migrated, pg_database, pg_roles, pg_server  # noqa: F401 (fixtures)
from tests.test_store import record


@pytest.fixture(params=["workstation", "server"])
def store(request, tmp_path):
    if request.param == "workstation":
        opened = open_store(tmp_path / "data", actor="dr-test")
    else:
        from consultaid.server.pg_store import PgStore

        migrated = request.getfixturevalue("migrated")
        opened = PgStore(migrated["app"], actor="dr-test", workstation="room-1", anchor_dir=tmp_path / "data")
    yield opened
    opened.close()


def test_it_is_a_record_store(store):
    assert isinstance(store, RecordStore)


def test_drafts_are_saved_with_revisions_and_can_be_set_aside(store):
    assert store.save_draft(record(notes="one")) == 1
    assert store.save_draft(record(notes="two")) == 2
    assert store.load_draft("c-1")["notes"] == "two"
    store.set_draft_aside("c-1")
    assert [d.status for d in store.drafts()] == ["set_aside"]
    assert store.resume_draft("c-1")["notes"] == "two"
    assert store.drafts("open")[0].revision == 2
    assert [entry[0] for entry in store.connection.execute("SELECT action FROM audit ORDER BY seq")] == [
        "create", "set_aside", "autosave_recovery"]
    with pytest.raises(KeyError):
        store.load_draft("no-such-draft")


def test_finalizing_stores_the_exact_pdf_and_removes_the_draft(store):
    store.save_draft(record())
    record_id = store.finalize(record(), b"%PDF-1.7 exact bytes \x00\xff")
    assert store.drafts() == []
    stored, pdf = store.record(record_id)
    assert pdf == b"%PDF-1.7 exact bytes \x00\xff" and stored["id"] == "c-1"
    assert store.latest_version("c-1") == 1 and store.latest_version("c-2") is None
    with pytest.raises(KeyError):
        store.record(record_id + 1000)


def test_a_correction_keeps_both_versions(store):
    first = store.finalize(record(), b"%PDF first")
    second = store.finalize(record(notes="corrected"), b"%PDF second", supersedes=first)
    found = {r.id: r for r in store.search("zoë")}
    assert found[first].status == "corrected" and found[second].status == "finalized"
    assert found[second].version == 2 and found[second].supersedes == first
    assert store.record(first)[1] == b"%PDF first"
    assert store.latest_version("c-1") == 2
    with pytest.raises(StoreError, match="does not exist"):
        store.finalize(record("c-9"), b"%PDF", supersedes=second + 1000)


def test_search_by_name_prefix_identifier_and_dates(store):
    store.finalize(record("a", "Anna Karenina", "2026-01-10T10:00:00+00:00"), b"%PDF a")
    store.finalize(record("b", "Annette Dupont", "2026-03-02T10:00:00+00:00"), b"%PDF b")
    store.finalize(record("c", "Бoрис", "2026-05-20T10:00:00+00:00"), b"%PDF c")
    assert {r.patient_name for r in store.search("ann")} == {"Anna Karenina", "Annette Dupont"}
    assert {r.patient_name for r in store.search("IPP-7")} == {"Anna Karenina", "Annette Dupont", "Бoрис"}
    assert [r.patient_name for r in store.search(date_from="2026-02-01", date_to="2026-04-30")] == ["Annette Dupont"]
    assert [r.patient_name for r in store.search("бoр")] == ["Бoрис"]
    assert [r.patient_name for r in store.search()] == ["Бoрис", "Annette Dupont", "Anna Karenina"]  # newest first
    assert [r.patient_name for r in store.search(limit=1)] == ["Бoрис"]


def test_name_search_ignores_accents_and_case(store):
    """"Helene" finds "Hélène", on the workstation as on the clinic server (issue 14, item 4)."""
    store.finalize(record("a", "Hélène Dupont"), b"%PDF a")
    store.finalize(record("b", "Françoise Émery"), b"%PDF b")
    store.finalize(record("c", "Бoрис Годунов"), b"%PDF c")
    for text in ("Helene", "helene d", "HÉLÈNE", "hélène", "  Hélène   Dup"):
        assert [r.patient_name for r in store.search(text)] == ["Hélène Dupont"], text
    assert [r.patient_name for r in store.search("francoise e")] == ["Françoise Émery"]
    assert [r.patient_name for r in store.search("бoр")] == ["Бoрис Годунов"]
    assert {r.patient_name for r in store.search("IPP-7")} == {"Hélène Dupont", "Françoise Émery", "Бoрис Годунов"}
    assert store.search("helena") == []


def test_the_audit_trail_records_each_action_and_verifies(store):
    store.save_draft(record())
    record_id = store.finalize(record(), b"%PDF")
    store.log("print", "c-1 v1")
    assert store.verify_audit() == []
    head = store.latest_audit_hash()
    assert len(head) == 64 and head != "0" * 64
    assert store.verify_audit(printed_heads=[head[:16]]) == []
    assert store.verify_audit(printed_heads=["0123456789abcdef"]) != []
    assert record_id >= 1


def test_the_anchor_is_kept_outside_the_database(store):
    store.log("print", "c-1 v1")
    anchored = [anchor.read() for anchor in store.anchors]
    assert anchored and anchored[0].state == "ok"
    assert anchored[0].heads[0].hash == store.latest_audit_hash()


def test_it_says_where_the_records_are(store):
    where = store.whereabouts()
    assert where.place in ("workstation", "server") and where.online and where.waiting == 0
