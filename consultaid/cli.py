"""The command line: `consultaid [options] [command]`. Commands never need a display; no command opens the GUI."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from consultaid import __version__
from consultaid.i18n import SUPPORTED_LANGUAGES, _, ngettext, set_interface_language

if TYPE_CHECKING:
    from consultaid.consultation.record_store import RecordStore
    from consultaid.content.problems import Problem


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="consultaid",
        description=_("ConsultAid: explain a procedure, its risks and recovery, and print a signed summary."),
    )
    parser.add_argument("--version", action="version", version=f"ConsultAid {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help=_("check this installation (content, summary PDF, window) and exit"))
    parser.add_argument("--content-dir", type=Path, metavar="DIR",
                        help=_("folder of procedure packs (default: the bundled content)"))
    parser.add_argument("--lang", choices=SUPPORTED_LANGUAGES, help=_("interface language"))
    parser.add_argument("--data-dir", type=Path, metavar="DIR",
                        help=_("where records are kept (default: CONSULTAID_DATA_DIR or the user data folder)"))
    parser.add_argument("--database-url", metavar="URL",
                        help=_("the clinic server's PostgreSQL URL for `records` and `audit verify` (default: "
                               "CONSULTAID_DATABASE_URL, else the record store chosen in Settings)"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = commands.add_parser("validate", help=_("check content packs and report every problem"))
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                          help=_("content folders, pack folders or pack files (default: the bundled content)"))
    validate.add_argument("--sources-dir", type=Path, metavar="DIR",
                          help=_("also check that every source file named by a pack exists in this folder"))

    render = commands.add_parser(
        "render", help=_("make the summary PDF of a consultation record"),
        description=_("Make the summary PDF of a consultation record (JSON). Needs no display. The PDF is "
                      "written whole or not at all. With --seal it is the summary as it is kept: PDF/A-3a with "
                      "the record attached, sealed with the certificate chosen in Settings or else this "
                      "installation's self-signed seal. Exit status: 0 written, 1 the record could not be read, "
                      "sealed or written, 2 wrong arguments or no such record file."))
    render.add_argument("record", type=Path, metavar="RECORD.json", help=_("the consultation record (JSON)"))
    render.add_argument("-o", "--output", type=Path, required=True, metavar="SUMMARY.pdf",
                        help=_("where to write the summary PDF"))
    render.add_argument("--paper", choices=("a4", "letter"), default="a4", help=_("paper size (default: a4)"))
    print_size = render.add_mutually_exclusive_group()
    print_size.add_argument("--large-print", dest="large_print", action="store_const", const=True, default=None,
                            help=_("large print: 16 pt text, charts redrawn to match (default: as the record says, "
                                   "else standard print); the record attached by --seal says so too"))
    print_size.add_argument("--standard-print", dest="large_print", action="store_const", const=False,
                            help=_("standard print, even if the record says large print"))
    render.add_argument("--seal", action="store_true",
                        help=_("make the archival PDF (PDF/A-3a, record attached) and seal it (default: a plain "
                               "copy, not sealed)"))

    printing = commands.add_parser(
        "print", help=_("print a summary PDF through the system's print system (CUPS)"),
        description=_("Send a summary PDF, exactly as it is, to a printer. Prints the print job's id. "
                      "Exit status: 0 printed, 1 the print system failed, 2 wrong arguments."))
    printing.add_argument("pdf", type=Path, metavar="SUMMARY.pdf", help=_("the summary PDF to print"))
    printing.add_argument("--printer", metavar="NAME", help=_("printer (default: the system's default printer)"))
    printing.add_argument("--copies", type=_copies, default=1, metavar="N", help=_("number of copies (default: 1)"))
    printing.add_argument("--title", default="", metavar="TEXT",
                          help=_("job title shown in the print queue (default: ConsultAid summary); "
                                 "anyone can read it, so keep patient data out of it"))
    from consultaid.cli_audit import add_parser as add_audit_parser
    from consultaid.cli_outbox import add_parser as add_outbox_parser
    from consultaid.cli_records import add_parsers
    from consultaid.cli_server import add_parser as add_server_parser
    from consultaid.cli_verify import add_parser as add_verify_parser

    add_parsers(commands)
    add_audit_parser(commands)
    add_verify_parser(commands)
    add_server_parser(commands)
    add_outbox_parser(commands)
    return parser


def run_validate(args: argparse.Namespace) -> int:
    from consultaid.content.library import pack_folders
    from consultaid.content.validation import check_pack
    from consultaid.paths import bundled_content_dir

    targets = args.paths or [args.content_dir or bundled_content_dir()]
    folders: list[Path] = []
    for target in targets:
        if not target.exists():
            print(_("{path}: no such file or folder").format(path=target), file=sys.stderr)
            return 2
        folders += [target.parent] if target.is_file() else pack_folders(target)
    if args.sources_dir and not args.sources_dir.is_dir():
        print(_("{path}: no such folder").format(path=args.sources_dir), file=sys.stderr)
        return 2

    broken = 0
    total_problems = 0
    for folder in dict.fromkeys(folders):  # each folder once, in order
        check = check_pack(folder, args.sources_dir)
        if check.problems:
            broken += 1
            total_problems += len(check.problems)
        for problem in check.problems:
            print(_relative(problem))
    valid = len(set(folders)) - broken
    if broken:
        print(ngettext("{valid} pack valid", "{valid} packs valid", valid).format(valid=valid) + ", "
              + ngettext("{broken} with {count} problem", "{broken} with {count} problems", total_problems).format(
                  broken=broken, count=total_problems), file=sys.stderr)
        return 1
    print(ngettext("{valid} pack valid", "{valid} packs valid", valid).format(valid=valid), file=sys.stderr)
    return 0


def _copies(text: str) -> int:
    from consultaid.printing import MAX_COPIES

    try:
        number = int(text)
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_COPIES:
        raise argparse.ArgumentTypeError(_("a number of copies from 1 to {most}").format(most=MAX_COPIES))
    return number


def run_print(args: argparse.Namespace) -> int:
    from consultaid import printing

    if not args.pdf.is_file():
        print(_("{path}: no such file").format(path=args.pdf), file=sys.stderr)
        return 2
    try:
        with open(args.pdf, "rb") as handle:
            start = handle.read(5)
    except OSError as error:
        print(_("{path}: cannot be read: {error}").format(path=args.pdf, error=error.strerror or error),
              file=sys.stderr)
        return 2
    if not printing.is_pdf(start):
        print(_("{path}: not a PDF document").format(path=args.pdf), file=sys.stderr)
        return 2
    try:
        job = printing.print_pdf(args.pdf, args.printer, copies=args.copies, title=args.title)
    except printing.UnknownPrinter as error:
        print(str(error), file=sys.stderr)
        return 2
    except printing.NoDefaultPrinter as error:
        try:
            names = ", ".join(printing.list_printers()) or _("none")
        except printing.PrintingError:
            names = _("none")
        print(str(error) + " " + _("Choose one with --printer NAME. Available printers: {names}.").format(
            names=names), file=sys.stderr)
        return 2
    except printing.PrintingError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(job)
    print(ngettext("Sent to {printer}: {copies} copy, job {job}.", "Sent to {printer}: {copies} copies, job {job}.",
                   args.copies).format(
        printer=args.printer or _("the default printer"), copies=args.copies, job=job), file=sys.stderr)
    return 0


def run_render(args: argparse.Namespace) -> int:
    import json

    from consultaid.consultation.record_check import RecordProblem
    from consultaid.report import RecordError, write_summary
    from consultaid.report.seal import SealError

    record_path, output = args.record, args.output
    if not record_path.is_file():
        print(_("{path}: no such file").format(path=record_path), file=sys.stderr)
        return 2
    if output.exists() and output.resolve() == record_path.resolve():
        print(_("{path}: the summary would overwrite the record; choose another output file").format(
            path=output), file=sys.stderr)
        return 2
    try:
        text = record_path.read_bytes().decode("utf-8-sig")
        record = json.loads(text)
    except OSError as error:
        print(_("{path}: cannot be read: {error}").format(path=record_path, error=error.strerror or error),
              file=sys.stderr)
        return 1
    except UnicodeDecodeError:
        print(_("{path}: not UTF-8 text, so not a consultation record").format(path=record_path), file=sys.stderr)
        return 1
    except json.JSONDecodeError as error:
        print(_("{path}:{line}: not valid JSON: {error}").format(path=record_path, line=error.lineno,
                                                                 error=error.msg), file=sys.stderr)
        return 1
    except RecursionError:   # JSON nested thousands deep: Python's parser recurses once per level
        print(_("{path}: nested too deeply to be a consultation record").format(path=record_path), file=sys.stderr)
        return 1
    if args.large_print is not None and isinstance(record, dict):
        # Part of the record, not a rendering option: the page's "Print" line and the attached record agree.
        record = {**record, "large_print": args.large_print}
    seal = None
    seal_store: RecordStore | None = None   # with a seal: where it is audited
    if args.seal:
        from consultaid.cli_verify import data_dir
        from consultaid.report.seal import load_seal
        from consultaid.settings import load_settings

        try:
            seal = load_seal(load_settings(), data_dir(args), ask_passphrase=_ask_passphrase)
        except SealError as error:
            print(str(error), file=sys.stderr)
            return 1
        if seal.warning:
            print("\u26a0 " + seal.warning, file=sys.stderr)
        seal_store = _store_for_sealing(data_dir(args), getattr(args, "database_url", None))
        if seal_store is None:
            return 1
    try:
        write_summary(record, output, args.paper, seal=seal)
    except SealError as error:
        print(str(error), file=sys.stderr)
        return 1
    except RecordProblem as error:   # a record, but one with impossible figures, dates or types
        print(_("{path}: the summary cannot be made from this record: {problem}").format(
            path=record_path, problem=error), file=sys.stderr)
        return 1
    except (RecordError, ValueError, TypeError, KeyError, AttributeError) as error:
        # RecordError: the wrong kind of document; the others: a record whose fields have the wrong types.
        reason = str(error) if isinstance(error, RecordError) else f"{type(error).__name__}: {error}"
        print(_("{path}: not a ConsultAid consultation record ({reason})").format(path=record_path, reason=reason),
              file=sys.stderr)
        return 1
    except OSError as error:
        print(_("{path}: the summary could not be written: {error}").format(
            path=output, error=error.strerror or error), file=sys.stderr)
        return 1
    if seal_store is not None and not _audit_sealed_copy(seal_store, record, output):
        return 1
    print(_("Summary written to {path}").format(path=output), file=sys.stderr)
    return 0


def _store_for_sealing(folder: Path, url: str | None) -> RecordStore | None:
    """The record store a `render --seal` is audited in (the clinic server's chain when one is configured:
    server/opening.py), or None after saying why it cannot be opened.

    Why a seal outside the record store is audited rather than refused: sealing an exported or repaired
    record is a real need (IT, tests, a record rebuilt from a backup). Why it is refused without a store:
    a sealed copy that left no trace could not be told from one made with a stolen key. `consultaid
    verify` names such a copy "sealed by this installation but not in the record store" and exits 1."""
    from consultaid.consultation.store import StoreError
    from consultaid.server.opening import open_record_store

    try:
        store = open_record_store(folder, url=url)
    except StoreError as error:
        print(_("Not sealed: every seal made here is recorded in the audit trail, and the record store could "
                "not be opened: {reason}").format(reason=error), file=sys.stderr)
        return None
    if store.key_warning:
        print("\u26a0 " + store.key_warning, file=sys.stderr)
    return store


def _audit_sealed_copy(store: RecordStore, record: dict[str, Any], output: Path) -> bool:
    """A `seal_outside_store` audit entry with the sealed file's SHA-256; if it cannot be made, the sealed
    file is removed again (a sealed copy never exists without its entry)."""
    import hashlib

    from consultaid.consultation.store import StoreError

    try:
        digest = hashlib.sha256(output.read_bytes()).hexdigest()
        store.log("seal_outside_store", f"{str(record.get('id'))[:100]} pdf-sha256={digest}")
    except (StoreError, OSError) as error:
        output.unlink(missing_ok=True)
        print(_("Not sealed: the audit entry for the sealed copy could not be written: {reason}").format(
            reason=getattr(error, "strerror", None) or error), file=sys.stderr)
        return False
    finally:
        store.close()
    if store.anchor_problem:
        print("\u26a0 " + store.anchor_problem, file=sys.stderr)
    return True


def _ask_passphrase(path: Path | str) -> str | None:
    """The PKCS#12 passphrase, asked on the terminal; None when there is no terminal to ask on."""
    import getpass

    if not sys.stdin.isatty():
        return None
    try:
        return getpass.getpass(_("Passphrase of the seal certificate {path}: ").format(path=path))
    except (EOFError, KeyboardInterrupt):
        return None


