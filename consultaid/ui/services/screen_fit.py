"""Windows and dialogs sized to the screen they open on: never past its available area (the part the
task bar and panels leave), so their buttons are always on screen, on a 1366x768 laptop as on a large one."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QGridLayout, QWidget

# Room kept for what surrounds a page in the main window: the window frame, the page's margins and the
# scroll bar of the area it may sit in.
SURROUNDINGS = 40

# What the window manager adds around a window (title bar, borders), kept free so the frame fits too.
FRAME_ALLOWANCE = 40
FRAME_SIDE = 4
FRAME_BOTTOM = 8


def available_area(widget: QWidget) -> QRect:
    parent = widget.parentWidget()
    screen = (parent.screen() if parent is not None else None) or widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit_to_screen(widget: QWidget, width: int, height: int, centre: bool = False) -> None:
    """Resize to the wanted size, or to what the screen leaves if that is less; with `centre`, also placed
    in the middle of the available area, frame included (a window manager may otherwise put it where its
    frame goes past the bottom edge: 1 px of the patient screen did at desktop scaling 200 %)."""
    area = available_area(widget)
    widget.resize(min(width, area.width() - 2 * FRAME_SIDE), min(height, area.height() - FRAME_ALLOWANCE))
    if centre:
        widget.move(area.left() + (area.width() - widget.width() - 2 * FRAME_SIDE) // 2,
                    area.top() + (area.height() - widget.height() - FRAME_ALLOWANCE) // 2)


def fit_main_window(window: QWidget) -> None:
    """The whole available area less the window's frame: the status bar at the bottom is never under the
    task bar or below the screen (it was at 1180x760 on a 768 px screen), and every step has the room."""
    area = available_area(window)
    window.setGeometry(area.adjusted(FRAME_SIDE, FRAME_ALLOWANCE, -FRAME_SIDE, -FRAME_BOTTOM))


def snap_frame_to_area(window: QWidget) -> bool:
    """Once the window manager has framed the window: the frame exactly over the available area, instead of
    the guessed FRAME_ALLOWANCE (in logical pixels, which a window manager that does not scale its title
    bar turned into a 30 px empty band above the window at desktop scaling 200 %). False, and nothing
    done, while the frame is not known yet (or the platform has none)."""
    frame, inner = window.frameGeometry(), window.geometry()
    if frame == inner or window.isMaximized() or window.isFullScreen():
        return False
    window.setGeometry(available_area(window).adjusted(inner.left() - frame.left(), inner.top() - frame.top(),
                                                         inner.right() - frame.right(),
                                                         inner.bottom() - frame.bottom()))
    return True


def keep_on_screen(window: QWidget) -> None:
    """After the presentation size grew the window's minimum size: back inside the available area."""
    area = available_area(window)
    frame = window.frameGeometry()
    if area.contains(frame):
        return
    extra_w, extra_h = frame.width() - window.width(), frame.height() - window.height()
    width = min(window.width(), area.width() - extra_w)
    height = min(window.height(), area.height() - extra_h)
    window.resize(width, height)
    x = min(max(area.left(), frame.left()), area.right() + 1 - width - extra_w)
    y = min(max(area.top(), frame.top()), area.bottom() + 1 - height - extra_h)
    window.move(x, y)


def fits_screen_width(widget: QWidget, margins: int = 0) -> bool:
    """Whether the widget, at its minimum width plus `margins`, fits across the screen it will open on. Asked
    before it is shown, to choose between a wide arrangement and one that stacks (never a sideways scroll)."""
    widget.ensurePolished()  # the style sheet's font sizes, which set the width, apply from here on
    return widget.minimumSizeHint().width() + margins + SURROUNDINGS <= available_area(widget).width()


def place_in_grid(grid: QGridLayout, cells: list[tuple[QWidget, int, int, int]]) -> None:
    """Puts each widget at (row, column, columns spanned), moving it if it was already in the grid."""
    for widget, _row, _column, _span in cells:
        grid.removeWidget(widget)
    for widget, row, column, span in cells:
        grid.addWidget(widget, row, column, 1, span)
