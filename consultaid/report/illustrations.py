"""An illustration with the surgeon's ink on it, as vectors: the SVG through svglib, the strokes on top.

The ink's 0..1 coordinates are relative to the illustration's own rectangle (its viewBox, aspect
kept, centred), exactly as the screen's ink canvas maps them, so a circle drawn round a vertebra on
screen is round that vertebra on paper.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from consultaid.consultation.ink import InkDrawing
from consultaid.paths import resources_dir
from consultaid.report.ink_pdf import draw_drawing, fit_area, fixed_flowable

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Flowable

log = logging.getLogger(__name__)

FRAME_COLOUR = (0.79, 0.82, 0.85)   # the app's border grey, #C9D1D9


def illustrations_dir() -> Path:
    return resources_dir() / "illustrations"


def illustration_path(name: str | None) -> Path | None:
    """The bundled SVG a record names, or None. Only a bare file name in the illustrations folder is
    accepted: a record is data, and must not point the renderer at another file on the machine."""
    if not name or Path(name).name != name or not name.lower().endswith(".svg"):
        return None
    path = illustrations_dir() / name
    return path if path.is_file() else None


@lru_cache(maxsize=16)
def _svg(path: str, modified: float) -> Drawing:
    """The parsed SVG (a reportlab Drawing), kept per process: a summary draws the same one often."""
    from svglib.svglib import svg2rlg

    drawing = svg2rlg(path)
    if drawing is None or not drawing.width or not drawing.height:
        raise ValueError(f"no picture in {path}")
    # reportlab's renderer starts every drawing in Helvetica, which would put a font that is not
    # embedded into the PDF: start it in the embedded family instead.
    from consultaid.report.fonts import REGULAR, register_fonts

    register_fonts()
    drawing.initialFontName = REGULAR
    return drawing


def load_svg(name: str | None) -> Drawing | None:
    from consultaid.content.svg_references import RefusedSvg, check_svg

    path = illustration_path(name)
    if path is None:
        return None
    try:
        check_svg(path)  # svglib would draw any image file of the machine the SVG names
    except RefusedSvg as refused:
        log.warning("illustration refused: %s", refused)
        return None
    try:
        return _svg(str(path), path.stat().st_mtime)
    except Exception as error:  # noqa: BLE001 - a broken picture must not stop the summary
        log.warning("illustration %s could not be read: %s", path, error)
        return None


DEFAULT_ASPECT = 4 / 3   # the bundled illustrations' shape, used when the picture is missing


def illustration_flowable(name: str | None, ink: InkDrawing, width: float, max_height: float,
                          missing_text: str = "", font_name: str = "Helvetica",
                          alternative_text: str = "") -> Flowable:
    """A flowable `width` wide (at most `max_height` high): the illustration with its ink, framed;
    `alternative_text` describes it in a tagged PDF."""
    from reportlab.graphics import renderPDF

    picture = load_svg(name)
    aspect = picture.width / picture.height if picture is not None else (ink.aspect or DEFAULT_ASPECT)
    height = min(max_height, width / aspect)

    def paint(canvas: Canvas, width: float, height: float) -> None:
        x, y, w, h = fit_area(0, 0, width, height, aspect)
        canvas.saveState()
        if picture is not None:
            canvas.saveState()
            clip = canvas.beginPath()   # shapes past the viewBox are cut, as on screen
            clip.rect(x, y, w, h)
            canvas.clipPath(clip, stroke=0, fill=0)
            canvas.translate(x, y)
            canvas.scale(w / picture.width, h / picture.height)
            renderPDF.draw(picture, canvas, 0, 0)
            canvas.restoreState()
        elif missing_text:
            from consultaid.report.fonts import draw_text

            canvas.setFillColorRGB(0.29, 0.35, 0.40)
            draw_text(canvas, x + w / 2, y + h / 2, missing_text, font_name, 9, align="centre")
        canvas.setStrokeColorRGB(*FRAME_COLOUR)
        canvas.setLineWidth(0.6)
        canvas.rect(x, y, w, h, stroke=1, fill=0)
        canvas.restoreState()
        draw_drawing(canvas, ink, x, y, w, h)

    return fixed_flowable(width, height, paint, alternative_text)
