"""A PostgreSQL cluster of the test's own, that the test may stop, kill (SIGKILL of the postmaster) and
start again, without disturbing the session's shared test server (tests/pg_fixtures.py). Migrated, with
the application role's URL ready."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import tempfile
import time
from pathlib import Path

import pytest

from tests.pg_fixtures import (
    ADMIN_URL_VARIABLE,
    APP_ROLE,
    OWNER_ROLE,
    SKIP_VARIABLE,
    ClusterUnavailable,
    _postgres_bin,
    _run_as_server_user,
    start_cluster,
    stop_cluster,
    url_for,
)


class OwnServer:
    def __init__(self, folder: Path, environment: dict):
        self.folder = folder
        self.data = folder / "server" / "data"
        self.admin_url = environment[ADMIN_URL_VARIABLE]
        self.passwords = {OWNER_ROLE: secrets.token_urlsafe(12), APP_ROLE: secrets.token_urlsafe(12)}
        self.database = "clinic"
        self.app_url = url_for(self.admin_url, APP_ROLE, self.passwords[APP_ROLE], self.database)
        self.admin_db_url = url_for(self.admin_url, "consultaid_test_admin",
                                    _password(self.admin_url), self.database)

    def set_up(self) -> None:
        import psycopg
        from psycopg import sql

        from consultaid.server.connection import connect
        from consultaid.server.migrations import migrate
        from consultaid.server.setup import create_database, create_roles

        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            create_roles(admin, OWNER_ROLE, APP_ROLE)
            for role, password in self.passwords.items():
                admin.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))
            create_database(admin, self.database, OWNER_ROLE, APP_ROLE)
        with connect(url_for(self.admin_url, OWNER_ROLE, self.passwords[OWNER_ROLE], self.database)) as owner:
            migrate(owner, app_role=APP_ROLE)

    def stop(self) -> None:
        """A clean, fast stop (what a restart or a network cut looks like to the workstation)."""
        _run_as_server_user([str(_postgres_bin() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
                            cwd=self.folder)

    def kill(self) -> None:
        """SIGKILL of the postmaster: no shutdown at all; its backends notice and exit on their own."""
        pid = int((self.data / "postmaster.pid").read_text().splitlines()[0])
        os.kill(pid, signal.SIGKILL)

    def start(self) -> None:
        """Starts it again (crash recovery replays the WAL); retried while killed backends still hold the
        old shared memory."""
        deadline = time.monotonic() + 60
        while True:
            try:
                _run_as_server_user([str(_postgres_bin() / "pg_ctl"), "-D", str(self.data), "-l",
                                     str(self.folder / "server" / "server.log"), "-w", "-t", "60", "start"],
                                    cwd=self.folder)
                return
            except ClusterUnavailable:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)


def _password(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    return conninfo_to_dict(url).get("password", "")


@pytest.fixture
def own_server():
    if os.environ.get(SKIP_VARIABLE):
        pytest.skip(f"no PostgreSQL test server: {os.environ[SKIP_VARIABLE]}")
    folder = Path(tempfile.mkdtemp(prefix="consultaid-pg-own-"))
    try:
        server = OwnServer(folder, start_cluster(folder))
        server.set_up()
    except ClusterUnavailable as error:
        stop_cluster(folder)
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"no PostgreSQL test server: {error}")
    try:
        yield server
    finally:
        stop_cluster(folder)
        shutil.rmtree(folder, ignore_errors=True)
