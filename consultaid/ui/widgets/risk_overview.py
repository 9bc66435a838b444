"""Every benefit and risk at a glance: the compact rows of `consultaid.charts.risk_overview`, one under the
other on one common 0–1000 scale, with the surgeon's "discussed" tick on each (issue 17 item 2).

Each row is label | number first | bar | short source reference | tick. Every row lays out its columns
with the same stretch factors as the axis above them, so all bars share one x-position and one width:
the common scale is real on screen. The bars are drawn by `consultaid.charts.draw_risk`, like the full
chart's and the PDF's. Selecting a row (click, Space, Enter, or Up/Down from a row) asks the page to
show its details and its people; a screen reader hears the whole row from the row itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from html import escape

from PySide6.QtCore import QPointF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QCheckBox, QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from consultaid.charts import palette
from consultaid.charts.draw_risk import RiskLook, draw_overview_bar, draw_scale_axis
from consultaid.charts.risk_chart import EstimateBar, RiskChart
from consultaid.charts.risk_overview import OverviewRow, RiskOverview, build_overview
from consultaid.i18n import _
from consultaid.ui.services.style import ACCENT, MUTED, high_contrast_on
from consultaid.ui.views.pages.common import heading
from consultaid.ui.widgets.focus_frame import paint_focus_frame
from consultaid.ui.widgets.paint_cache import PaintCache
from consultaid.ui.widgets.qt_surface import QtSurface
from consultaid.ui.widgets.risk_chart_view import risk_look, scaled_font

# The label and the bar share what the number, reference and tick columns leave, in this ratio.
STRETCH_LABEL, STRETCH_BAR = 3, 2
COLUMN_GAP = 6


@dataclass(frozen=True)
class Columns:
    """The widths every row and the axis share: the number, reference and tick columns are as wide as
    their widest text in this chart (so a number never wraps), the label and the bar share the rest."""

    number: int
    reference: int
    tick: int


def compact_look(widget: QWidget) -> RiskLook:
    """The full chart's look with a slimmer track: one line of text high, so a row stays one line."""
    look = risk_look(widget)
    line_height = QFontMetricsF(widget.font()).height()
    return replace(look, track_top=max(2.0, line_height * 0.12), track_height=round(line_height * 0.85))


def set_columns(grid: QGridLayout, columns: Columns) -> None:
    grid.setHorizontalSpacing(COLUMN_GAP)
    for column, stretch in enumerate((STRETCH_LABEL, 0, STRETCH_BAR, 0, 0)):
        grid.setColumnStretch(column, stretch)
    for column, width in ((1, columns.number), (3, columns.reference), (4, columns.tick)):
        grid.setColumnMinimumWidth(column, width)


def column_label(html: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(html, parent)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    # Width from the column's stretch only, never from the text: the columns line up in every row.
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


class OverviewBar(QWidget):
    """One line's bar: the whole 1000 people and its marked part, no number and no ticks."""

    def __init__(self, bar: EstimateBar, kind: str, parent_extent: float | None, parent=None):
        super().__init__(parent)
        self.bar, self.kind, self.parent_extent = bar, kind, parent_extent
        self._paint_cache = PaintCache()
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        look = compact_look(self)
        return QSize(round(QFontMetricsF(self.font()).height() * 8), round(look.track_top * 2 + look.track_height))

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.sizeHint().height())

    def paintEvent(self, _event) -> None:
        self._paint_cache.paint(self, high_contrast_on(), self._paint_bar)

    def _paint_bar(self, painter: QPainter) -> None:
        draw_overview_bar(QtSurface(painter), compact_look(self), self.bar, self.kind, self.parent_extent,
                          self.width())


