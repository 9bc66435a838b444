"""The keyboard focus ring of the painted widgets (timeline, icon array) that take the focus for screen
readers: the same colour and width the style sheet gives every other control, drawn over the picture."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget


def paint_focus_frame(widget: QWidget) -> None:
    """A frame inside the widget's edge while it has the keyboard focus; nothing otherwise."""
    if not widget.hasFocus():
        return
    from consultaid.ui.services import style

    width = style.focus_width()
    with QPainter(widget) as painter:
        painter.setPen(QPen(QColor(style.focus_colour()), width))
        half = width / 2
        painter.drawRect(QRectF(half, half, widget.width() - width, widget.height() - width))
