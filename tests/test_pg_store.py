"""PgStore against a real PostgreSQL server: the SQLite store's behaviours (drafts, finalize in one
transaction, corrections as versions, a verifiable audit chain), accent-insensitive search from covering
indexes, draft leases between workstations, and messages that never quote patient data."""

from __future__ import annotations

import random
import re

import psycopg
import pytest

from consultaid.consultation.store import GENESIS_HASH, StoreError, entry_hash, name_key
from consultaid.server.pg_store import PgStore
from consultaid.server.search import search_query
from tests.pg_fixtures import migrated, pg_database, pg_roles, pg_server  # noqa: F401 (fixtures)


def record(consultation_id="c-1", name="Zoë Ñúñez", when="2026-11-22T09:30:00+01:00", **extra):
    base = {"id": consultation_id, "started_at": when, "finalized_at": when,
            "setup": {"patient": {"name": name, "identifier": "IPP-7"}, "procedure_id": "vertebroplasty"}}
    base.update(extra)
    return base


@pytest.fixture
def store(migrated, tmp_path):
    opened = PgStore(migrated["app"], actor="dr-test", workstation="room-1", anchor_dir=tmp_path / "anchor")
    yield opened
    opened.close()


@pytest.fixture
def admin(migrated):
    """A superuser connection to the test database: what an attacker with the server's keys could do."""
    with psycopg.connect(migrated["admin"], autocommit=True) as connection:
        yield connection


def test_a_saved_draft_is_committed_when_save_returns(store, migrated):
    store.save_draft(record(notes="typed"))
    other = PgStore(migrated["app"], workstation="room-4")  # another workstation, its own connection
    try:
        assert other.load_draft("c-1")["notes"] == "typed"
        assert other.drafts()[0].revision == 1
    finally:
        other.close()


def test_finalize_stores_record_pdf_and_hash_and_removes_the_draft_at_once(store, admin):
    store.save_draft(record())
    record_id = store.finalize(record(), b"%PDF-1.7 original")
    assert store.drafts() == []
    stored, pdf = store.record(record_id)
    assert stored["id"] == "c-1" and pdf == b"%PDF-1.7 original"
    assert store.search("zoë")[0].pdf_sha256 == admin.execute(
        "SELECT encode(sha256(pdf), 'hex') FROM records WHERE id = %s", (record_id,)).fetchone()[0]


def test_a_finalize_that_fails_midway_leaves_nothing_half_done(store, monkeypatch):
    store.save_draft(record())

    def audit_fails(db, action, subject):
        db.execute("SELECT 1/0")  # the last step of finalize fails, after the record was inserted

    monkeypatch.setattr(store, "_audit", audit_fails)
    with pytest.raises(StoreError):
        store.finalize(record(), b"%PDF")
    monkeypatch.undo()
    assert store.search() == []
    assert [draft.consultation_id for draft in store.drafts()] == ["c-1"]


def test_two_corrections_of_the_same_version_cannot_both_be_stored(store, migrated):
    first = store.finalize(record(), b"%PDF first")
    other = PgStore(migrated["app"], workstation="room-4")
    try:
        store.finalize(record(notes="room 1"), b"%PDF room 1", supersedes=first)
        with pytest.raises(StoreError) as conflict:
            other.finalize(record(notes="room 4"), b"%PDF room 4", supersedes=first)
        assert conflict.value.kind == "conflict"
    finally:
        other.close()


