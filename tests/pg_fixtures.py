"""A real, throw-away PostgreSQL server for the tests, with TLS, and the fixtures that use it.

`packaging/dev.sh test` starts one cluster for the whole run (`python -m tests.pg_fixtures start DIR`
prints the CONSULTAID_TEST_PG_* variables to export; `stop DIR` stops it afterwards). When pytest runs
without those variables, the session fixture starts a cluster of its own in a temporary folder and stops
it at the end. Either way: initdb into a temporary folder, run by a non-root user (PostgreSQL refuses to
run as root; under root the `postgres` system user of Debian's package runs it), a test CA and a server
certificate made with openssl, TCP on 127.0.0.1 only, and a pg_hba.conf that accepts nothing but TLS
with a password. Tests connect with sslmode=verify-full against the test CA. If PostgreSQL cannot be
found or started, the PostgreSQL tests skip and say why.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest

ADMIN_URL_VARIABLE = "CONSULTAID_TEST_PG_ADMIN_URL"  # a superuser, over TLS verified against the test CA
CA_VARIABLE = "CONSULTAID_TEST_PG_CA"
DATA_VARIABLE = "CONSULTAID_TEST_PG_DIR"  # the cluster's folder (its data directory is DIR/data)
SKIP_VARIABLE = "CONSULTAID_TEST_PG_SKIP"  # set by dev.sh when it could not start a cluster: the reason
SUPERUSER = "consultaid_test_admin"
# Roles made once per test session (roles belong to the whole cluster); each test gets its own database.
OWNER_ROLE = "consultaid_test_owner"
APP_ROLE = "consultaid_test_app"


class ClusterUnavailable(Exception):
    """PostgreSQL is not installed, or the cluster could not be started: the reason, for the skip."""


def _postgres_bin() -> Path:
    """The bin folder of the newest PostgreSQL 15+ that Debian's packages installed."""
    candidates = []
    for folder in Path("/usr/lib/postgresql").glob("*/bin"):
        if (folder / "initdb").exists() and folder.parent.name.isdigit() and int(folder.parent.name) >= 15:
            candidates.append(folder)
    if candidates:
        return max(candidates, key=lambda folder: int(folder.parent.name))
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise ClusterUnavailable("PostgreSQL 15+ is not installed (no initdb; Debian package: postgresql)")


def _run_as_server_user(arguments: list[str], cwd: Path) -> None:
    """Runs a PostgreSQL program as a non-root user (the `postgres` user when we are root)."""
    program = Path(arguments[0]).name
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise ClusterUnavailable("running as root and there is no `postgres` user to run the server") from None
        arguments = ["runuser", "-u", "postgres", "--", *arguments]
    result = subprocess.run(arguments, cwd=cwd, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise ClusterUnavailable(f"{program} failed: "
                                 f"{(result.stderr or result.stdout).strip()[-500:]}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _make_certificates(folder: Path) -> None:
    """A test CA, and a server certificate it signs for localhost and 127.0.0.1."""
    if not shutil.which("openssl"):
        raise ClusterUnavailable("openssl is not installed (needed to make the test certificates)")

    def openssl(*arguments: str) -> None:
        result = subprocess.run(["openssl", *arguments], cwd=folder, capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise ClusterUnavailable(f"openssl {arguments[0]} failed: {result.stderr.strip()[-300:]}")

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=ConsultAid test CA",
            "-keyout", "ca.key", "-out", "ca.pem")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
            "-out", "server.csr")
    (folder / "server.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n", encoding="ascii")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-extfile", "server.ext", "-out", "server.pem")
    (folder / "ca.key").unlink()  # nothing else is ever signed with it


def start_cluster(folder: Path) -> dict[str, str]:
    """Starts a new cluster in `folder` (made if needed); returns the environment variables to export."""
    binaries = _postgres_bin()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    server_dir = folder / "server"  # what the server user owns: data, key, socket
    server_dir.mkdir(mode=0o700, exist_ok=True)
    _make_certificates(server_dir)
    (server_dir / "pwfile").write_text(password + "\n", encoding="ascii")
    if os.geteuid() == 0:
        folder.chmod(0o755)
        shutil.chown(server_dir, "postgres", "postgres")
        for path in server_dir.iterdir():
            shutil.chown(path, "postgres", "postgres")
    (server_dir / "server.key").chmod(0o600)
    port = _free_port()
    data = server_dir / "data"
    _run_as_server_user([str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER, "--pwfile",
                         str(server_dir / "pwfile"), "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"],
                        cwd=server_dir)
    (server_dir / "pwfile").unlink()
    settings = {
        "listen_addresses": "'127.0.0.1'",
        "port": str(port),
        "unix_socket_directories": f"'{server_dir}'",
        "ssl": "on",
        "ssl_cert_file": f"'{server_dir / 'server.pem'}'",
        "ssl_key_file": f"'{server_dir / 'server.key'}'",
        "max_connections": "100",
        "logging_collector": "off",
    }
    with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
        conf.write("\n# ConsultAid test cluster\n")
        conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
    # Only TLS connections with a password: a test that forgets TLS fails instead of silently working.
    (data / "pg_hba.conf").write_text(
        "local all all scram-sha-256\n"
        "hostssl all all 127.0.0.1/32 scram-sha-256\n"
        "hostnossl all all 0.0.0.0/0 reject\n", encoding="ascii")
    _run_as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(server_dir / "server.log"),
                         "-w", "-t", "60", "start"], cwd=server_dir)
    ca = folder / "ca.pem"
    shutil.copyfile(server_dir / "ca.pem", ca)
    url = (f"postgresql://{SUPERUSER}:{quote(password, safe='')}@localhost:{port}/postgres"
           f"?sslmode=verify-full&sslrootcert={quote(str(ca), safe='/')}")
    return {ADMIN_URL_VARIABLE: url, CA_VARIABLE: str(ca), DATA_VARIABLE: str(folder)}


