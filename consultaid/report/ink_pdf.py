"""Ink (drawings on illustrations and signatures) as PDF vector paths.

The same curve as on screen (`consultaid.ui.widgets.ink_canvas.paint_stroke`): quadratic curves through
the midpoints of the recorded points, round caps and joins, the width given by the pen's pressure, a
tap drawn as a dot. PDF has cubic curves only, so each quadratic is written as its exact cubic.
Points are normalised to the drawing area (0..1, y downwards); the PDF's y runs upwards.
"""

from __future__ import annotations

from consultaid.consultation.ink import InkDrawing, Stroke, pressure_width

MIN_LINE = 0.5          # pt: a hairline still prints
SIGNATURE_BASELINE = 0.72   # where the pad's signature line is, as ink_canvas.BASELINE draws it


def fit_area(x: float, y: float, width: float, height: float, aspect: float | None) -> tuple[float, float,
                                                                                              float, float]:
    """The largest rectangle of `aspect` (width / height) centred in the box, as (x, y, w, h)."""
    if not aspect or aspect <= 0 or width <= 0 or height <= 0:
        return x, y, width, height
    w = min(width, height * aspect)
    h = w / aspect
    return x + (width - w) / 2, y + (height - h) / 2, w, h


def _to_page(point, x: float, y: float, width: float, height: float) -> tuple[float, float]:
    return x + point.x * width, y + (1.0 - point.y) * height


def _quad_to(path, start, control, end) -> None:
    """A quadratic Bézier as the cubic that draws exactly the same curve."""
    c1 = (start[0] + 2 / 3 * (control[0] - start[0]), start[1] + 2 / 3 * (control[1] - start[1]))
    c2 = (end[0] + 2 / 3 * (control[0] - end[0]), end[1] + 2 / 3 * (control[1] - end[1]))
    path.curveTo(c1[0], c1[1], c2[0], c2[1], end[0], end[1])


def draw_stroke(canvas, stroke: Stroke, x: float, y: float, width: float, height: float) -> None:
    """One stroke in the area (x, y, width, height), y being the area's bottom edge."""
    from reportlab.lib.colors import HexColor

    points = stroke.points
    at = [_to_page(point, x, y, width, height) for point in points]
    canvas.saveState()
    canvas.setStrokeColor(HexColor(stroke.colour))
    canvas.setFillColor(HexColor(stroke.colour))
    canvas.setLineCap(1)
    canvas.setLineJoin(1)
    if len(at) == 1:   # a tap: a round dot the width of the line
        radius = max(MIN_LINE, pressure_width(stroke.width, points[0].pressure) * width) / 2
        canvas.circle(at[0][0], at[0][1], radius, stroke=0, fill=1)
        canvas.restoreState()
        return
    uniform = stroke.tool != "pen" or len({p.pressure for p in points}) == 1
    if uniform:
        canvas.setLineWidth(max(MIN_LINE, pressure_width(stroke.width, points[0].pressure) * width))
        path = canvas.beginPath()
        path.moveTo(*at[0])
        current = at[0]
        for i in range(1, len(at) - 1):
            middle = ((at[i][0] + at[i + 1][0]) / 2, (at[i][1] + at[i + 1][1]) / 2)
            _quad_to(path, current, at[i], middle)
            current = middle
        path.lineTo(*at[-1])
        canvas.drawPath(path, stroke=1, fill=0)
        canvas.restoreState()
        return
    # A pen with varying pressure: one curve at a time, each with its own width; round caps join them.
    start = at[0]
    for i in range(1, len(at)):
        path = canvas.beginPath()
        path.moveTo(*start)
        if i < len(at) - 1:
            end = ((at[i][0] + at[i + 1][0]) / 2, (at[i][1] + at[i + 1][1]) / 2)
            _quad_to(path, start, at[i], end)
        else:
            end = at[i]
            path.lineTo(*end)
        pressure = (points[i - 1].pressure + points[i].pressure) / 2
        canvas.setLineWidth(max(MIN_LINE, pressure_width(stroke.width, pressure) * width))
        canvas.drawPath(path, stroke=1, fill=0)
        start = end
    canvas.restoreState()


def draw_drawing(canvas, drawing: InkDrawing, x: float, y: float, width: float, height: float) -> None:
    """Every stroke, oldest first, in the area (x, y, width, height)."""
    for stroke in drawing.strokes:
        draw_stroke(canvas, stroke, x, y, width, height)


def fixed_flowable(width: float, height: float, paint):
    """A flowable of a fixed size whose content `paint(canvas, width, height)` draws."""
    from reportlab.platypus import Flowable

    class FixedFlowable(Flowable):
        def __init__(self):
            super().__init__()
            self.width, self.height = width, height

        def wrap(self, available_width, available_height):
            return self.width, self.height

        def draw(self):
            paint(self.canv, self.width, self.height)

    return FixedFlowable()


def signature_flowable(drawing: InkDrawing, width: float, height: float):
    """A signature as a flowable: the pad's shape fitted into width × height, its baseline, the ink."""

    def paint(canvas, width, height):
        ax, ay, aw, ah = fit_area(0, 0, width, height, drawing.aspect)
        canvas.saveState()
        canvas.setStrokeColorRGB(0.62, 0.66, 0.70)
        canvas.setLineWidth(0.6)
        baseline = ay + (1 - SIGNATURE_BASELINE) * ah
        canvas.line(0, baseline, width, baseline)
        canvas.restoreState()
        draw_drawing(canvas, drawing, ax, ay, aw, ah)

    return fixed_flowable(width, height, paint)
