"""Connecting to the clinic server: TLS with the server's certificate verified, unless the database is
reached through a local socket; passwords from the URL, libpq's password file or the keyring, never
from settings files, and never written to a log or a message."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from consultaid.i18n import _

if TYPE_CHECKING:
    import psycopg

# Weaker modes would accept an impostor's certificate (verify-ca checks the CA but not the host name).
REQUIRED_SSL_MODE = "verify-full"
KEYRING_SERVICE = "ConsultAid clinic server"
CONNECT_TIMEOUT_SECONDS = 10


class ServerError(Exception):
    """A connection problem worded for the user and IT; `kind` says which: "insecure" (refused before
    connecting), "offline" (the server could not be reached or refused us), "schema" (wrong version)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def _is_local_socket(host: str) -> bool:
    # libpq reads a host that starts with "/" (or "@", Linux's abstract namespace) as a socket folder.
    return host.startswith(("/", "@"))


def checked_conninfo(url: str) -> str:
    """The connection string to use for `url` (a postgresql:// URL or key=value string): unchanged for a
    local socket; for any network host, TLS with full certificate verification (added when the URL does
    not say; a weaker sslmode is refused). Raises ServerError("insecure") with the reason."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        parts = conninfo_to_dict(url)
    except Exception as error:  # psycopg.ProgrammingError: the libpq parser's message names no secret
        raise ServerError("insecure", _("The database address is not valid: {reason}").format(
            reason=str(error).splitlines()[0])) from None
    hosts = [host for host in str(parts.get("host") or os.environ.get("PGHOST", "")).split(",") if host]
    addresses = parts.get("hostaddr") or os.environ.get("PGHOSTADDR")
    network = [host for host in hosts if not _is_local_socket(host)]
    # A service (pg_service.conf) may name a network host we cannot see here: treated as one. libpq
    # ignores sslmode on a local socket, so requiring verification there costs nothing.
    hidden = not hosts and (parts.get("service") or os.environ.get("PGSERVICE"))
    if not network and not addresses and not hidden:
        return make_conninfo("", **parts)  # only local sockets: the operating system protects them
    mode = parts.get("sslmode") or os.environ.get("PGSSLMODE")
    if mode is None:
        parts["sslmode"] = REQUIRED_SSL_MODE
    elif mode != REQUIRED_SSL_MODE:
        raise ServerError("insecure", _(
            "Refused: the clinic server {host} must be reached over TLS with its certificate verified "
            "(sslmode=verify-full), and this address asks for sslmode={mode}. Give the CA certificate with "
            "sslrootcert=FILE.").format(host=",".join(network) or addresses or hidden, mode=mode))
    return make_conninfo("", **parts)


def keyring_account(parts: dict[str, Any]) -> str:
    """The keyring entry of a server password: the user and where, never the password itself."""
    return f"{parts.get('user', '')}@{parts.get('host', '')}:{parts.get('port', '5432')}/{parts.get('dbname', '')}"


def _keyring_password(conninfo: str) -> str | None:
    from psycopg.conninfo import conninfo_to_dict

    parts = conninfo_to_dict(conninfo)
    if parts.get("password"):
        return None
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, keyring_account(parts))
    except Exception:  # no keyring on this machine: libpq's password file or the URL may still have one
        return None


def connect(url: str, use_keyring: bool = False, timeout: int = CONNECT_TIMEOUT_SECONDS) -> psycopg.Connection[Any]:
    """An autocommit psycopg connection (transactions are opened explicitly), after checked_conninfo.
    With `use_keyring`, a password missing from the URL is looked up in the system keyring. A network
    cut is noticed within about `timeout` seconds, also mid-query (TCP keepalives and user timeout): the
    app then goes on with its local queue instead of waiting for the server."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    conninfo = checked_conninfo(url)
    password = _keyring_password(conninfo) if use_keyring else None
    if password:
        conninfo = make_conninfo(conninfo, password=password)
    try:
        return psycopg.connect(conninfo, autocommit=True, connect_timeout=timeout, application_name="ConsultAid",
                               keepalives=1, keepalives_idle=timeout, keepalives_interval=1, keepalives_count=3,
                               tcp_user_timeout=timeout * 1000)
    except psycopg.Error as error:
        raise ServerError("offline", _("The clinic server could not be reached: {reason}").format(
            reason=server_reason(error))) from None


def server_reason(error: Exception) -> str:
    """What the server or libpq said, without the DETAIL part: a failing row's DETAIL quotes the row, which
    can hold patient data."""
    diag = getattr(error, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    text = primary or str(error)
    return " ".join(text.split("\nDETAIL")[0].split())
