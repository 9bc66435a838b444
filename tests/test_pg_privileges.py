"""Least privilege on the clinic server, tried with raw SQL: the application role can never UPDATE,
DELETE or TRUNCATE a finalized record or an audit entry (no grant), and even the owner, who has every
grant on its tables, is stopped by the triggers."""

from __future__ import annotations

import psycopg
import pytest

from consultaid.server.connection import connect
from consultaid.server.pg_store import PgStore
from tests.pg_fixtures import migrated, pg_database, pg_roles, pg_server  # noqa: F401 (fixtures)
from tests.test_pg_store import record

FORBIDDEN = [
    "UPDATE records SET patient_name = 'someone else'",
    "UPDATE records SET pdf = 'forged', pdf_sha256 = encode(sha256('forged'), 'hex')",
    "DELETE FROM records",
    "TRUNCATE records",
    "TRUNCATE records CASCADE",
    "UPDATE audit SET actor = 'nobody'",
    "DELETE FROM audit",
    "TRUNCATE audit",
    "UPDATE arrivals SET workstation = 'elsewhere'",
    "DELETE FROM arrivals",
    "TRUNCATE arrivals",
]


@pytest.fixture
def filled(migrated):
    """A database holding one finalized record, its correction, a draft and their audit entries."""
    store = PgStore(migrated["app"], actor="dr-test", workstation="room-1")
    first = store.finalize(record(), b"%PDF original")
    store.finalize(record(notes="corrected"), b"%PDF corrected", supersedes=first)
    store.save_draft(record("c-2"))
    # An audit entry queued on a workstation while the server was away, taken once (server/clinic_store.py).
    store.arrive_audit_entry("f" * 64, "2026-12-04T10:00:00.000+00:00", "dr-test", "print", "c-1 v2")
    store.close()
    return migrated


def _contents(url: str):
    with connect(url) as connection:
        return (connection.execute("SELECT * FROM records ORDER BY id").fetchall(),
                connection.execute("SELECT * FROM audit ORDER BY seq").fetchall(),
                connection.execute("SELECT * FROM arrivals ORDER BY origin_hash").fetchall())


@pytest.mark.parametrize("statement", FORBIDDEN)
def test_the_application_role_cannot_change_or_delete_records_or_audit(filled, statement):
    before = _contents(filled["app"])
    with connect(filled["app"]) as app:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            app.execute(statement)
    assert _contents(filled["app"]) == before


@pytest.mark.parametrize("statement", FORBIDDEN)
def test_the_triggers_refuse_it_even_to_the_tables_owner(filled, statement):
    before = _contents(filled["owner"])
    with connect(filled["owner"]) as owner:
        with pytest.raises(psycopg.errors.InsufficientPrivilege,
                           match="cannot be changed or deleted|cannot be deleted|append-only"):
            owner.execute(statement)
    assert _contents(filled["owner"]) == before


def test_the_application_role_does_its_work_and_nothing_more(filled):
    with connect(filled["app"]) as app:
        # Drafts are its working copies: it saves, updates and (on finalize) removes them.
        app.execute("UPDATE drafts SET status = 'set_aside' WHERE consultation_id = 'c-2'")
        assert app.execute("SELECT version FROM schema_version").fetchone() == (1,)
        for statement in ("INSERT INTO schema_version (version, description) VALUES (99, 'forged')",
                          "DROP TRIGGER records_are_immutable ON records",
                          "ALTER TABLE audit DISABLE TRIGGER USER",
                          "CREATE TABLE mine (x int)",
                          "DROP TABLE drafts"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute(statement)


def test_other_roles_cannot_even_connect(filled, pg_server):
    from tests.pg_fixtures import ADMIN_URL_VARIABLE, url_for

    with psycopg.connect(pg_server[ADMIN_URL_VARIABLE], autocommit=True) as admin:
        admin.execute("DROP ROLE IF EXISTS consultaid_test_stranger")
        admin.execute("CREATE ROLE consultaid_test_stranger LOGIN PASSWORD 'stranger-pw'")
        try:
            with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
                psycopg.connect(url_for(pg_server[ADMIN_URL_VARIABLE], "consultaid_test_stranger", "stranger-pw",
                                        filled["name"]))
        finally:
            admin.execute("DROP ROLE consultaid_test_stranger")
