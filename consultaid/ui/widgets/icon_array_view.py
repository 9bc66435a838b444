"""1000 person-shaped icons for one estimate: the widgets around `consultaid.charts.draw_icons`, which
draws the people from the Qt-free `consultaid.charts.icon_array` geometry.

The number comes first (the caption), then the people, then a legend that names every marking with its
own number. Markings differ by pattern as well as colour: filled, striped, outlined inside a dashed
frame, or plain, so the array reads in greyscale and under colour-vision deficiencies.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from consultaid.charts.draw_icons import draw_icon_array, draw_icon_swatch
from consultaid.charts.icon_array import IconArray, icon_array_for
from consultaid.ui.services.style import MUTED, chart_colours, high_contrast_on
from consultaid.ui.widgets.focus_frame import paint_focus_frame
from consultaid.ui.widgets.paint_cache import PaintCache
from consultaid.ui.widgets.qt_surface import QtSurface


class IconGrid(QWidget):
    """The 1000 icons themselves, as wide as they are given and as high as that width needs."""

    def __init__(self, icon_array: IconArray, parent=None):
        super().__init__(parent)
        self.icon_array = icon_array
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName(icon_array.caption)
        self._paint_cache = PaintCache()

    def _padding(self) -> float:
        return max(2.0, QFontMetricsF(self.font()).height() * 0.2)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        padding = self._padding()
        return round((width - 2 * padding) * self.icon_array.height + 2 * padding)

    def sizeHint(self) -> QSize:
        width = round(QFontMetricsF(self.font()).height() * 36)  # about 13 px per person at the default font
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        width = round(QFontMetricsF(self.font()).height() * 14)
        return QSize(width, self.heightForWidth(width))

    def _geometry(self) -> tuple[float, float, float]:
        """(scale, left, top): fit the array's 1 x height box into the widget, centred."""
        padding = self._padding()
        scale = min(self.width() - 2 * padding, (self.height() - 2 * padding) / self.icon_array.height)
        left = (self.width() - scale) / 2
        return scale, left, padding

    def paintEvent(self, _event) -> None:
        # A thousand people are a thousand painter paths: kept as a pixmap, so showing the risks step
        # again costs one pixmap copy (the array never changes; a new one comes with a new grid).
        self._paint_cache.paint(self, high_contrast_on(), self._paint_people)
        paint_focus_frame(self)

    def _paint_people(self, painter: QPainter) -> None:
        scale, left, top = self._geometry()
        draw_icon_array(QtSurface(painter), self.icon_array, scale, left, top, chart_colours())


class IconSwatch(QWidget):
    """One person in one state, for the legend."""

    def __init__(self, state: str, kind: str, parent=None):
        super().__init__(parent)
        self.state, self.kind = state, kind
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        side = round(QFontMetricsF(self.font()).height() * 1.5)
        return QSize(side, side)

    def paintEvent(self, _event) -> None:
        with QPainter(self) as painter:
            draw_icon_swatch(QtSurface(painter), self.state, self.kind, self.width(), self.height(), chart_colours())


class IconArrayView(QWidget):
    """Caption (number first), the 1000 people, a legend with a number for each marking, and the source."""

    def __init__(self, icon_array: IconArray | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("IconArrayView")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(8)
        self.icon_array: IconArray | None = None
        self.grid: IconGrid | None = None
        if icon_array is not None:
            self.set_icon_array(icon_array)

    @classmethod
    def for_outcome(cls, outcome, language: str, estimate_index: int = 0, parent=None) -> IconArrayView:
        return cls(icon_array_for(outcome, language, estimate_index), parent)

    def set_icon_array(self, icon_array: IconArray) -> None:
        _clear(self.layout_)
        self.icon_array = icon_array
        caption = QLabel(f"<b><big>{escape(icon_array.caption)}</big></b>")
        caption.setWordWrap(True)
        self.grid = IconGrid(icon_array)
        legend = QGridLayout()
        legend.setHorizontalSpacing(8)
        legend.setVerticalSpacing(4)
        for row, entry in enumerate(icon_array.legend):
            legend.addWidget(IconSwatch(entry.state, icon_array.kind), row, 0)
            text = QLabel(escape(entry.text[:1].upper() + entry.text[1:]))
            text.setWordWrap(True)
            legend.addWidget(text, row, 1)
        legend.setColumnStretch(1, 1)
        source = QLabel(f"<small><span style='color:{MUTED}'>{escape(icon_array.source_text)}</span></small>")
        source.setWordWrap(True)
        self.layout_.addWidget(caption)
        self.layout_.addWidget(self.grid)
        self.layout_.addLayout(legend)
        self.layout_.addWidget(source)
        self.layout_.addStretch(1)
        self.setAccessibleName(icon_array.caption)
        described = " ".join([entry.text for entry in icon_array.legend] + [icon_array.source_text])
        self.setAccessibleDescription(described)
        # The people take the keyboard focus, so Tab reaches the picture and a screen reader reads the same
        # words a sighted user reads around it: the caption, a count for each marking, the source.
        self.grid.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.grid.setAccessibleDescription(described)


def _clear(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            # Hidden at once: until it is deleted (at the next turn of the event loop) the old array would
            # still be painted under the new one, and be in the Tab chain and the accessibility tree.
            item.widget().hide()
            item.widget().deleteLater()
        elif item.layout() is not None:
            _clear(item.layout())
            item.layout().deleteLater()


__all__ = ["IconArrayView", "IconGrid", "IconSwatch"]
