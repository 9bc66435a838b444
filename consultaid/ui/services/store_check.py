"""The daily check of the whole record database, in the background.

At each start the store checks only what opening relies on (consultaid/consultation/store.py); the whole
check reads and decrypts every page (seconds for years of records), so it runs once a day on its own
connection in a thread, and only damage is reported to the user.

The thread never touches a Qt object: the window (and this object with it) may be gone before the check
ends, and a signal emitted from the thread on a deleted object raised "Signal source has been deleted".
The thread leaves its result in a plain Python object; a timer of this object, in the GUI thread, picks
it up and dies with it. When this object is destroyed, the check's connection is interrupted, so the
thread stops at once instead of reading the whole database while the app shuts down."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from consultaid.i18n import _

POLL_MS = 200  # how soon a finished check is reported: the check itself takes seconds


class CheckRun:
    """What the GUI thread and the check's thread share, under a lock: the result once there is one,
    whether it is still wanted, and the connection to interrupt when it is not."""

    def __init__(self):
        self.lock = threading.Lock()
        self.cancelled = False
        self.connection = None
        self.problems: list[str] | None = None

    def started(self, connection) -> None:
        with self.lock:
            self.connection = connection
            cancelled = self.cancelled
        if cancelled:
            connection.interrupt()

    def cancel(self, *_args) -> None:
        with self.lock:
            self.cancelled = True
            connection = self.connection
        if connection is not None:
            connection.interrupt()  # SQLite's documented way to stop a running statement from another thread

    def finish(self, problems: list[str]) -> None:
        with self.lock:
            self.connection = None
            self.problems = problems

    def result(self) -> list[str] | None:
        with self.lock:
            return self.problems


def run_check(data_dir: Path, run: CheckRun) -> None:
    """The thread's work: the whole check, its result left in `run` (no Qt here)."""
    from consultaid.consultation.store import StoreError, check_whole_database

    try:
        problems = check_whole_database(data_dir, started=run.started)
    except StoreError as error:
        problems = [str(error)]
    run.finish(problems)


class DailyStoreCheck(QObject):
    finished = Signal(list)  # emitted in the GUI thread, with the problems found ([] when sound)

    def __init__(self, window, data_dir: Path):
        super().__init__(window)
        self.window = window
        self.data_dir = Path(data_dir)
        self.run: CheckRun | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._collect)
        self.finished.connect(self._report)

    def start_if_due(self) -> bool:
        from consultaid.consultation.store import whole_check_due

        if not whole_check_due(self.data_dir):
            return False
        self.run = CheckRun()
        self.destroyed.connect(self.run.cancel)  # a plain Python callable: safe while this object goes
        self.thread = threading.Thread(target=run_check, args=(self.data_dir, self.run),
                                       name="consultaid-store-check", daemon=True)
        self.thread.start()
        self.timer.start()
        return True

    def _collect(self) -> None:
        problems = self.run.result() if self.run is not None else None
        if problems is None:
            return
        self.timer.stop()
        self.run = None
        self.finished.emit(problems)

    def _report(self, problems: list) -> None:
        if problems:
            self.window.statusBar().showMessage("\u26a0 " + _(
                "The daily check found damage in the records database: keep working on new consultations, "
                "and call IT (consultaid records check)."))