class OverviewAxis(QWidget):
    """The common scale once, over the bars' column: its labels and ticks."""

    def __init__(self, chart: RiskChart, parent=None):
        super().__init__(parent)
        self.chart = chart
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        tick_height = QFontMetricsF(scaled_font(self, 0.85)).height()
        return QSize(round(tick_height * 10), round(tick_height + compact_look(self).track_height * 0.25 + 3))

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.sizeHint().height())

    def paintEvent(self, _event) -> None:
        with QPainter(self) as painter:
            draw_scale_axis(QtSurface(painter), compact_look(self), self.chart.linear_ticks, self.width(),
                            self.height())


class OverviewHeader(QWidget):
    """Column titles over the rows: the scale's title and axis over the bars, "Discussed" over the ticks."""

    def __init__(self, chart: RiskChart, columns: Columns, title: str, parent=None):
        super().__init__(parent)
        self.grid = grid = QGridLayout(self)
        grid.setContentsMargins(14, 0, 10, 0)  # the rows' margins, so the axis sits over their bars
        grid.setVerticalSpacing(2)
        set_columns(grid, columns)
        self.columns = columns
        self.heading = heading(title)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        self.axis_title = column_label(f"<b>{escape(chart.linear_axis_title)}</b>")
        self.axis_title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        self.axis = OverviewAxis(chart)
        self.discussed = QLabel(_("Discussed"))
        self.discussed.setObjectName("Meta")
        self.discussed.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        self.heading_above: bool | None = None
        self._place(heading_above=False)

    def _place(self, heading_above: bool) -> None:
        """The page heading in the labels' column, or on a line of its own above the column titles when that
        column is too narrow for it (at desktop scaling 200 % it took three lines beside the scale)."""
        if heading_above == self.heading_above:
            return
        self.heading_above = heading_above
        grid, top = self.grid, 1 if heading_above else 0
        for widget in (self.heading, self.axis_title, self.axis, self.discussed):
            grid.removeWidget(widget)
        if heading_above:
            grid.addWidget(self.heading, 0, 0, 1, 5)
        else:
            grid.addWidget(self.heading, 0, 0, 2, 1)
        # The title over the numbers and their bars; "Discussed" over the references and the ticks, right
        # aligned so it ends over the tick boxes (the tick column itself is only a box wide).
        grid.addWidget(self.axis_title, top, 1, 1, 2)
        grid.addWidget(self.axis, top + 1, 2)
        grid.addWidget(self.discussed, top, 3, 2, 2)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        margins = self.grid.contentsMargins()
        fixed = self.columns.number + self.columns.reference + self.columns.tick + 4 * COLUMN_GAP
        shared = self.width() - margins.left() - margins.right() - fixed
        label_column = shared * STRETCH_LABEL / (STRETCH_LABEL + STRETCH_BAR)
        self._place(self.heading.fontMetrics().horizontalAdvance(self.heading.text()) > label_column)


