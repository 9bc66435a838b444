"""The CLI on the clinic server: `records` and `audit verify` with the global --database-url or
CONSULTAID_DATABASE_URL (subprocesses against the real test server), and `server import`."""

from __future__ import annotations

import os

import pytest

from consultaid.server.pg_store import PgStore
from tests.pg_fixtures import migrated, pg_database, pg_roles, pg_server  # noqa: F401 (fixtures)
from tests.test_pg_store import record


@pytest.fixture
def filled(migrated, tmp_path):
    store = PgStore(migrated["app"], actor="dr-room-2", workstation="room-2", anchor_dir=tmp_path / "room-2")
    first = store.finalize(record("c-1", name="Hélène Dupré"), b"%PDF-1.7 first")
    store.finalize(record("c-1", name="Hélène Dupré", notes="fixed"), b"%PDF-1.7 second", supersedes=first)
    store.log("print", "c-1 v2")
    store.close()
    return migrated


def test_records_list_and_show_read_the_clinic_server(run_cli, filled):
    listed = run_cli("--database-url", filled["app"], "records", "list", "--search", "helene")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert len(lines) == 2 and all("Hélène Dupré" in line for line in lines)
    assert "2 consultations" in listed.stderr


def test_audit_verify_checks_the_server_s_chain_given_by_the_environment(run_cli, filled, monkeypatch):
    monkeypatch.setenv("CONSULTAID_DATABASE_URL", filled["app"])
    result = run_cli("audit", "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The audit trail is intact" in result.stderr
    import psycopg

    with psycopg.connect(filled["admin"], autocommit=True) as admin:
        admin.execute("SET session_replication_role = replica")
        admin.execute("UPDATE audit SET actor = 'someone' WHERE seq = 1")
    result = run_cli("audit", "verify")
    assert result.returncode == 1 and result.stdout.strip() == "entry 1 was changed", result.stdout


def test_an_unreachable_server_is_one_line_and_exit_1(run_cli, tmp_path):
    url = f"postgresql://u@localhost:1/db?sslmode=verify-full&sslrootcert={tmp_path}/ca.pem&connect_timeout=2"
    result = run_cli("--database-url", url, "records", "list")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "clinic server could not be reached" in result.stderr


def test_workstation_only_actions_refuse_a_server_url(run_cli, filled):
    result = run_cli("--database-url", filled["app"], "records", "check")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
