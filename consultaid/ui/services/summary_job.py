"""Making the sealed summary away from the window's thread.

Rendering, the PDF/A rewrite and the seal take a few tenths of a second for a normal consultation and
seconds for a long one; done on the GUI thread they froze the window (no repaint, no typing, the lock
screen's timer late). A `SummaryJob` runs `consultaid.report.sealed_summary` in a worker thread and hands the
bytes back through a queued signal, so every slot runs on the GUI thread again. Anything that may ask the
user (the seal certificate's passphrase) is settled before the job starts.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class SummaryJob(QObject):
    done = Signal(bytes)
    failed = Signal(str)   # the reason, for the surgeon's screen (never logged: it may quote the record)

    def __init__(self, record: dict, paper: str, logo_path, seal_source, parent=None):
        """`seal_source()` gives the seal, in the worker: making this installation's key the first time
        takes seconds."""
        super().__init__(parent)
        self._arguments = (record, paper, logo_path, seal_source)
        self._thread = threading.Thread(target=self._run, name="consultaid-summary", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread.is_alive()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the worker (the caller then processes events to receive its result); True when done."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        from consultaid.report import sealed_summary

        record, paper, logo_path, seal_source = self._arguments
        try:
            pdf = sealed_summary(record, paper, logo_path=logo_path, seal=seal_source())
        except Exception as error:  # noqa: BLE001 — the consultation stays finalized; the surgeon can try again
            log.warning("the summary could not be made (%s)", type(error).__name__)
            self._deliver(self.failed, str(error) or type(error).__name__)
        else:
            self._deliver(self.done, pdf)

    @staticmethod
    def _deliver(signal, value) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the panel that asked was closed meanwhile: nobody is left to receive it
            log.warning("a summary was made for a panel that is gone")
