"""Shared by the two cold-start children: report the first paint of a top-level window, then exit.

Kept tiny and stdlib-only at import so it costs the same in both children."""

from __future__ import annotations

import os
import sys


def peak_rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def install(app) -> None:
    """An application-wide event filter: the first QEvent.Paint delivered to a top-level widget schedules
    the report for when the event loop is next idle, i.e. after that whole window has been painted
    (the window and its children are painted in one backing-store sync)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    def report() -> None:
        sys.stdout.write(f"painted {peak_rss_kb()}\n")
        sys.stdout.flush()
        os._exit(0)

    class FirstPaint(QObject):
        seen = False

        def eventFilter(self, watched, event):  # noqa: N802 (Qt name)
            if not self.seen and event.type() == QEvent.Type.Paint and watched.isWidgetType() \
                    and watched.isWindow():
                self.seen = True
                QTimer.singleShot(0, report)
            return False

    app._first_paint_probe = FirstPaint(app)
    app.installEventFilter(app._first_paint_probe)
