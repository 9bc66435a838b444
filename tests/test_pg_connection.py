"""Connecting to the clinic server: TLS with the certificate verified for any network host (refused
otherwise, before anything is sent), local sockets as they are, and no password in any message."""

from __future__ import annotations

import subprocess

import pytest
from psycopg.conninfo import conninfo_to_dict

from consultaid.server.connection import ServerError, checked_conninfo, connect
from tests.pg_fixtures import ADMIN_URL_VARIABLE, pg_server  # noqa: F401 (fixture)


def test_a_network_host_without_sslmode_gets_full_verification(monkeypatch):
    monkeypatch.delenv("PGSSLMODE", raising=False)
    parts = conninfo_to_dict(checked_conninfo("postgresql://app@db.clinic.example/consultaid"))
    assert parts["sslmode"] == "verify-full"


@pytest.mark.parametrize("mode", ["disable", "allow", "prefer", "require", "verify-ca"])
def test_a_weaker_tls_mode_to_a_network_host_is_refused(mode, monkeypatch):
    monkeypatch.delenv("PGSSLMODE", raising=False)
    for url in (f"postgresql://app@db.clinic.example/consultaid?sslmode={mode}",
                f"host=localhost dbname=consultaid sslmode={mode}",
                f"hostaddr=10.0.0.5 dbname=consultaid sslmode={mode}"):
        with pytest.raises(ServerError, match="verify-full") as refused:
            checked_conninfo(url)
        assert refused.value.kind == "insecure"
        assert f"sslmode={mode}" in str(refused.value)


def test_the_environment_s_sslmode_counts_too(monkeypatch):
    monkeypatch.setenv("PGSSLMODE", "prefer")
    with pytest.raises(ServerError, match="verify-full"):
        checked_conninfo("postgresql://app@db.clinic.example/consultaid")


def test_a_service_file_s_host_is_not_trusted_blindly(monkeypatch):
    monkeypatch.delenv("PGSSLMODE", raising=False)
    assert conninfo_to_dict(checked_conninfo("service=clinic"))["sslmode"] == "verify-full"
    with pytest.raises(ServerError, match="verify-full"):
        checked_conninfo("service=clinic sslmode=require")
    monkeypatch.setenv("PGSERVICE", "clinic")
    assert conninfo_to_dict(checked_conninfo("dbname=consultaid"))["sslmode"] == "verify-full"


def test_a_local_socket_needs_no_tls(monkeypatch):
    monkeypatch.delenv("PGSERVICE", raising=False)
    monkeypatch.delenv("PGSSLMODE", raising=False)
    monkeypatch.delenv("PGHOST", raising=False)
    assert "sslmode" not in conninfo_to_dict(checked_conninfo("host=/var/run/postgresql dbname=consultaid"))
    assert "sslmode" not in conninfo_to_dict(checked_conninfo("dbname=consultaid"))  # libpq's default socket
    assert conninfo_to_dict(checked_conninfo(
        "postgresql:///consultaid?host=/var/run/postgresql&sslmode=disable"))["sslmode"] == "disable"


def test_the_test_server_is_reached_over_verified_tls(pg_server):
    with connect(pg_server[ADMIN_URL_VARIABLE]) as connection:
        assert connection.info.pgconn.ssl_in_use
        assert connection.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()[0]


def test_a_server_certificate_from_another_ca_is_refused(pg_server, tmp_path):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=Impostor CA", "-keyout", str(tmp_path / "other.key"), "-out", str(tmp_path / "other.pem")],
                   check=True, capture_output=True)
    parts = conninfo_to_dict(pg_server[ADMIN_URL_VARIABLE])
    parts["sslrootcert"] = str(tmp_path / "other.pem")
    url = " ".join(f"{key}='{value}'" for key, value in parts.items())
    with pytest.raises(ServerError) as refused:
        connect(url)
    assert refused.value.kind == "offline"
    assert "certificate verify failed" in str(refused.value)
    assert parts["password"] not in str(refused.value)


def test_a_wrong_password_is_not_repeated_in_the_message(pg_server):
    parts = conninfo_to_dict(pg_server[ADMIN_URL_VARIABLE])
    parts["password"] = "Tr0ub4dor-wrong-secret"
    url = " ".join(f"{key}='{value}'" for key, value in parts.items())
    with pytest.raises(ServerError, match="password authentication failed") as refused:
        connect(url)
    assert "Tr0ub4dor" not in str(refused.value)


def test_the_server_package_is_qt_free_and_psycopg_loads_only_when_used():
    import re
    import sys

    from tests.conftest import REPO

    qt_import = re.compile(r"^\s*(from|import)\s+(PySide6|shiboken6)\b", re.MULTILINE)
    assert [path.name for path in (REPO / "consultaid" / "server").glob("*.py")
            if qt_import.search(path.read_text(encoding="utf-8"))] == []
    code = ("import sys\nfrom consultaid.cli import build_parser\nbuild_parser()\n"
            "print(sorted({name.split('.')[0] for name in sys.modules} & {'psycopg', 'PySide6'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.stdout.strip() == "[]", result.stderr
