"""`consultaid records …`: the record store from the command line (no Qt); `audit verify` is in cli_audit.py.

Beside a running ConsultAid (which holds the data folder's lock, consultaid/instance_lock.py), these
commands behave as follows. `list`, `show`, `check`, `audit verify` and `key export` only read (plus, for
`key export` and `export`, one audit entry): SQLite's own locking (WAL, a transaction per write, a busy
timeout) keeps them and the app from ever seeing or writing half a change, and an audit entry is chained
inside its transaction, so the chain stays whole whoever appends. They never touch a draft, so they cannot
take over the consultation in progress; they do not take the lock, so running one never stops the app
from starting. `reset` replaces the database file itself: the app would keep writing to the file set
aside, so it needs the lock and refuses while ConsultAid is open on that folder. `key import` is checked
against the database before it changes anything, so the running app keeps a key that opens its file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from consultaid.files import write_atomically
from consultaid.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from consultaid.consultation.record_store import RecordStore
    from consultaid.consultation.store import Store

STATUS_WORDS = {"finalized": N_("finalized"), "corrected": N_("corrected")}


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    records = commands.add_parser("records", help=_("list, show and export stored consultations"))
    actions = records.add_subparsers(dest="records_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help=_("list finalized consultations, newest first"))
    listing.add_argument("--search", default="", metavar="TEXT", help=_("patient name prefix or identifier"))
    listing.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help=_("from this date"))
    listing.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help=_("up to this date"))
    listing.add_argument("--json", action="store_true", help=_("machine-readable output"))
    show = actions.add_parser("show", help=_("show one stored consultation"))
    show.add_argument("id", type=int, metavar="ID")
    export = actions.add_parser("export", help=_("write the exact stored PDF of a consultation"))
    export.add_argument("id", type=int, metavar="ID")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf")
    export.add_argument("--addendum", type=int, metavar="N",
                        help=_("write the consultation's addendum N instead (as `records show` numbers them)"))
    key = actions.add_parser("key", help=_("back up or restore the key that encrypts the records"))
    key_actions = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    key_export = key_actions.add_parser("export", help=_("write a copy of the key to a new file, to keep apart "
                                                         "from the backups of the records"))
    key_export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.key")
    key_import = key_actions.add_parser("import", help=_("make the key in this file the key of the data folder"))
    key_import.add_argument("file", type=Path, metavar="FILE.key")
    actions.add_parser("check", help=_("check the whole database for damage (reads every record)"))
    reset = actions.add_parser("reset", help=_("set an empty or damaged records database aside (kept, under a "
                                               "dated name) and start an empty one"))
    reset.add_argument("--i-understand", action="store_true",
                       help=_("confirm: the records in the database set aside are no longer listed"))


def _data_dir(args: argparse.Namespace) -> Path:
    from consultaid.paths import user_data_dir
    from consultaid.settings import load_settings

    configured = load_settings().data_dir
    if args.data_dir is None and configured and not os.environ.get("CONSULTAID_DATA_DIR"):
        return Path(configured)  # --data-dir, then the environment, then Settings
    return args.data_dir or user_data_dir()


def _open(args: argparse.Namespace) -> RecordStore:
    """The record store of --database-url, CONSULTAID_DATABASE_URL or Settings (server/opening.py)."""
    from consultaid.consultation.store import open_store
    from consultaid.server.opening import open_record_store

    if args.records_command in WORKSTATION_ONLY:
        return open_store(_data_dir(args))   # the file itself, whichever store the records are kept in
    return open_record_store(_data_dir(args), url=getattr(args, "database_url", None))


# What only this workstation's SQLite file has: its key, its file-level check, setting it aside.
WORKSTATION_ONLY = ("key", "check", "reset")


def run(args: argparse.Namespace) -> int:
    from consultaid.consultation.record_store import database_url
    from consultaid.consultation.store import StoreError

    if args.records_command in WORKSTATION_ONLY and database_url(getattr(args, "database_url", None)):
        print(_("`consultaid records {action}` is about this workstation's database file; the clinic server's "
                "database is looked after by IT with PostgreSQL's own tools.").format(action=args.records_command),
              file=sys.stderr)
        return 2

    if args.command == "records" and args.records_command == "key" and args.key_command == "import":
        return _import_key(args)  # before opening: the store cannot open without its key
    if args.command == "records" and args.records_command == "reset":
        return _reset(args)  # an empty or damaged database does not open

    from consultaid.consultation.store import DatabaseError, classify_error

    try:
        store = _open(args)
    except StoreError as error:
        print(str(error), file=sys.stderr)
        return 1
    if store.key_warning:  # on stderr: `records list --json` output stays clean
        print("\u26a0 " + store.key_warning, file=sys.stderr)
    try:
        # "key" and "check" get this workstation's Store (_open opens it for WORKSTATION_ONLY), the others
        # any RecordStore: one table for both, so its store parameter is Any.
        commands: dict[str, Callable[[Any, argparse.Namespace], int]] = {
            "list": _list, "show": _show, "export": _export, "key": _export_key, "check": _check}
        return commands[args.records_command](store, args)
    except StoreError as error:
        print(str(error), file=sys.stderr)
        return 1
    except DatabaseError as error:  # a read the store did not word (e.g. the audit trail on a damaged page)
        print(str(classify_error(error)), file=sys.stderr)
        return 1
    finally:
        store.close()


def _list(store: RecordStore, args: argparse.Namespace) -> int:
    rows = store.search(args.search, args.date_from, args.date_to)
    if args.json:
        print(json.dumps([row.__dict__ for row in rows], ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        print(f"{row.id}\t{row.consultation_date}\t{row.patient_name}\t{row.patient_identifier}\t"
              f"{row.procedure_id}\tv{row.version}\t{_(STATUS_WORDS[row.status])}")
    print(ngettext("{count} consultation", "{count} consultations", len(rows)).format(count=len(rows)),
          file=sys.stderr)
    return 0


def _stored(store: RecordStore, record_id: int) -> tuple[dict[str, Any], bytes] | None:
    """(record, pdf) of a stored consultation, or None after saying that there is none."""
    try:
        return store.record(record_id)
    except KeyError:
        print(_("No stored consultation has the id {id}.").format(id=record_id), file=sys.stderr)
        return None


def _show(store: RecordStore, args: argparse.Namespace) -> int:
    stored = _stored(store, args.id)
    if stored is None:
        return 1
    record, pdf = stored
    setup = record["setup"]
    for label, value in ((_("Patient"), setup["patient"]["name"]),
                         (_("Date of birth"), setup["patient"]["date_of_birth"]),
                         (_("Procedure"), record["content"]["title"]),
                         (_("Started"), record["started_at"]), (_("Finalized"), record["finalized_at"]),
                         (_("Signed by"), ", ".join(s["name"] for s in record.get("signatures", []))),
                         (_("PDF size"), f"{len(pdf)} bytes")):
        print(f"{label}: {value}")
    _show_chain(store, record["id"])
    return 0


def _show_chain(store: RecordStore, consultation_id: str) -> None:
    """The consultation's summaries and addenda in order (consultation/addendum.py), and where it stands."""
    from datetime import date

    from consultaid.consultation.addendum import chain, current_state, entry_words, state_words
    from consultaid.formatting import format_long_date
    from consultaid.i18n import interface_language

    entries = chain(store.versions(consultation_id), store.addenda(consultation_id))
    print(_("Versions and addenda:"))
    for entry in entries:
        key = (_("record {id}").format(id=entry.record_id) if entry.record_id is not None
               else _("addendum {number}").format(number=entry.number))
        print(f"  {entry.moment}  {entry_words(entry)}  [{key}]  SHA-256 {entry.pdf_sha256}")
    state = current_state(entries)
    if state is not None:
        print(_("Current state: {state}").format(state=state_words(
            state, lambda iso: format_long_date(date.fromisoformat(iso[:10]), interface_language()))))


