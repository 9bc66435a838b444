"""`consultaid server init` and `consultaid server migrate`: setting up the clinic's PostgreSQL server
(no Qt). Passwords come from libpq's usual places (the URL, PGPASSFILE / ~/.pgpass, PGPASSWORD) or are
asked on the terminal; none is ever printed."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from consultaid.i18n import _

if TYPE_CHECKING:
    import psycopg

URL_VARIABLE = "CONSULTAID_DATABASE_URL"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from consultaid.server.setup import DEFAULT_APP_ROLE, DEFAULT_DATABASE, DEFAULT_OWNER_ROLE

    server = commands.add_parser("server", help=_("set up the clinic's PostgreSQL record server"))
    actions = server.add_subparsers(dest="server_command", metavar="ACTION", required=True)
    init = actions.add_parser(
        "init", help=_("print the SQL that creates the database and its two roles, or run it with --owner-url"),
        description=_("Print the psql script that creates the clinic database, its owner role (migrates the "
                      "schema) and its application role (what workstations log in as). With --owner-url, run "
                      "it through that administrator connection instead. Exit status: 0 done, 1 the server "
                      "refused or could not be reached."))
    init.add_argument("--owner-url", metavar="URL",
                      help=_("connection URL of a PostgreSQL administrator allowed to create roles and "
                             "databases; the password comes from PGPASSFILE or the URL"))
    init.add_argument("--database", default=DEFAULT_DATABASE, metavar="NAME",
                      help=_("database name (default: {name})").format(name=DEFAULT_DATABASE))
    init.add_argument("--owner-role", default=DEFAULT_OWNER_ROLE, metavar="ROLE",
                      help=_("owner role (default: {name})").format(name=DEFAULT_OWNER_ROLE))
    migrate = actions.add_parser(
        "migrate", help=_("bring the clinic database's schema to this version of ConsultAid"),
        description=_("Apply the schema migrations the clinic database does not have yet, as its owner "
                      "role. Exit status: 0 up to date, 1 the server refused or could not be reached, "
                      "2 no database URL."))
    # Its own destination: the global --database-url (the application role's, for `records`) is another.
    migrate.add_argument("--database-url", dest="owner_url", metavar="URL",
                         help=_("the owner role's connection URL (default: {variable})").format(variable=URL_VARIABLE))
    importing = actions.add_parser(
        "import", help=_("move this workstation's records and audit entries to the clinic server"),
        description=_("Copy every finalized record of this workstation's database (versions, PDFs, hashes) and "
                      "its audit entries to the clinic server, each exactly once (running it again copies nothing "
                      "twice); the workstation's file is only copied (ConsultAid closed on it) and left untouched. "
                      "Prints the counts and a fingerprint of the records on both sides. Exit status: 0 all "
                      "verified, 1 a conflict, a mismatch or the server could not be used, 2 no database URL."))
    importing.add_argument("--database-url", dest="import_url", metavar="URL",
                           help=_("the application role's connection URL (default: {variable})").format(
                               variable=URL_VARIABLE))
    for action in (init, migrate):
        action.add_argument("--app-role", default=DEFAULT_APP_ROLE, metavar="ROLE",
                            help=_("application role (default: {name})").format(name=DEFAULT_APP_ROLE))


def run(args: argparse.Namespace) -> int:
    if args.server_command == "init":
        return _init(args)
    if args.server_command == "import":
        return _import(args)
    return _migrate(args)


def _import(args: argparse.Namespace) -> int:
    from consultaid.cli_verify import data_dir
    from consultaid.consultation.store import StoreError
    from consultaid.i18n import ngettext
    from consultaid.server.importing import import_workstation
    from consultaid.server.pg_store import PgStore

    url = args.import_url or getattr(args, "database_url", None) or os.environ.get(URL_VARIABLE)
    if not url:
        print(_("No database given: use --database-url URL or set {variable}.").format(variable=URL_VARIABLE),
              file=sys.stderr)
        return 2
    folder = data_dir(args)
    try:
        server = PgStore(url, anchor_dir=folder)
        try:
            report = import_workstation(folder, server)
        finally:
            server.close()
    except StoreError as error:
        print(str(error), file=sys.stderr)
        return 1
    counts = report.records
    print(ngettext("{count} record in this workstation's database", "{count} records in this workstation's database",
                   report.source_records).format(count=report.source_records) + ": " + _(
        "{arrived} imported now, {present} already on the server, {conflict} in conflict").format(**counts))
    print(ngettext("{count} audit entry imported now", "{count} audit entries imported now",
                   report.entries["arrived"]).format(count=report.entries["arrived"]) + ", " + _(
        "{present} already on the server (finalize entries are the server's own, written with each record)"
    ).format(present=report.entries["present"]))
    print(_("Fingerprint of the records here: {hash}").format(hash=report.source_fingerprint))
    print(_("Fingerprint of the same records on the server: {hash}").format(hash=report.server_fingerprint))
    for conflict in report.conflicts:
        print(_("conflict: the server holds another record for {key}; neither was changed").format(key=conflict))
    if not report.verified:
        print(_("The import is not verified: see the lines above."), file=sys.stderr)
        return 1
    print(_("Verified: every record of this workstation is on the server, unchanged; this workstation's file "
            "was not modified."), file=sys.stderr)
    return 0


def _init(args: argparse.Namespace) -> int:
    from consultaid.server.setup import init_script

    if not args.owner_url:
        sys.stdout.write(init_script(args.database, args.owner_role, args.app_role))
        return 0
    import psycopg

    from consultaid.server.connection import ServerError, connect, server_reason
    from consultaid.server.setup import create_database, create_roles

    try:
        with connect(args.owner_url) as admin:
            with admin.transaction():
                create_roles(admin, args.owner_role, args.app_role)
                asked = _ask_passwords(admin, (args.owner_role, args.app_role))
            create_database(admin, args.database, args.owner_role, args.app_role)  # not in a transaction block
    except ServerError as error:
        print(str(error), file=sys.stderr)
        return 1
    except psycopg.Error as error:
        print(_("The server refused: {reason}").format(reason=server_reason(error)), file=sys.stderr)
        return 1
    print(_("Created the database {database} and the roles {owner} and {app}.").format(
        database=args.database, owner=args.owner_role, app=args.app_role))
    if not asked:
        print(_("Set their passwords in psql with \\password {owner} and \\password {app}, then run: "
                "consultaid server migrate --database-url URL").format(owner=args.owner_role, app=args.app_role))
    return 0


def _ask_passwords(admin: psycopg.Connection[Any], roles: Sequence[str]) -> bool:
    """Asks each role's password on the terminal (twice); False when there is no terminal to ask on."""
    import getpass

    from consultaid.server.setup import set_password

    if not sys.stdin.isatty():
        return False
    for role in roles:
        while True:
            first = getpass.getpass(_("Password for {role}: ").format(role=role))
            if first and first == getpass.getpass(_("Again: ")):
                break
            print(_("The two passwords differ or are empty; try again."), file=sys.stderr)
        set_password(admin, role, first)
    return True


def _migrate(args: argparse.Namespace) -> int:
    from consultaid.server.connection import ServerError, connect
    from consultaid.server.migrations import LATEST_VERSION, MigrationError, migrate

    url = args.owner_url or getattr(args, "database_url", None) or os.environ.get(URL_VARIABLE)
    if not url:
        print(_("No database given: use --database-url URL or set {variable}.").format(variable=URL_VARIABLE),
              file=sys.stderr)
        return 2
    try:
        with connect(url) as owner:
            applied = migrate(owner, args.app_role)
    except (ServerError, MigrationError) as error:
        print(str(error), file=sys.stderr)
        return 1
    if applied:
        print(_("Migrated to schema version {version} (applied: {steps}).").format(
            version=LATEST_VERSION, steps=", ".join(map(str, applied))))
    else:
        print(_("The schema is already at version {version}.").format(version=LATEST_VERSION))
    return 0
