"""The app's background sender of the hospital outbox: consultaid/hospital/outbox.py in a thread of its own.

Started by the main window only when Settings › Hospital record names a destination (so by default the
app opens no socket). The thread has its own connection to the record store (an SQLite connection belongs
to the thread that opened it, and a slow receiver must never hold the window): this workstation's file, or,
with a clinic server, the server. It passes over the due entries every PASS_SECONDS, or at once when
woken (a summary just finalized, "Send again"), and tells the window what happened after each pass
(`passed`), so the records view and the status bar can say it. Stopping waits for the attempt in flight
to end (an attempt is at most the clients' timeouts); a window closed mid-send leaves an entry that the
next sender takes again (the same document id: the receiver sees one document).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal

from consultaid.consultation.store import StoreError
from consultaid.hospital.document import HospitalSettings
from consultaid.hospital.fhir_client import Credentials
from consultaid.hospital.outbox import OutboxSender, Outcome

log = logging.getLogger(__name__)

PASS_SECONDS = 15.0


class BackgroundSender(QThread):
    """`open_store()` is called in the thread and gives it its own record store (closed when it stops)."""

    passed = Signal(object)   # the list of Outcome of one pass (empty when nothing was due)

    def __init__(self, open_store: Callable[[], Any], settings: HospitalSettings, credentials: Credentials,
                 interval: float = PASS_SECONDS, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("HospitalOutboxSender")
        self.open_store = open_store
        self.settings = settings
        self.credentials = credentials
        self.interval = interval
        self._wake = threading.Event()
        self._stopping = threading.Event()

    def wake(self) -> None:
        """Look at the outbox now rather than at the next pass."""
        self._wake.set()

    def stop(self, wait_ms: int = 150_000) -> None:
        self._stopping.set()
        self._wake.set()
        self.wait(wait_ms)

    def run(self) -> None:
        store = None
        while not self._stopping.is_set():
            outcomes: list[Outcome] = []
            try:
                if store is None:
                    store = self.open_store()
                outcomes = OutboxSender(store, self.settings, self.credentials).send_due(stop=self._stopping.is_set)
            except StoreError as error:
                # The record store is away (the clinic server restarting): tried again at the next pass.
                log.warning("the hospital outbox could not be read (%s)", error.kind)
                store = self._closed(store)
            except Exception as error:  # noqa: BLE001 — a sender that stops would leave documents unsent
                # The kind only: an unexpected error's text could quote the record.
                log.error("the hospital outbox sender failed (%s); it tries again at the next pass",
                          type(error).__name__)
                store = self._closed(store)
            self.passed.emit(outcomes)
            self._wake.wait(self.interval)
            self._wake.clear()
        self._closed(store)

    @staticmethod
    def _closed(store: Any) -> None:
        if store is not None:
            try:
                store.close()
            except Exception:  # noqa: BLE001 — a connection already broken fails to close; it is dropped
                pass
        return None
