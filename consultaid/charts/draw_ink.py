"""Ink strokes (drawings on illustrations and signatures), drawn against `consultaid.charts.surface`.

Quadratic curves through the midpoints of the recorded points, so a stroke never looks jagged; round
caps and joins; the width given by the pen's pressure; a tap drawn as a dot. A pen stroke with varying
pressure is drawn one curve at a time, each with its own width, and the round caps join them.
Points are normalised to the drawing area (0..1, y downwards).
"""

from __future__ import annotations

from collections.abc import Sequence

from consultaid.charts.surface import Path, Pen, Rect, Surface
from consultaid.consultation.ink import InkDrawing, InkPoint, pressure_width


def draw_stroke(surface: Surface, points: Sequence[InkPoint], colour: str, width: float, tool: str, area: Rect,
                min_width: float) -> None:
    """One stroke in `area`; `width` is the nominal width as a fraction of the area's width, and no line
    is thinner than `min_width` (a hairline still shows, and still prints)."""
    if not points:
        return
    scale = area.width
    at = [(area.x + p.x * area.width, area.y + p.y * area.height) for p in points]

    def pen(pressure: float) -> Pen:
        return Pen(colour, max(min_width, pressure_width(width, pressure) * scale), cap="round", join="round")

    if len(at) == 1:   # a tap: a round dot the width of the line
        radius = pen(points[0].pressure).width / 2
        surface.path(Path().ellipse(at[0][0], at[0][1], radius, radius), fill=colour)
        return
    uniform = tool != "pen" or len({p.pressure for p in points}) == 1
    if uniform:
        path = Path().move_to(*at[0])
        for i in range(1, len(at) - 1):
            path.quad_to(*at[i], *_middle(at[i], at[i + 1]))
        path.line_to(*at[-1])
        surface.path(path, pen(points[0].pressure))
        return
    start = at[0]
    for i in range(1, len(at)):
        path = Path().move_to(*start)
        if i < len(at) - 1:
            end = _middle(at[i], at[i + 1])
            path.quad_to(*at[i], *end)
        else:
            end = at[i]
            path.line_to(*end)
        surface.path(path, pen((points[i - 1].pressure + points[i].pressure) / 2))
        start = end


def _middle(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    return (a[0] + b[0]) / 2, (a[1] + b[1]) / 2


def draw_drawing(surface: Surface, drawing: InkDrawing, area: Rect, min_width: float) -> None:
    """Every stroke, oldest first."""
    for stroke in drawing.strokes:
        draw_stroke(surface, stroke.points, stroke.colour, stroke.width, stroke.tool, area, min_width)


def fit_area(area: Rect, aspect: float | None) -> Rect:
    """The largest rectangle of `aspect` (width / height) centred in `area`."""
    if not aspect or aspect <= 0 or area.width <= 0 or area.height <= 0:
        return area
    w = min(area.width, area.height * aspect)
    h = w / aspect
    return Rect(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h)