def test_indexed_search_gives_what_a_full_scan_gives(store, admin):
    rng = random.Random(8)
    names = ["Anna Karenina", "Annette Dupont", "Émile Zola", "émile roux", "Emile Roux", "Бoрис Годунов",
             "Zoë Ñúñez", "O'Brien", "李 小龍", "anna  KARENINA", "Hélène", "HELENE"]
    for number in range(160):
        day = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        store.finalize(record(f"c-{number}", when=f"{day}T10:00:00+00:00",
                              setup={"patient": {"name": rng.choice(names), "identifier": f"IPP-{number % 7}"},
                                     "procedure_id": rng.choice(["vertebroplasty", "endoscopic-spine-surgery"])}),
                       f"%PDF {number}".encode())
        if number % 9 == 0:
            store.finalize(record(f"c-{number}", when=f"{day}T11:00:00+00:00"), b"%PDF again",
                           supersedes=store.search(limit=1)[0].id)
    rows = admin.execute("SELECT id, consultation_id, version, supersedes, patient_name, patient_identifier,"
                         " procedure_id, consultation_date, finalized_at, pdf_sha256 FROM records").fetchall()
    corrected = {row[3] for row in rows if row[3] is not None}
    everything = [(*row, "corrected" if row[0] in corrected else "finalized") for row in rows]
    texts = ("ann", "ANNA k", "anna karenina", "O'Brien", "emile", "Émile", "helene", "бo", "李", "o'", "IPP-3", "zz")
    queries = [dict(text=text) for text in texts]
    queries += [dict(date_from=f"2026-{month:02d}-01", date_to=f"2026-{month:02d}-28") for month in range(1, 13)]
    queries += [dict(text="ann", date_from="2026-03-01", date_to="2026-09-30"), dict(procedure_id="vertebroplasty"),
                dict(status="corrected"), dict(status="finalized", text="zo")]
    for query in queries:
        expected = [row for row in everything
                    if (not query.get("text") or name_key(row[4]).startswith(name_key(query["text"]))
                        or row[5] == query["text"].strip())
                    and (not query.get("date_from") or row[7] >= query["date_from"])
                    and (not query.get("date_to") or row[7] <= query["date_to"])
                    and (not query.get("procedure_id") or row[6] == query["procedure_id"])
                    and (not query.get("status") or row[10] == query["status"])]
        expected.sort(key=lambda row: (row[7], row[0]), reverse=True)
        assert [tuple(found.__dict__.values()) for found in store.search(**query)] == expected, query


def test_searches_read_only_the_covering_indexes(store, admin):
    """With sequential and bitmap scans off, the planner must still find an index-only scan: the index
    holds every column the search lists (a plain index would need the table, and show "Index Scan")."""
    for number in range(30):
        store.finalize(record(f"c-{number}", f"Name {number}"), b"%PDF")
    admin.execute("VACUUM ANALYZE records")
    admin.execute("SET enable_seqscan = off")
    admin.execute("SET enable_bitmapscan = off")
    for query, indexes in ((dict(text="name 1"), ("records_by_name", "records_by_identifier")),
                           (dict(text="name 1", date_from="2026-01-01"), ("records_by_name", "records_by_identifier")),
                           (dict(date_from="2026-01-01", date_to="2026-12-31"), ("records_by_date",))):
        sql, arguments = search_query(**query)
        plan = "\n".join(row[0] for row in admin.execute("EXPLAIN " + sql, arguments))
        for index in indexes:
            assert re.search(f"Index Only Scan (Backward )?using {index} on records", plan), plan
        assert " Index Scan" not in plan and "Seq Scan" not in plan, plan


def test_the_audit_chain_verifies_and_its_head_is_anchored_outside(store, tmp_path):
    store.save_draft(record())
    store.log("print", "c-1")
    assert store.verify_audit() == []
    seq, digest = (tmp_path / "anchor" / "server-audit-head.txt").read_text(encoding="ascii").split()
    assert (int(seq), digest) == (2, store.latest_audit_hash())


def _tamper(admin, rng: random.Random) -> str:
    """Edit, delete or reorder one audit entry as a superuser with the triggers off."""
    rows = [row[0] for row in admin.execute("SELECT seq FROM audit")]
    seq = rng.choice(rows)
    kind = rng.choice(["edit", "delete", "reorder"])
    admin.execute("SET session_replication_role = replica")  # user triggers do not fire
    if kind == "edit":
        admin.execute("UPDATE audit SET subject = subject || 'x' WHERE seq = %s", (seq,))
    elif kind == "delete":
        admin.execute("DELETE FROM audit WHERE seq = %s", (seq,))
    else:
        other = rng.choice([row for row in rows if row != seq])
        admin.execute("UPDATE audit SET seq = seq + 1000000 WHERE seq IN (%s, %s)", (seq, other))
        admin.execute("UPDATE audit SET seq = %s WHERE seq = %s", (other, seq + 1000000))
        admin.execute("UPDATE audit SET seq = %s WHERE seq = %s", (seq, other + 1000000))
    admin.execute("SET session_replication_role = origin")
    return kind


