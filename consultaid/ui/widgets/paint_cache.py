"""A chart widget's own drawing kept as a pixmap, and drawn again only when what it shows changes.

Switching consultation steps repaints every chart on the new step; the recovery timeline and the risk
bars are drawn with hundreds of Python painter calls each, which made those steps the slowest to show.
What they draw depends only on their data, size, font and screen scale, so it is kept: the key names all
of it, and the widget passes a new `version` whenever its data changes."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPainter, QPixmap


class PaintCache:
    def __init__(self) -> None:
        self._key = None
        self._pixmap: QPixmap | None = None

    def paint(self, widget, version, draw, background: QColor | None = None) -> None:
        """Paint `widget` with `draw(painter)`, from the kept pixmap when nothing it depends on changed.
        Without `background` the pixmap is transparent (the widget's parent shows through)."""
        ratio = widget.devicePixelRatioF()
        key = (version, widget.width(), widget.height(), ratio, widget.font().key())
        if key != self._key or self._pixmap is None:
            pixmap = QPixmap(max(1, round(widget.width() * ratio)), max(1, round(widget.height() * ratio)))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(background if background is not None else QColor(0, 0, 0, 0))
            with QPainter(pixmap) as painter:   # ended even if drawing fails: never a painter left open
                draw(painter)
            self._pixmap, self._key = pixmap, key
        with QPainter(widget) as painter:
            painter.drawPixmap(0, 0, self._pixmap)
