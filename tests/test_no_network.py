"""ConsultAid never opens a socket: a whole consultation in the GUI, the summary, printing to a file, the
record commands and verification run with every way of making a socket blocked, and fail if one is tried.

What "a socket" means here: any socket at all, of any family (AF_INET, AF_INET6, and AF_UNIX too), so
not only the network but also local services (D-Bus, CUPS' scheduler) are proven untouched. Three
levels, each catching what the one before cannot:

1. In process, Python level: `socket.socket`, `socketpair`, `create_connection`, `fromfd` are replaced,
   and an audit hook refuses every `socket.*` audit event (creation, connect, bind, name lookups), which
   also catches C extensions that go through Python's socket module. Any attempt fails the test even if
   the code swallowed the error.
2. CLI subprocesses: each command runs under the same audit hook (a `python -c` wrapper).
3. System calls (when `strace` is installed): the in-process GUI test and the CLI commands run again
   under `strace -f -e trace=%network`, which sees Qt's and every library's own C code and any child
   process; not one networking system call may appear.

"Print to file": printing hands the PDF to CUPS with `lp`, and `lp` itself must talk to the CUPS
scheduler through a socket (local, but a socket), so the print system is replaced at the `lp`/`lpstat`
boundary by scripts that write the job to a file. Everything ConsultAid itself does to print (choose the
printer, copy the PDF, call `lp`, read the job id) runs for real. "Save PDF…" is the other way to a file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.conftest import CONTENT, REPO
from tests.test_consultation_flow import (
    choose_procedure,
    drag,
    fill_start_form,
    press_shortcut,
    walk_alternatives_step,
    walk_procedure_step,
    walk_recovery_step,
    walk_risks_step,
)

EXAMPLE_RECORD = REPO / "docs" / "examples" / "vertebroplasty-fr.json"


def _cli_has(command: str) -> bool:
    """Whether this version's command line has `command` (asked of the parser itself: an editable install
    may find a module of another checkout)."""
    import argparse

    from consultaid.cli import build_parser

    return any(command in action.choices for action in build_parser()._actions
               if isinstance(action, argparse._SubParsersAction))


HAS_VERIFY = _cli_has("verify")   # `consultaid verify` (sealed summaries), in the steps once it exists

# The audit hook: a process-wide switch (an audit hook cannot be removed once added).
_blocking = {"on": False, "tried": []}


def _refuse_sockets(event: str, args) -> None:
    if _blocking["on"] and event.startswith("socket."):
        _blocking["tried"].append((event, repr(args)[:200]))
        raise OSError(f"no socket allowed in ConsultAid ({event})")


_hook_installed = False
# Looked up (and not found) at the start and end of the blocked part, so a system-call trace of a test run
# can be cut to what happened in between: pytest's own start (it looks the user up, which glibc may try
# through the nscd socket) is not ConsultAid's.
MARK_BEGIN, MARK_END = "/consultaid-no-socket-begin", "/consultaid-no-socket-end"


@pytest.fixture
def no_sockets(monkeypatch, tmp_path):
    """Every socket refused while the test runs; yields the list of attempts (must stay empty)."""
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_refuse_sockets)
        _hook_installed = True

    def refused(name):
        def refuse(*args, **kwargs):
            _blocking["tried"].append((f"socket.{name}", repr(args)[:200]))
            raise OSError(f"no socket allowed in ConsultAid (socket.{name})")
        return refuse

    class RefusedSocket(socket.socket):   # a class still, so modules that subclass it can be imported
        def __init__(self, *args, **kwargs):
            refused("socket")(*args)

    monkeypatch.setattr(socket, "socket", RefusedSocket)
    for name in ("socketpair", "create_connection", "create_server", "fromfd"):
        monkeypatch.setattr(socket, name, refused(name))
    _blocking["tried"] = []
    _blocking["on"] = True
    os.access(MARK_BEGIN, os.F_OK)
    yield _blocking["tried"]
    os.access(MARK_END, os.F_OK)
    _blocking["on"] = False


def test_the_blocking_itself_works(no_sockets):
    """Guards the guard: if these stopped failing, the tests below would prove nothing."""
    import _socket

    for attempt in (lambda: socket.socket(), lambda: _socket.socket(socket.AF_UNIX, socket.SOCK_STREAM),
                    lambda: socket.create_connection(("127.0.0.1", 9)), lambda: socket.getaddrinfo("localhost", 80)):
        with pytest.raises(OSError, match="no socket allowed"):
            attempt()
    assert len(no_sockets) == 4
    no_sockets.clear()


@pytest.fixture
def file_printer(tmp_path, monkeypatch):
    """`lp` and `lpstat` that print to files: jobs land in the returned folder."""
    jobs = tmp_path / "printed"
    jobs.mkdir()
    folder = tmp_path / "bin"
    folder.mkdir()
    scripts = {
        "lpstat": "#!/bin/sh\n[ \"$1\" = -d ] && echo 'system default destination: clinic-file' || echo clinic-file\n",
        # The PDF comes on the standard input; it is kept as the printed "paper".
        "lp": "#!/bin/sh\nn=$(ls \"$JOBS\" | wc -l)\ncat > \"$JOBS/job-$n.pdf\"\n"
              "echo \"request id is clinic-file-$n (1 file(s))\"\n",
    }
    for name, text in scripts.items():
        path = folder / name
        path.write_text(text)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("JOBS", str(jobs))
    return jobs


def cli(*arguments) -> int:
    from consultaid.cli import main

    return main([str(argument) for argument in arguments])


# --- 1. In process: the GUI, then the commands, each step checked ---------------------------------------

def test_a_whole_consultation_summary_print_records_and_verify_open_no_socket(
        no_sockets, file_printer, main, qtbot, tmp_path, capsys):
    """One flow, as a list of steps so that the step that tried a socket is named (and a step is easy to
    add). Sockets are refused from before the window was built (the `no_sockets` fixture comes first)."""
    state = {}

    def consultation():
        choose_procedure(main, qtbot, "vertebroplasty")
        qtbot.mouseClick(main.start_button, Qt.MouseButton.LeftButton)
        fill_start_form(main.start_dialog, qtbot, "fr")
        view = main.consultation_view
        walk_procedure_step(view, qtbot)
        walk_risks_step(view, qtbot)
        walk_recovery_step(view, qtbot)
        walk_alternatives_step(view, qtbot)
        press_shortcut(view, Qt.Key.Key_5)
        panel = view.page_for["review"].signing
        for role in ("patient", "surgeon"):
            canvas = panel.pads[role].canvas
            drag(canvas, (canvas.width() * 0.2, canvas.height() * 0.6), (canvas.width() * 0.7, canvas.height() * 0.4))
        from tests.test_consultation_flow import finalize_anyway_if_asked

        finalize_anyway_if_asked(view)
        qtbot.mouseClick(panel.finalize_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.preview is not None and panel.preview.isVisible())
        state["preview"], state["pdf"] = panel.preview, panel.pdf
        assert main.store.search()   # finalized and stored

    def print_to_file():
        preview = state["preview"]
        preview.choose_printer = lambda _parent, copies: ("clinic-file", copies)
        qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
        assert preview.last_job == "clinic-file-0"
        assert (file_printer / "job-0.pdf").read_bytes() == state["pdf"]

    def save_pdf():
        preview = state["preview"]
        preview.choose_save_path = lambda _parent, _suggested: str(tmp_path / "saved.pdf")
        qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
        assert (tmp_path / "saved.pdf").read_bytes() == state["pdf"]
        preview.close()
        qtbot.mouseClick(main.consultation_view.close_button, Qt.MouseButton.LeftButton)

    def render():
        assert cli("render", EXAMPLE_RECORD, "-o", tmp_path / "rendered.pdf") == 0
        assert (tmp_path / "rendered.pdf").read_bytes()[:5] == b"%PDF-"

    def records():
        assert cli("records", "list", "--json") == 0
        [listed] = json.loads(capsys.readouterr().out)
        assert cli("records", "export", listed["id"], "-o", tmp_path / "exported.pdf") == 0
        assert (tmp_path / "exported.pdf").read_bytes() == state["pdf"]
        assert cli("audit", "verify") == 0

    def print_command():
        assert cli("print", tmp_path / "rendered.pdf", "--printer", "clinic-file") == 0

    def validate():
        assert cli("validate", CONTENT) == 0

    def verify():
        # Its verdict (0 intact, 1 a check failed) is tested with the seal; here: it ran, without a socket.
        assert cli("verify", tmp_path / "exported.pdf") in (0, 1), capsys.readouterr().err

    steps = [consultation, print_to_file, save_pdf, render, records, print_command, validate]
    if HAS_VERIFY:
        steps.append(verify)
    for step in steps:
        step()
        assert no_sockets == [], f"{step.__name__} tried to open a socket: {no_sockets}"
    assert len(list(file_printer.iterdir())) == 2


# --- 2. The commands, each in its own process, under the audit hook -------------------------------------

HOOK = (
    "import sys\n"
    "def refuse(event, args):\n"
    "    if event.startswith('socket.'):\n"
    "        sys.stderr.write('SOCKET TRIED: %s %r\\n' % (event, args))\n"
    "        sys.stderr.flush()\n"
    "        raise OSError('no socket allowed in ConsultAid (%s)' % event)\n"
    "sys.addaudithook(refuse)\n"
    "from consultaid.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


@pytest.fixture
def stored_record(tmp_path, monkeypatch):
    """A data folder holding one finalized record and its PDF, as the app stores them."""
    from consultaid.consultation.store import open_store
    from consultaid.report import write_summary

    data = tmp_path / "data"
    monkeypatch.setenv("CONSULTAID_DATA_DIR", str(data))
    record = json.loads(EXAMPLE_RECORD.read_text(encoding="utf-8"))
    write_summary(record, tmp_path / "stored.pdf")
    store = open_store(data)
    record_id = store.finalize(record, (tmp_path / "stored.pdf").read_bytes())
    store.close()
    return record_id


def cli_commands(tmp_path, record_id) -> list[list[str]]:
    commands = [
        ["validate", str(CONTENT)],
        ["render", str(EXAMPLE_RECORD), "-o", str(tmp_path / "rendered.pdf")],
        ["print", str(tmp_path / "rendered.pdf"), "--printer", "clinic-file"],
        ["records", "list", "--json"],
        ["records", "show", str(record_id)],
        ["records", "export", str(record_id), "-o", str(tmp_path / "exported.pdf")],
        ["audit", "verify"],
    ]
    if HAS_VERIFY:
        commands.append(["verify", str(tmp_path / "exported.pdf")])
    return commands


def run_guarded(arguments, prefix=(), cwd=None):
    return subprocess.run([*prefix, sys.executable, "-c", HOOK, *arguments], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


def succeeded(arguments, result) -> bool:
    """Exit 0; for `verify`, a verdict either way (the summary stored here is not sealed): it ran."""
    return result.returncode in ((0, 1) if arguments[0] == "verify" else (0,))


def test_the_commands_open_no_socket(stored_record, file_printer, tmp_path):
    for arguments in cli_commands(tmp_path, stored_record):
        result = run_guarded(arguments, cwd=tmp_path)
        assert "SOCKET TRIED" not in result.stderr, (arguments, result.stderr)
        assert succeeded(arguments, result), (arguments, result.stderr)
    assert (tmp_path / "exported.pdf").read_bytes() == (tmp_path / "stored.pdf").read_bytes()
    assert len(list(file_printer.iterdir())) == 1


# --- 3. System calls: what Qt and every library do in C, and any child process ---------------------------

STRACE = shutil.which("strace")
NETWORK_CALL = re.compile(r"\b(socket|socketpair|connect|bind|listen|accept4?|sendto|sendmsg|recvfrom|"
                          r"recvmsg|getsockname|getpeername|setsockopt|getsockopt|shutdown)\(")


def network_calls(log: Path) -> list[str]:
    """The networking calls in a trace (one file per process with -ff). In the process that marked its
    blocked part, only the calls between the marks count; child processes count whole."""
    calls = []
    for path in log.parent.glob(log.name + "*"):
        lines = path.read_text(errors="replace").splitlines()
        begin = next((n for n, line in enumerate(lines) if MARK_BEGIN in line), None)
        if begin is not None:
            end = next(n for n, line in enumerate(lines) if MARK_END in line)
            lines = lines[begin:end]
        calls += [line for line in lines if NETWORK_CALL.search(line)]
    return calls


def strace_works(tmp_path) -> bool:
    if STRACE is None:
        return False
    probe = subprocess.run([STRACE, "-f", "-o", str(tmp_path / "probe"), "true"], capture_output=True)
    return probe.returncode == 0   # ptrace may be forbidden (some containers)


@pytest.mark.skipif(STRACE is None, reason="needs strace")
def test_no_networking_system_call_in_the_commands(stored_record, file_printer, tmp_path):
    if not strace_works(tmp_path):
        pytest.skip("strace cannot trace here (ptrace not permitted)")
    log = tmp_path / "trace" / "calls"
    log.parent.mkdir()
    for number, arguments in enumerate(cli_commands(tmp_path, stored_record)):
        prefix = (STRACE, "-f", "-ff", "-qq", "-e", "trace=%network", "-o", f"{log}.{number}")
        result = run_guarded(arguments, prefix=prefix, cwd=tmp_path)
        assert succeeded(arguments, result), (arguments, result.stderr)
    traced = list(log.parent.iterdir())
    assert traced   # strace really wrote its logs: an empty list below means something
    assert network_calls(log) == []


@pytest.mark.skipif(STRACE is None, reason="needs strace")
def test_no_networking_system_call_in_the_gui_flow(tmp_path):
    """The in-process GUI test above, run again under strace: Qt's own C++ code is seen too."""
    if not strace_works(tmp_path):
        pytest.skip("strace cannot trace here (ptrace not permitted)")
    log = tmp_path / "trace" / "calls"
    log.parent.mkdir()
    test = (f"{Path(__file__).relative_to(REPO)}"
            "::test_a_whole_consultation_summary_print_records_and_verify_open_no_socket")
    result = subprocess.run([STRACE, "-f", "-ff", "-qq", "-e", "trace=%network,access,faccessat,faccessat2",
                             "-o", str(log), sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
                            capture_output=True, text=True, timeout=600, cwd=REPO)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "1 passed" in result.stdout
    assert any(MARK_END in path.read_text(errors="replace") for path in log.parent.iterdir())
    assert network_calls(log) == []


@pytest.mark.skipif(STRACE is None, reason="needs strace")
def test_the_trace_sees_a_socket_when_there_is_one(tmp_path):
    """Guards the guard: a process that does open a socket is caught by the same trace and reading."""
    if not strace_works(tmp_path):
        pytest.skip("strace cannot trace here (ptrace not permitted)")
    log = tmp_path / "calls"
    subprocess.run([STRACE, "-f", "-ff", "-qq", "-e", "trace=%network", "-o", str(log), sys.executable, "-c",
                    "import socket; socket.socket(socket.AF_INET).close()"], check=True, timeout=60)
    assert any("socket(AF_INET" in call for call in network_calls(log))
