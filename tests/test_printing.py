"""Printing the summary through CUPS, for real: a cups-pdf queue "prints" into a PDF file that is read
back. `bash packaging/dev.sh test` installs CUPS and creates the queue; without them, the tests that need
a print system skip and say why, and the error paths still run against fake `lp`/`lpstat` commands."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from consultaid import printing
from tests.test_signing import library, make_consultation, summary_renderer  # noqa: F401

OUTPUT_TIMEOUT = 30.0
# cups-pdf makes its PDF from PostScript (pdftops, then Ghostscript), which keeps every glyph on the page
# but drops the text layer's Unicode map for letters outside ASCII: pdftotext then reads "Lefvre" for
# "Lefèvre". The printed name is therefore plain ASCII here; accented names are checked in the PDF itself.
PRINTED_PATIENT = "Jeanne Dupont-Martin"
CUPS_CONFIG = Path("/etc/cups")


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=30,
                          env=dict(os.environ, LC_ALL="C", LANG="C"))


def cups_pdf_queue() -> str:
    """The name of a running cups-pdf queue (ConsultAid-PDF preferred), or skips saying what is missing."""
    if shutil.which("lp") is None or shutil.which("lpstat") is None:
        pytest.skip("CUPS is not installed (no lp/lpstat): `bash packaging/dev.sh test` installs it")
    if "is running" not in _run("lpstat", "-r").stdout:
        pytest.skip("the CUPS scheduler is not running: `bash packaging/dev.sh test` starts it")
    queues = re.findall(r"^device for (\S+): cups-pdf:", _run("lpstat", "-v").stdout, re.MULTILINE)
    if not queues:
        pytest.skip("no cups-pdf queue: `bash packaging/dev.sh test` creates ConsultAid-PDF")
    return "ConsultAid-PDF" if "ConsultAid-PDF" in queues else queues[0]


def cups_pdf_output_folder(queue: str) -> Path:
    """Where cups-pdf writes this user's jobs, as configured (`Out`), not guessed: the queue's own
    cups-pdf-QUEUE.conf if there is one, else cups-pdf.conf; ${HOME} and ${USER} are the job owner's
    from the password database (cups-pdf ignores the environment, which the tests point elsewhere)."""
    out = "/var/spool/cups-pdf/${USER}"   # cups-pdf's built-in default
    for config in (CUPS_CONFIG / f"cups-pdf-{queue}.conf", CUPS_CONFIG / "cups-pdf.conf"):
        if config.is_file():
            for line in config.read_text(encoding="utf-8", errors="replace").splitlines():
                match = re.match(r"\s*Out\s+(\S.*?)\s*$", line)
                if match:
                    out = match.group(1)
            break
    user = pwd.getpwuid(os.getuid())
    return Path(out.replace("${HOME}", user.pw_dir).replace("${USER}", user.pw_name))


def page_count(path: Path) -> int:
    info = _run("pdfinfo", str(path))
    assert info.returncode == 0, info.stderr
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))


def wait_for_output(folder: Path, before: set[Path], token: str) -> Path:
    """The PDF cups-pdf writes for this job: new in the folder, named after the job's title, complete."""
    deadline = time.monotonic() + OUTPUT_TIMEOUT
    while time.monotonic() < deadline:
        new = [p for p in (set(folder.glob("*.pdf")) - before) if token in p.name] if folder.is_dir() else []
        if new and _run("pdfinfo", str(new[0])).returncode == 0:
            time.sleep(0.3)   # Ghostscript closes the file last: a second look confirms it is whole
            if _run("pdfinfo", str(new[0])).returncode == 0:
                return new[0]
        time.sleep(0.25)
    log = _run("tail", "-n", "20", "/var/log/cups/error_log").stdout
    pytest.fail(f"cups-pdf wrote no PDF for {token!r} into {folder} within {OUTPUT_TIMEOUT:.0f} s\n{log}")


def job_listed(job: str, queue: str) -> bool:
    return job in _run("lpstat", "-W", "all", "-o", queue).stdout.split()


@pytest.fixture
def queue():
    return cups_pdf_queue()


