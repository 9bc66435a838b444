"""`consultaid --self-test`: proves an installation works, from a source checkout or the frozen bundle.

It loads every content pack (any broken pack fails the test), renders the summary PDF of the bundled
example record into a temporary folder and reads it back with pypdfium2, seals it as finalizing does
(PDF/A-3a, record attached, PAdES seal) and verifies the seal, then opens and closes the main window
offscreen with its encrypted record store. It never touches the user's records, settings or keyring:
the store, its key, the seal key and the configuration all live in the same temporary folder. Exit
status 0 with a one-line report, or 1 with the reason.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from pathlib import Path

from consultaid import __version__
from consultaid.i18n import _, ngettext


class SelfTestFailure(Exception):
    pass


def example_record_path() -> Path:
    from consultaid.paths import resources_dir

    return resources_dir() / "examples" / "selftest-record.json"


def check_content(content_dir: Path) -> int:
    from consultaid.content.library import load_library

    if not content_dir.is_dir():
        raise SelfTestFailure(_("no content folder at {path}").format(path=content_dir))
    library = load_library(content_dir)
    if library.broken:
        first = library.broken[0]
        reason = str(first.problems[0].message) if first.problems else ""
        raise SelfTestFailure(ngettext(
            "{count} broken content pack, {folder}: {reason}", "{count} broken content packs, first {folder}: {reason}",
            len(library.broken)).format(
            count=len(library.broken), folder=first.folder.name, reason=reason))
    if not library.packs:
        raise SelfTestFailure(_("no content pack in {path}").format(path=content_dir))
    return len(library.packs)


def check_translations() -> None:
    from consultaid.i18n import SOURCE_LANGUAGE, SUPPORTED_LANGUAGES, catalogue

    for language in SUPPORTED_LANGUAGES:
        if language != SOURCE_LANGUAGE and not catalogue(language):
            raise SelfTestFailure(_("the {language} translation is empty").format(language=language))


def check_summary(folder: Path) -> int:
    import pypdfium2 as pdfium

    from consultaid.report import write_summary

    source = example_record_path()
    if not source.is_file():
        raise SelfTestFailure(_("the example record is missing: {path}").format(path=source))
    record = json.loads(source.read_text(encoding="utf-8"))
    output = write_summary(record, folder / "selftest-summary.pdf")
    data = output.read_bytes()
    if not data.startswith(b"%PDF"):
        raise SelfTestFailure(_("the summary is not a PDF document"))
    document = pdfium.PdfDocument(data)
    try:
        pages = len(document)
        if pages < 1:
            raise SelfTestFailure(_("the summary PDF has no pages"))
        document[0].render(scale=0.25).close()  # the first page rasterises (pdfium's own library loads)
    finally:
        document.close()
    return pages


def check_seal(folder: Path) -> None:
    """The sealed archival summary, made with a throw-away installation key, verifies."""
    from consultaid.report import sealed_summary
    from consultaid.report.seal import installation_seal
    from consultaid.report.verify import verify_pdf

    record = json.loads(example_record_path().read_text(encoding="utf-8"))
    seal = installation_seal(folder / "records")
    verdict = verify_pdf(sealed_summary(record, seal=seal), data_dir=folder / "records")
    if not verdict.ok:
        failed = next((check for check in verdict.checks if check.ok is False), None)
        raise SelfTestFailure(_("the sealed summary does not verify: {reason}").format(
            reason=f"{failed.label}: {failed.detail}" if failed else "?"))


def check_window(content_dir: Path, folder: Path) -> None:
    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # never flashes a window on the user's screen
    from PySide6.QtWidgets import QApplication

    from consultaid.ui.app import create_main_window
    from consultaid.ui.services.style import apply_style

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_style(app)
    # The throw-away store's key is in a file on purpose: the warning the app gives about that is not
    # this installation's, and would only alarm whoever reads the self-test's output.
    logger = logging.getLogger("consultaid.ui.app")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        window = create_main_window(content_dir, folder / "records")
    finally:
        logger.setLevel(level)
    window.show()
    app.processEvents()
    if not window.isVisible():
        raise SelfTestFailure(_("the main window did not open"))
    window.close()
    app.processEvents()
    store = getattr(window, "store", None)
    if store is not None and hasattr(store, "close"):
        store.close()
    window.deleteLater()
    app.processEvents()


def run_self_test(args: argparse.Namespace | None = None) -> int:
    from consultaid.paths import bundled_content_dir

    content_dir = getattr(args, "content_dir", None) or bundled_content_dir()
    step = _("content")
    try:
        packs = check_content(Path(content_dir))
        step = _("translations")
        check_translations()
        with tempfile.TemporaryDirectory(prefix="consultaid-selftest-") as temporary:
            folder = Path(temporary)
            # The throw-away store's key goes to a file in this folder, not to the user's keyring.
            saved = {name: os.environ.get(name) for name in ("CONSULTAID_CONFIG_DIR", "CONSULTAID_KEY_STORE")}
            os.environ.update(CONSULTAID_CONFIG_DIR=str(folder / "config"), CONSULTAID_KEY_STORE="file")
            try:
                step = _("summary PDF")
                pages = check_summary(folder)
                step = _("seal")
                check_seal(folder)
                step = _("main window")
                check_window(Path(content_dir), folder)
            finally:
                for name, value in saved.items():
                    if value is None:
                        os.environ.pop(name, None)
                    else:
                        os.environ[name] = value
    except Exception as error:  # every failure is reported, with its step, never a traceback alone
        reason = str(error) if isinstance(error, SelfTestFailure) else f"{type(error).__name__}: {error}"
        print(_("ConsultAid {version} self-test FAILED at {step}: {reason}").format(
            version=__version__, step=step, reason=reason), file=sys.stderr)
        return 1
    print(_("ConsultAid {version} self-test: {packs} packs, summary {pages} pages, seal verified, window ok").format(
        version=__version__, packs=packs, pages=pages))
    return 0
