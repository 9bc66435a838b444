"""What happens when the code fails where nobody expected it: the work is kept, the user is told.

An exception no one caught in a Qt slot used to print a traceback on a console no surgeon sees, and the
window went on in an unknown state. Now, in this order: the draft is saved (what was typed since the last
autosave is not lost), the crash goes into the rotating log with no patient data (`crash_log.py`), and a
translated dialog says what happened and where the report is. The dialog goes through the one message
service, so tests can answer it; `show_dialog=False` (or CONSULTAID_CRASH_DIALOG=0) turns it off for runs
without anyone in front of the screen.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from consultaid.crash_log import log_crash
from consultaid.i18n import _


class CrashHandler:
    def __init__(self, data_dir: Path, main_window: Callable[[], object | None], show_dialog: bool = True):
        self.data_dir = data_dir
        self.main_window = main_window
        self.show_dialog = show_dialog and os.environ.get("CONSULTAID_CRASH_DIALOG", "1") != "0"
        self._handling = False
        self._previous: tuple | None = None

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.handle
        threading.excepthook = self.handle_thread

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None

    def handle(self, kind: type[BaseException], value: BaseException, traceback_: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt) or self._handling:
            sys.__excepthook__(kind, value, traceback_)
            return
        self._handling = True  # a failure while handling one is logged by Python, not handled again
        try:
            saved = self._save_draft()
            log = log_crash(self.data_dir, kind, traceback_, saved)
            if self.show_dialog:
                self._tell_user(saved, log)
        finally:
            self._handling = False

    def handle_thread(self, arguments: threading.ExceptHookArgs) -> None:
        """A background thread (the daily integrity check, for example) failed: logged only, since a dialog
        or a save from outside the GUI thread would be a second fault."""
        if arguments.exc_type is SystemExit:
            return
        log_crash(self.data_dir, arguments.exc_type, arguments.exc_traceback, None)

    def _save_draft(self) -> bool | None:
        window = self.main_window()
        autosaver = getattr(window, "autosaver", None)
        if autosaver is None:
            return None
        try:
            return bool(autosaver.save_now())
        except Exception:  # noqa: BLE001 — the store may be what failed; the log says the draft was not saved
            return False

    def _tell_user(self, saved: bool | None, log: Path | None) -> None:
        from consultaid.ui.services.messages import messages

        if saved is None:
            first = _("ConsultAid met an unexpected problem. No consultation was open.")
        elif saved:
            first = _("ConsultAid met an unexpected problem. The consultation in progress has been saved: you "
                      "can go on, or close ConsultAid and open it again, which offers to resume it.")
        else:
            first = _("ConsultAid met an unexpected problem, and the consultation in progress could not be "
                      "saved. Do not close ConsultAid: try to finalize or save again, and call IT.")
        where = (_("A report without patient data was written to {path}.").format(path=log) if log is not None
                 else _("The report could not be written (the disk may be full)."))
        messages.inform(self.main_window(), _("Unexpected problem"), first + "\n\n" + where)
