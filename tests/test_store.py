"""The SQLite store: durable drafts, finalized records the database itself protects, a verifiable audit
chain, and clear errors that lose nothing."""

from __future__ import annotations

import os
import random
import sqlite3
import stat

import pytest

from consultaid.consultation.store import DatabaseError, Store, StoreError, open_connection, open_store


def record(consultation_id="c-1", name="Zoë Ñúñez", when="2026-11-22T09:30:00+01:00", **extra):
    base = {"id": consultation_id, "started_at": when, "finalized_at": when,
            "setup": {"patient": {"name": name, "identifier": "IPP-7"}, "procedure_id": "vertebroplasty"}}
    base.update(extra)
    return base


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path / "data", actor="dr-test")
    yield opened
    opened.close()


def test_the_database_is_private_durable_and_current(store, tmp_path):
    assert stat.S_IMODE(os.stat(tmp_path / "data").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    db = store.connection
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    from consultaid.consultation.store import MIGRATIONS

    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)  # current


def test_a_finalized_record_cannot_be_changed_or_deleted_even_in_sql(store):
    record_id = store.finalize(record(), b"%PDF-1.7 original")
    with pytest.raises(DatabaseError, match="cannot be changed"):
        store.connection.execute("UPDATE records SET patient_name = 'someone else' WHERE id = ?", (record_id,))
    with pytest.raises(DatabaseError, match="cannot be deleted"):
        store.connection.execute("DELETE FROM records WHERE id = ?", (record_id,))
    assert store.record(record_id)[1] == b"%PDF-1.7 original"


def _tamper(db, rng: random.Random) -> str:
    """Edit, delete or reorder one audit row behind the triggers' back, as an attacker with the file would."""
    db.execute("DROP TRIGGER audit_is_append_only")
    db.execute("DROP TRIGGER audit_keeps_entries")
    rows = db.execute("SELECT seq FROM audit").fetchall()
    seq = rng.choice(rows)[0]
    kind = rng.choice(["edit", "delete", "reorder"])
    if kind == "edit":
        db.execute("UPDATE audit SET subject = subject || 'x' WHERE seq = ?", (seq,))
    elif kind == "delete":
        db.execute("DELETE FROM audit WHERE seq = ?", (seq,))
    else:
        other = rng.choice([row[0] for row in rows if row[0] != seq])
        entry = "SELECT at, actor, action, subject, previous_hash, hash FROM audit WHERE seq = ?"
        a = db.execute(entry, (seq,)).fetchone()
        b = db.execute(entry, (other,)).fetchone()
        for target, values in ((seq, b), (other, a)):
            db.execute("UPDATE audit SET at=?, actor=?, action=?, subject=?, previous_hash=?, hash=? WHERE seq=?",
                       (*values, target))
    return kind


def test_audit_verify_catches_every_single_tampering(tmp_path):
    rng = random.Random(20261122)
    caught = 0
    for trial in range(100):
        store = Store(tmp_path / f"trial-{trial}", actor="dr-test")
        for index in range(rng.randint(3, 8)):
            store.log(rng.choice(["create", "print", "export"]), f"c-{index}")
        assert store.verify_audit() == []
        _tamper(store.connection, rng)
        caught += bool(store.verify_audit())
        store.close()
    assert caught == 100


def test_the_audit_trail_refuses_plain_edits(store):
    store.log("print", "c-1")
    with pytest.raises(DatabaseError, match="append-only"):
        store.connection.execute("UPDATE audit SET actor = 'x'")
    with pytest.raises(DatabaseError, match="append-only"):
        store.connection.execute("DELETE FROM audit")


def test_a_damaged_database_is_reported_and_left_for_the_user_or_it_to_decide(tmp_path):
    """Opening used to move a damaged database aside on its own, and the next opening silently started an
    empty one. Now it is reported and left as it is; setting it aside is an explicit step."""
    from consultaid.consultation.store import set_database_aside

    data = tmp_path / "data"
    data.mkdir()
    (data / "consultaid.sqlite3").write_bytes(b"this is not a database" * 100)
    for _attempt in range(2):
        with pytest.raises(StoreError) as raised:
            open_store(data)
        assert raised.value.kind == "damaged" and "Nothing was changed" in str(raised.value)
        assert sorted(p.name for p in data.iterdir()) == ["consultaid.sqlite3"]
    name = set_database_aside(data)
    assert (data / name).read_bytes() == b"this is not a database" * 100
    fresh = open_store(data)  # now missing: a first start
    assert fresh.integrity_problems() == []
    fresh.close()


def test_an_empty_database_file_is_reported_not_started_afresh(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "consultaid.sqlite3").write_bytes(b"")
    with pytest.raises(StoreError) as raised:
        open_store(data)
    assert raised.value.kind == "empty" and "0 bytes" in str(raised.value)
    assert (data / "consultaid.sqlite3").read_bytes() == b""


