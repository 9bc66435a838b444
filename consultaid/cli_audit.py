"""`consultaid audit verify`: is the audit trail whole, do its anchors agree, do the finalized records
still match it? No Qt.

Exit status: 0 every check passed; 1 a problem was found (each listed on standard output, one line each),
or the store could not be opened; 2 wrong arguments. The checks are in consultaid/consultation/audit.py;
docs/security.md says what they prove and what they cannot.
"""

from __future__ import annotations

import argparse
import sys

from consultaid.i18n import _


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = commands.add_parser("audit", help=_("check the audit trail"))
    actions = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify", help=_("report any edited, deleted or reordered audit entry"),
        description=_("Check the audit trail: every entry follows the one before it, the anchors outside the "
                      "database still find their heads in it, and every finalized record still matches the hash "
                      "its finalize entry recorded. Exit status: 0 intact, 1 a problem was found."))
    verify.add_argument("--head", action="append", default=[], metavar="HASH",
                        help=_("the audit chain hash printed on a summary (16 hex digits); the trail must still "
                               "hold it (may be given more than once)"))


def run_audit(args: argparse.Namespace) -> int:
    from consultaid.cli_verify import data_dir
    from consultaid.consultation.store import DatabaseError, StoreError
    from consultaid.server.opening import open_record_store

    try:
        # --database-url, CONSULTAID_DATABASE_URL, then Settings: the clinic server's chain, or this workstation's.
        store = open_record_store(data_dir(args), url=getattr(args, "database_url", None))
    except StoreError as error:
        print(str(error), file=sys.stderr)
        return 1
    if store.key_warning:
        print("\u26a0 " + store.key_warning, file=sys.stderr)
    try:
        problems = store.verify_audit(printed_heads=args.head)
        head = store.latest_audit_hash()
    except DatabaseError as error:   # a damaged page met while reading the trail or a record
        print(_("The audit trail could not be read: {reason}").format(reason=error), file=sys.stderr)
        return 1
    except StoreError as error:      # the server went away while it was read
        print(str(error), file=sys.stderr)
        return 1
    finally:
        store.close()
    for problem in problems:
        print(problem)
    if problems:
        print(_("The audit trail cannot be trusted: each problem is listed above."),
              file=sys.stderr)
        return 1
    print(_("The audit trail is intact ({hash}).").format(hash=head[:16]), file=sys.stderr)
    return 0
