"""The CLI on the clinic server: `records` and `audit verify` with the global --database-url or
CONSULTAID_DATABASE_URL (subprocesses against the real test server), and `server import`."""

from __future__ import annotations

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


def _file_digests(folder):
    import hashlib

    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())
            if path.name.startswith("consultaid.sqlite3")}


@pytest.fixture
def workstation(tmp_path):
    """A workstation's SQLite store: a record, its correction, another record, a print and an export."""
    from consultaid.consultation.store import Store

    folder = tmp_path / "room-3-data"
    store = Store(folder, actor="dr-room-3")
    first = store.finalize(record("w-1", name="Zoë Martin"), b"%PDF w-1 v1")
    store.finalize(record("w-1", name="Zoë Martin", notes="fixed"), b"%PDF w-1 v2", supersedes=first)
    store.finalize(record("w-2", name="Ana Lima"), b"%PDF w-2")
    store.log("print", "w-1 v2")
    store.log("export", "w-2 v1")
    store.close()
    return folder


def test_import_moves_records_and_audit_entries_once_verifiably_leaving_the_file_untouched(run_cli, migrated,
                                                                                          workstation):
    before = _file_digests(workstation)
    result = run_cli("--data-dir", workstation, "server", "import", "--database-url", migrated["app"])
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == ("3 records in this workstation's database: 3 imported now, 0 already on the server, "
                        "0 in conflict")
    # create-free store: print and export (the finalize and correct entries are the server's own)
    assert lines[1].startswith("2 audit entries imported now, 0 already on the server")
    here, there = lines[2].split()[-1], lines[3].split()[-1]
    assert here == there and len(here) == 64
    assert _file_digests(workstation) == before
    again = run_cli("--data-dir", workstation, "server", "import", "--database-url", migrated["app"])
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0].endswith("0 imported now, 3 already on the server, 0 in conflict")
    assert again.stdout.splitlines()[1].startswith("0 audit entries imported now, 2 already on the server")
    store = PgStore(migrated["app"])
    try:
        assert store.verify_audit() == []
        assert [(r.consultation_id, r.version, r.status) for r in store.search("zoe")] == [
            ("w-1", 2, "finalized"), ("w-1", 1, "corrected")]
        assert store.record(store.search("zoe")[0].id)[1] == b"%PDF w-1 v2"
        actions = [row[0] for row in store.connection.execute("SELECT action FROM audit ORDER BY seq")]
        assert sorted(actions) == ["correct", "export", "finalize", "finalize", "print"]
    finally:
        store.close()
    assert _file_digests(workstation) == before


def test_import_shows_a_conflict_and_overwrites_nothing(run_cli, migrated, workstation):
    server = PgStore(migrated["app"], workstation="room-9")
    server.finalize(record("w-2", name="Ana Lima", notes="another"), b"%PDF other w-2")
    server.close()
    result = run_cli("--data-dir", workstation, "server", "import", "--database-url", migrated["app"])
    assert result.returncode == 1
    assert "conflict: the server holds another record for w-2 v1; neither was changed" in result.stdout
    store = PgStore(migrated["app"])
    try:
        held = [r for r in store.search("ana")]
        assert len(held) == 1 and store.record(held[0].id)[1] == b"%PDF other w-2"
    finally:
        store.close()


def test_import_without_a_url_is_a_usage_error(run_cli, workstation, monkeypatch):
    monkeypatch.delenv("CONSULTAID_DATABASE_URL", raising=False)
    result = run_cli("--data-dir", workstation, "server", "import")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


def test_render_seal_and_verify_use_the_clinic_server(run_cli, migrated, tmp_path):
    """With a clinic server, a `render --seal` is audited in the clinic's chain and `verify` compares a PDF
    with the clinic's records, not with a workstation file that holds neither."""
    from consultaid.report.archival import attached_record
    from tests.test_verify_installation import EXAMPLE

    data = tmp_path / "room-3"
    output = tmp_path / "sealed.pdf"
    rendered = run_cli("--data-dir", data, "--database-url", migrated["app"], "render", EXAMPLE, "-o", output,
                       "--seal")
    assert rendered.returncode == 0, rendered.stderr
    server = PgStore(migrated["app"], actor="dr-room-3", workstation="room-3", anchor_dir=tmp_path / "room-3-anchor")
    try:
        [(seq,)] = server.connection.execute("SELECT seq FROM audit WHERE action = 'seal_outside_store'").fetchall()
        assert server.verify_audit() == []
    finally:
        server.close()
    assert not (data / "consultaid.sqlite3").exists()   # no workstation file was made to hold the entry

    outside = run_cli("--data-dir", data, "--database-url", migrated["app"], "verify", output)
    assert outside.returncode == 1
    assert ("sealed by this installation's key, but not in its record store; the audit trail records that it "
            f"was sealed with `consultaid render --seal` (entry {seq})") in outside.stdout

    # Stored as the clinic's record (as the app stores what it sealed): the same file now verifies.
    server = PgStore(migrated["app"], actor="dr-room-3", workstation="room-3", anchor_dir=tmp_path / "room-3-anchor")
    try:
        server.finalize(attached_record(output.read_bytes())[0], output.read_bytes())
    finally:
        server.close()
    stored = run_cli("--data-dir", data, "--database-url", migrated["app"], "verify", output)
    assert stored.returncode == 0, stored.stdout
    assert ("sealed by this installation and in the record store: same as version 1 (the stored PDF is this "
            "very file)") in stored.stdout
