"""Addenda in the record store, on both back ends: linked to the summary they follow (a link that does not
match is refused), kept like records (never changed or deleted), audited with their row's hash; and a
tampered link is rejected by `consultaid verify`."""

from __future__ import annotations

import json

import psycopg
import pytest

from consultaid.consultation.addendum import CONFIRMATION, WITHDRAWAL, Addendum, SummaryLink, chain, current_state
from consultaid.consultation.ink import InkDrawing, InkPoint, Stroke
from consultaid.consultation.store import StoreError, open_store
from consultaid.report import sealed_summary
from consultaid.report.addendum import key_facts, sealed_addendum
from consultaid.report.seal import installation_seal
from consultaid.server.pg_store import PgStore
from tests.conftest import REPO
from tests.pg_fixtures import migrated, pg_database, pg_roles, pg_server  # noqa: F401 (fixtures)
from tests.pg_own_server import own_server  # noqa: F401 (fixture)

INK = InkDrawing([Stroke("#1F2A36", 0.006, (InkPoint(0.1, 0.5), InkPoint(0.5, 0.3), InkPoint(0.9, 0.6)))],
                 aspect=2.8)


def example() -> dict:
    return json.loads((REPO / "docs" / "examples" / "vertebroplasty-fr.json").read_text(encoding="utf-8"))


def signed_addendum(kind: str, summary: dict, link: SummaryLink) -> Addendum:
    addendum = Addendum(kind, summary, link, key_facts(summary))
    addendum.clinician = "Dr Anne Martin"
    addendum.statement = "Je ne souhaite plus l’intervention." if kind == WITHDRAWAL else ""
    addendum.sign("patient", summary["setup"]["patient"]["name"], INK)
    addendum.sign("clinician", "Dr Anne Martin", INK)
    return addendum


def store_summary(store, data_dir):
    summary = example()
    pdf = sealed_summary(summary, seal=installation_seal(data_dir))
    store.finalize(summary, pdf)
    [row] = store.versions(summary["id"])
    return summary, SummaryLink(row.id, row.version, row.pdf_sha256)


def add(store, data_dir, kind, summary, link) -> tuple[int, dict, bytes]:
    record = signed_addendum(kind, summary, link).to_record(store.latest_audit_hash())
    pdf = sealed_addendum(record, installation_seal(data_dir))
    return store.add_addendum(record, pdf), record, pdf


def check_back_end(store, data_dir) -> None:
    summary, link = store_summary(store, data_dir)
    first, record, pdf = add(store, data_dir, CONFIRMATION, summary, link)
    second, _record, _pdf = add(store, data_dir, WITHDRAWAL, summary, link)
    assert store.addendum(first) == (record, pdf)
    stored = store.addenda(summary["id"])
    assert [(a.number, a.kind, a.follows, a.follows_version, a.follows_sha256) for a in stored] == [
        (1, CONFIRMATION, link.record_id, 1, link.pdf_sha256), (2, WITHDRAWAL, link.record_id, 1, link.pdf_sha256)]
    entries = chain(store.versions(summary["id"]), stored)
    assert [entry.kind for entry in entries] == ["summary", CONFIRMATION, WITHDRAWAL]
    assert current_state(entries).kind == WITHDRAWAL
    # A link that names another hash, or another version, is refused, and nothing is stored.
    for wrong in (SummaryLink(link.record_id, 1, "0" * 64), SummaryLink(link.record_id, 2, link.pdf_sha256),
                  SummaryLink(link.record_id + 99, 1, link.pdf_sha256)):
        with pytest.raises(StoreError):
            add(store, data_dir, CONFIRMATION, summary, wrong)
    assert len(store.addenda(summary["id"])) == 2
    assert store.verify_audit() == []


def test_the_workstation_store_keeps_linked_audited_addenda(tmp_path):
    store = open_store(tmp_path / "data")
    try:
        check_back_end(store, store.data_dir)
        actions = store.connection.execute("SELECT action, subject FROM audit ORDER BY seq").fetchall()
        assert [action for action, _subject in actions][-2:] == ["confirm", "withdraw"]
        for statement in ("UPDATE addenda SET kind = 'withdrawal'", "DELETE FROM addenda"):
            with pytest.raises(Exception, match="an addendum cannot be"):
                store.connection.execute(statement)
        # Behind the triggers' back (dropped by someone holding the key), the audit check still sees it.
        store.connection.execute("DROP TRIGGER addenda_are_immutable")
        store.connection.execute("UPDATE addenda SET kind = 'confirmation' WHERE number = 2")
        store.connection.commit()
        assert store.verify_audit() == ["addendum 2 was changed after it was stored"]
    finally:
        store.close()