@pytest.fixture
def small_disk(tmp_path):
    """A real 320 KiB file system (tmpfs), so "disk full" and "read-only" are the kernel's, not mocks."""
    import subprocess

    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=320k", "tmpfs", str(mount_point)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root): " + mounted.stderr.decode().strip())
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_a_full_disk_is_reported_and_loses_nothing(small_disk):
    store = Store(small_disk / "data")
    store.save_draft(record(notes="saved before the disk filled"))
    filler = small_disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(descriptor, b"x" * 4096):
            pass
    except OSError:
        pass  # the disk is full now
    finally:
        os.close(descriptor)
    with pytest.raises(StoreError) as raised:
        store.save_draft(record(notes="n" * 200_000))
    assert raised.value.kind == "disk_full" and "disk is full" in str(raised.value)
    assert store.load_draft("c-1")["notes"] == "saved before the disk filled"
    filler.unlink()
    assert store.save_draft(record(notes="n" * 20_000)) == 2  # the retry works once space is back
    assert store.integrity_problems() == []
    store.close()


def test_a_read_only_data_folder_is_reported_and_loses_nothing(small_disk):
    import subprocess

    store = Store(small_disk / "data")
    store.save_draft(record(notes="kept"))
    store.close()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with pytest.raises(StoreError) as raised:
        Store(small_disk / "data").save_draft(record(notes="new"))
    assert raised.value.kind == "read_only"
    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    reopened = Store(small_disk / "data")
    assert reopened.load_draft("c-1")["notes"] == "kept"
    reopened.close()


def test_a_locked_database_is_reported_and_the_save_can_be_retried(tmp_path):
    data = tmp_path / "data"
    store = Store(data, timeout=0.2)
    other = open_connection(data)
    other.execute("BEGIN EXCLUSIVE")  # another program holds the database
    with pytest.raises(StoreError) as raised:
        store.save_draft(record(notes="while locked"))
    assert raised.value.kind == "locked" and "another program" in str(raised.value)
    other.execute("ROLLBACK")
    other.close()
    assert store.save_draft(record(notes="after")) == 1
    store.close()


def test_the_corrected_check_uses_an_index(store):
    plan = store.connection.execute(
        "EXPLAIN QUERY PLAN SELECT 1 FROM records later WHERE later.supersedes = ?", (1,)).fetchall()
    assert "records_by_supersedes" in " ".join(str(row[-1]) for row in plan)


def test_a_version_one_database_is_migrated(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    db = sqlite3.connect(data / "consultaid.sqlite3", isolation_level=None)
    from consultaid.consultation.store import MIGRATIONS

    for statement in MIGRATIONS[0].split(";\n"):
        if statement.strip():
            db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.close()
    migrated = Store(data)
    assert migrated.connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert migrated.connection.execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'records_by_supersedes'").fetchone()
    migrated.close()


def _finalize_as_version_4_did(store, stored, pdf):
    """Store.finalize as it was before migration 5: the case-folded key only, and the row hash in the
    finalize entry."""
    import hashlib
    import json

    from consultaid.consultation.audit import finalize_subject

    name = stored["setup"]["patient"]["name"]
    with store.transaction() as db:
        cursor = db.execute(
            "INSERT INTO records (consultation_id, version, supersedes, patient_name, patient_name_key,"
            " patient_identifier, procedure_id, consultation_date, finalized_at, record_json, pdf, pdf_sha256)"
            " VALUES (?, 1, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (stored["id"], name, " ".join(name.casefold().split()), "IPP-7", "vertebroplasty",
             stored["started_at"][:10], stored["finalized_at"], json.dumps(stored), pdf,
             hashlib.sha256(pdf).hexdigest()))
        store._audit(db, "finalize", finalize_subject(stored["id"], 1, store._row_hash(db, cursor.lastrowid)))


def test_records_finalized_before_accent_folding_are_found_and_still_verify(tmp_path, monkeypatch):
    """Migration 5 adds the accent-folded search key to records stored before it, without changing a
    column their audit entries hash, and puts the immutability trigger back."""
    from consultaid.consultation import store as store_module

    data = tmp_path / "data"
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:4])
    old = open_store(data, actor="dr-test")
    for consultation_id, name in (("a", "Hélène Dupont"), ("b", "Helene Martin")):
        _finalize_as_version_4_did(old, record(consultation_id, name), f"%PDF {consultation_id}".encode())
    old.close()
    monkeypatch.undo()

    migrated = open_store(data, actor="dr-test")
    try:
        assert migrated.connection.execute("PRAGMA user_version").fetchone()[0] == len(store_module.MIGRATIONS)
        for text in ("helene", "Hélène", "HELENE D"):
            assert {r.patient_name for r in migrated.search(text)} <= {"Hélène Dupont", "Helene Martin"}
        assert {r.patient_name for r in migrated.search("helene")} == {"Hélène Dupont", "Helene Martin"}
        assert [r.patient_name for r in migrated.search("Hélène D")] == ["Hélène Dupont"]
        assert migrated.verify_audit() == []
        with pytest.raises(Exception, match="cannot be changed"):
            migrated.connection.execute("UPDATE records SET patient_name_folded = 'x'")
    finally:
        migrated.close()