@pytest.fixture
def summary_pdf(tmp_path, library, summary_renderer):  # noqa: F811
    """A real summary of a consultation the surgeon signed and the patient will sign later."""
    from consultaid.consultation.ink import InkDrawing, InkPoint, Stroke

    consultation = make_consultation(library, patient=PRINTED_PATIENT)
    stroke = Stroke("#1B2631", 0.006, tuple(InkPoint(x / 10, 0.5 + (x % 2) * 0.1) for x in range(1, 9)))
    consultation.sign("surgeon", "Dr Émile Roux", InkDrawing([stroke], aspect=4.0))
    consultation.patient_signature_missing_reason = "The patient will sign at the next visit."
    consultation.finalize()
    path = tmp_path / "summary.pdf"
    path.write_bytes(summary_renderer(consultation.to_record(), "a4"))
    return path


@pytest.fixture
def printed_files():
    """The files the print system wrote for these tests, removed afterwards."""
    made: list[Path] = []
    yield made
    for path in made:
        path.unlink(missing_ok=True)


# --- real printing ------------------------------------------------------------------------------
def test_cli_prints_a_summary_through_cups(queue, summary_pdf, run_cli, printed_files):
    folder = cups_pdf_output_folder(queue)
    before = set(folder.glob("*.pdf")) if folder.is_dir() else set()
    token = f"consultaid-test-{uuid.uuid4().hex[:12]}"
    result = run_cli("print", summary_pdf, "--printer", queue, "--copies", "1", "--title", token)
    assert result.returncode == 0, result.stderr
    job = result.stdout.strip()
    assert re.fullmatch(rf"{re.escape(queue)}-\d+", job), result.stdout
    assert job_listed(job, queue)

    output = wait_for_output(folder, before, token)
    printed_files.append(output)
    assert page_count(output) == page_count(summary_pdf)
    assert PRINTED_PATIENT in _run("pdftotext", str(summary_pdf), "-").stdout
    assert PRINTED_PATIENT in _run("pdftotext", str(output), "-").stdout


def test_the_preview_prints_the_same_pdf_through_cups(queue, summary_pdf, qtbot, printed_files):
    from consultaid.ui.dialogs.summary_preview import SummaryPreview

    folder = cups_pdf_output_folder(queue)
    before = set(folder.glob("*.pdf")) if folder.is_dir() else set()
    token = f"consultaid-gui-{uuid.uuid4().hex[:12]}"
    preview = SummaryPreview(summary_pdf.read_bytes(), copies=2, title=token)
    qtbot.addWidget(preview)
    offered = []
    preview.choose_printer = lambda parent, copies: offered.append(copies) or (queue, copies)
    job = preview.print_summary()
    assert offered == [2]   # the dialog is offered the copies from the spin box
    assert job is not None, preview.status.text()
    assert preview.last_job == job and job in preview.status.text() and job_listed(job, queue)

    output = wait_for_output(folder, before, token)
    printed_files.append(output)
    assert page_count(output) == preview.page_count
    assert PRINTED_PATIENT in _run("pdftotext", str(output), "-").stdout


def test_printers_are_listed(queue):
    assert queue in printing.list_printers()


def test_an_unknown_printer_is_named_with_the_available_ones(queue, summary_pdf, run_cli):
    result = run_cli("print", summary_pdf, "--printer", "No-Such-Printer")
    assert result.returncode == 2
    assert "No-Such-Printer" in result.stderr and queue in result.stderr
    with pytest.raises(printing.UnknownPrinter) as raised:
        printing.print_pdf(summary_pdf, "No-Such-Printer")
    assert queue in raised.value.available


def test_the_preview_reports_an_unknown_printer(queue, summary_pdf, qtbot):
    from consultaid.ui.dialogs.summary_preview import SummaryPreview

    preview = SummaryPreview(summary_pdf.read_bytes())
    qtbot.addWidget(preview)
    preview.choose_printer = lambda parent, copies: ("No-Such-Printer", copies)
    assert preview.print_summary() is None
    assert "No-Such-Printer" in preview.status.text() and queue in preview.status.text()


# --- arguments and failures: no print system needed -----------------------------------------------
def test_a_missing_file_is_a_usage_error(run_cli, tmp_path):
    result = run_cli("print", tmp_path / "missing.pdf")
    assert result.returncode == 2 and "no such file" in result.stderr


