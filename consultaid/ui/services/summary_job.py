"""Making a sealed PDF (the summary, an addendum) away from the window's thread.

Rendering, the PDF/A rewrite and the seal take a few tenths of a second for a normal consultation and
seconds for a long one (or the first time, when this installation's seal key is made); done on the GUI thread
they froze the window (no repaint, no typing, the lock screen's timer late). A `SealingJob` runs `make(seal)`
in a worker thread and hands the bytes back through a queued signal, so every slot runs on the GUI thread
again. Anything that may ask the user (the seal certificate's passphrase) is settled before the job starts;
`seal_source()`, called in the worker, only loads or makes the seal. Storing the result is the caller's,
on the GUI thread (the record store's connection belongs to it).

    SummaryJob(record, paper, logo_path, seal_source)   consultaid.report.sealed_summary
    SealingJob(make, seal_source, what="addendum")      any other sealed document
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

log = logging.getLogger(__name__)

# While a job runs, the interpreter lock passes between threads every millisecond rather than Python's
# default 5 ms. The window's thread needs that lock for every slot, and for every event and paint a widget
# written in Python takes part in; each time the worker held it, the window waited up to 5 ms, and a styled
# window (more events per repaint) added up to 40-60 ms stalls during a finalize. At 1 ms: 13-25 ms
# (benchmarks/run.py --only finalize). The worker itself loses a little to the extra hand-overs.
SWITCH_INTERVAL_WHILE_WORKING = 0.001
_working = 0
_working_lock = threading.Lock()
_usual_interval = sys.getswitchinterval()


def _job_started() -> None:
    global _working
    with _working_lock:
        _working += 1
        sys.setswitchinterval(SWITCH_INTERVAL_WHILE_WORKING)


def _job_ended() -> None:
    global _working
    with _working_lock:
        _working -= 1
        if _working == 0:
            sys.setswitchinterval(_usual_interval)


class SealingJob(QObject):
    """One sealed PDF made in a worker thread: `done(bytes)` or `failed(reason)`, delivered on the GUI thread."""

    done = Signal(bytes)
    failed = Signal(str)   # the reason, for the user's screen (never logged: it may quote the record)

    def __init__(self, make: Callable[[Any], bytes], seal_source: Callable[[], Any], parent: QObject | None = None,
                 what: str = "document") -> None:
        """`make(seal)` renders and seals; `seal_source()` gives the seal, in the worker: making this
        installation's key the first time takes seconds. `what` names the document in the log (no patient
        data)."""
        super().__init__(parent)
        self._make, self._seal_source, self.what = make, seal_source, what
        self._thread = threading.Thread(target=self._run, name=f"consultaid-{what}", daemon=True)

    def start(self) -> None:
        _job_started()
        try:
            self._thread.start()
        except BaseException:
            _job_ended()
            raise

    def is_running(self) -> bool:
        return self._thread.is_alive()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the worker (the caller then processes events to receive its result); True when done."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            pdf = self._make(self._seal_source())
        except Exception as error:  # noqa: BLE001 — nothing is lost: the caller keeps what it had, and may try again
            log.warning("the %s could not be made (%s)", self.what, type(error).__name__)
            result, value = self.failed, str(error) or type(error).__name__
        else:
            result, value = self.done, pdf
        finally:
            _job_ended()   # before the result is handed over: the window's slot runs at the usual interval
        self._deliver(result, value)

    def _deliver(self, signal: SignalInstance, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the window that asked was closed meanwhile: nobody is left to receive it
            log.warning("a %s was made for a window that is gone", self.what)


class SummaryJob(SealingJob):
    """The finalized summary: `consultaid.report.sealed_summary(record, paper, logo_path, seal)`."""

    def __init__(self, record: dict[str, Any], paper: str, logo_path: Any, seal_source: Callable[[], Any],
                 parent: QObject | None = None) -> None:
        def make(seal: Any) -> bytes:
            # Looked up when it runs, not when the job is made (a test slows it down there).
            from consultaid.report import sealed_summary

            return sealed_summary(record, paper, logo_path=logo_path, seal=seal)

        super().__init__(make, seal_source, parent, what="summary")