def test_audit_verify_catches_every_single_tampering(store, admin):
    rng = random.Random(20261204)
    for index in range(8):
        store.log(rng.choice(["create", "print", "export"]), f"c-{index}")
    original = admin.execute("SELECT * FROM audit ORDER BY seq").fetchall()
    kinds = []
    for _trial in range(30):
        kinds.append(_tamper(admin, rng))
        assert store.verify_audit() != [], kinds[-1]
        admin.execute("SET session_replication_role = replica")
        admin.execute("DELETE FROM audit")
        with admin.cursor() as cursor:
            cursor.executemany("INSERT INTO audit VALUES (%s, %s, %s, %s, %s, %s, %s)", original)
        admin.execute("SET session_replication_role = origin")
        assert store.verify_audit() == []
    assert set(kinds) == {"edit", "delete", "reorder"}


def test_entries_cut_from_the_end_are_caught_by_the_anchor(store, admin):
    for index in range(4):
        store.log("print", f"c-{index}")
    admin.execute("SET session_replication_role = replica")
    admin.execute("DELETE FROM audit WHERE seq >= 3")  # what is left is a valid, shorter chain
    admin.execute("SET session_replication_role = origin")
    assert store.verify_audit() == [f"entries up to 4 were recorded in the anchor file {store.anchor_path}, but "
                                    "the chain no longer holds them"]


def test_a_finalized_row_edited_behind_the_triggers_back_is_caught(store, admin):
    """The record-row hash in the finalize entry (audit.py's record_problems) is checked on the server too."""
    record_id = store.finalize(record(), b"%PDF-1.7 summary")
    assert store.verify_audit() == []
    admin.execute("SET session_replication_role = replica")
    admin.execute("UPDATE records SET patient_identifier = 'IPP-8' WHERE id = %s", (record_id,))
    admin.execute("SET session_replication_role = origin")
    assert store.verify_audit() == [f"record {record_id} was changed after it was finalized"]


def test_a_head_printed_on_a_summary_must_be_in_the_server_s_chain(store):
    store.log("print", "c-1")
    printed = store.latest_audit_hash()[:16]
    assert store.verify_audit(printed_heads=[printed]) == []
    assert store.verify_audit(printed_heads=["0123456789abcdef"]) == [
        "the head 0123456789abcdef of the printed summaries is not in the chain: it was rewritten or cut"]


def test_the_database_refuses_an_entry_that_does_not_extend_the_head(store):
    store.log("print", "c-1")
    store.log("print", "c-2")
    first = store.connection.execute("SELECT hash FROM audit WHERE seq = 1").fetchone()[0]
    head = store.latest_audit_hash()
    at = "2026-12-04T10:00:00.000+00:00"
    for seq, previous in ((3, first), (2, first), (4, head), (1, GENESIS_HASH)):  # forks, gaps, rewrites
        with pytest.raises(psycopg.Error):
            store.connection.execute(
                "INSERT INTO audit (seq, at, actor, action, subject, previous_hash, hash) VALUES (%s, %s, 'x', 'print',"
                " 'c', %s, %s)", (seq, at, previous, entry_hash(previous, at, "x", "print", "c")))
    assert store.verify_audit() == []
    assert store.connection.execute("SELECT count(*) FROM audit").fetchone()[0] == 2


def test_a_draft_open_in_one_room_cannot_be_saved_from_another_until_taken_over(store, migrated):
    store.save_draft(record(notes="room 1"))
    room4 = PgStore(migrated["app"], actor="dr-other", workstation="room-4")
    try:
        lease = room4.draft_lease("c-1")
        assert lease is not None and lease.workstation == "room-1"
        assert store.draft_lease("c-1") is None  # not "someone else" for the holder itself
        with pytest.raises(StoreError, match="room-1") as refused:
            room4.save_draft(record(notes="room 4"))
        assert refused.value.kind == "leased"
        with pytest.raises(StoreError, match="room-1"):
            room4.resume_draft("c-1")
        assert room4.load_draft("c-1")["notes"] == "room 1"  # a read-only view stays possible
        assert room4.take_over_draft("c-1")["notes"] == "room 1"
        assert room4.save_draft(record(notes="room 4")) == 2
        with pytest.raises(StoreError, match="room-4"):
            store.save_draft(record(notes="room 1 again"))
        with pytest.raises(StoreError, match="room-4"):
            store.finalize(record(notes="room 1 again"), b"%PDF")
        assert store.search() == []
        actions = store.connection.execute("SELECT actor, action FROM audit ORDER BY seq").fetchall()
        assert actions == [("dr-test", "create"), ("dr-other", "take_over")]
        room4.release_draft("c-1")
        assert store.save_draft(record(notes="room 1 again")) == 3
    finally:
        room4.close()


