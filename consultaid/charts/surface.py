"""The small drawing surface every chart is drawn against, once, for the screen and for the PDF.

The marks and layouts of the risk chart, the icon array, the recovery timeline and ink strokes are
written in `consultaid.charts.draw_*` against this protocol; `consultaid.ui.widgets.qt_surface` paints it
with QPainter and `consultaid.report.pdf_surface` with reportlab. Neither side re-implements a mark.

Coordinates run from the top-left corner, y downwards, in the surface's own unit (pixels on screen,
points in the PDF: the PDF adapter turns them up the other way). Colours are "#RRGGBB" strings from
`consultaid.charts.palette`. Fonts are opaque to the drawing code: each side's `Look` hands over the
font of every role, and the surface measures and draws text in it, so the layout reads true widths
(`measure`) on both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

Point = tuple[float, float]
Dash = str | tuple[float, ...] | None   # None solid, "dash"/"dot" the surface's own pattern, or on/off lengths

LEFT, CENTRE, RIGHT = "left", "centre", "right"
TOP, MIDDLE = "top", "middle"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    def left(self) -> float:
        return self.x

    def top(self) -> float:
        return self.y

    def right(self) -> float:
        return self.x + self.width

    def bottom(self) -> float:
        return self.y + self.height

    def centre_x(self) -> float:
        return self.x + self.width / 2

    def centre_y(self) -> float:
        return self.y + self.height / 2

    def adjusted(self, left: float, top: float, right: float, bottom: float) -> Rect:
        """Like QRectF.adjusted: each edge moved by its own amount."""
        return Rect(self.x + left, self.y + top, self.width - left + right, self.height - top + bottom)

    @staticmethod
    def from_edges(left: float, top: float, right: float, bottom: float) -> Rect:
        return Rect(left, top, right - left, bottom - top)


@dataclass(frozen=True)
class Pen:
    """How a line is stroked. `cap` and `join` None leave the surface's default."""

    colour: str
    width: float
    dash: Dash = None
    cap: str | None = None      # "flat", "square" or "round"
    join: str | None = None     # "miter", "round" or "bevel"


class Path:
    """A vector path built of moves, lines, curves, arcs and closed shapes (y downwards)."""

    def __init__(self) -> None:
        self.ops: list[tuple[Any, ...]] = []

    def move_to(self, x: float, y: float) -> Path:
        self.ops.append(("move", x, y))
        return self

    def line_to(self, x: float, y: float) -> Path:
        self.ops.append(("line", x, y))
        return self

    def quad_to(self, cx: float, cy: float, x: float, y: float) -> Path:
        self.ops.append(("quad", cx, cy, x, y))
        return self

    def arc(self, rect: Rect, start: float, span: float) -> Path:
        """An arc of the ellipse in `rect`, from `start` degrees through `span` degrees, counter-clockwise
        as seen on the page (0 at three o'clock), starting a new sub-path at its start."""
        self.ops.append(("arc", rect, start, span))
        return self

    def ellipse(self, cx: float, cy: float, rx: float, ry: float) -> Path:
        self.ops.append(("ellipse", cx, cy, rx, ry))
        return self

    def rounded_rect(self, rect: Rect, radius: float) -> Path:
        self.ops.append(("rounded_rect", rect, radius))
        return self

    def close(self) -> Path:
        self.ops.append(("close",))
        return self

    def translated(self, dx: float, dy: float) -> Path:
        moved = Path()
        for op in self.ops:
            name, args = op[0], op[1:]
            if name in ("move", "line"):
                moved.ops.append((name, args[0] + dx, args[1] + dy))
            elif name == "quad":
                moved.ops.append((name, args[0] + dx, args[1] + dy, args[2] + dx, args[3] + dy))
            elif name in ("arc", "rounded_rect"):
                rect = args[0]
                moved.ops.append((name, Rect(rect.x + dx, rect.y + dy, rect.width, rect.height), *args[1:]))
            elif name == "ellipse":
                moved.ops.append((name, args[0] + dx, args[1] + dy, args[2], args[3]))
            else:
                moved.ops.append(op)
        return moved

    def bounds(self) -> Rect:
        """The box around every point the path names (control points included): enough for clipping."""
        xs: list[float] = []
        ys: list[float] = []
        for op in self.ops:
            name, args = op[0], op[1:]
            if name in ("move", "line", "quad"):
                xs += args[0::2]
                ys += args[1::2]
            elif name in ("arc", "rounded_rect"):
                rect = args[0]
                xs += [rect.left(), rect.right()]
                ys += [rect.top(), rect.bottom()]
            elif name == "ellipse":
                xs += [args[0] - args[2], args[0] + args[2]]
                ys += [args[1] - args[3], args[1] + args[3]]
        if not xs:
            return Rect(0, 0, 0, 0)
        return Rect.from_edges(min(xs), min(ys), max(xs), max(ys))


def polygon(points: Sequence[Point]) -> Path:
    path = Path().move_to(*points[0])
    for x, y in points[1:]:
        path.line_to(x, y)
    return path.close()


class Surface(Protocol):
    """What the drawing code may ask of a screen or a page."""

    def measure(self, text: str, font: Any) -> float:
        """The width of `text` on one line in `font`."""

    def line_height(self, font: Any) -> float:
        """The height of one line of `font`."""

    def wrapped_height(self, text: str, font: Any, width: float) -> float:
        """The height of `text` wrapped at word boundaries to `width`."""

    def save(self) -> None: ...

    def restore(self) -> None: ...

    def clip_rect(self, rect: Rect) -> None:
        """Narrow the drawing to `rect` until the matching `restore`."""

    def clip_path(self, path: Path) -> None: ...

    def translate(self, dx: float, dy: float) -> None:
        """Move the origin (for many copies of one shape: the people of the icon array)."""

    def line(self, x1: float, y1: float, x2: float, y2: float, pen: Pen) -> None: ...

    def lines(self, segments: Sequence[tuple[float, float, float, float]], pen: Pen) -> None:
        """Many lines in one call (a Python call per line made hatching slow to paint)."""

    def rect(self, rect: Rect, pen: Pen | None = None, fill: str | None = None, radius: float = 0.0) -> None: ...

    def path(self, path: Path, pen: Pen | None = None, fill: str | None = None) -> None: ...

    def text(self, rect: Rect, text: str, font: Any, colour: str, align: str = LEFT, valign: str = MIDDLE,
             wrap: bool = False) -> None:
        """`text` in `rect`: aligned left, centre or right, at the top or in the middle; wrapped when asked."""


def hatch(surface: Surface, area: Rect | Path, colour: str, spacing: float, width: float,
          backwards: bool = False, min_step: float = 1.5, cap: str | None = "flat") -> None:
    """Diagonal stripes clipped to `area`: the pattern of "somewhere in this range", legible in greyscale.
    Rising to the right, or falling with `backwards` (the "not before" zones)."""
    bounds = area if isinstance(area, Rect) else area.bounds()
    surface.save()
    if isinstance(area, Rect):
        surface.clip_rect(area)
    else:
        surface.clip_path(area)
    segments = []
    step = max(spacing, min_step)
    x = bounds.left() - bounds.height
    while x < bounds.right() + max(step, bounds.height):
        if backwards:
            segments.append((x, bounds.top(), x + bounds.height, bounds.bottom()))
        else:
            segments.append((x, bounds.bottom(), x + bounds.height, bounds.top()))
        x += step
    surface.lines(segments, Pen(colour, width, cap=cap))
    surface.restore()
