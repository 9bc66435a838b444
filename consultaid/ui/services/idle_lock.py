"""The idle lock: after some minutes without input (or at Ctrl+L) the draft is saved and every window of
the app hides the patient's information until the surgeon's PIN is entered.

How it is put together, and why:

- Idle time: an event filter on the app's windows (QWindow, where the window system delivers every key,
  click, wheel, touch and pen event before any widget sees it) notes the time of the last input, and a
  single-shot timer wakes up when the time could be up and checks. Not an application-wide filter: that
  would run Python for each of the ~340 events (layout, paint…) of a step switch: +1.6 ms median per
  switch here (8.6 → 10.2 ms), against no measurable cost for the window filter. New windows are watched
  as they get the focus, which input to them gives them.
- Locking first saves the draft synchronously (the same path as autosave), so what is in the store is
  what was on screen. Then every visible window gets an opaque `Curtain` (its contents stay untouched
  underneath, and its title loses anything it said), the main window's menus and pages are disabled, and
  the `LockScreen` opens over the main window, modal to the whole application: it takes every key and
  click even when a question or the summary preview was open, and the blocked windows' shortcuts
  (Ctrl+1…5, Ctrl+H, Ctrl+P…) cannot fire. Nothing is closed or answered, so after unlocking the
  surgeon is exactly where they were. A window that appears while locked is covered as it shows.
- The PIN is the surgeon's own (Settings, Surgeons; only a salted scrypt hash is kept, consultaid/pin.py):
  the surgeon of the open consultation when they have a profile, else the profile chosen in Settings.
  Without a PIN the lock still hides everything, and says plainly that anyone can unlock; an OS account
  check is not attempted (see docs/surgeons.md, "Locking the screen").
- After every FAILURES_BEFORE_WAIT wrong PINs the screen refuses tries for a while, doubling each time.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QWidget

from consultaid.i18n import _

FAILURES_BEFORE_WAIT = 5
FIRST_WAIT_SECONDS, LONGEST_WAIT_SECONDS = 30, 300

# What counts as someone using the app. Not window activation or paint: a screen that only repaints is idle.
INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd, QEvent.Type.TabletPress, QEvent.Type.TabletMove,
    QEvent.Type.TabletRelease, QEvent.Type.InputMethod,
})


def _is_passing(widget: QWidget) -> bool:
    """A passing window (tool tip, pop-up) needs no curtain, and would look broken with one. (Qt is
    imported here, not at the top: the first screen never loads PySide6's `Qt` namespace, see
    ui/views/library_page.py.)"""
    from PySide6.QtCore import Qt

    return widget.windowType() in (Qt.WindowType.ToolTip, Qt.WindowType.Popup)


class IdleLock(QObject):
    """Owned by the main window. `lock()` and `unlock(pin)` may also be called directly (tests, Ctrl+L)."""

    locked_changed = Signal(bool)

    def __init__(self, window, minutes: int = 5):
        super().__init__(window)
        self.window = window
        self.locked = False
        self.lock_screen = None
        self.curtains: dict[QWidget, tuple] = {}   # window -> (curtain, its title before locking)
        self.profile = None
        self.failures = 0
        self.last_input = time.monotonic()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._check_idle)
        self.set_minutes(minutes)
        QApplication.instance().focusWindowChanged.connect(self._window_focused)

    # --- idle time --------------------------------------------------------------------------------
    def set_minutes(self, minutes: int) -> None:
        from consultaid.settings import MAX_LOCK_MINUTES, MIN_LOCK_MINUTES

        self.set_idle_ms(min(max(int(minutes), MIN_LOCK_MINUTES), MAX_LOCK_MINUTES) * 60_000)

    def set_idle_ms(self, milliseconds: int) -> None:
        """The idle time itself (tests use a short one); counts from the last input."""
        self.idle_ms = int(milliseconds)
        if not self.locked:
            self.timer.start(self._left_ms())

    def _left_ms(self) -> int:
        return max(0, round(self.idle_ms - (time.monotonic() - self.last_input) * 1000))

    def _watch_windows(self) -> None:
        for window in QApplication.allWindows():
            window.installEventFilter(self)   # installing twice keeps one: Qt replaces the earlier one

    @Slot()
    def _window_focused(self, window=None) -> None:
        if window is not None:   # None: the app lost the focus to another program, which is not use
            self.last_input = time.monotonic()
            self._watch_windows()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in INPUT_EVENTS:
            self.last_input = time.monotonic()
        elif self.locked and kind == QEvent.Type.Show and watched.isWidgetType() and watched.isWindow():
            self._cover(watched)
        elif self.locked and watched is self.window and kind in (QEvent.Type.Move, QEvent.Type.Resize):
            self._place_lock_screen()
        return False

    @Slot()
    def _check_idle(self) -> None:
        if self.locked:
            return
        self._watch_windows()
        left = self._left_ms()
        # A hidden or closed main window (or one still starting) has nothing on show to protect.
        if left > 0 or not self.window.isVisible():
            self.timer.start(left or self.idle_ms)
            return
        self.lock()

    # --- locking ----------------------------------------------------------------------------------
    def _lock_profile(self):
        """The surgeon whose PIN unlocks: the open consultation's surgeon if they have a profile, else the
        profile chosen in Settings (None when there is no profile at all)."""
        from consultaid.settings import load_settings

        configured = load_settings()
        view = self.window.consultation_view
        if view is not None:
            name = view.consultation.setup.surgeon.name.strip().casefold()
            for profile in configured.profiles:
                if profile.name.strip().casefold() == name:
                    return profile
        return configured.current()

    def _save_draft(self) -> str:
        """Saves the open consultation now; what the lock screen says about it (never patient data)."""
        from datetime import datetime

        autosaver = getattr(self.window, "autosaver", None)
        if self.window.consultation_view is None:
            return ""
        if autosaver is None:
            return _("This consultation cannot be saved: there is no record store.")
        if not autosaver.save_now():
            return _("The consultation could not be saved before locking: {reason}").format(
                reason=autosaver.last_error)
        return _("The consultation was saved at {time}.").format(time=datetime.now().strftime("%H:%M"))

    @Slot()
    def lock(self) -> None:
        from consultaid.ui.dialogs.lock_screen import LockScreen

        if self.locked:
            return
        saved_note = self._save_draft()   # first: the store holds what was on screen
        self.locked = True
        self.timer.stop()
        # While locked, every object: a window that shows must be covered at once, and the lock screen
        # follows the main window. Removed again on unlocking, when speed matters once more.
        QApplication.instance().installEventFilter(self)
        self.failures = 0
        self.focus_before = QApplication.focusWidget()
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible():
                self._cover(widget)
        for part in (self.window.menuBar(), self.window.centralWidget(), self.window.statusBar()):
            part.setEnabled(False)
        self.profile = self._lock_profile()
        self._audit("lock", self.profile.name if self.profile else "")
        self.lock_screen = LockScreen(self.profile.name if self.profile else None,
                                      bool(self.profile and self.profile.pin_hash), saved_note, self.window)
        self.lock_screen.unlock_requested.connect(self.unlock)
        self._place_lock_screen()
        self.lock_screen.show()
        self._activate_lock_screen()
        # Again once the events of this moment are through: the window that had the focus may take it
        # back as it is covered (seen with an open dialog), and the PIN must go to the lock screen.
        QTimer.singleShot(0, self._activate_lock_screen)
        self.locked_changed.emit(True)

    @Slot()
    def _activate_lock_screen(self) -> None:
        if self.lock_screen is not None:
            self.lock_screen.raise_()
            self.lock_screen.activateWindow()
            self.lock_screen.focus_entry()

    def _cover(self, widget: QWidget) -> None:
        from consultaid.ui.dialogs.lock_screen import Curtain

        if widget in self.curtains or widget is self.lock_screen or _is_passing(widget) \
                or isinstance(widget, Curtain):
            return
        title = widget.windowTitle()
        widget.setWindowTitle(_("ConsultAid (locked)"))
        self.curtains[widget] = (Curtain(widget), title)
        widget.destroyed.connect(lambda _obj=None, widget=widget: self.curtains.pop(widget, None))

    def _place_lock_screen(self) -> None:
        if self.lock_screen is not None:
            self.lock_screen.setGeometry(self.window.geometry())

    # --- unlocking --------------------------------------------------------------------------------
    @Slot(str)
    def unlock(self, pin: str = "") -> bool:
        """True (and unlocked) when `pin` is the surgeon's, or when no PIN is set."""
        from consultaid.pin import check_pin

        if not self.locked:
            return True
        if self.lock_screen is not None and self.lock_screen.waiting:
            return False
        if self.profile is not None and self.profile.pin_hash and not check_pin(pin, self.profile.pin_hash):
            self.failures += 1
            wait = 0
            if self.failures % FAILURES_BEFORE_WAIT == 0:
                rounds = self.failures // FAILURES_BEFORE_WAIT
                wait = min(FIRST_WAIT_SECONDS * 2 ** (rounds - 1), LONGEST_WAIT_SECONDS)
            self.lock_screen.refuse(wait)
            self._audit("unlock_refused", self.profile.name)
            return False
        self._audit("unlock", self.profile.name if self.profile and self.profile.pin_hash else "")
        self._lift()
        return True

    def _audit(self, action: str, surgeon: str) -> None:
        """Locks and unlocks go into the audit trail, with whose PIN it was ("" when none is set); never
        patient data. A store that cannot write does not stop the lock or the unlock."""
        from consultaid.consultation.store import StoreError

        store = getattr(self.window, "store", None)
        if store is None:
            return
        try:
            store.log(action, surgeon)
        except StoreError:
            pass

    def _lift(self) -> None:
        screen, self.lock_screen = self.lock_screen, None
        screen.may_close = True
        screen.close()
        screen.deleteLater()
        for widget, (curtain, title) in list(self.curtains.items()):
            try:
                widget.removeEventFilter(curtain)
                curtain.deleteLater()
                curtain.hide()
                widget.setWindowTitle(title)
            except RuntimeError:
                pass   # that window was deleted while locked
        self.curtains = {}
        for part in (self.window.menuBar(), self.window.centralWidget(), self.window.statusBar()):
            part.setEnabled(True)
        QApplication.instance().removeEventFilter(self)
        self.locked = False
        self.profile = None
        self.last_input = time.monotonic()
        self.timer.start(self.idle_ms)
        focus = getattr(self, "focus_before", None)
        self.focus_before = None
        try:
            if focus is not None and focus.isVisible():
                focus.window().activateWindow()
                focus.setFocus()
        except RuntimeError:
            pass
        self.locked_changed.emit(False)


__all__ = ["IdleLock"]