def test_an_expired_lease_frees_the_draft(migrated):
    room1 = PgStore(migrated["app"], workstation="room-1", lease_seconds=0)  # a workstation that died
    room4 = PgStore(migrated["app"], workstation="room-4")
    try:
        room1.save_draft(record())
        assert room4.draft_lease("c-1") is None
        assert room4.save_draft(record(notes="here now")) == 2
        assert room4.load_draft("c-1")["notes"] == "here now"
    finally:
        room1.close()
        room4.close()


def test_an_unmigrated_database_is_refused_with_what_to_do(pg_database):
    with pytest.raises(StoreError, match="consultaid server migrate"):
        PgStore(pg_database["owner"])


def test_a_refused_row_is_not_quoted_in_the_message(store):
    """PostgreSQL's DETAIL for a failing row quotes the whole row; the message must not carry it."""
    from consultaid.server.pg_store import _as_store_error

    with pytest.raises(psycopg.Error) as failed:
        store.connection.execute(
            "INSERT INTO records (consultation_id, version, patient_name, patient_name_key, patient_identifier,"
            " procedure_id, consultation_date, finalized_at, record_json, pdf, pdf_sha256) VALUES"
            " ('c', 1, 'Hélène Secretname', 'x', 'IPP', 'p', '2026-01-01', 'now', '{}', 'pdf', 'not the hash')")
    assert "Secretname" in str(failed.value)  # what psycopg's own text would have leaked
    assert "Secretname" not in str(_as_store_error(failed.value))


def test_a_lost_connection_is_reported_as_offline_and_loses_nothing_saved(store, admin):
    store.save_draft(record(notes="before"))
    admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ConsultAid'"
                  " AND datname = current_database()")
    with pytest.raises(StoreError) as lost:
        store.save_draft(record(notes="after"))
    assert lost.value.kind == "offline"
    assert admin.execute("SELECT revision, record_json::json->>'notes' FROM drafts").fetchone() == (1, "before")


def test_a_refused_audit_entry_is_not_mistaken_for_a_lost_connection(store):
    from consultaid.server.pg_store import _as_store_error

    store.log("print", "c-1")
    at = "2026-12-04T10:00:00.000+00:00"
    with pytest.raises(psycopg.Error) as refused:
        store.connection.execute(
            "INSERT INTO audit (seq, at, actor, action, subject, previous_hash, hash) VALUES (1, %s, 'x', 'print',"
            " 'c', %s, %s)", (at, GENESIS_HASH, entry_hash(GENESIS_HASH, at, "x", "print", "c")))
    assert _as_store_error(refused.value).kind == "other"


def test_a_lease_is_renewed_while_open_and_lost_once_taken_over(store, migrated):
    store.save_draft(record())
    before = store.connection.execute("SELECT lease_expires FROM drafts").fetchone()[0]
    store.connection.execute("UPDATE drafts SET lease_expires = now() + interval '5 seconds'")
    assert store.renew_lease("c-1") is True
    after = store.connection.execute("SELECT lease_expires FROM drafts").fetchone()[0]
    assert after >= before
    other = PgStore(migrated["app"], workstation="room-4")
    try:
        other.take_over_draft("c-1")
        assert store.renew_lease("c-1") is False
    finally:
        other.close()


def test_a_limited_search_is_the_newest_part_of_the_whole_search(store):
    """Each branch of the name-or-identifier search keeps only its newest `limit` rows (search.py): the
    result must be what cutting the whole, unlimited result gives."""
    rng = random.Random(41)
    for number in range(60):
        day = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        name = rng.choice(["Anna Roux", "Annie Roux", "ann", "Zoë"])
        store.finalize(record(f"c-{number}", name, f"{day}T10:00:00+00:00",
                              setup={"patient": {"name": name, "identifier": rng.choice(["ann", "IPP-1"])},
                                     "procedure_id": "vertebroplasty"}), f"%PDF {number}".encode())
    for text in ("ann", "anna", "IPP-1", "zo"):
        whole = store.search(text)
        for limit in (1, 3, 7, 20):
            assert store.search(text, limit=limit) == whole[:limit], (text, limit)
        assert store.search(text, date_from="2026-06-01", limit=5) == [
            row for row in whole if row.consultation_date >= "2026-06-01"][:5]