def test_the_clinic_server_keeps_linked_audited_addenda(migrated, tmp_path):  # noqa: F811 (the fixture)
    store = PgStore(migrated["app"], actor="dr-test", workstation="room-1", anchor_dir=tmp_path / "anchor")
    try:
        check_back_end(store, tmp_path)
        entries = store.connection.execute("SELECT action FROM audit ORDER BY seq").fetchall()
        assert [row[0] for row in entries][-2:] == ["confirm", "withdraw"]
    finally:
        store.close()
    with psycopg.connect(migrated["app"]) as app:   # the application role cannot change an addendum either
        with pytest.raises(psycopg.Error):
            app.execute("UPDATE addenda SET kind = 'withdrawal'")
    with psycopg.connect(migrated["admin"], autocommit=True) as admin:   # nor unnoticed, the server's owner
        admin.execute("ALTER TABLE addenda DISABLE TRIGGER addenda_are_immutable")
        admin.execute("UPDATE addenda SET made_at = '2020-01-01T00:00:00+00:00' WHERE number = 1")
    store = PgStore(migrated["app"], actor="dr-test", workstation="room-1", anchor_dir=tmp_path / "anchor")
    try:
        assert store.verify_audit() == ["addendum 1 was changed after it was stored"]
    finally:
        store.close()


def test_verify_rejects_an_addendum_whose_summary_hash_does_not_match(tmp_path, run_cli, own_data_dir):
    store = open_store(own_data_dir)
    try:
        summary, link = store_summary(store, own_data_dir)
        _row, _record, good = add(store, own_data_dir, CONFIRMATION, summary, link)
    finally:
        store.close()
    good_path = tmp_path / "addendum.pdf"
    good_path.write_bytes(good)
    accepted = run_cli("verify", good_path)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "\u2713 Summary it follows:" in accepted.stdout

    # The same addendum, naming a summary hash that is not the stored one, sealed with this installation's
    # own key (as someone holding the key file could): the seal is valid, the link is not.
    tampered = signed_addendum(CONFIRMATION, summary, SummaryLink(link.record_id, 1, "ab" * 32)).to_record()
    tampered_path = tmp_path / "tampered.pdf"
    tampered_path.write_bytes(sealed_addendum(tampered, installation_seal(own_data_dir)))
    rejected = run_cli("verify", tampered_path)
    assert rejected.returncode == 1, rejected.stdout
    assert "\u2713 Signed bytes unchanged" in rejected.stdout
    assert ("\u2717 Summary it follows: version 1 of consultation " + summary["id"] + ", SHA-256 abababababababab: "
            "the record store holds no such summary; the addendum's link does not match") in rejected.stdout
    assert "Result: NOT VALID" in rejected.stdout


def test_a_clinic_server_keeps_addenda_and_refuses_them_while_away(own_server, tmp_path, monkeypatch):  # noqa: F811
    from consultaid.server import clinic_store
    from consultaid.server.clinic_store import ClinicStore

    monkeypatch.setattr(clinic_store, "RETRY_SECONDS", 0.0)
    store = ClinicStore(own_server.app_url, tmp_path / "room-1", actor="dr-a", server_name="clinic",
                        workstation="room-1")
    try:
        summary, link = store_summary(store, tmp_path / "room-1")
        first, _record, pdf = add(store, tmp_path / "room-1", CONFIRMATION, summary, link)
        assert store.local.queued() == [] and store.local.addenda(summary["id"]) == []   # on the server
        assert store.addendum(first)[1] == pdf
        own_server.stop()
        with pytest.raises(StoreError) as refused:
            add(store, tmp_path / "room-1", WITHDRAWAL, summary, link)
        assert refused.value.kind == "offline" and "Try again when it is back" in str(refused.value)
        assert store.local.addenda(summary["id"]) == []   # nothing half-stored here either
        own_server.start()
        assert store.reconnect() is True
        assert [item.number for item in store.addenda(summary["id"])] == [1]
    finally:
        store.close()
