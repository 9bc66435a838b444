"""Where the clinic server is: host, port, database, user and the CA that vouches for it. No Qt here.

Settings › Data keeps these five (never the password: that goes to the system keyring, see
`consultaid.consultation.keystore`); IT can give the same as a URL (`--database-url` or
CONSULTAID_DATABASE_URL, libpq's `postgresql://user@host:port/database?sslrootcert=...` form). Either
way the connection is described here once, as libpq keywords, with the rule that makes it safe: any host
but a local socket must be reached over TLS with the server's certificate verified against the CA
(`sslmode=verify-full`), so a stolen network position cannot read or feed the records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from consultaid.i18n import _

DEFAULT_PORT = 5432
DEFAULT_DATABASE = "consultaid"
KEYRING_SERVICE = "ConsultAid clinic server"
URL_SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True)
class ServerLocation:
    host: str
    port: int = DEFAULT_PORT
    database: str = DEFAULT_DATABASE
    user: str = ""
    ca_certificate: str = ""      # PEM file of the CA that signed the server's certificate
    password: str = field(default="", repr=False)   # only when IT put it in the URL; never in settings

    @property
    def is_local_socket(self) -> bool:
        """A Unix-domain socket folder: the connection never leaves this machine, so TLS adds nothing."""
        return self.host.startswith("/")

    @property
    def keyring_user(self) -> str:
        """Under which name the password is kept in the keyring: one per server, database and user."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

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

    def conninfo(self, password: str | None = None) -> dict[str, str | int]:
        """libpq connection keywords (psycopg.connect(**...)). Raises ValueError with the first problem, so
        nothing ever connects without certificate verification to a host on the network."""
        problems = self.problems()
        if problems:
            raise ValueError(next(iter(problems.values())))
        keywords: dict[str, str | int] = {"host": self.host, "port": self.port, "dbname": self.database,
                                          "user": self.user, "application_name": "ConsultAid",
                                          "connect_timeout": 5}
        if not self.is_local_socket:
            keywords["sslmode"] = "verify-full"
            keywords["sslrootcert"] = str(Path(self.ca_certificate).expanduser())
        secret = password if password is not None else self.password
        if secret:
            keywords["password"] = secret
        return keywords

    def described(self) -> str:
        """For the status bar and logs: where, never the password."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"


def location_from_url(url: str) -> ServerLocation:
    """`postgresql://user[:password]@host[:port]/database?sslrootcert=/path/ca.pem` (or `host=/run/...` for a
    socket). Raises ValueError, in words, when it is not such a URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in URL_SCHEMES:
        raise ValueError(_("The database URL must start with postgresql://."))
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    try:
        port = parts.port or int(query.get("port", DEFAULT_PORT))
    except ValueError:
        raise ValueError(_("The port must be a whole number from 1 to 65535.")) from None
    host = unquote(parts.hostname or "") or query.get("host", "")
    database = unquote(parts.path.lstrip("/")) or query.get("dbname", DEFAULT_DATABASE)
    mode = query.get("sslmode")
    if mode is not None and mode != "verify-full" and not host.startswith("/"):
        raise ValueError(_("A clinic server on the network is reached only with sslmode=verify-full."))
    return ServerLocation(host=host, port=port, database=database, user=unquote(parts.username or ""),
                          ca_certificate=query.get("sslrootcert", ""), password=unquote(parts.password or ""))


def stored_password(location: ServerLocation) -> str | None:
    """The password kept in the system keyring for this server and user, or None (no keyring, none kept)."""
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, location.keyring_user)
    except Exception:  # noqa: BLE001 — no keyring backend: the caller asks, or libpq's own .pgpass is used
        return None


def keep_password(location: ServerLocation, password: str) -> bool:
    """Puts the password in the system keyring; False when there is no keyring (it is then never written
    anywhere: the workstation asks for it, or IT provides a .pgpass file)."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, location.keyring_user, password)
        return True
    except Exception:  # noqa: BLE001
        return False
