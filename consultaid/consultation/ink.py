"""Ink drawn on an illustration or a signature pad, as vectors, with no Qt.

Points are normalised to the drawing area (0..1 of its width and height), and a stroke's width is a
fraction of the area's width, so a drawing survives the window being resized and the summary PDF can
redraw it as vector paths at any size. The model keeps its own undo history, which is not serialised:
the record keeps only what was on the page.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

TOOLS = ("mouse", "pen", "touch")
NEUTRAL_PRESSURE = 0.5   # what a mouse or a finger "presses": the stroke's nominal width
DECIMALS = 4             # 1/10000 of the area: a fifth of a pixel on a 2000-pixel-wide page
SIMPLIFY_TOLERANCE = 0.0015   # ~1 px on an 800-px-wide area: invisible, yet halves a slow stroke's points
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _check_unit(value: float, name: str) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0 or math.isnan(value):
        raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
    return value


def clamp_unit(value: float) -> float:
    """Pins a coordinate to the area's edge: a stroke dragged past the edge follows it."""
    return min(1.0, max(0.0, value))


@dataclass(frozen=True)
class InkPoint:
    x: float
    y: float
    pressure: float = NEUTRAL_PRESSURE

    def __post_init__(self) -> None:
        _check_unit(self.x, "x")
        _check_unit(self.y, "y")
        _check_unit(self.pressure, "pressure")

    def to_list(self) -> list[float]:
        return [round(self.x, DECIMALS), round(self.y, DECIMALS), round(self.pressure, DECIMALS)]

    @classmethod
    def from_list(cls, values: Iterable[Any]) -> InkPoint:
        values = list(values)
        if len(values) == 2:   # a hand-written or older record may leave pressure out
            values.append(NEUTRAL_PRESSURE)
        if len(values) != 3:
            raise ValueError(f"a point is [x, y, pressure], got {values!r}")
        return cls(*values)


@dataclass(frozen=True)
class Stroke:
    colour: str          # "#RRGGBB"
    width: float         # nominal width as a fraction of the area's width, e.g. 0.006
    points: tuple[InkPoint, ...]
    tool: str = "mouse"  # "mouse", "pen" or "touch"

    def __post_init__(self) -> None:
        if not isinstance(self.colour, str) or not _COLOUR.match(self.colour):
            raise ValueError(f"colour must be #RRGGBB, got {self.colour!r}")
        if not 0.0 < float(self.width) <= 0.2:
            raise ValueError(f"width must be a small fraction of the area's width, got {self.width!r}")
        if self.tool not in TOOLS:
            raise ValueError(f"tool must be one of {TOOLS}, got {self.tool!r}")
        if not self.points:
            raise ValueError("a stroke needs at least one point")
        object.__setattr__(self, "points", tuple(self.points))

    def to_dict(self) -> dict[str, Any]:
        return {"colour": self.colour.upper(), "width": round(float(self.width), DECIMALS + 1),
                "tool": self.tool, "points": [point.to_list() for point in self.points]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Stroke:
        return cls(colour=data["colour"], width=float(data["width"]), tool=data.get("tool", "mouse"),
                   points=tuple(InkPoint.from_list(values) for values in data["points"]))


def pressure_width(width: float, pressure: float) -> float:
    """The width drawn at a point: 0.4× the nominal width at a feather touch, 1× at NEUTRAL_PRESSURE,
    1.6× pressed hard. Linear, because a steeper curve makes a handwritten signature look blotchy."""
    return width * (0.4 + 1.2 * clamp_unit(pressure))


def simplify(points: Iterable[InkPoint], tolerance: float = SIMPLIFY_TOLERANCE) -> tuple[InkPoint, ...]:
    """Drops points closer than `tolerance` to the last point kept, so a slow, hesitant stroke does not
    bloat the record. The first and last points are always kept (a tap stays a dot, an end stays put),
    and so is any point where the pen pressure changed noticeably, so the line's swell survives."""
    points = tuple(points)
    if len(points) <= 2:
        return points
    kept = [points[0]]
    for point in points[1:-1]:
        last = kept[-1]
        far = math.hypot(point.x - last.x, point.y - last.y) >= tolerance
        if far or abs(point.pressure - last.pressure) >= 0.15:
            kept.append(point)
    last = points[-1]
    if len(kept) > 1 and math.hypot(last.x - kept[-1].x, last.y - kept[-1].y) < tolerance:
        kept[-1] = last   # the end point, not the one before it, is where the hand stopped
    else:
        kept.append(last)
    return tuple(kept)


def simplify_stroke(stroke: Stroke, tolerance: float = SIMPLIFY_TOLERANCE) -> Stroke:
    return Stroke(stroke.colour, stroke.width, simplify(stroke.points, tolerance), stroke.tool)


@dataclass
class InkDrawing:
    """The strokes on one drawing area, oldest first, with undo and redo.

    `aspect` is the area's width / height when the ink was drawn (None if unknown): a signature drawn on
    a wide pad should be redrawn in the PDF with the same proportions.
    """

    strokes: list[Stroke] = field(default_factory=list)
    aspect: float | None = None
    _undo: list[tuple[Stroke, ...]] = field(default_factory=list, init=False, repr=False, compare=False)
    _redo: list[tuple[Stroke, ...]] = field(default_factory=list, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.strokes = list(self.strokes)

    # Every edit saves the whole previous list. Strokes are immutable, so a snapshot is only a tuple of
    # references, and undoing a Clear is as simple as undoing a stroke.
    def _change(self, strokes: list[Stroke]) -> None:
        self._undo.append(tuple(self.strokes))
        self._redo.clear()
        self.strokes = strokes

    def add(self, stroke: Stroke) -> None:
        self._change([*self.strokes, stroke])

    def clear(self) -> bool:
        """Removes every stroke; undo brings them back. Clearing an empty drawing is not an edit."""
        if not self.strokes:
            return False
        self._change([])
        return True

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._redo.append(tuple(self.strokes))
        self.strokes = list(self._undo.pop())
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._undo.append(tuple(self.strokes))
        self.strokes = list(self._redo.pop())
        return True

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def is_empty(self) -> bool:
        return not self.strokes

    def __len__(self) -> int:
        return len(self.strokes)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"strokes": [stroke.to_dict() for stroke in self.strokes]}
        if self.aspect is not None:
            data["aspect"] = round(self.aspect, DECIMALS)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InkDrawing:
        aspect = data.get("aspect")
        return cls(strokes=[Stroke.from_dict(item) for item in data.get("strokes", [])],
                   aspect=float(aspect) if aspect is not None else None)
