"""The clinic server's schema migrations: applied in order, each with its schema_version row in the same
transaction, never twice, and a failing step leaves the database as it was."""

from __future__ import annotations

import pytest

from consultaid.server.connection import connect
from consultaid.server.migrations import LATEST_VERSION, MIGRATIONS, MigrationError, migrate, schema_version
from tests.pg_fixtures import APP_ROLE, pg_database, pg_roles, pg_server  # noqa: F401 (fixtures)

TABLES = "SELECT array_agg(tablename::text ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'"


def test_an_empty_database_is_migrated_once(pg_database):
    with connect(pg_database["owner"]) as owner:
        assert schema_version(owner) == 0
        assert migrate(owner, APP_ROLE) == [number for number, _d, _s in MIGRATIONS]
        assert schema_version(owner) == LATEST_VERSION
        assert owner.execute(TABLES).fetchone()[0] == ["addenda", "arrivals", "audit", "drafts", "outbox",
                                                       "records", "schema_version"]
        recorded = owner.execute("SELECT version, description FROM schema_version ORDER BY version").fetchall()
        assert recorded == [(number, description) for number, description, _s in MIGRATIONS]
        assert migrate(owner, APP_ROLE) == []  # nothing twice
        assert owner.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)


def test_a_later_migration_is_applied_to_a_database_at_an_earlier_version(pg_database):
    later = [*MIGRATIONS, (len(MIGRATIONS) + 1, "workstations", "CREATE TABLE workstations (name text);"
                                                                 " GRANT SELECT ON workstations TO {app};")]
    with connect(pg_database["owner"]) as owner:
        migrate(owner, APP_ROLE)
        assert migrate(owner, APP_ROLE, later) == [len(MIGRATIONS) + 1]
        assert schema_version(owner) == len(MIGRATIONS) + 1
    with connect(pg_database["app"]) as app:
        assert app.execute("SELECT count(*) FROM workstations").fetchone() == (0,)  # {app} was granted


def test_a_failing_migration_leaves_no_trace(pg_database):
    broken = [*MIGRATIONS, (len(MIGRATIONS) + 1, "broken", "CREATE TABLE half_done (x int); SELECT 1/0;")]
    with connect(pg_database["owner"]) as owner:
        with pytest.raises(MigrationError, match="division by zero"):
            migrate(owner, APP_ROLE, broken)
        # The steps before it were applied and kept; the broken one left neither its table nor its row.
        assert schema_version(owner) == LATEST_VERSION
        assert "half_done" not in owner.execute(TABLES).fetchone()[0]


def test_a_database_newer_than_this_program_is_refused(pg_database):
    with connect(pg_database["owner"]) as owner:
        migrate(owner, APP_ROLE)
        owner.execute("INSERT INTO schema_version (version, description) VALUES (%s, 'from the future')",
                      (LATEST_VERSION + 5,))
        with pytest.raises(MigrationError, match="newer than this ConsultAid"):
            migrate(owner, APP_ROLE)


def test_migrations_must_be_numbered_in_order(pg_database):
    with connect(pg_database["owner"]) as owner:
        with pytest.raises(MigrationError):
            migrate(owner, APP_ROLE, [(2, "skips one", "SELECT 1")])
        assert schema_version(owner) == 0
