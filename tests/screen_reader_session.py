"""A desktop session a screen reader can listen to, for tests/test_screen_reader.py: a virtual X display,
a D-Bus session bus, the AT-SPI accessibility bus and registry, and the app on it with Qt's bridge on.

Every piece is a real process started here and ended here (by its own process id). `unavailable()` says
in one sentence what is missing on this machine, so the test can skip saying why, or None."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SYSTEM_PYTHON = "/usr/bin/python3"
BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"


def unavailable() -> str | None:
    if shutil.which("Xvfb") is None:
        return "Xvfb is not installed (packaging/dev.sh test installs it)"
    if shutil.which("dbus-daemon") is None:
        return "dbus-daemon is not installed (packaging/dev.sh test installs it)"
    if not os.access(BUS_LAUNCHER, os.X_OK):
        return "at-spi2-core is not installed (packaging/dev.sh test installs it)"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import gi; gi.require_version('Atspi', '2.0'); "
                            "from gi.repository import Atspi"], capture_output=True)
    if probe.returncode != 0:
        return "the system Python has no AT-SPI bindings (python3-gi, gir1.2-atspi-2.0)"
    return None


class ScreenReaderSession:
    """Start with `start(language)`; `command(...)` drives the app and returns what the sighted user sees
    of each focusable control; `walk()` returns what the screen reader gets; `stop()` ends everything."""

    def __init__(self, width: int = 1366, height: int = 768):
        self.size = (width, height)
        self.processes: list[subprocess.Popen] = []
        self.env = dict(os.environ)
        self.app: subprocess.Popen | None = None

    def _spawn(self, arguments, **options) -> subprocess.Popen:
        process = subprocess.Popen(arguments, env=self.env, **options)
        self.processes.append(process)
        return process

    def start(self, language: str = "en", fitted: bool = False, window_manager: bool = False) -> None:
        read, write = os.pipe()
        self._spawn(["Xvfb", "-displayfd", str(write), "-screen", "0", f"{self.size[0]}x{self.size[1]}x24",
                     "-nolisten", "tcp"], pass_fds=(write,), stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as display:
            self.env["DISPLAY"] = ":" + display.readline().strip()
        bus = self._spawn(["dbus-daemon", "--session", "--nofork", "--print-address=1"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
        self.env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().strip()
        self._spawn([BUS_LAUNCHER, "--launch-immediately"], stderr=subprocess.DEVNULL)
        if window_manager and shutil.which("openbox"):
            # A real window manager: frames, placement and the available area a user's desktop has.
            self._spawn(["openbox"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        self.env.update({"QT_QPA_PLATFORM": "xcb", "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
                         "PYTHONPATH": str(REPO) + os.pathsep + self.env.get("PYTHONPATH", "")})
        size = "fitted" if fitted else "fixed"
        self.app = self._spawn([sys.executable, str(REPO / "tests" / "a11y_app.py"), language, size], cwd=REPO,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
        self.seen = self._read_report()

    def _read_report(self) -> list[dict]:
        line = self.app.stdout.readline()
        while line and line.strip() != "ready":
            line = self.app.stdout.readline()
        if not line:
            raise RuntimeError("the app ended before it was ready")
        return json.loads(self.app.stdout.readline())

    def command(self, text: str) -> list[dict]:
        self.app.stdin.write(text + "\n")
        self.app.stdin.flush()
        self.seen = self._read_report()
        return self.seen

    def walk(self) -> list[dict]:
        result = subprocess.run([SYSTEM_PYTHON, str(REPO / "tests" / "atspi_walk.py"), str(self.app.pid)],
                                env=self.env, capture_output=True, text=True, timeout=120)
        nodes = json.loads(result.stdout or "{}")
        if isinstance(nodes, dict):
            raise RuntimeError(nodes.get("error") or result.stderr[-500:])
        return nodes

    def stop(self) -> None:
        if self.app is not None and self.app.poll() is None:
            try:
                self.app.stdin.write("quit\n")
                self.app.stdin.flush()
                self.app.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
