"""Ink (drawings on illustrations and signatures) in the PDF: the screen's strokes, on paper.

The strokes are drawn by `consultaid.charts.draw_ink` (the code that draws them on screen) on a
`PdfSurface`; this module keeps the PDF's placing of them: areas given in the page's bottom-up
coordinates, the signature's baseline, and a fixed-size flowable.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from consultaid.charts import draw_ink
from consultaid.charts.surface import Pen, Rect
from consultaid.consultation.ink import InkDrawing
from consultaid.i18n import N_

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Flowable

    from consultaid.report.pdf_surface import PdfSurface

MIN_LINE = 0.5          # pt: a hairline still prints
SIGNATURE_BASELINE = 0.72   # where the pad's signature line is, as ink_canvas.BASELINE draws it
BASELINE_COLOUR = "#9EA8B3"  # the pad's light line (0.62, 0.66, 0.70)
# What a screen reader says for the pictures of the summary (their /Alt, report/tagging.py).
SIGNATURE_ALT = N_("Signature of {name}")
ILLUSTRATION_ALT = N_("Illustration of {title}, with what the surgeon drew on it")


def fit_area(x: float, y: float, width: float, height: float, aspect: float | None) -> tuple[float, float,
                                                                                              float, float]:
    """The largest rectangle of `aspect` (width / height) centred in the box, as (x, y, w, h)."""
    area = draw_ink.fit_area(Rect(x, y, width, height), aspect)
    return area.x, area.y, area.width, area.height


def _surface(canvas: Canvas, y: float, height: float) -> PdfSurface:
    """A surface whose top-down origin is the top of the area (x, y bottom-left, `height` high)."""
    from consultaid.report.pdf_surface import PdfSurface

    return PdfSurface(canvas, y + height)


def draw_drawing(canvas: Canvas, drawing: InkDrawing, x: float, y: float, width: float, height: float) -> None:
    """Every stroke, oldest first, in the area (x, y, width, height), y being the area's bottom edge."""
    draw_ink.draw_drawing(_surface(canvas, y, height), drawing, Rect(x, 0.0, width, height), MIN_LINE)


def fixed_flowable(width: float, height: float, paint: Callable[[Canvas, float, float], None],
                   alternative_text: str = "") -> Flowable:
    """A flowable of a fixed size whose content `paint(canvas, width, height)` draws; with
    `alternative_text`, a picture that a tagged PDF describes in these words."""
    return _fixed_flowable_class()(width, height, paint, alternative_text)


@cache
def _fixed_flowable_class() -> type[Flowable]:
    """One class for every fixed flowable, made when the first is (reportlab loads with the first summary,
    not with this module). A class made per flowable is a reference cycle: the signatures and drawings its
    painter closed over then waited for the garbage collector's full pass (tests/test_summary_garbage.py)."""
    from reportlab.platypus import Flowable

    class FixedFlowable(Flowable):  # type: ignore[misc]  # reportlab has no type information
        def __init__(self, width: float, height: float, paint: Callable[[Canvas, float, float], None],
                     alternative_text: str) -> None:
            super().__init__()
            self.width, self.height, self.paint = width, height, paint
            self.alternative_text = alternative_text

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return self.width, self.height

        def draw(self) -> None:
            self.paint(self.canv, self.width, self.height)

    return FixedFlowable


def signature_flowable(drawing: InkDrawing, width: float, height: float, alternative_text: str = "") -> Flowable:
    """A signature as a flowable: the pad's shape fitted into width × height, its baseline, the ink.
    `alternative_text` says whose it is (SIGNATURE_ALT)."""

    def paint(canvas: Canvas, width: float, height: float) -> None:
        from consultaid.report.pdf_surface import PdfSurface

        surface = PdfSurface(canvas, height)
        area = draw_ink.fit_area(Rect(0, 0, width, height), drawing.aspect)
        baseline = area.y + SIGNATURE_BASELINE * area.height
        surface.line(0, baseline, width, baseline, Pen(BASELINE_COLOUR, 0.6))
        draw_ink.draw_drawing(surface, drawing, area, MIN_LINE)

    return fixed_flowable(width, height, paint, alternative_text)