def test_a_file_that_is_not_a_pdf_is_refused(run_cli, tmp_path):
    text = tmp_path / "notes.pdf"
    text.write_text("not a PDF at all")
    result = run_cli("print", text)
    assert result.returncode == 2 and "not a PDF document" in result.stderr
    with pytest.raises(printing.PrintingError, match="not a PDF"):
        printing.print_pdf(b"hello", "Office")


def test_copies_must_be_a_small_positive_number(run_cli, summary_pdf):
    result = run_cli("print", summary_pdf, "--copies", "0")
    assert result.returncode == 2 and "--copies" in result.stderr


@pytest.fixture
def fake_cups(tmp_path, monkeypatch):
    """Fake lp and lpstat on PATH, one printer "Office"; lp answers as told in FAKE_LP."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "lpstat").write_text("#!/bin/sh\n"
                                    'case "$1" in -e) echo Office ;; -d) echo "system default destination: Office" ;;'
                                    ' -r) echo "scheduler is running" ;; esac\n')
    (bin_dir / "lp").write_text('#!/bin/sh\necho "$@" > "$FAKE_LP_ARGS"\ncat > "$FAKE_LP_ARGS.data"\n'
                                'if [ "$FAKE_LP" = fail ]; then echo "lp: Printer is out of paper" >&2; exit 1; fi\n'
                                'echo "request id is Office-7 (1 file(s))"\n')
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.setenv("FAKE_LP_ARGS", str(tmp_path / "lp-args"))
    monkeypatch.delenv("LPDEST", raising=False)
    monkeypatch.delenv("PRINTER", raising=False)
    return tmp_path / "lp-args"


def test_lp_is_called_with_printer_copies_and_title(fake_cups, summary_pdf, monkeypatch):
    assert printing.list_printers() == ["Office"] and printing.default_printer() == "Office"
    job = printing.print_pdf(summary_pdf.read_bytes(), "Office", copies=2, title="ConsultAid summary 1a2b")
    assert job == "Office-7"
    arguments = fake_cups.read_text().split()
    assert arguments == ["-d", "Office", "-n", "2", "-t", "ConsultAid", "summary", "1a2b"]  # no file named
    # The PDF went on lp's standard input: no copy of a patient's summary in the temporary folder.
    assert Path(str(fake_cups) + ".data").read_bytes() == summary_pdf.read_bytes()
    assert printing.print_pdf(summary_pdf, None) == "Office-7"  # the default printer
    assert "-d" not in fake_cups.read_text().split()


def test_an_lp_failure_carries_what_lp_said(fake_cups, summary_pdf, monkeypatch):
    monkeypatch.setenv("FAKE_LP", "fail")
    with pytest.raises(printing.PrintFailed, match="out of paper"):
        printing.print_pdf(summary_pdf, "Office")


def test_no_cups_at_all_says_so(summary_pdf, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(printing.PrintSystemMissing, match="CUPS"):
        printing.print_pdf(summary_pdf, "Office")
    with pytest.raises(printing.PrintSystemMissing):
        printing.list_printers()


def test_the_cli_reports_a_missing_print_system(summary_pdf, tmp_path):
    import sys

    empty = tmp_path / "empty-bin"
    empty.mkdir()
    result = subprocess.run([sys.executable, "-m", "consultaid", "print", str(summary_pdf), "--printer", "Office"],
                            capture_output=True, text=True, timeout=120, env=dict(os.environ, PATH=str(empty)))
    assert result.returncode == 1 and "CUPS" in result.stderr and "not installed" in result.stderr


def test_the_system_print_dialog_gives_printer_and_copies(qapp, monkeypatch, queue):
    """The default chooser: QPrintDialog on a QPrinter, offered the copies, for the printer name only."""
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog
    from PySide6.QtWidgets import QDialog

    from consultaid.ui.dialogs.summary_preview import choose_printer_with_dialog

    seen = {}

    def pick(dialog):
        seen["copies"] = dialog.printer().copyCount()
        seen["to file"] = dialog.testOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile)
        dialog.printer().setPrinterName(queue)   # Qt takes only a printer CUPS knows
        dialog.printer().setCopyCount(3)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", pick)
    assert choose_printer_with_dialog(None, 2) == (queue, 3)
    assert seen == {"copies": 2, "to file": False}
    monkeypatch.setattr(QPrintDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    assert choose_printer_with_dialog(None, 2) is None
