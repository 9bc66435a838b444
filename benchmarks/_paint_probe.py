"""Shared by the two cold-start children: report the first paint of a top-level window, then exit.

Kept tiny and stdlib-only at import so it costs the same in both children."""

from __future__ import annotations

import os
import sys

_probe = None


def peak_rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def install() -> None:
    """Report the first paint of the first top-level window shown, then exit.

    The event filter goes on that window only, when it is shown (QWidget.show is wrapped for this): an
    application-wide filter would make PySide6 wrap every object that receives any event in a Python
    object, a cost that grows with the number of widget kinds on screen and is the probe's, not the app's.
    The report waits for the event loop's next turn, i.e. until that whole window has been painted (the
    window and its children are painted in one backing-store sync)."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QWidget

    def report() -> None:
        sys.stdout.write(f"painted {peak_rss_kb()}\n")
        sys.stdout.flush()
        os._exit(0)

    class FirstPaint(QObject):
        seen = False

        def eventFilter(self, watched, event):  # noqa: N802 (Qt name)
            if not self.seen and event.type() == QEvent.Type.Paint:
                self.seen = True
                QTimer.singleShot(0, report)
            return False

    global _probe
    probe = _probe = FirstPaint()   # before or after the QApplication is made: no parent needed
    original_show = QWidget.show

    def show(widget) -> None:
        if widget.isWindow():
            widget.installEventFilter(probe)
        original_show(widget)

    QWidget.show = show
