"""The recovery timeline on screen: the widget around `consultaid.charts.draw_timeline`, which lays out
and draws the lanes (the same code draws the PDF's); this keeps the "Discussed" boxes, the sizes taken
from the widget's font, and the kept drawing.

Every size comes from the font metrics, so the chart follows the app's presentation zoom. Colour is
never the only cue: events are solid bars or diamonds, a possible longer end is hatched, an open end
is a dashed arrow, a "not before" restriction is a hatched zone closed by a bold line, and each lane
says its timing (and dates) in words. Text is at least 4.5:1 on white, marks at least 3:1.
"""

from __future__ import annotations

import math
from datetime import date

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QCheckBox, QSizePolicy, QWidget

from consultaid.charts.draw_timeline import TimelineLayout, TimelineLook, draw_timeline, layout_timeline
from consultaid.charts.timeline import Timeline, build_timeline
from consultaid.i18n import _
from consultaid.ui.services.style import chart_colours, high_contrast_on
from consultaid.ui.widgets.focus_frame import paint_focus_frame
from consultaid.ui.widgets.paint_cache import PaintCache
from consultaid.ui.widgets.qt_surface import QtSurface


class TimelineView(QWidget):
    """The recovery milestones of one procedure in the patient's language, with a "Discussed" tick each.

    `milestones` are ShownMilestone objects; `set_surgery_date` adds (or removes) calendar dates."""

    discussed_changed = Signal(str, bool)

    def __init__(self, milestones, language: str, surgery_date: date | None = None, parent=None):
        super().__init__(parent)
        self.milestones = tuple(milestones)
        self.language = language
        self.timeline: Timeline = build_timeline(self.milestones, language, surgery_date)
        self._layout_cache: TimelineLayout | None = None
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
        self._paint_cache.paint(self, (self._layout_version, layout.width, high_contrast_on()),
                                lambda painter: self._paint_all(painter, layout), QColor(Qt.GlobalColor.white))
        paint_focus_frame(self)  # over the kept drawing: focus is not part of what is cached

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

    def _current_layout(self) -> TimelineLayout:
        return self._layout_for(self.width())

    def _layout_for(self, width: int) -> TimelineLayout:
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

    def _look(self) -> TimelineLook:
        """The timeline's sizes on screen, all from the widget's font (so the presentation zoom scales it)."""
        fonts = self._fonts()
        line = self._line_height()
        return TimelineLook(
            line=line, words_font=fonts["base"], small_font=fonts["small"], label_font=fonts["label"],
            tick_font=fonts["small_bold"], tick_date_font=fonts["small"], legend_font=fonts["small"],
            pad=self._padding(), caption=True, legend_swatch=2.2, legend_row=1.3, legend_gap=1.4,
            legend_after_empty=0.3, label_share=0.26, label_min=9, label_max=17, label_gap=1.2, right_gap=1.4,
            tick_gap=0.8, grid_overhang=0.4 * line - 0.15 * QFontMetricsF(fonts["small_bold"]).height(),
            axis_width=1.5, grid_width=1.0, separator_width=1.0, mark_height=0.8, lane_padding=0.45, text_gap=0.6,
            block_slack=2.0, repeat_icon_width=1.1, repeat_icon_size=0.95, icon_centre=0.5, icon_x_wrapped=0.4,
            repeat_prefix="", min_line=1.0, hatch_min_step=3.0, hatch_cap=None, uncertain_hatch=0.126,
            restriction_hatch=0.112, restriction_min=3.0, open_min=1.5, icon_min=1.3, dash="dash", open_dash="dash",
            bottom_margin=self._padding(), colours=chart_colours())

    def _compute_layout(self, width: float) -> TimelineLayout:
        # The "Discussed" boxes keep a column on the right, and every lane is at least as high as one.
        box_w = max((box.sizeHint().width() for box in self.checkboxes.values()), default=0)
        box_h = max((box.sizeHint().height() for box in self.checkboxes.values()), default=0)
        return layout_timeline(QtSurface(), self._look(), self.timeline, width, reserved_right=box_w,
                               min_lane_height=box_h)

    def _describe_items(self) -> None:
        """Tooltips and accessible descriptions say in words what the marks show, with the source; the
        timeline itself takes the focus and says its caption ("a guide, not a promise", painted only)
        and every milestone, so the painted words are spoken too."""
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        spoken = [self.timeline.caption]
        for item in self.timeline.items:
            parts = [item.label, item.timing_text, item.repeat_text, item.date_text]
            spoken.append(". ".join(part for part in parts if part) + ".")
        self.setAccessibleDescription(" ".join(spoken))
        for item in self.timeline.items:
            box = self.checkboxes[item.milestone_id]
            parts = [item.label, item.timing_text, item.repeat_text, item.date_text]
            box.setAccessibleDescription(". ".join(part for part in parts if part))
            tip = [item.label, item.detail,
                   _("Source: {files}").format(files=", ".join(item.source_files))]
            box.setToolTip("\n".join(part for part in tip if part))

    # --- painting --------------------------------------------------------------------------------

    def _paint_all(self, painter: QPainter, layout: TimelineLayout) -> None:
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        draw_timeline(QtSurface(painter), self._look(), self.timeline, layout)
