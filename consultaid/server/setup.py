"""What IT creates once on the clinic's PostgreSQL server: the owner role (owns and migrates the schema),
the application role (what workstations log in as) and the database. `consultaid server init` prints it
as a psql script, or runs it through an administrator's connection.

Passwords: the printed script sets them with psql's \\password, which asks for them and sends only a SCRAM
verifier; when run here, they are asked on the terminal and likewise sent only as a verifier (libpq's
PQencryptPasswordConn), so no password reaches the server's statement log, a file or a message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from consultaid.i18n import _

if TYPE_CHECKING:
    import psycopg

DEFAULT_DATABASE = "consultaid"
DEFAULT_OWNER_ROLE = "consultaid_owner"
DEFAULT_APP_ROLE = "consultaid_app"


def _identifier(name: str) -> str:
    """A role or database name quoted for SQL (psycopg's quoting, so the printed script is the one run)."""
    from psycopg import sql

    return sql.Identifier(name).as_string(None)


def role_statements(owner: str, app: str) -> list[str]:
    return [f"CREATE ROLE {_identifier(owner)} LOGIN", f"CREATE ROLE {_identifier(app)} LOGIN"]


def database_statements(database: str, owner: str, app: str) -> list[str]:
    """The database, owned by the owner role, that only the two roles may connect to."""
    name = _identifier(database)
    return [
        f"CREATE DATABASE {name} OWNER {_identifier(owner)} ENCODING 'UTF8' TEMPLATE template0",
        f"REVOKE ALL ON DATABASE {name} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {name} TO {_identifier(owner)}, {_identifier(app)}",
    ]


def init_script(database: str = DEFAULT_DATABASE, owner: str = DEFAULT_OWNER_ROLE,
                app: str = DEFAULT_APP_ROLE) -> str:
    """The psql script IT runs as a PostgreSQL administrator (`psql -f`), then `consultaid server migrate`."""
    lines = [
        "-- " + _("ConsultAid clinic server: run as a PostgreSQL administrator, e.g. sudo -u postgres psql -f FILE"),
        "-- " + _("psql asks for each role's password; it sends only a SCRAM verifier, never the password."),
        "\\set ON_ERROR_STOP on",
        *(statement + ";" for statement in role_statements(owner, app)),
        f"\\password {_identifier(owner)}",
        f"\\password {_identifier(app)}",
        *(statement + ";" for statement in database_statements(database, owner, app)),
        "-- " + _("Then, as the owner role: consultaid server migrate --database-url URL"),
    ]
    return "\n".join(lines) + "\n"


def create_roles(admin: psycopg.Connection[Any], owner: str, app: str) -> None:
    """Creates both roles, without passwords (see set_password), through an autocommit connection."""
    for statement in role_statements(owner, app):
        admin.execute(statement)


def create_database(admin: psycopg.Connection[Any], database: str, owner: str, app: str) -> None:
    for statement in database_statements(database, owner, app):
        admin.execute(statement)


def set_password(admin: psycopg.Connection[Any], role: str, password: str) -> None:
    """Sets a role's password as a SCRAM verifier computed here: the password itself is never sent."""
    from psycopg import sql

    verifier = admin.pgconn.encrypt_password(password.encode("utf-8"), role.encode("utf-8"), b"scram-sha-256")
    admin.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role),
                                                              sql.Literal(verifier.decode("ascii"))))
