"""An anatomical illustration to draw on while explaining, with its drawing tools above it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QVBoxLayout, QWidget

from consultaid.consultation.ink import InkDrawing
from consultaid.i18n import _
from consultaid.ui.widgets.ink_canvas import InkCanvas
from consultaid.ui.widgets.ink_toolbar import InkToolbar

# Blue stands out on the beige bone and pink tissue of the illustrations, and is not the black of
# their outlines, so what the surgeon adds is told apart from what was printed.
DEFAULT_ILLUSTRATION_INK = "#0072B2"


class IllustrationPanel(QWidget):
    changed = Signal()

    def __init__(self, svg_path: Path, drawing: InkDrawing | None = None, parent=None):
        super().__init__(parent)
        self.svg_path = Path(svg_path)
        self.canvas = InkCanvas(drawing, background_svg=self.svg_path, parent=self)
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