def _export(store: RecordStore, args: argparse.Namespace) -> int:
    stored = _stored(store, args.id)
    if stored is None:
        return 1
    record, pdf = stored
    subject = f"{record['id']} v{args.id}"
    if args.addendum is not None:
        found = [item for item in store.addenda(record["id"]) if item.number == args.addendum]
        if not found:
            print(_("Consultation {id} has no addendum {number}.").format(id=args.id, number=args.addendum),
                  file=sys.stderr)
            return 1
        _addendum, pdf = store.addendum(found[0].id)
        subject = f"{record['id']} addendum {args.addendum}"
    target = args.output
    try:
        write_atomically(target, pdf)
    except OSError as error:
        print(_("{path}: the PDF could not be written: {error}").format(path=target, error=error.strerror or error),
              file=sys.stderr)
        return 1
    store.log("export", subject)
    print(_("Exported to {path}").format(path=target), file=sys.stderr)
    return 0


def _check(store: Store, _args: argparse.Namespace) -> int:
    from consultaid.consultation.store import check_whole_database

    store.close()  # the check opens the database on its own connection
    problems = check_whole_database(store.data_dir)
    if problems:
        print(ngettext("The database is damaged: {count} problem found. Keep the data folder as it is and call "
                       "IT (see the IT guide).",
                       "The database is damaged: {count} problems found. Keep the data folder as it is and call "
                       "IT (see the IT guide).", len(problems)).format(count=len(problems)), file=sys.stderr)
        for problem in problems[:20]:
            print("  " + problem, file=sys.stderr)
        return 1
    print(_("The whole database was checked: no damage found."))
    return 0


