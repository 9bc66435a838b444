"""The daily check of the whole record database, in the background.

At each start the store checks only what opening relies on (consultaid/consultation/store.py); the whole
check reads and decrypts every page (seconds for years of records), so it runs once a day on its own
connection in a thread, and only damage is reported to the user."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from consultaid.i18n import _


class DailyStoreCheck(QObject):
    finished = Signal(list)

    def __init__(self, window, data_dir: Path):
        super().__init__(window)
        self.window = window
        self.data_dir = Path(data_dir)
        self.finished.connect(self._report)  # queued: emitted from the thread, run in the GUI thread

    def start_if_due(self) -> bool:
        from consultaid.consultation.store import whole_check_due

        if not whole_check_due(self.data_dir):
            return False
        threading.Thread(target=self._run, name="consultaid-store-check", daemon=True).start()
        return True

    def _run(self) -> None:
        from consultaid.consultation.store import StoreError, check_whole_database

        try:
            problems = check_whole_database(self.data_dir)
        except StoreError as error:
            problems = [str(error)]
        self.finished.emit(problems)

    def _report(self, problems: list) -> None:
        if problems:
            self.window.statusBar().showMessage("\u26a0 " + _(
                "The daily check found damage in the records database: keep working on new consultations, "
                "and call IT (consultaid records check)."))