def _all_records_by_brute_force(store):
    """Every stored record's metadata read straight from the table, without any index."""
    rows = store.connection.execute(
        "SELECT id, consultation_id, version, supersedes, patient_name, patient_identifier, procedure_id,"
        " consultation_date, finalized_at, pdf_sha256 FROM records NOT INDEXED").fetchall()
    corrected = {row[3] for row in rows if row[3] is not None}
    return [(*row, "corrected" if row[0] in corrected else "finalized") for row in rows]


def test_indexed_search_gives_what_a_full_scan_gives(store):
    """The covering indexes of migration 3 must change how fast a search is, never what it finds."""
    from consultaid.consultation.store import name_key

    rng = random.Random(8)
    names = ["Anna Karenina", "Annette Dupont", "Émile Zola", "émile roux", "Бoрис Годунов", "Zoë Ñúñez",
             "O'Brien", "李 小龍", "anna  KARENINA"]
    for number in range(240):
        day = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        store.finalize(record(f"c-{number}", rng.choice(names), f"{day}T10:00:00+00:00",
                              setup={"patient": {"name": rng.choice(names), "identifier": f"IPP-{number % 7}"},
                                     "procedure_id": rng.choice(["vertebroplasty", "endoscopic-spine-surgery"])}),
                       f"%PDF {number}".encode())
        if number % 9 == 0:
            store.finalize(record(f"c-{number}", rng.choice(names), f"{day}T11:00:00+00:00"), b"%PDF again",
                           supersedes=store.search(limit=1)[0].id)
    everything = _all_records_by_brute_force(store)
    texts = ("ann", "ANNA k", "anna karenina", "O'Brien", "émile", "Émile", "бo", "李", "o'", "IPP-3", "zz")
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


def test_searches_read_only_the_covering_indexes(store):
    from consultaid.consultation.store import search_query

    for query, index in ((dict(text="ann"), "records_by_name"), (dict(date_from="2026-01-01", date_to="2026-02-01"),
                                                                "records_by_date"),
                         (dict(text="ann", date_from="2026-01-01", date_to="2026-02-01"), "records_by_date")):
        sql, arguments = search_query(**query)
        plan = " | ".join(str(row[-1]) for row in store.connection.execute("EXPLAIN QUERY PLAN " + sql, arguments))
        assert f"COVERING INDEX {index}" in plan, plan
        assert "SCAN r" not in plan, plan


def _records_with_a_damaged_record_page(tmp_path):
    """A store of 60 records (about 25 KB of JSON each), then one byte changed in the last page, which
    holds record data, not the schema or the drafts."""
    data = tmp_path / "data"
    store = open_store(data)
    big = "x" * 25_000
    for number in range(60):
        store.finalize(record(f"c-{number}", f"Patient {number}", notes=big), b"%PDF " + bytes(number))
    store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    path = data / "consultaid.sqlite3"
    content = bytearray(path.read_bytes())
    content[-700] ^= 0x55
    path.write_bytes(bytes(content))
    return data


def test_opening_checks_only_what_it_relies_on_and_records_check_finds_the_rest(tmp_path, run_cli):
    from consultaid.consultation.store import check_whole_database, whole_check_due

    data = _records_with_a_damaged_record_page(tmp_path)
    opened = open_store(data)  # the schema and the drafts are sound: it opens, nothing is moved aside
    assert opened.drafts() == []
    opened.close()
    assert check_whole_database(data), "the whole check must find the damaged page"
    assert whole_check_due(data), "a damaged database is not stamped as checked"
    result = run_cli("--data-dir", data, "records", "check")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "The database is damaged" in result.stderr
    assert (data / "consultaid.sqlite3").exists()  # kept as it is, for IT


def test_records_check_on_a_sound_database_stamps_the_day(tmp_path, run_cli):
    from consultaid.consultation.store import INTEGRITY_STAMP_NAME, whole_check_due

    data = tmp_path / "data"
    store = open_store(data)
    store.finalize(record(), b"%PDF ok")
    store.close()
    assert whole_check_due(data)
    result = run_cli("--data-dir", data, "records", "check")
    assert result.returncode == 0, result.stderr
    assert "no damage found" in result.stdout
    assert not whole_check_due(data)
    assert whole_check_due(data, today="2099-01-01")
    assert (data / INTEGRITY_STAMP_NAME).read_text(encoding="ascii").strip().count("-") == 2


def test_a_first_start_on_a_full_disk_leaves_no_file_taken_later_for_lost_records(small_disk):
    """SQLite makes a 0-byte file at connect. Made in place, a first start that could not write the schema
    left it under the real name, and the next start would report an empty database (records lost). The new
    database is made whole under another name, so the next start is simply a first start again."""
    from consultaid.consultation.store import MIGRATIONS

    filler = small_disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(descriptor, b"x" * 4096):
            pass
    except OSError:
        pass  # the disk is full now
    finally:
        os.close(descriptor)
    (small_disk / "data").mkdir()
    with pytest.raises(StoreError) as raised:
        Store(small_disk / "data")
    assert raised.value.kind == "disk_full"
    assert not (small_disk / "data" / "consultaid.sqlite3").exists()
    filler.unlink()
    created = Store(small_disk / "data")
    assert created.connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    created.close()
