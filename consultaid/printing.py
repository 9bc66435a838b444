"""Printing through the operating system's print system (CUPS on Linux), with no Qt.

The summary is printed as the PDF's own bytes, handed to CUPS with `lp`: the paper is the very document
that was previewed and saved, never a second rendering that could differ from it. Job titles and log
lines never carry patient data (job titles are visible to every user of the print queue).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

from consultaid.i18n import _

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 60
MAX_COPIES = 99
DEFAULT_TITLE = "ConsultAid summary"
_REQUEST_ID = re.compile(r"request id is (\S+)")


class PrintingError(Exception):
    """A problem printing, with a message for the user (in the interface language)."""


class PrintSystemMissing(PrintingError):
    """CUPS' commands (lp, lpstat) are not installed."""


class PrintSystemNotRunning(PrintingError):
    """CUPS is installed but its scheduler does not answer."""


class UnknownPrinter(PrintingError):
    def __init__(self, printer: str, available: list[str]):
        self.printer = printer
        self.available = list(available)
        names = ", ".join(available) if available else _("none")
        super().__init__(_("There is no printer named “{printer}”. Available printers: {names}.").format(
            printer=printer, names=names))


class NoDefaultPrinter(PrintingError):
    pass


class PrintFailed(PrintingError):
    """lp refused or failed: the message includes what it said."""


def _command(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise PrintSystemMissing(
            _("The print system (CUPS) is not installed: the “{command}” command was not found.").format(
                command=name))
    return path


def _run(arguments: list[str], data: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """The command's answer, as text. `data` is given on its standard input (none otherwise)."""
    # The C locale, so the answers can be read ("request id is …"); CUPS' own errors stay readable.
    environment = dict(os.environ, LC_ALL="C", LANG="C")
    try:
        result = subprocess.run(arguments, capture_output=True, timeout=TIMEOUT_SECONDS, env=environment,
                                input=data, stdin=None if data is not None else subprocess.DEVNULL)
    except subprocess.TimeoutExpired as error:
        raise PrintFailed(_("The print system did not answer within {seconds} seconds.").format(
            seconds=TIMEOUT_SECONDS)) from error
    except OSError as error:
        raise PrintFailed(_("The print system could not be run: {error}").format(error=error.strerror or error)) \
            from error
    return subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode("utf-8", "replace"),
                                       result.stderr.decode("utf-8", "replace"))


def _not_running(result: subprocess.CompletedProcess[str]) -> bool:
    said = (result.stderr + result.stdout).lower()
    return "scheduler is not running" in said or "unable to connect to server" in said


def _raise_not_running() -> None:
    raise PrintSystemNotRunning(_("The print system (CUPS) is not running."))


def list_printers() -> list[str]:
    """The print queues CUPS knows, in its order (empty when there are none)."""
    result = _run([_command("lpstat"), "-e"])
    if result.returncode != 0 and _not_running(result):
        _raise_not_running()
    names = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    if result.returncode == 0:
        return names
    # An older lpstat without -e: "printer NAME is idle. …" lines.
    result = _run([_command("lpstat"), "-p"])
    if _not_running(result):
        _raise_not_running()
    return [line.split()[1] for line in result.stdout.splitlines() if line.startswith("printer ")]


def default_printer() -> str | None:
    """The queue `lp` prints to when none is named: $LPDEST, $PRINTER, then the system's default."""
    for variable in ("LPDEST", "PRINTER"):
        if os.environ.get(variable):
            return os.environ[variable]
    result = _run([_command("lpstat"), "-d"])
    if _not_running(result):
        _raise_not_running()
    match = re.search(r"destination:\s*(\S+)", result.stdout)
    return match.group(1) if match else None


def is_pdf(data: bytes) -> bool:
    return data[:5] == b"%PDF-"


def print_pdf(document: str | os.PathLike[str] | bytes, printer: str | None = None, copies: int = 1,
              title: str = "") -> str:
    """Sends a PDF (a file or its bytes) to CUPS as it is; returns the job id, e.g. "Office-42".

    `printer` None means the default printer. The title is what the print queue shows: keep patient data
    out of it. Raises a PrintingError subclass with a message for the user on any problem.
    """
    if not 1 <= int(copies) <= MAX_COPIES:
        raise PrintingError(_("The number of copies must be between 1 and {most}.").format(most=MAX_COPIES))
    lp = _command("lp")
    if isinstance(document, (bytes, bytearray, memoryview)):
        data = bytes(document)
    else:
        try:
            data = Path(document).read_bytes()
        except OSError as error:
            raise PrintingError(_("The file could not be read: {error}").format(
                error=error.strerror or error)) from error
    if not is_pdf(data):
        raise PrintingError(_("This is not a PDF document."))
    if printer:
        available = list_printers()
        if printer not in available:
            raise UnknownPrinter(printer, available)
    elif default_printer() is None:
        raise NoDefaultPrinter(_("No printer was chosen and there is no default printer."))

    # The PDF goes to lp on its standard input, never through a file: a patient's summary is not left,
    # even for a moment, in the temporary folder (which the encryption at rest does not cover).
    arguments = [lp, "-n", str(int(copies)), "-t", title or DEFAULT_TITLE]
    if printer:
        arguments[1:1] = ["-d", printer]
    result = _run(arguments, data)
    if result.returncode != 0:
        if _not_running(result):
            _raise_not_running()
        said = (result.stderr or result.stdout).strip() or _("exit status {code}").format(code=result.returncode)
        raise PrintFailed(_("The print system refused the document: {error}").format(error=said))
    match = _REQUEST_ID.search(result.stdout)
    if match is None:
        raise PrintFailed(_("The print system gave no job number: {answer}").format(answer=result.stdout.strip()))
    job = match.group(1)
    log.info("print job %s queued on %s, %d copies, %d bytes", job, printer or "the default printer", copies,
             len(data))
    return job
