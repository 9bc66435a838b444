"""The command line: `consultaid [options] [command]`. Commands never need a display; no command opens the GUI."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from consultaid import __version__
from consultaid.i18n import SUPPORTED_LANGUAGES, _, set_interface_language


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="consultaid",
        description=_("ConsultAid: explain a procedure, its risks and recovery, and print a signed summary."),
    )
    parser.add_argument("--version", action="version", version=f"ConsultAid {__version__}")
    parser.add_argument("--content-dir", type=Path, metavar="DIR",
                        help=_("folder of procedure packs (default: the bundled content)"))
    parser.add_argument("--lang", choices=SUPPORTED_LANGUAGES, help=_("interface language"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = commands.add_parser("validate", help=_("check content packs and report every problem"))
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                          help=_("content folders, pack folders or pack files (default: the bundled content)"))
    validate.add_argument("--sources-dir", type=Path, metavar="DIR",
                          help=_("also check that every source file named by a pack exists in this folder"))
    return parser


def run_validate(args) -> int:
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
        print(_("{valid} pack(s) valid, {broken} with {count} problem(s)").format(
            valid=valid, broken=broken, count=total_problems), file=sys.stderr)
        return 1
    print(_("{valid} pack(s) valid").format(valid=valid), file=sys.stderr)
    return 0


def _relative(problem) -> str:
    try:
        shown = os.path.relpath(problem.file)
    except ValueError:  # another drive on Windows
        shown = str(problem.file)
    if shown.startswith(".." + os.sep + ".."):
        shown = str(problem.file)
    return f"{shown}:{problem.line}: {problem.path}: {problem.message}"


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
    if args.command == "validate":
        return run_validate(args)
    from consultaid.ui.app import run_gui  # Qt is imported only when the window is wanted

    return run_gui(args)
