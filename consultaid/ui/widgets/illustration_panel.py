"""An anatomical illustration to draw on while explaining, with its drawing tools above it."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QVBoxLayout, QWidget

from consultaid.consultation.ink import InkDrawing
from consultaid.content.svg_references import RefusedSvg, check_svg
from consultaid.i18n import _
from consultaid.ui.widgets.ink_canvas import InkCanvas
from consultaid.ui.widgets.ink_toolbar import InkToolbar

log = logging.getLogger(__name__)

# Blue stands out on the beige bone and pink tissue of the illustrations, and is not the black of
# their outlines, so what the surgeon adds is told apart from what was printed.
DEFAULT_ILLUSTRATION_INK = "#0072B2"


class IllustrationPanel(QWidget):
    changed = Signal()

    def __init__(self, svg_path: Path, drawing: InkDrawing | None = None, parent=None):
        super().__init__(parent)
        self.svg_path = Path(svg_path)
        refused = _refusal(self.svg_path)
        # Qt's SVG renderer loads any image file an SVG names: only an illustration whose references stay
        # in its own folder reaches it. A refused one is shown as one that cannot be read.
        self.canvas = InkCanvas(drawing, background_svg=None if refused else self.svg_path, parent=self)
        if refused:
            log.warning("illustration refused: %s", refused)
            self.canvas.show_missing_background()
        self.canvas.set_colour(DEFAULT_ILLUSTRATION_INK)
        self.canvas.setAccessibleName(_("Illustration to draw on"))
        self.toolbar = InkToolbar(self.canvas, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.canvas, 1)   # every spare pixel goes to the picture
        self.canvas.changed.connect(self.changed)

    def drawing(self) -> InkDrawing:
        return self.canvas.drawing()

    @Slot(bool)
    def set_read_only(self, read_only: bool) -> None:
        self.canvas.set_read_only(read_only)
        self.toolbar.refresh()


def _refusal(path: Path) -> str | None:
    """Why this SVG may not be drawn (it names a file outside its folder), or None."""
    try:
        check_svg(path)
    except RefusedSvg as refused:
        return str(refused)
    return None
