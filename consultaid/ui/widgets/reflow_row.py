"""A row of widgets that becomes a column when it is narrower than the row needs: what does not fit side by
side goes one under the other, never past the edge (clipped) nor behind a sideways scroll bar."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QBoxLayout, QWidget


class ReflowRow(QWidget):
    """Widgets added with `add` sit left to right while they fit the width, else top to bottom; widgets
    shown only in a row (a divider) are added with `in_row_only=True`. Its minimum width is its widest
    widget's, so the layout around it may make it as narrow as that. With `fill`, the widgets share the
    row's whole width (cards side by side) instead of keeping their own and leaving the rest empty."""

    def __init__(self, spacing: int = 8, parent: QWidget | None = None, fill: bool = False):
        super().__init__(parent)
        self.flow = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.flow.setContentsMargins(0, 0, 0, 0)
        self.flow.setSpacing(spacing)
        self.tail = 0 if fill else 1   # the closing stretch, after the widgets
        if not fill:
            self.flow.addStretch(1)
        self.row_only: list[QWidget] = []

    def add(self, widget: QWidget, in_row_only: bool = False) -> None:
        self.flow.insertWidget(self.flow.count() - self.tail, widget)  # before the closing stretch
        widget.ensurePolished()  # its width in the style sheet's font, not the default one
        if in_row_only:
            self.row_only.append(widget)
        self._arrange()

    def clear(self) -> None:
        """Takes every widget out (they are not deleted)."""
        while self.flow.count() > self.tail:
            self.flow.takeAt(0)
        self.row_only = []

    def widgets(self) -> list[QWidget]:
        items = (self.flow.itemAt(index) for index in range(self.flow.count()))
        return [widget for item in items if item is not None and (widget := item.widget()) is not None]

    def row_width(self) -> int:
        """The width the widgets need side by side."""
        shown = [widget for widget in self.widgets() if not widget.isHidden() or widget in self.row_only]
        # A spacing after each widget: the last one's is before the closing stretch. Cards that share the
        # width (`fill`) stay side by side down to their minimum width (their text wraps).
        return sum((widget.minimumSizeHint() if self.tail == 0 else widget.sizeHint()).width()
                   + self.flow.spacing() for widget in shown)

    def minimumSizeHint(self) -> QSize:
        widths = [widget.minimumSizeHint().width() for widget in self.widgets() if widget not in self.row_only]
        return QSize(max(widths, default=0), self.flow.minimumSize().height())

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        # A new width, or widgets whose size changed (a new text, the style sheet's font) or were shown.
        if event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest, QEvent.Type.Show):
            self._arrange()
        return handled

    def _arrange(self) -> None:
        in_row = self.width() >= self.row_width()
        wanted = QBoxLayout.Direction.LeftToRight if in_row else QBoxLayout.Direction.TopToBottom
        if self.flow.direction() != wanted:
            self.flow.setDirection(wanted)
            for widget in self.row_only:
                widget.setVisible(in_row)
            self.updateGeometry()  # a column is taller: the layout around it gives it the height