class OverviewRowWidget(QFrame):
    """One outcome in one compact row; the row itself takes the focus and says every figure it shows."""

    discussed_changed = Signal(str, bool)
    selected = Signal(str, int)  # outcome id, estimate index
    moved = Signal(int)          # Up (-1) or Down (+1) pressed on the row

    def __init__(self, item: OverviewRow, columns: Columns, parent=None):
        super().__init__(parent)
        row = item.row
        self.item, self.row = item, row
        self.setObjectName("OverviewRow")
        self.setProperty("nested", row.depth > 0)
        self.setProperty("selectedRow", False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.current_estimate = item.first_figure if item.first_figure is not None else 0
        line_height = self.fontMetrics().height()
        self.indent = round(line_height * 1.1) * row.depth

        grid = QGridLayout(self)
        grid.setContentsMargins(10, 1, 10, 1)
        grid.setVerticalSpacing(1)
        set_columns(grid, columns)
        self.title = column_label(escape(row.label))
        self.title.setContentsMargins(self.indent, 0, 0, 0)
        self.title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.title, 0, 0, len(item.lines), 1)
        self.numbers: list[QLabel] = []
        self.bars: list[OverviewBar] = []
        for index, line in enumerate(item.lines):
            number = column_label(f"<b>{escape(line.bar.number_label)}</b>" if not line.bar.not_known
                                  else escape(line.bar.number_label))
            bar = OverviewBar(line.bar, row.kind, row.parent_extent)
            reference = column_label(escape(line.reference_text))
            # Secondary words in the style sheet's muted colour, which the high-contrast look makes black.
            reference.setObjectName("Meta")
            if line.bar.not_known:
                number.setObjectName("Meta")
            grid.addWidget(number, index, 1, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(bar, index, 2, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(reference, index, 3, Qt.AlignmentFlag.AlignTop)
            self.numbers.append(number)
            self.bars.append(bar)
        # The tick has no text of its own: the "Discussed" column title above is its visible label, and
        # its name says which outcome (a screen reader reads it alone, without the column).
        self.discussed = QCheckBox()
        self.discussed.setChecked(row.discussed)
        self.discussed.setAccessibleName(_("“{label}” was discussed").format(label=row.label))
        self.discussed.toggled.connect(lambda checked: self.discussed_changed.emit(row.outcome_id, checked))
        grid.addWidget(self.discussed, 0, 4, len(item.lines), 1,
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setAccessibleName(" · ".join(text for text in (row.label, row.within_text, row.custom_text) if text))
        details = [text for text in (row.detail, row.sources_differ_text) if text]
        self.setAccessibleDescription(" ".join([bar.description() for bar in row.bars] + details))

    def select(self, estimate_index: int | None = None) -> None:
        if estimate_index is not None:
            self.current_estimate = estimate_index
        self.selected.emit(self.row.outcome_id, self.current_estimate)

    def set_selected(self, selected: bool) -> None:
        self.setProperty("selectedRow", selected)
        self.style().unpolish(self)
        self.style().polish(self)
        self.update()

    def mousePressEvent(self, event) -> None:
        y = event.position().y()
        line = next((index for index, bar in enumerate(self.bars) if y < bar.geometry().bottom() + 2),
                    len(self.bars) - 1)
        indexes = self.item.lines[line].estimate_indexes
        figure = next((index for index in indexes if not self.row.bars[index].not_known), None)
        self.select(figure)
        super().mousePressEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.select()
            return
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.moved.emit(-1 if event.key() == Qt.Key.Key_Up else 1)
            return
        super().keyPressEvent(event)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.row.depth:
            # A connector from the outcome above, in the indent: "this is part of it".
            with QPainter(self) as painter:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                line_height = self.fontMetrics().height()
                painter.setPen(QPen(QColor(MUTED), max(1.0, line_height / 14)))
                x = 10 + self.indent - line_height * 0.7
                middle = self.title.geometry().top() + line_height * 0.55
                painter.drawLine(QPointF(x, 0), QPointF(x, middle))
                painter.drawLine(QPointF(x, middle), QPointF(x + line_height * 0.5, middle))
        paint_focus_frame(self)


STYLE = f"""
QWidget#RiskOverview {{ background: white; }}
QFrame#OverviewGroup {{ background: white; border: 1px solid {palette.BORDER}; border-radius: 6px; }}
QFrame#OverviewRow {{ background: transparent; border: none; border-left: 4px solid transparent; }}
QFrame#OverviewRow[nested="true"] {{ background: {palette.NESTED_BACKGROUND}; }}
QFrame#OverviewRow[selectedRow="true"] {{ background: {palette.SELECTED_BACKGROUND};
                                          border-left: 4px solid {ACCENT}; }}
"""


class RiskOverviewView(QWidget):
    """All outcomes of a chart in compact rows. Signals carry the outcome id."""

    discussed_changed = Signal(str, bool)
    selected = Signal(str)
    estimate_selected = Signal(str, int)  # outcome id, index of the source's estimate (for the icon array)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("RiskOverview")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self.overview: RiskOverview | None = None
        self.rows: dict[str, OverviewRowWidget] = {}
        self._selected_id: str | None = None
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(2)

    def columns(self, overview: RiskOverview) -> Columns:
        bold = QFont(self.font())
        bold.setBold(True)
        numbers = QFontMetricsF(bold)
        plain = QFontMetricsF(self.font())  # the app's style sheet sets every label's size: no smaller font
        line_height = numbers.height()
        widest_number = max((numbers.horizontalAdvance(line.bar.number_label)
                             for row in overview.rows for line in row.lines), default=0.0)
        widest_reference = max((plain.horizontalAdvance(line.reference_text)
                                for row in overview.rows for line in row.lines), default=0.0)
        # A very long number (a French range) wraps rather than squeezing the labels and bars.
        return Columns(number=round(min(widest_number + line_height * 0.3, line_height * 12)),
                       reference=round(widest_reference + line_height * 0.4),
                       tick=round(line_height * 1.3))

    def set_chart(self, chart: RiskChart, title: str = "") -> None:
        while self.layout_.count():
            item = self.layout_.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()  # out of sight, the Tab chain and the accessibility tree at once
                item.widget().deleteLater()
        overview = build_overview(chart)
        self.overview, self.rows, self._selected_id = overview, {}, None
        columns = self.columns(overview)
        self.header = OverviewHeader(chart, columns, title)
        self.layout_.addWidget(self.header)
        kinds = {row.kind for row in chart.rows}
        group_layout = None
        previous_kind = None
        for item in overview.rows:
            if item.row.kind != previous_kind:
                if len(kinds) > 1:
                    heading = QLabel(f"<b>{escape(chart.heading(item.row.kind))}</b>")
                    heading.setContentsMargins(2, 2, 0, 0)
                    self.layout_.addWidget(heading)
                group = QFrame()
                group.setObjectName("OverviewGroup")
                group_layout = QVBoxLayout(group)
                group_layout.setContentsMargins(0, 0, 0, 0)
                group_layout.setSpacing(0)
                self.layout_.addWidget(group)
            previous_kind = item.row.kind
            widget = OverviewRowWidget(item, columns)
            widget.discussed_changed.connect(self.discussed_changed)
            widget.selected.connect(self._row_selected)
            widget.moved.connect(lambda step, row=widget: self.move_selection(row, step))
            assert group_layout is not None
            group_layout.addWidget(widget)
            self.rows[item.row.outcome_id] = widget
        key = QLabel("<br>".join(f"[{ref.number}] {escape(ref.text)}" for ref in overview.references))
        key.setObjectName("Meta")
        key.setWordWrap(True)
        key.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.sources_key = key
        self.layout_.addWidget(key)

    # ---- The page's side -------------------------------------------------------------------------------

    def row_widget(self, outcome_id: str) -> OverviewRowWidget:
        return self.rows[outcome_id]

    def set_discussed(self, outcome_id: str, discussed: bool) -> None:
        """Restores a saved tick without echoing it back as a change."""
        box = self.rows[outcome_id].discussed
        box.blockSignals(True)
        box.setChecked(discussed)
        box.blockSignals(False)

    def discussed_ids(self) -> set[str]:
        return {outcome_id for outcome_id, row in self.rows.items() if row.discussed.isChecked()}

    def select(self, outcome_id: str, estimate_index: int | None = None) -> None:
        self.rows[outcome_id].select(estimate_index)

    def selected_id(self) -> str | None:
        return self._selected_id

    def move_selection(self, row: OverviewRowWidget, step: int) -> None:
        """Up/Down from a row: the row above or below takes the focus and is shown."""
        order = list(self.rows.values())
        target = order[min(max(order.index(row) + step, 0), len(order) - 1)]
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        target.select()

    @Slot(str, int)
    def _row_selected(self, outcome_id: str, estimate_index: int) -> None:
        if self._selected_id in self.rows:
            self.rows[self._selected_id].set_selected(False)
        self._selected_id = outcome_id
        self.rows[outcome_id].set_selected(True)
        self.selected.emit(outcome_id)
        self.estimate_selected.emit(outcome_id, estimate_index)


__all__ = ["OverviewRowWidget", "RiskOverviewView", "compact_look"]
