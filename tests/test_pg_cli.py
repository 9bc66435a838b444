"""`consultaid server init` and `consultaid server migrate`, run as IT would, against the real server."""

from __future__ import annotations

import secrets

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from consultaid.server.migrations import LATEST_VERSION
from consultaid.server.setup import set_password
from tests.pg_fixtures import ADMIN_URL_VARIABLE, pg_server, url_for  # noqa: F401 (fixture)


@pytest.fixture
def names(pg_server):
    """Fresh database and role names, and everything they name dropped afterwards."""
    suffix = secrets.token_hex(3)
    chosen = {"database": f"clinic_{suffix}", "owner": f"clinic_owner_{suffix}", "app": f"clinic_app_{suffix}"}
    yield chosen
    with psycopg.connect(pg_server[ADMIN_URL_VARIABLE], autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(chosen["database"])))
        for role in (chosen["owner"], chosen["app"]):
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def _one_line_error(result, code: int) -> str:
    assert result.returncode == code, result
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def test_init_prints_a_script_whose_sql_creates_what_migrate_needs(run_cli, pg_server, names):
    result = run_cli("server", "init", "--database", names["database"], "--owner-role", names["owner"],
                     "--app-role", names["app"])
    assert result.returncode == 0, result.stderr
    script = result.stdout
    assert f'\\password "{names["owner"]}"' in script and f'\\password "{names["app"]}"' in script
    statements = [line.rstrip(";") for line in script.splitlines() if line and not line.startswith(("--", "\\"))]
    assert statements[0] == f'CREATE ROLE "{names["owner"]}" LOGIN'
    admin_url = pg_server[ADMIN_URL_VARIABLE]
    with psycopg.connect(admin_url, autocommit=True) as admin:
        for statement in statements:  # what psql would run, less its \password prompts
            admin.execute(statement)
        for role in (names["owner"], names["app"]):
            set_password(admin, role, f"pw-{role}")
    result = run_cli("server", "migrate", "--app-role", names["app"], "--database-url",
                     url_for(admin_url, names["owner"], f"pw-{names['owner']}", names["database"]))
    assert result.returncode == 0, result.stderr
    assert f"Migrated to schema version {LATEST_VERSION}" in result.stdout


def test_init_runs_it_with_an_administrator_url_then_migrate(run_cli, pg_server, names, monkeypatch):
    admin_url = pg_server[ADMIN_URL_VARIABLE]
    result = run_cli("server", "init", "--owner-url", admin_url, "--database", names["database"],
                     "--owner-role", names["owner"], "--app-role", names["app"])
    assert result.returncode == 0, result.stderr
    assert f"\\password {names['owner']}" in result.stdout  # no terminal here: IT sets them in psql
    assert conninfo_to_dict(admin_url)["password"] not in result.stdout + result.stderr
    with psycopg.connect(admin_url, autocommit=True) as admin:
        owner = admin.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s",
                              (names["database"],)).fetchone()
        assert owner == (names["owner"],)
        assert admin.execute("SELECT has_database_privilege('public', %s, 'CONNECT')",
                             (names["database"],)).fetchone() == (False,)
        for role in (names["owner"], names["app"]):
            set_password(admin, role, f"pw-{role}")
    monkeypatch.setenv("CONSULTAID_DATABASE_URL",
                       url_for(admin_url, names["owner"], f"pw-{names['owner']}", names["database"]))
    first = run_cli("server", "migrate", "--app-role", names["app"])
    applied = ", ".join(str(number) for number in range(1, LATEST_VERSION + 1))
    assert first.returncode == 0, first.stderr
    assert f"Migrated to schema version {LATEST_VERSION} (applied: {applied})." in first.stdout
    again = run_cli("server", "migrate", "--app-role", names["app"])
    assert again.returncode == 0 and f"already at version {LATEST_VERSION}" in again.stdout
    # The roles exist now: a second init is refused, in one line.
    assert "already exists" in _one_line_error(run_cli("server", "init", "--owner-url", admin_url, "--database",
                                                       names["database"], "--owner-role", names["owner"],
                                                       "--app-role", names["app"]), 1)


def test_migrate_refuses_an_unverified_tls_mode_in_one_line(run_cli):
    error = _one_line_error(run_cli("server", "migrate", "--database-url",
                                    "postgresql://owner:secret-pw@db.clinic.example/consultaid?sslmode=require"), 1)
    assert "sslmode=verify-full" in error and "secret-pw" not in error


def test_migrate_says_plainly_when_the_server_cannot_be_reached(run_cli, pg_server):
    parts = conninfo_to_dict(pg_server[ADMIN_URL_VARIABLE])
    parts["port"] = "1"  # nothing listens there
    error = _one_line_error(run_cli("server", "migrate", "--database-url", make_conninfo(**parts)), 1)
    assert error.startswith("The clinic server could not be reached") and parts["password"] not in error


def test_migrate_without_a_database_is_a_usage_error(run_cli, monkeypatch):
    monkeypatch.delenv("CONSULTAID_DATABASE_URL", raising=False)
    assert "--database-url" in _one_line_error(run_cli("server", "migrate"), 2)


def _run_on_a_terminal(arguments: list[str], answers: list[bytes], timeout: float = 60) -> tuple[int, str]:
    """Runs the real command on a pseudo-terminal, typing each answer when a prompt (ending in ': ') shows."""
    import os
    import pty
    import sys
    import time

    pid, terminal = pty.fork()
    if pid == 0:  # the child: the command, with this terminal as its stdin, stdout and /dev/tty
        os.execv(sys.executable, [sys.executable, "-m", "consultaid", *arguments])
    shown, pending, deadline = b"", list(answers), time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            data = os.read(terminal, 4096)
        except OSError:  # the command ended and closed the terminal
            break
        if not data:
            break
        shown += data
        if pending and shown.rstrip().endswith(b":"):
            os.write(terminal, pending.pop(0))
            shown += b"<typed>\n"
    _pid, status = os.waitpid(pid, 0)
    os.close(terminal)
    return os.waitstatus_to_exitcode(status), shown.decode("utf-8", "replace")


def test_init_asks_the_passwords_on_a_terminal_and_sets_them(pg_server, names):
    admin_url = pg_server[ADMIN_URL_VARIABLE]
    code, shown = _run_on_a_terminal(
        ["server", "init", "--owner-url", admin_url, "--database", names["database"], "--owner-role", names["owner"],
         "--app-role", names["app"]],
        [b"owner-secret-1\n", b"owner-secret-1\n", b"app-secret-2\n", b"app-typo\n", b"app-secret-2\n",
         b"app-secret-2\n"])
    assert code == 0, shown
    assert "The two passwords differ" in shown  # the typo was caught and asked again
    assert "secret" not in shown.replace("<typed>", "")  # never echoed
    with psycopg.connect(url_for(admin_url, names["owner"], "owner-secret-1", names["database"])) as owner:
        assert owner.execute("SELECT current_user").fetchone() == (names["owner"],)
    with psycopg.connect(url_for(admin_url, names["app"], "app-secret-2", names["database"])) as app:
        assert app.execute("SELECT current_user").fetchone() == (names["app"],)