def _export_key(store: Store, args: argparse.Namespace) -> int:
    """A copy of the key in a new owner-only file: the backups of the records are unreadable without it."""
    from consultaid.consultation.keystore import KeyUnavailable, write_key_file

    try:
        write_key_file(store.data_dir, store.key.hex, args.output)
    except KeyUnavailable as error:
        print(str(error), file=sys.stderr)
        return 1
    store.log("key_export", "database key")
    print(_("The key of {folder} is in {path}. Keep it apart from the backups of the records, as safely as "
            "they are: with it, anyone can read them.").format(folder=store.data_dir, path=args.output),
          file=sys.stderr)
    return 0


def _import_key(args: argparse.Namespace) -> int:
    """Makes a saved key this data folder's key, once it is shown to open the database (if there is one)."""
    from consultaid.consultation.keystore import KeyUnavailable, find_key, keep_key, read_key_file
    from consultaid.consultation.store import DATABASE_NAME, StoreError, key_opens

    data_dir = _data_dir(args)
    try:
        value = read_key_file(args.file)
        if (data_dir / DATABASE_NAME).exists():
            if not key_opens(data_dir, value):
                print(_("The key in {path} does not open the records in {folder}. Nothing was changed.").format(
                    path=args.file, folder=data_dir), file=sys.stderr)
                return 1
        current = find_key(data_dir)
        if current is not None and current.hex == value:
            print(_("{folder} already has this key.").format(folder=data_dir), file=sys.stderr)
            return 0
        kept = keep_key(data_dir, value)
    except (KeyUnavailable, StoreError, OSError) as error:
        print(str(error), file=sys.stderr)
        return 1
    place = _("the system keyring") if kept.place == "keyring" else str(kept.file)
    print(_("The key of {folder} is now kept in {place}.").format(folder=data_dir, place=place), file=sys.stderr)
    return 0


def _reset(args: argparse.Namespace) -> int:
    """Sets an empty or damaged database aside (nothing deleted) and starts an empty one, on explicit request,
    while no ConsultAid holds the data folder. A sound database, or one that only lacks its key, is refused:
    with the right key its records are all there."""
    from consultaid.consultation.store import (
        DATABASE_NAME,
        Store,
        StoreError,
        classify_error,
        open_store,
        set_database_aside,
    )
    from consultaid.instance_lock import InstanceLock

    data_dir = _data_dir(args)
    if not args.i_understand:
        print(_("records reset sets the records database aside and starts an empty one: add --i-understand to "
                "do it."), file=sys.stderr)
        return 2
    if not (data_dir / DATABASE_NAME).exists():
        print(_("There is no records database in {folder}: nothing to set aside.").format(folder=data_dir),
              file=sys.stderr)
        return 1
    lock = InstanceLock(data_dir)
    try:
        if not lock.acquire():
            print(_("ConsultAid is open on the data folder {folder}: close it first, then run this again.").format(
                folder=data_dir), file=sys.stderr)
            return 1
        try:
            store = open_store(data_dir, full_check=True)
        except StoreError as error:
            if error.kind not in ("empty", "damaged"):
                print(str(error), file=sys.stderr)
                return 1
        else:
            store.close()
            print(_("The records database in {folder} is not damaged: nothing was changed.").format(
                folder=data_dir), file=sys.stderr)
            return 1
        name = set_database_aside(data_dir)
        fresh = Store(data_dir)
        try:
            fresh.log("database_set_aside", name)  # the new trail starts by saying where the old one went
        finally:
            fresh.close()
    except (StoreError, OSError) as error:
        print(str(error if isinstance(error, StoreError) else classify_error(error)), file=sys.stderr)
        return 1
    finally:
        lock.release()
    print(_("The records database was set aside as {name} in {folder} (nothing was deleted); an empty one was "
            "started.").format(name=name, folder=data_dir), file=sys.stderr)
    return 0
