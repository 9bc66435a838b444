"""The recovery timeline on screen: paints `consultaid.charts.timeline` geometry, one milestone per lane.

Every size comes from the font metrics, so the chart follows the app's presentation zoom. Colour is
never the only cue: events are solid bars or diamonds, a possible longer end is hatched, an open end
is a dashed arrow, a "not before" restriction is a hatched zone closed by a bold line, and each lane
says its timing (and dates) in words. Text is at least 4.5:1 on white, marks at least 3:1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QCheckBox, QSizePolicy, QWidget

from consultaid.charts.timeline import AxisTick, Timeline, TimelineItem, build_timeline
from consultaid.i18n import _
from consultaid.ui.style import ACCENT, INK, MUTED, SURFACE
from consultaid.ui.widgets.paint_cache import PaintCache

EVENT = QColor(ACCENT)                # Okabe–Ito blue, 5.2:1 on white
EVENT_LIGHT = QColor("#DCEBF6")       # the fill under the hatch of a possible longer end
RESTRICTION = QColor("#D55E00")       # Okabe–Ito vermillion, 3.9:1 on white: marks only, never text
RESTRICTION_TINT = QColor("#FCEFE6")
GRID = QColor("#D5DCE3")
SEPARATOR = QColor("#E6EAEF")
STRETCH_SHADE = QColor(SURFACE)

LANE_PADDING = 0.45        # in line heights
MARK_HEIGHT = 0.8          # in line heights
TEXT_GAP = 0.6             # between a mark and its words, in line heights


@dataclass
class _TextBlock:
    """The words beside a mark: the timing (and repeat), then the calendar dates."""

    lines: list[tuple[str, QFont, QColor]]
    rect: QRectF = field(default_factory=QRectF)
    align_right: bool = False


@dataclass
class _Lane:
    item: TimelineItem
    top: float
    height: float
    label_rect: QRectF
    mark_y: float
    words: _TextBlock


@dataclass
class _Layout:
    width: float
    height: float
    caption_rect: QRectF
    legend: list[tuple[QRectF, QRectF, str, str]]  # swatch, text rect, kind, text
    ticks: list[tuple[AxisTick, QRectF]]
    chart_left: float
    chart_right: float
    lanes_top: float
    lanes_bottom: float
    lanes: list[_Lane]


class TimelineView(QWidget):
    """The recovery milestones of one procedure in the patient's language, with a "Discussed" tick each.

    `milestones` are ShownMilestone objects; `set_surgery_date` adds (or removes) calendar dates."""

    discussed_changed = Signal(str, bool)

    def __init__(self, milestones, language: str, surgery_date: date | None = None, parent=None):
        super().__init__(parent)
        self.milestones = tuple(milestones)
        self.language = language
        self.timeline: Timeline = build_timeline(self.milestones, language, surgery_date)
        self._layout_cache: _Layout | None = None
        self._layout_version = 0  # counts the layouts thrown away: the kept drawing must follow
        self._paint_cache = PaintCache()
        self.setAccessibleName(_("Recovery timeline"))
        self.setAutoFillBackground(False)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.checkboxes: dict[str, QCheckBox] = {}
        for item in self.timeline.items:
            box = QCheckBox(_("Discussed"), self)
            box.setAccessibleName(_("Discussed: {label}").format(label=item.label))
            box.toggled.connect(lambda checked, milestone_id=item.milestone_id:
                                self.discussed_changed.emit(milestone_id, checked))
            self.checkboxes[item.milestone_id] = box
        self._describe_items()

    # --- public API ------------------------------------------------------------------------------

    @property
    def surgery_date(self) -> date | None:
        return self.timeline.surgery_date

    @Slot(object)
    def set_surgery_date(self, surgery_date: date | None) -> None:
        self.timeline = build_timeline(self.milestones, self.language, surgery_date)
        self._describe_items()
        self._relayout()

    def set_discussed(self, milestone_id: str, discussed: bool) -> None:
        self.checkboxes[milestone_id].setChecked(discussed)

    def discussed(self) -> set[str]:
        return {milestone_id for milestone_id, box in self.checkboxes.items() if box.isChecked()}

    # --- size ------------------------------------------------------------------------------------

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return math.ceil(self._layout_for(width).height)

    def sizeHint(self) -> QSize:
        width = int(self._line_height() * 48)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        # No minimum height: the height follows the width (heightForWidth), which layouts and scroll
        # areas ask for; a minimum taken at the narrowest width would leave a blank band when wide.
        return QSize(int(self._line_height() * 30), 0)

    # --- events ----------------------------------------------------------------------------------

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_checkboxes()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (event.Type.FontChange, event.Type.StyleChange):
            self._relayout()

    def paintEvent(self, event) -> None:
        layout = self._current_layout()
        self._paint_cache.paint(self, (self._layout_version, layout.width),
                                lambda painter: self._paint_all(painter, layout), QColor(Qt.GlobalColor.white))

    def _paint_all(self, painter: QPainter, layout: _Layout) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        self._paint_caption(painter, layout)
        self._paint_legend(painter, layout)
        self._paint_axis(painter, layout)
        for lane in layout.lanes:
            self._paint_lane(painter, layout, lane)

    # --- layout ----------------------------------------------------------------------------------

    def _line_height(self) -> float:
        return QFontMetricsF(self.font()).height()

    def _fonts(self) -> dict[str, QFont]:
        base = QFont(self.font())
        label = QFont(base)
        label.setWeight(QFont.Weight.DemiBold)
        small = QFont(base)
        if base.pointSizeF() > 0:
            small.setPointSizeF(base.pointSizeF() * 0.9)
        else:  # a font given in pixels by a style sheet
            small.setPixelSize(max(1, round(base.pixelSize() * 0.9)))
        small_bold = QFont(small)
        small_bold.setWeight(QFont.Weight.DemiBold)
        return {"base": base, "label": label, "small": small, "small_bold": small_bold}

    def _relayout(self) -> None:
        self._layout_cache = None
        self._layout_version += 1
        self.updateGeometry()
        self._place_checkboxes()
        self.update()

    def _current_layout(self) -> _Layout:
        return self._layout_for(self.width())

    def _layout_for(self, width: int) -> _Layout:
        if self._layout_cache is None or self._layout_cache.width != width:
            self._layout_cache = self._compute_layout(width)
        return self._layout_cache

    def _place_checkboxes(self) -> None:
        layout = self._current_layout()
        for lane in layout.lanes:
            box = self.checkboxes[lane.item.milestone_id]
            hint = box.sizeHint()
            box.setGeometry(int(layout.width - self._padding() - hint.width()),
                            int(lane.top + (lane.height - hint.height()) / 2), hint.width(), hint.height())
            box.show()

    def _padding(self) -> float:
        return self._line_height() * 0.8

    def _compute_layout(self, width: float) -> _Layout:
        fonts = self._fonts()
        line = self._line_height()
        pad = self._padding()

        def wrapped(text: str, font: QFont, text_width: float) -> QRectF:
            return QFontMetricsF(font).boundingRect(QRectF(0, 0, max(1.0, text_width), 1e6),
                                                    Qt.TextFlag.TextWordWrap, text)

        # The "guide, not a promise" caption comes first: it frames everything below.
        caption_text = wrapped(self.timeline.caption, fonts["base"], width - 2 * pad - 1.6 * line)
        caption_rect = QRectF(pad, pad, width - 2 * pad, caption_text.height() + 0.9 * line)
        y = caption_rect.bottom() + 0.7 * line

        # Legend: swatch + words, flowing onto more rows when narrow.
        legend = []
        swatch_w, x = 2.2 * line, pad
        for entry in self.timeline.legend:
            text_w = QFontMetricsF(fonts["small"]).horizontalAdvance(entry.text)
            entry_w = swatch_w + 0.4 * line + text_w
            if x > pad and x + entry_w > width - pad:
                x, y = pad, y + 1.3 * line
            legend.append((QRectF(x, y + 0.15 * line, swatch_w, 0.7 * line),
                           QRectF(x + swatch_w + 0.4 * line, y, text_w + 1, line), entry.kind, entry.text))
            x += entry_w + 1.4 * line
        y += (1.6 if legend else 0.3) * line

        # Columns: label | chart | Discussed.
        box_w = max(box.sizeHint().width() for box in self.checkboxes.values()) if self.checkboxes else 0
        label_w = min(max(width * 0.26, 9 * line), 17 * line)
        chart_left = pad + label_w + 1.2 * line
        chart_right = width - pad - box_w - 1.4 * line
        chart_w = max(chart_right - chart_left, 4 * line)
        chart_right = chart_left + chart_w

        ticks, header_h = self._place_ticks(fonts, chart_left, chart_right, y)
        lanes_top = y + header_h + 0.4 * line

        lanes, top = [], lanes_top
        for item in self.timeline.items:
            lane = self._lane(item, top, fonts, line, pad, label_w, chart_left, chart_right, wrapped)
            lanes.append(lane)
            top += lane.height
        return _Layout(width, top + pad, caption_rect, legend, ticks, chart_left, chart_right,
                       lanes_top, top, lanes)

    def _place_ticks(self, fonts, chart_left, chart_right, top) -> tuple[list[tuple[AxisTick, QRectF]], float]:
        """Tick labels by rank (the day of surgery, then landmarks, then the rest), each kept only if it
        does not collide with one already placed; a tick without its label gets no grid line either."""
        label_metrics = QFontMetricsF(fonts["small_bold"])
        date_metrics = QFontMetricsF(fonts["small"])
        has_dates = any(tick.date_text for tick in self.timeline.ticks)
        height = label_metrics.height() + (date_metrics.height() if has_dates else 0)
        gap = label_metrics.height() * 0.8
        placed: list[tuple[AxisTick, QRectF]] = []
        # The end of the axis gives way to a landmark just before it (3 months before 6 months).
        for tick in sorted(self.timeline.ticks, key=lambda tick: (tick.rank, tick.x >= 1, tick.hours)):
            text_w = max(label_metrics.horizontalAdvance(tick.label), date_metrics.horizontalAdvance(tick.date_text))
            px = chart_left + tick.x * (chart_right - chart_left)
            if tick.x <= 0 or tick.x >= 1:
                # "Day of surgery" ends on the start line, leaving the chart to the landmarks; the end
                # of the axis reads back from the last line.
                left = px - text_w
            else:
                left = min(max(px - text_w / 2, chart_left), chart_right - text_w)
            rect = QRectF(left, top, text_w, height)
            if all(rect.right() + gap <= other.left() or rect.left() >= other.right() + gap
                   for _other_tick, other in placed):
                placed.append((tick, rect))
        return placed, height

    def _lane(self, item: TimelineItem, top, fonts, line, pad, label_w, chart_left, chart_right, wrapped) -> _Lane:
        label_rect = wrapped(item.label, fonts["label"], label_w)
        words = self._words(item, fonts)
        metrics = [QFontMetricsF(font) for _text, font, _colour in words.lines]
        block_w = max(m.horizontalAdvance(text) for m, (text, _f, _c) in zip(metrics, words.lines))
        # The repeat icon leads the first line; 2 px of slack so rounding never wraps a line.
        block_w += (self._repeat_icon_width(line) if item.repeat_text else 0) + 2
        block_h = sum(m.height() for m in metrics)
        chart_w = chart_right - chart_left
        mark_h = MARK_HEIGHT * line
        gap = TEXT_GAP * line

        def px(x: float) -> float:
            return chart_left + x * chart_w

        mark_left = px(item.x1 if item.kind == "not_before" else item.x0) - mark_h / 2
        mark_right = px(item.end_x) + mark_h / 2
        if item.open_end:
            mark_right += mark_h * 0.6  # the arrowhead
        beside = True
        if mark_right + gap + block_w <= chart_right:
            words.rect = QRectF(mark_right + gap, 0, block_w, block_h)
        elif item.kind != "not_before" and mark_left - gap - block_w >= chart_left:
            words.rect = QRectF(mark_left - gap - block_w, 0, block_w, block_h)
            words.align_right = True
        else:  # no room on either side: the words go under the mark, wrapped to the chart
            beside = False
            text_w = min(block_w, chart_w)
            words.rect = QRectF(min(max(mark_left, chart_left), chart_right - text_w), 0, text_w, 0)
            words.rect.setHeight(sum(wrapped(text, font, text_w - (self._repeat_icon_width(line)
                                                                   if item.repeat_text and index == 0 else 0)
                                             ).height()
                                     for index, (text, font, _c) in enumerate(words.lines)))
        mark_extent = mark_h * 1.5  # a restriction's boundary line stands out above and below its zone
        content_h = max(mark_extent, words.rect.height()) if beside else mark_extent + 0.2 * line + words.rect.height()
        box_h = max((box.sizeHint().height() for box in self.checkboxes.values()), default=0)
        height = max(label_rect.height(), content_h, box_h) + 2 * LANE_PADDING * line
        centre = top + height / 2
        if beside:
            mark_y = centre
            words.rect.moveTop(centre - words.rect.height() / 2)
        else:
            mark_y = centre - content_h / 2 + mark_extent / 2
            words.rect.moveTop(mark_y + mark_extent / 2 + 0.2 * line)
        label = QRectF(pad, centre - label_rect.height() / 2, label_w, label_rect.height())
        return _Lane(item, top, height, label, mark_y, words)

    def _words(self, item: TimelineItem, fonts) -> _TextBlock:
        timing = item.timing_text + (f" \u00b7 {item.repeat_text}" if item.repeat_text else "")
        lines = [(timing, fonts["base"], QColor(INK))]
        if item.date_text:
            lines.append((item.date_text, fonts["small"], QColor(MUTED)))
        return _TextBlock(lines)

    @staticmethod
    def _repeat_icon_width(line: float) -> float:
        return line * 1.1

    def _describe_items(self) -> None:
        """Tooltips and accessible descriptions say in words what the marks show, with the source."""
        for item in self.timeline.items:
            box = self.checkboxes[item.milestone_id]
            parts = [item.label, item.timing_text, item.repeat_text, item.date_text]
            box.setAccessibleDescription(". ".join(part for part in parts if part))
            tip = [item.label, item.detail,
                   _("Source: {files}").format(files=", ".join(item.source_files))]
            box.setToolTip("\n".join(part for part in tip if part))

    # --- painting --------------------------------------------------------------------------------

    def _paint_caption(self, painter: QPainter, layout: _Layout) -> None:
        line = self._line_height()
        rect = layout.caption_rect
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(SURFACE))
        painter.drawRoundedRect(rect, 0.3 * line, 0.3 * line)
        painter.setBrush(EVENT)
        painter.drawRoundedRect(QRectF(rect.left(), rect.top(), 0.25 * line, rect.height()), 0.12 * line, 0.12 * line)
        painter.setPen(QColor(INK))
        painter.setFont(self._fonts()["base"])
        painter.drawText(rect.adjusted(0.9 * line, 0.45 * line, -0.7 * line, -0.45 * line),
                         Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignVCenter, self.timeline.caption)

    def _paint_legend(self, painter: QPainter, layout: _Layout) -> None:
        fonts = self._fonts()
        for swatch, text_rect, kind, text in layout.legend:
            centre_y = swatch.center().y()
            height = swatch.height()
            if kind == "point":
                self._diamond(painter, QPointF(swatch.center().x(), centre_y), height)
            elif kind == "window":
                self._bar(painter, swatch.left(), swatch.right(), centre_y, height)
            elif kind == "uncertain":
                self._bar(painter, swatch.left(), swatch.center().x(), centre_y, height)
                self._uncertain(painter, swatch.center().x(), swatch.right(), centre_y, height)
            elif kind == "open":
                self._open_tail(painter, swatch.left() + height / 2, swatch.right() - height * 0.6, centre_y, height)
            elif kind == "not_before":
                self._restriction(painter, swatch.left(), swatch.right() - height * 0.3, centre_y, height)
            elif kind == "repeat":
                self._repeat_icon(painter, QPointF(swatch.center().x(), centre_y), height)
            painter.setFont(fonts["small"])
            painter.setPen(QColor(INK))
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)

    def _paint_axis(self, painter: QPainter, layout: _Layout) -> None:
        fonts = self._fonts()
        chart_w = layout.chart_right - layout.chart_left
        # Alternate light bands over the stretches of the axis: each runs at its own pace, and the
        # bands show where the pace changes.
        for index, stretch in enumerate(self.timeline.axis.stretches):
            if index % 2 == 0:
                left = layout.chart_left + stretch.x0 * chart_w
                painter.fillRect(QRectF(left, layout.lanes_top, (stretch.x1 - stretch.x0) * chart_w,
                                        layout.lanes_bottom - layout.lanes_top), STRETCH_SHADE)
        for lane in layout.lanes[1:]:
            painter.setPen(QPen(SEPARATOR, 1))
            painter.drawLine(QPointF(self._padding(), lane.top), QPointF(layout.width - self._padding(), lane.top))
        label_metrics = QFontMetricsF(fonts["small_bold"])
        for tick, rect in layout.ticks:
            px = layout.chart_left + tick.x * chart_w
            painter.setPen(QPen(QColor(MUTED) if tick.x == 0 else GRID, 1.5 if tick.x == 0 else 1))
            painter.drawLine(QPointF(px, rect.bottom() + 0.15 * label_metrics.height()),
                             QPointF(px, layout.lanes_bottom))
            align = (Qt.AlignmentFlag.AlignRight if tick.x <= 0 or tick.x >= 1 else Qt.AlignmentFlag.AlignHCenter)
            painter.setFont(fonts["small_bold"])
            painter.setPen(QColor(INK))
            painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), label_metrics.height()),
                             align | Qt.AlignmentFlag.AlignTop, tick.label)
            if tick.date_text:
                painter.setFont(fonts["small"])
                painter.setPen(QColor(MUTED))
                painter.drawText(QRectF(rect.left(), rect.top() + label_metrics.height(), rect.width(),
                                        rect.height() - label_metrics.height()),
                                 align | Qt.AlignmentFlag.AlignTop, tick.date_text)

    def _paint_lane(self, painter: QPainter, layout: _Layout, lane: _Lane) -> None:
        fonts = self._fonts()
        line = self._line_height()
        item = lane.item
        chart_w = layout.chart_right - layout.chart_left

        def px(x: float) -> float:
            return layout.chart_left + x * chart_w

        painter.setFont(fonts["label"])
        painter.setPen(QColor(INK))
        painter.drawText(lane.label_rect, Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft, item.label)

        y, height = lane.mark_y, MARK_HEIGHT * line
        if item.kind == "not_before":
            self._restriction(painter, px(0), px(item.x1), y, height)
        elif item.open_end:
            self._open_tail(painter, px(item.x0), px(item.tail_x1), y, height)
        elif item.drawn_as_period:
            self._bar(painter, px(item.x0), px(item.x1), y, height)
            if item.uncertain_x1 is not None:
                self._uncertain(painter, px(item.x1), px(item.uncertain_x1), y, height)
        else:
            self._diamond(painter, QPointF(px(item.x), y), height * 1.25)
        for x in item.repeat_xs:
            self._diamond(painter, QPointF(px(x), y), height * 0.8, hollow=True)
        self._paint_words(painter, lane.words, item, line)

    def _paint_words(self, painter: QPainter, words: _TextBlock, item: TimelineItem, line: float) -> None:
        rect = words.rect
        align = Qt.AlignmentFlag.AlignRight if words.align_right else Qt.AlignmentFlag.AlignLeft
        y = rect.top()
        for index, (text, font, colour) in enumerate(words.lines):
            left = rect.left()
            text_w = rect.width()
            if index == 0 and item.repeat_text:
                icon_w = self._repeat_icon_width(line)
                icon_x = left
                if words.align_right:
                    icon_x = rect.right() - QFontMetricsF(font).horizontalAdvance(text) - icon_w
                self._repeat_icon(painter, QPointF(icon_x + icon_w * 0.4, y + QFontMetricsF(font).height() / 2),
                                  line * 0.95)
                left += icon_w
                text_w -= icon_w
            bounds = QFontMetricsF(font).boundingRect(QRectF(0, 0, text_w, 1e6), Qt.TextFlag.TextWordWrap, text)
            painter.setFont(font)
            painter.setPen(colour)
            painter.drawText(QRectF(left, y, text_w, bounds.height()), align | Qt.TextFlag.TextWordWrap, text)
            y += bounds.height()

    # --- marks (shared by the lanes and the legend) ----------------------------------------------

    @staticmethod
    def _bar(painter: QPainter, left: float, right: float, y: float, height: float) -> None:
        width = max(right - left, height * 0.5)  # a 2-minute window is still visible
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(EVENT)
        painter.drawRoundedRect(QRectF(left, y - height / 2, width, height), height * 0.25, height * 0.25)

    @staticmethod
    def _uncertain(painter: QPainter, left: float, right: float, y: float, height: float) -> None:
        """A possible longer end: lighter, hatched, outlined, so it reads in grey too."""
        rect = QRectF(left, y - height / 2, max(right - left, 1.0), height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(EVENT_LIGHT)
        painter.drawRect(rect)
        _hatch(painter, rect, EVENT, height * 0.45)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(EVENT, max(1.0, height * 0.09), Qt.PenStyle.DashLine))
        painter.drawRect(rect)

    @staticmethod
    def _open_tail(painter: QPainter, left: float, right: float, y: float, height: float) -> None:
        """An open end: a start dot, then a dashed line and an arrowhead ("goes on")."""
        painter.setPen(QPen(EVENT, max(1.5, height * 0.18), Qt.PenStyle.DashLine, Qt.PenCapStyle.FlatCap))
        painter.drawLine(QPointF(left, y), QPointF(right, y))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(EVENT)
        painter.drawEllipse(QPointF(left, y), height * 0.42, height * 0.42)
        head = height * 0.5
        painter.drawPolygon(QPolygonF([QPointF(right + head * 1.2, y), QPointF(right, y - head),
                                       QPointF(right, y + head)]))

    @staticmethod
    def _diamond(painter: QPainter, centre: QPointF, size: float, hollow: bool = False) -> None:
        half = size / 2
        shape = QPolygonF([QPointF(centre.x(), centre.y() - half), QPointF(centre.x() + half, centre.y()),
                           QPointF(centre.x(), centre.y() + half), QPointF(centre.x() - half, centre.y())])
        painter.setPen(QPen(EVENT if hollow else QColor("#004F7C"), max(1.0, size * 0.1)))
        painter.setBrush(QColor("white") if hollow else EVENT)
        painter.drawPolygon(shape)

    def _restriction(self, painter: QPainter, left: float, right: float, y: float, height: float) -> None:
        """A "not before" zone: tinted and hatched from the surgery to a bold boundary line."""
        rect = QRectF(left, y - height / 2, max(right - left, 1.0), height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(RESTRICTION_TINT)
        painter.drawRect(rect)
        _hatch(painter, rect, RESTRICTION, height * 0.4, backwards=True)
        painter.setPen(QPen(RESTRICTION, max(3.0, height * 0.3), Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        painter.drawLine(QPointF(right, y - height * 0.75), QPointF(right, y + height * 0.75))

    @staticmethod
    def _repeat_icon(painter: QPainter, centre: QPointF, size: float) -> None:
        """A circular arrow: "this repeats"."""
        radius = size * 0.34
        rect = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
        start, span = 100.0, 280.0  # degrees, counter-clockwise from three o'clock
        path = QPainterPath()
        path.arcMoveTo(rect, start)
        path.arcTo(rect, start, span)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(EVENT, max(1.3, size * 0.13), Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        painter.drawPath(path)
        # The arrowhead points along the arc where it ends (screen y grows downwards).
        angle = math.radians(start + span)
        tip = path.currentPosition()
        along = QPointF(-math.sin(angle), -math.cos(angle))
        across = QPointF(math.cos(angle), -math.sin(angle))
        head = size * 0.3
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(EVENT)
        painter.drawPolygon(QPolygonF([tip + along * head * 0.7, tip - along * head * 0.3 + across * head * 0.55,
                                       tip - along * head * 0.3 - across * head * 0.55]))


def _hatch(painter: QPainter, rect: QRectF, colour: QColor, spacing: float, backwards: bool = False) -> None:
    """Diagonal lines clipped to `rect`; drawn rather than a Qt brush pattern so they scale with the font.
    One drawLines call for all of them: a Python call per line made the recovery step slow to paint."""
    painter.save()
    painter.setClipRect(rect)
    painter.setPen(QPen(colour, max(1.0, spacing * 0.28)))
    lines = []
    x = rect.left() - rect.height()
    while x < rect.right() + rect.height():
        if backwards:
            lines.append(QLineF(x, rect.top(), x + rect.height(), rect.bottom()))
        else:
            lines.append(QLineF(x, rect.bottom(), x + rect.height(), rect.top()))
        x += max(spacing, 3.0)
    painter.drawLines(lines)
    painter.restore()
