"""The drawing surface (`consultaid.charts.surface`) painted on a reportlab canvas: the PDF's side.

Everything the charts draw is decided in `consultaid.charts.draw_*`; this adapter turns the surface's
top-down coordinates into the page's bottom-up ones (y → height − y), quadratic curves into the cubic
curves PDF has, and text into the summary's fonts (with per-character fallback fonts, as everywhere in
the summary). Wrapped text is a Paragraph, so it wraps exactly as the rest of the summary does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.platypus import Paragraph

from consultaid.charts.surface import CENTRE, MIDDLE, RIGHT, Dash, Path, Pen, Rect
from consultaid.report.fonts import draw_text, markup, text_width
from consultaid.report.styles import styles

CAPS = {"flat": 0, "round": 1, "square": 2}
JOINS = {"miter": 0, "round": 1, "bevel": 2}


@dataclass(frozen=True)
class PdfFont:
    """A font of the summary at a size. `leading` is one line's height; `ascent` puts the baseline of text
    set at a top edge, `middle` that of text centred on a line (both in sizes); `style` the Paragraph
    style wrapped text starts from."""

    name: str
    size: float
    leading: float | None = None
    ascent: float = 1.0
    middle: float = 0.36
    style: str = "tiny"

    @property
    def line_height(self) -> float:
        return self.leading if self.leading is not None else self.size * 1.3


class PdfSurface:
    """A `Surface` over a reportlab canvas, for a box `height` high whose top-left is the origin."""

    def __init__(self, canvas: Any, height: float) -> None:
        self.canvas = canvas   # a reportlab Canvas; None when only measuring
        self.height = height

    def _y(self, y: float) -> float:
        return self.height - y

    # -- text measures ----------------------------------------------------------------------------
    def measure(self, text: str, font: PdfFont) -> float:
        return text_width(text, font.name, font.size)

    def line_height(self, font: PdfFont) -> float:
        return font.line_height

    def wrapped_height(self, text: str, font: PdfFont, width: float) -> float:
        return float(self._paragraph(text, font, "#000000").wrap(width, 1e6)[1])

    @staticmethod
    def _paragraph(text: str, font: PdfFont, colour: str) -> Paragraph:
        style = styles()[font.style].clone(f"surface_{font.name}_{font.size}", fontName=font.name,
                                           fontSize=font.size, leading=font.line_height, textColor=HexColor(colour))
        return Paragraph(markup(text, font.name), style)

    # -- state ------------------------------------------------------------------------------------
    def save(self) -> None:
        self.canvas.saveState()

    def restore(self) -> None:
        self.canvas.restoreState()

    def clip_rect(self, rect: Rect) -> None:
        path = self.canvas.beginPath()
        path.rect(rect.x, self._y(rect.bottom()), rect.width, rect.height)
        self.canvas.clipPath(path, stroke=0, fill=0)

    def clip_path(self, path: Path) -> None:
        self.canvas.clipPath(self._path(path), stroke=0, fill=0)

    def translate(self, dx: float, dy: float) -> None:
        self.canvas.translate(dx, -dy)   # the page's y runs upwards

    # -- marks ------------------------------------------------------------------------------------
    def _stroke(self, pen: Pen) -> None:
        canvas = self.canvas
        canvas.setStrokeColor(HexColor(pen.colour))
        canvas.setLineWidth(pen.width)
        dash = _dash(pen.dash)
        if dash:
            canvas.setDash(*dash)
        if pen.cap is not None:
            canvas.setLineCap(CAPS[pen.cap])
        if pen.join is not None:
            canvas.setLineJoin(JOINS[pen.join])

    def line(self, x1: float, y1: float, x2: float, y2: float, pen: Pen) -> None:
        self.canvas.saveState()
        self._stroke(pen)
        self.canvas.line(x1, self._y(y1), x2, self._y(y2))
        self.canvas.restoreState()

    def lines(self, segments: Sequence[tuple[float, float, float, float]], pen: Pen) -> None:
        self.canvas.saveState()
        self._stroke(pen)
        self.canvas.lines([(x1, self._y(y1), x2, self._y(y2)) for x1, y1, x2, y2 in segments])
        self.canvas.restoreState()

    def rect(self, rect: Rect, pen: Pen | None = None, fill: str | None = None, radius: float = 0.0) -> None:
        canvas = self.canvas
        canvas.saveState()
        if pen is not None:
            self._stroke(pen)
        if fill is not None:
            canvas.setFillColor(HexColor(fill))
        x, y = rect.x, self._y(rect.bottom())
        if radius:
            canvas.roundRect(x, y, rect.width, rect.height, min(radius, rect.width / 2), stroke=int(pen is not None),
                             fill=int(fill is not None))
        else:
            canvas.rect(x, y, rect.width, rect.height, stroke=int(pen is not None), fill=int(fill is not None))
        canvas.restoreState()

    def path(self, path: Path, pen: Pen | None = None, fill: str | None = None) -> None:
        canvas = self.canvas
        canvas.saveState()
        if pen is not None:
            self._stroke(pen)
        if fill is not None:
            canvas.setFillColor(HexColor(fill))
        canvas.drawPath(self._path(path), stroke=int(pen is not None), fill=int(fill is not None))
        canvas.restoreState()

    def _path(self, path: Path) -> Any:
        result = self.canvas.beginPath()
        y = self._y
        current = (0.0, 0.0)
        for op in path.ops:
            name, args = op[0], op[1:]
            if name == "move":
                result.moveTo(args[0], y(args[1]))
                current = (args[0], args[1])
            elif name == "line":
                result.lineTo(args[0], y(args[1]))
                current = (args[0], args[1])
            elif name == "quad":
                # PDF has cubic curves only: this cubic draws exactly the same curve as the quadratic.
                (cx, cy), end = (args[0], args[1]), (args[2], args[3])
                c1 = (current[0] + 2 / 3 * (cx - current[0]), current[1] + 2 / 3 * (cy - current[1]))
                c2 = (end[0] + 2 / 3 * (cx - end[0]), end[1] + 2 / 3 * (cy - end[1]))
                result.curveTo(c1[0], y(c1[1]), c2[0], y(c2[1]), end[0], y(end[1]))
                current = end
            elif name == "arc":
                # Counter-clockwise on the page either way up: flipping the box keeps the angles.
                rect = args[0]
                result.arc(rect.left(), y(rect.bottom()), rect.right(), y(rect.top()), startAng=args[1], extent=args[2])
            elif name == "ellipse":
                cx, cy, rx, ry = args
                if rx == ry:
                    result.circle(cx, y(cy), rx)
                else:
                    result.ellipse(cx - rx, y(cy + ry), 2 * rx, 2 * ry)
            elif name == "rounded_rect":
                rect, radius = args
                result.roundRect(rect.x, y(rect.bottom()), rect.width, rect.height, radius)
            elif name == "close":
                result.close()
        return result

    def text(self, rect: Rect, text: str, font: PdfFont, colour: str, align: str = "left", valign: str = MIDDLE,
             wrap: bool = False) -> None:
        canvas = self.canvas
        if wrap:
            paragraph = self._paragraph(text, font, colour)
            _w, height = paragraph.wrap(rect.width, 1e6)
            top = rect.top() + ((rect.height - height) / 2 if valign == MIDDLE else 0.0)
            paragraph.drawOn(canvas, rect.x, self._y(top + height))
            return
        x = {CENTRE: rect.centre_x(), RIGHT: rect.right()}.get(align, rect.x)
        if valign == MIDDLE:
            baseline = rect.centre_y() + font.middle * font.size
        else:
            baseline = rect.top() + font.ascent * font.size
        canvas.saveState()
        canvas.setFillColor(HexColor(colour))
        draw_text(canvas, x, self._y(baseline), text, font.name, font.size, align=align)
        canvas.restoreState()


def _dash(dash: Dash) -> tuple[float, ...] | None:
    """The on/off lengths; a named dash (the screen's) becomes the summary's usual pattern."""
    if dash == "dash":
        return (2.0, 1.5)
    if dash == "dot":
        return (0.8, 1.4)
    if isinstance(dash, tuple) and dash:
        return dash
    return None
