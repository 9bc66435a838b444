"""Saves the running consultation to the store shortly after every change.

"Saved" is shown only once the store has committed. A failure (disk full, read-only folder, locked
database) keeps everything in memory, says what happened and offers to try again; the next change
tries again on its own as well.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from consultaid.consultation.store import Store, StoreError

DELAY_MS = 400  # well inside the "about a second" budget, and coalesces a burst of keystrokes


class Autosaver(QObject):
    saved = Signal(int)      # revision, after COMMIT
    failed = Signal(str)     # the message for the user

    def __init__(self, store: Store, consultation, parent=None):
        super().__init__(parent)
        self.store = store
        self.consultation = consultation
        self.pending = False
        self.last_error: StoreError | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DELAY_MS)
        self.timer.timeout.connect(self.save_now)

    @Slot()
    def changed(self) -> None:
        self.pending = True
        self.timer.start()

    @Slot()
    def save_now(self) -> bool:
        self.timer.stop()
        if self.consultation.finalized_at is not None:
            return True  # from here on the finalized record is the copy that counts
        try:
            revision = self.store.save_draft(self.consultation.to_record())
        except StoreError as error:
            self.last_error = error
            self.failed.emit(str(error))
            return False
        self.pending = False
        self.last_error = None
        self.saved.emit(revision)
        return True