def _relative(problem: Problem) -> str:
    try:
        shown = os.path.relpath(problem.file)
    except ValueError:  # another drive on Windows
        shown = str(problem.file)
    if shown.startswith(".." + os.sep + ".."):
        shown = str(problem.file)
    from consultaid.content.problems import printable

    return printable(f"{shown}:{problem.line}: {problem.path}: {problem.message}")


def _early_language(argv: list[str]) -> None:
    """Apply --lang before the parser is built, so that --help is already in that language."""
    for index, word in enumerate(argv):
        value = word.split("=", 1)[1] if word.startswith("--lang=") else (
            argv[index + 1] if word == "--lang" and index + 1 < len(argv) else None)
        if value in SUPPORTED_LANGUAGES:
            set_interface_language(value)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    _early_language(argv)
    args = build_parser().parse_args(argv)
    if args.self_test:  # before any command or the GUI; reads no user settings
        from consultaid.selftest import run_self_test

        return run_self_test(args)
    if args.command == "validate":
        return run_validate(args)
    if args.command == "render":
        return run_render(args)
    if args.command == "print":
        return run_print(args)
    if args.command == "verify":
        from consultaid.cli_verify import run_verify

        return run_verify(args)
    if args.command == "server":
        from consultaid.cli_server import run as run_server

        return run_server(args)
    if args.command == "audit":
        from consultaid.cli_audit import run_audit

        return run_audit(args)
    if args.command == "records":
        from consultaid.cli_records import run

        return run(args)
    if args.command == "outbox":
        from consultaid.cli_outbox import run as run_outbox

        return run_outbox(args)
    from consultaid.settings import load_settings
    from consultaid.ui.app import run_gui  # Qt is imported only when the window is wanted

    configured = load_settings()
    if not args.lang:
        set_interface_language(configured.interface_language)
    if args.data_dir is None and configured.data_dir and not os.environ.get("CONSULTAID_DATA_DIR"):
        args.data_dir = Path(configured.data_dir)  # --data-dir, then the environment, then Settings
    return run_gui(args)
