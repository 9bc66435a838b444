"""Where the clinic server is, as Settings › Data keeps it: host, port, database, user and the CA that vouches
for the server. No Qt, no psycopg here (the settings are read at every start; psycopg only when connecting).

The password is never part of it: it goes to the system keyring (`keep_password`), under the same account
name `connection.connect(..., use_keyring=True)` looks up. The rule that makes the connection safe is checked
twice: here, so the Settings page can say it beside the field, and again by `connection.checked_conninfo`
when connecting, whatever the connection string came from (Settings, `--database-url`, the environment).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from consultaid.i18n import _

DEFAULT_PORT = 5432
DEFAULT_DATABASE = "consultaid"


@dataclass(frozen=True)
class ServerLocation:
    host: str
    port: int = DEFAULT_PORT
    database: str = DEFAULT_DATABASE
    user: str = ""
    ca_certificate: str = ""      # PEM file of the CA that signed the server's certificate

    @property
    def is_local_socket(self) -> bool:
        """A Unix-domain socket folder: the connection never leaves this machine, so TLS adds nothing."""
        return self.host.startswith(("/", "@"))

    def problems(self) -> dict[str, str]:
        """Field ("host", "port", "database", "user", "ca_certificate") -> what is wrong; empty when usable."""
        problems: dict[str, str] = {}
        if not self.host.strip():
            problems["host"] = _("Enter the clinic server's name or address.")
        if not 1 <= self.port <= 65535:
            problems["port"] = _("The port must be a whole number from 1 to 65535.")
        if not self.database.strip():
            problems["database"] = _("Enter the name of the records database.")
        if not self.user.strip():
            problems["user"] = _("Enter the database user this workstation signs in as.")
        if not self.is_local_socket:
            if not self.ca_certificate:
                problems["ca_certificate"] = _("A clinic server on the network is reached only over TLS: choose "
                                               "the CA certificate that signed the server's certificate.")
            elif not Path(self.ca_certificate).expanduser().is_file():
                problems["ca_certificate"] = _("There is no certificate file at this place.")
        return problems

    def conninfo(self) -> str:
        """The libpq connection string (no password: the keyring or libpq's password file gives it)."""
        keywords = {"host": self.host, "port": str(self.port), "dbname": self.database, "user": self.user}
        if not self.is_local_socket:
            keywords |= {"sslmode": "verify-full", "sslrootcert": str(Path(self.ca_certificate).expanduser())}
        return " ".join(f"{name}={_quoted(value)}" for name, value in keywords.items())

    def keyring_parts(self) -> dict[str, str]:
        return {"user": self.user, "host": self.host, "port": str(self.port), "dbname": self.database}

    def described(self) -> str:
        """For the status bar and logs: where, never a secret."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"


def _quoted(value: str) -> str:
    """A libpq keyword value: quoted, with backslashes and quotes escaped (a path may hold spaces)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def keep_password(location: ServerLocation, password: str) -> bool:
    """Puts the password in the system keyring; False when there is no keyring (it is then written nowhere:
    the workstation asks for it, or IT gives the account libpq's password file)."""
    from consultaid.server.connection import KEYRING_SERVICE, keyring_account

    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, keyring_account(location.keyring_parts()), password)
        return True
    except Exception:  # noqa: BLE001 — no keyring backend on this machine
        return False
