"""The drawing surface (`consultaid.charts.surface`) painted with QPainter: the screen's side of the charts.

Everything the charts draw is decided in `consultaid.charts.draw_*`; this adapter only turns its lines,
rectangles, paths and text into QPainter calls. Fonts are QFonts (each widget builds its `Look` from its
own font, so the app's presentation zoom scales the charts); measuring uses QFontMetricsF.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

from consultaid.charts.surface import CENTRE, MIDDLE, RIGHT, Path, Pen, Rect

CAPS = {"flat": Qt.PenCapStyle.FlatCap, "square": Qt.PenCapStyle.SquareCap, "round": Qt.PenCapStyle.RoundCap}
JOINS = {"miter": Qt.PenJoinStyle.MiterJoin, "round": Qt.PenJoinStyle.RoundJoin, "bevel": Qt.PenJoinStyle.BevelJoin}
DASHES = {"dash": Qt.PenStyle.DashLine, "dot": Qt.PenStyle.DotLine}


def qrect(rect: Rect) -> QRectF:
    return QRectF(rect.x, rect.y, rect.width, rect.height)


@lru_cache(maxsize=64)
def qbrush(colour: str | None) -> QBrush:
    return QBrush(QColor(colour)) if colour is not None else QBrush(Qt.BrushStyle.NoBrush)


def qpath(path: Path) -> QPainterPath:
    result = QPainterPath()
    for op in path.ops:
        name, args = op[0], op[1:]
        if name == "move":
            result.moveTo(args[0], args[1])
        elif name == "line":
            result.lineTo(args[0], args[1])
        elif name == "quad":
            result.quadTo(args[0], args[1], args[2], args[3])
        elif name == "arc":
            result.arcMoveTo(qrect(args[0]), args[1])
            result.arcTo(qrect(args[0]), args[1], args[2])
        elif name == "ellipse":
            result.addEllipse(QPointF(args[0], args[1]), args[2], args[3])
        elif name == "rounded_rect":
            result.addRoundedRect(qrect(args[0]), args[1], args[1])
        elif name == "close":
            result.closeSubpath()
    return result


NO_PEN = QPen(Qt.PenStyle.NoPen)


@lru_cache(maxsize=64)
def qpen(pen: Pen | None) -> QPen:
    """The QPen of a `Pen` (kept: a chart uses a handful of pens thousands of times)."""
    if pen is None:
        return NO_PEN
    result = QPen(QColor(pen.colour), pen.width)
    if isinstance(pen.dash, str):
        result.setStyle(DASHES[pen.dash])
    elif pen.dash:
        result.setDashPattern([length / max(pen.width, 0.01) for length in pen.dash])
    if pen.cap is not None:
        result.setCapStyle(CAPS[pen.cap])
    if pen.join is not None:
        result.setJoinStyle(JOINS[pen.join])
    return result


class QtSurface:
    """A `Surface` over a QPainter (antialiased). Without a painter it only measures: for layouts made
    before anything is painted (a widget's height for its width)."""

    def __init__(self, painter: QPainter | None = None) -> None:
        self.painter = painter  # type: ignore[assignment]
        self._converted: tuple[Path, int, QPainterPath] | None = None   # the last path, drawn again and again
        if painter is not None:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)

    # -- text measures ----------------------------------------------------------------------------
    def measure(self, text: str, font: QFont) -> float:
        return QFontMetricsF(font).horizontalAdvance(text)

    def line_height(self, font: QFont) -> float:
        return QFontMetricsF(font).height()

    def wrapped_height(self, text: str, font: QFont, width: float) -> float:
        return QFontMetricsF(font).boundingRect(QRectF(0, 0, max(1.0, width), 1e6), Qt.TextFlag.TextWordWrap,
                                                text).height()

    # -- state ------------------------------------------------------------------------------------
    def save(self) -> None:
        self.painter.save()

    def restore(self) -> None:
        self.painter.restore()

    def clip_rect(self, rect: Rect) -> None:
        self.painter.setClipRect(qrect(rect), Qt.ClipOperation.IntersectClip)

    def clip_path(self, path: Path) -> None:
        self.painter.setClipPath(self._qpath(path), Qt.ClipOperation.IntersectClip)

    def translate(self, dx: float, dy: float) -> None:
        self.painter.translate(dx, dy)

    def _qpath(self, path: Path) -> QPainterPath:
        if self._converted is None or self._converted[0] is not path or self._converted[1] != len(path.ops):
            self._converted = (path, len(path.ops), qpath(path))
        return self._converted[2]

    # -- marks ------------------------------------------------------------------------------------
    def line(self, x1: float, y1: float, x2: float, y2: float, pen: Pen) -> None:
        self.painter.setPen(qpen(pen))
        self.painter.drawLine(QPointF(x1, y1), QPointF(x2, y2))

    def lines(self, segments: Sequence[tuple[float, float, float, float]], pen: Pen) -> None:
        self.painter.setPen(qpen(pen))
        self.painter.drawLines([QLineF(*segment) for segment in segments])

    def rect(self, rect: Rect, pen: Pen | None = None, fill: str | None = None, radius: float = 0.0) -> None:
        if pen is None and fill is not None and not radius:
            self.painter.fillRect(qrect(rect), QColor(fill))
            return
        self.painter.setPen(qpen(pen))
        self.painter.setBrush(qbrush(fill))
        if radius:
            self.painter.drawRoundedRect(qrect(rect), radius, radius)
        else:
            self.painter.drawRect(qrect(rect))

    def path(self, path: Path, pen: Pen | None = None, fill: str | None = None) -> None:
        self.painter.setPen(qpen(pen))
        self.painter.setBrush(qbrush(fill))
        self.painter.drawPath(self._qpath(path))

    def text(self, rect: Rect, text: str, font: QFont, colour: str, align: str = "left", valign: str = MIDDLE,
             wrap: bool = False) -> None:
        flags = {CENTRE: Qt.AlignmentFlag.AlignHCenter, RIGHT: Qt.AlignmentFlag.AlignRight}.get(
            align, Qt.AlignmentFlag.AlignLeft)
        flags |= Qt.AlignmentFlag.AlignVCenter if valign == MIDDLE else Qt.AlignmentFlag.AlignTop
        if wrap:
            flags |= Qt.TextFlag.TextWordWrap
        self.painter.setFont(font)
        self.painter.setPen(QColor(colour))
        self.painter.drawText(qrect(rect), flags, text)