def stop_cluster(folder: Path) -> None:
    """Stops the cluster started in `folder` (immediate shutdown: its data is thrown away)."""
    data = Path(folder) / "server" / "data"
    if not (data / "postmaster.pid").exists():
        return
    try:
        _run_as_server_user([str(_postgres_bin() / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                            cwd=Path(folder))
    except ClusterUnavailable as error:
        print(f"The test PostgreSQL cluster could not be stopped: {error}", file=sys.stderr)


# --- pytest fixtures -------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def pg_server():
    """The test cluster's environment (admin URL, CA); skips the test, saying why, when there is none."""
    if os.environ.get(SKIP_VARIABLE):
        pytest.skip(f"no PostgreSQL test server: {os.environ[SKIP_VARIABLE]}")
    if os.environ.get(ADMIN_URL_VARIABLE):
        yield {name: os.environ[name] for name in (ADMIN_URL_VARIABLE, CA_VARIABLE) if name in os.environ}
        return
    folder = Path(tempfile.mkdtemp(prefix="consultaid-pg-"))
    try:
        environment = start_cluster(folder)
    except ClusterUnavailable as error:
        stop_cluster(folder)
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"no PostgreSQL test server: {error}")
    try:
        yield environment
    finally:
        stop_cluster(folder)
        shutil.rmtree(folder, ignore_errors=True)


def url_for(admin_url: str, user: str, password: str, database: str) -> str:
    """The admin URL with another user, password and database (same host, port, TLS settings)."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    parts = conninfo_to_dict(admin_url)
    parts.update(user=user, password=password, dbname=database)
    return make_conninfo(**parts)


@pytest.fixture(scope="session")
def pg_roles(pg_server):
    """The owner and application roles, made once for the session, with throw-away passwords."""
    import psycopg
    from psycopg import sql

    from consultaid.server.setup import create_roles

    passwords = {OWNER_ROLE: secrets.token_urlsafe(12), APP_ROLE: secrets.token_urlsafe(12)}
    with psycopg.connect(pg_server[ADMIN_URL_VARIABLE], autocommit=True) as admin:
        exists = admin.execute("SELECT count(*) FROM pg_roles WHERE rolname IN (%s, %s)",
                               (OWNER_ROLE, APP_ROLE)).fetchone()[0]
        if not exists:
            create_roles(admin, OWNER_ROLE, APP_ROLE)
        for role, password in passwords.items():
            # Test-only: IT sets these with psql's \password, which never sends the password in clear.
            admin.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))
    return passwords


@pytest.fixture
def pg_database(pg_server, pg_roles):
    """A new, empty database for one test, owned by the owner role; dropped afterwards. Returns the URLs
    of the owner, the application role and the admin for it."""
    import psycopg

    from consultaid.server.setup import create_database

    name = f"consultaid_test_{secrets.token_hex(4)}"
    admin_url = pg_server[ADMIN_URL_VARIABLE]
    with psycopg.connect(admin_url, autocommit=True) as admin:
        create_database(admin, name, OWNER_ROLE, APP_ROLE)
    urls = {
        "name": name,
        "owner": url_for(admin_url, OWNER_ROLE, pg_roles[OWNER_ROLE], name),
        "app": url_for(admin_url, APP_ROLE, pg_roles[APP_ROLE], name),
        "admin": url_for(admin_url, SUPERUSER, _password(admin_url), name),
        "app_role": APP_ROLE,
    }
    yield urls
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def migrated(pg_database):
    """A test database at the latest schema version."""
    from consultaid.server.connection import connect
    from consultaid.server.migrations import migrate

    with connect(pg_database["owner"]) as owner:
        migrate(owner, app_role=APP_ROLE)
    return pg_database


def _password(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    return conninfo_to_dict(url).get("password", "")


def main(argv: list[str]) -> int:
    """`start DIR`: start a cluster and print `export NAME=VALUE` lines; `stop DIR`: stop it."""
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print("usage: python -m tests.pg_fixtures start|stop DIR", file=sys.stderr)
        return 2
    folder = Path(argv[1])
    if argv[0] == "stop":
        stop_cluster(folder)
        return 0
    try:
        environment = start_cluster(folder)
    except ClusterUnavailable as error:
        stop_cluster(folder)
        environment = {SKIP_VARIABLE: str(error)}
        print(f"PostgreSQL tests will be skipped: {error}", file=sys.stderr)
    for name, value in environment.items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
