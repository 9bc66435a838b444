"""One drawing for the screen and the PDF (consultaid/charts/draw_*.py, issue 15 item 1).

The layouts are tested in pure Python on a surface that measures every character the same width; then
the same charts are drawn through the real Qt adapter and the real PDF adapter, each wrapped in a
recorder, and the recorded operations compared: the same marks, in the same order and colours, at the
same places once scaled (the screen and the paper differ only in size and fonts)."""

from __future__ import annotations

import io
import math
from contextlib import contextmanager
from dataclasses import dataclass, replace

import pytest

from consultaid.charts import palette
from consultaid.charts.draw_ink import draw_stroke
from consultaid.charts.draw_risk import axis_labels, draw_label, draw_scale_bar, label_place, track_rect
from consultaid.charts.draw_timeline import (
    TimelineLook,
    draw_lane_marks,
    layout_legend,
    layout_timeline,
    place_lane,
    place_ticks,
)
from consultaid.charts.risk_chart import EstimateBar, Tick, build_chart
from consultaid.charts.surface import Path, Pen, Rect
from consultaid.charts.timeline import AxisTick, LegendEntry, Timeline, TimelineItem, build_timeline
from consultaid.consultation.ink import InkPoint
from consultaid.consultation.shown_content import shown_content
from consultaid.content.library import load_library
from tests.conftest import CONTENT

# ---- a surface that records, and measures every character the same width --------------------------------


@dataclass(frozen=True)
class FixedFont:
    char: float = 6.0
    line: float = 12.0


class Recorder:
    """Records every drawing call, then passes it on to `inner` (a real adapter) if there is one."""

    def __init__(self, inner=None):
        self.inner = inner
        self.ops: list[tuple] = []
        self.offset = (0.0, 0.0)   # recorded geometry is where it lands, whatever the translations

    # measuring: the inner surface's, or every character `font.char` wide
    def measure(self, text, font):
        return self.inner.measure(text, font) if self.inner else len(text) * font.char

    def line_height(self, font):
        return self.inner.line_height(font) if self.inner else font.line

    def wrapped_height(self, text, font, width):
        if self.inner:
            return self.inner.wrapped_height(text, font, width)
        lines, current = 1, 0.0
        for word in text.split():
            needed = len(word) * font.char + (font.char if current else 0)
            if current and current + needed > width:
                lines, current = lines + 1, len(word) * font.char
            else:
                current += needed
        return lines * font.line

    def _do(self, name, *args, **kwargs):
        if self.inner:
            getattr(self.inner, name)(*args, **kwargs)

    def save(self):
        self.ops.append(("save",))
        self._do("save")

    def restore(self):
        self.ops.append(("restore",))
        self._do("restore")

    def translate(self, dx, dy):
        self.offset = (self.offset[0] + dx, self.offset[1] + dy)
        self._do("translate", dx, dy)

    def _moved(self, rect):
        return Rect(rect.x + self.offset[0], rect.y + self.offset[1], rect.width, rect.height)

    def clip_rect(self, rect):
        self.ops.append(("clip", self._moved(rect)))
        self._do("clip_rect", rect)

    def clip_path(self, path):
        self.ops.append(("clip", self._moved(path.bounds())))
        self._do("clip_path", path)

    def line(self, x1, y1, x2, y2, pen):
        dx, dy = self.offset
        self.ops.append(("line", (x1 + dx, y1 + dy, x2 + dx, y2 + dy), pen))
        self._do("line", x1, y1, x2, y2, pen)

    def lines(self, segments, pen):
        self.ops.append(("lines", len(segments), pen))
        self._do("lines", segments, pen)

    def rect(self, rect, pen=None, fill=None, radius=0.0):
        self.ops.append(("rect", self._moved(rect), pen, fill))
        self._do("rect", rect, pen, fill, radius)

    def path(self, path, pen=None, fill=None):
        self.ops.append(("path", path.translated(*self.offset), pen, fill))
        self._do("path", path, pen, fill)

    def text(self, rect, text, font, colour, align="left", valign="middle", wrap=False):
        self.ops.append(("text", self._moved(rect), text, colour, align))
        self._do("text", rect, text, font, colour, align, valign, wrap)

    def texts(self):
        return [op for op in self.ops if op[0] == "text"]


def fixed_timeline_look(**changes) -> TimelineLook:
    font = FixedFont()
    look = TimelineLook(
        line=12.0, words_font=font, small_font=font, label_font=font, tick_font=font, tick_date_font=font,
        legend_font=font, pad=0.0, caption=False, legend_swatch=2.0, legend_row=1.25, legend_gap=1.0,
        legend_after_empty=0.0, label_share=0.25, label_min=4, label_max=20, label_gap=1.0, right_gap=0.0,
        tick_gap=0.5, grid_overhang=2.0, axis_width=1.0, grid_width=0.5, separator_width=0.5, mark_height=1.0,
        lane_padding=0.5, text_gap=0.5, block_slack=0.0, repeat_icon_width=1.0, repeat_icon_size=1.0,
        icon_centre=0.5, icon_x_wrapped=0.4, repeat_prefix="", min_line=0.5, hatch_min_step=1.0, hatch_cap=None,
        uncertain_hatch=0.1, restriction_hatch=0.1, restriction_min=1.0, open_min=1.0, icon_min=1.0, dash="dash",
        open_dash="dash", bottom_margin=0.0)
    return replace(look, **changes)


def item(x0: float, x1: float, kind: str = "window", timing: str = "2 days", **changes) -> TimelineItem:
    return replace(TimelineItem("m", 0, kind, "Label", "", (), x0, x1, timing_text=timing), **changes)


# ---- layout, in pure Python ---------------------------------------------------------------------------


def bar(**changes) -> EstimateBar:
    base = EstimateBar("source", "point", "10 in 1000", "", "", "", "", "", 10, 10, 0.01, None, None,
                       0.3, None, None)
    return replace(base, **changes)


TRACK = Rect(10, 0, 300, 20)


def test_the_number_goes_after_the_marked_part_inside_it_or_on_a_white_box():
    assert label_place(bar(solid_end=0.1), TRACK, 60, 4) == "after"      # 40 + 4 + 60 ≤ 300 - 4
    assert label_place(bar(solid_end=0.9), TRACK, 60, 4) == "inside"     # no room after, 270 wide inside
    # Stripes from 0.1 to the end: no room after, the solid part too short: a white box on the stripes.
    assert label_place(bar(estimate_kind="range", solid_end=0.1, band_end=1.0), TRACK, 60, 4) == "boxed"
    assert label_place(bar(estimate_kind="not_known", solid_end=0), TRACK, 60, 4) == "centre"


def test_the_number_is_drawn_where_it_was_placed():
    from consultaid.charts.draw_risk import RiskLook

    font = FixedFont()
    look = RiskLook(font, font, 1.0, 0.0, 20.0, 0.0, 4.0, 0.0, 2.0, 1.0, 4.0, 1.0, 0.0, 0.0, 2.0, 0.0, 1.0, "dash",
                    None, "dash", 2.0, "dot", (0.0, 0.0), (0.0, 0.0))
    after = Recorder()
    draw_label(after, look, bar(solid_end=0.1), TRACK)
    (_, rect, text, colour, _align), = after.texts()
    assert text == "10 in 1000" and rect.left() == 10 + 30 + 4 and colour == palette.LABEL_COLOUR
    inside = Recorder()
    draw_label(inside, look, bar(solid_end=0.9), TRACK)
    assert inside.texts()[0][3] == palette.WHITE and inside.texts()[0][1].left() == 14
    boxed = Recorder()
    draw_label(boxed, look, bar(estimate_kind="range", solid_end=0.1, band_end=1.0), TRACK)
    box, label = boxed.ops
    assert box[0] == "rect" and box[3] == palette.TRACK_FILL and label[3] == palette.LABEL_COLOUR
    assert box[1].left() < label[1].left() and box[1].right() > label[1].left() + 60


def test_a_number_wider_than_its_bar_is_not_drawn_cut():
    """In the details pane at 1366x768 "fewer than 10 in 1000" ran past its bar and read "…in 100"."""
    narrow = Rect(10, 0, 70, 20)
    assert label_place(bar(solid_end=0.01), narrow, 63, 4) == "none"      # 63 + 2 × 4 > 70
    striped = bar(estimate_kind="range", solid_end=0.01, band_end=1.0)
    assert label_place(striped, narrow, 60, 4) == "boxed"                # fits the bar, not after the stripes
    assert label_place(striped, narrow, 63, 4) == "none"


def test_a_narrow_scale_keeps_its_end_labels_and_a_regular_step():
    from consultaid.charts.draw_risk import RiskLook

    font = FixedFont()   # every character 6 wide: "1000" is 24
    look = RiskLook(font, font, 1.0, 0.0, 20.0, 0.0, 4.0, 0.0, 2.0, 1.0, 4.0, 1.0, 0.0, 0.0, 2.0, 0.0, 1.0, "dash",
                    None, "dash", 2.0, "dot", (0.0, 0.0), (0.0, 0.0))
    ticks = tuple(Tick(value / 1000, str(value)) for value in range(0, 1001, 200))

    def kept(width: float) -> list[str]:
        placed = axis_labels(Recorder(), look, ticks, Rect(0, 0, width, 20), 20)
        for (_, first), (_, second) in zip(placed, placed[1:], strict=False):
            assert first.right() + 6 <= second.left()
        return [tick.label for tick, _rect in placed]

    assert kept(600) == ["0", "200", "400", "600", "800", "1000"]
    assert kept(100) == ["0", "400", "1000"]      # not "0 200 600 1000": the step stays regular
    assert kept(40) == ["0", "1000"]


def test_tick_labels_are_kept_by_rank_and_never_collide():
    look = fixed_timeline_look()
    ticks = (AxisTick(0, 0.0, "Day", rank=0), AxisTick(10, 0.5, "Middle", rank=1),
             AxisTick(11, 0.53, "Crowded", rank=2), AxisTick(12, 0.9, "Late", rank=2),
             AxisTick(20, 1.0, "End", rank=1))
    placed, height = place_ticks(Recorder(), look, ticks, 100, 500, 7)
    kept = {tick.label: rect for tick, rect in placed}
    assert set(kept) == {"Day", "Middle", "Late", "End"}       # "Crowded" would overlap "Middle"
    assert kept["Day"].right() == 100                           # ends on the start line
    assert kept["End"].right() == 500                           # reads back from the last line
    assert kept["Middle"].left() == 300 - 18 and kept["Middle"].top() == 7 and height == 12
    rects = sorted(kept.values(), key=Rect.left)
    for first, second in zip(rects, rects[1:], strict=False):
        assert first.right() + 6 <= second.left()               # a gap of half a label height at least
    # The end gives way to a landmark just before it, onto a second row: the last stretch keeps its time.
    crowded_end = ticks[:2] + (AxisTick(19, 0.98, "Landmark", rank=1), ticks[4])
    placed, two_rows = place_ticks(Recorder(), look, crowded_end, 100, 500, 0)
    kept = {tick.label: rect for tick, rect in placed}
    assert kept["Landmark"].top() == 0 and kept["End"].top() == 12 + 3 and kept["End"].right() == 500
    assert two_rows == 2 * 12 + 3
    # A tick that only fills in never pushes the end off its row, even when the end itself is not a landmark.
    filler_before_end = ticks[:2] + (AxisTick(19, 0.98, "Filler", rank=2), AxisTick(20, 1.0, "End", rank=2))
    placed, one_row = place_ticks(Recorder(), look, filler_before_end, 100, 500, 0)
    assert [tick.label for tick, _rect in placed] == ["Day", "Middle", "End"] and one_row == 12


def test_a_lane_puts_its_words_after_the_mark_before_it_or_under_it():
    look = fixed_timeline_look()
    surface = Recorder()
    after = place_lane(surface, look, item(0.1, 0.2), 0, 80, 100, 500)
    # mark ends at 100 + 0.2 * 400 + 6; the words 6 after it, "2 days" being 36 wide
    assert after.words.beside and not after.words.align_right
    assert after.words.rect.left() == 100 + 80 + 6 + 6 and after.words.rect.width == 36
    assert after.words.rect.top() == after.mark_y - 6 and after.height == 12 * 1.5 + 12

    before = place_lane(surface, look, item(0.9, 0.99), 0, 80, 100, 500)
    assert before.words.beside and before.words.align_right
    assert before.words.rect.right() == 100 + 0.9 * 400 - 6 - 6

    long_words = "a long timing that cannot fit on either side of the mark, nor on one line under it"
    under = place_lane(surface, look, item(0.05, 0.95, timing=long_words), 0, 80, 100, 500)
    assert not under.words.beside and under.words.rect.width == 400          # wrapped to the chart
    assert under.words.rect.top() > under.mark_y                              # under the mark
    assert under.words.rect.height == 24                                      # on two lines
    assert under.top <= under.words.rect.top() and under.words.rect.bottom() <= under.top + under.height
    # A "not before" zone runs from the surgery: its words never go before it.
    zone = place_lane(surface, look, item(0.0, 0.97, kind="not_before"), 0, 80, 100, 500)
    assert not zone.words.beside


def test_the_legend_flows_onto_another_row_when_the_next_entry_would_pass_the_edge():
    look = fixed_timeline_look(pad=5.0)
    timeline = Timeline("en", None, None, (), (), (LegendEntry("point", "One point"),
                                                  LegendEntry("window", "A window"),
                                                  LegendEntry("repeat", "Repeats")), "")
    wide, below_wide = layout_legend(Recorder(), look, timeline, 1000, 0)
    assert [entry.swatch.top() for entry in wide] == [0.15 * 12] * 3 and below_wide == 1.6 * 12
    # Each entry: a 24 swatch, 4.8, the words; then 12 to the next.
    narrow, below_narrow = layout_legend(Recorder(), look, timeline, 200, 0)
    rows = [entry.text_rect.top() for entry in narrow]
    assert rows == [0, 0, 15]                     # the third would pass 200 - 5: on a new row
    assert narrow[2].swatch.left() == 5           # back at the left edge
    assert all(entry.text_rect.right() - 1 <= 195 for entry in narrow)
    assert below_narrow == 15 + 1.6 * 12


def test_the_whole_layout_keeps_room_for_what_is_reserved_on_the_right():
    look = fixed_timeline_look(pad=4.0, right_gap=1.0)
    library = load_library(CONTENT)
    timeline = build_timeline(shown_content(library.get("cement-spine-surgery"), "en").milestones, "en")
    layout = layout_timeline(Recorder(), look, timeline, 900, reserved_right=100, min_lane_height=30)
    assert layout.chart_right == 900 - 4 - 100 - 12
    assert all(lane.height >= 30 + 12 for lane in layout.lanes)
    assert [lane.top for lane in layout.lanes[1:]] == [lane.top + lane.height for lane in layout.lanes[:-1]]


# ---- the same chart through both adapters -------------------------------------------------------------


@pytest.fixture(scope="module")
def library():
    return load_library(CONTENT)


def pdf_canvas():
    from reportlab.pdfgen.canvas import Canvas

    from consultaid.report.fonts import register_fonts

    register_fonts()
    return Canvas(io.BytesIO())


@contextmanager
def qt_painter(width=1200, height=400):
    """An image and a painter on it; the painter always ends before the image goes (even when a test fails)."""
    from PySide6.QtGui import QImage, QPainter

    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    try:
        yield image, painter
    finally:
        painter.end()


def points(value) -> list[tuple[float, float]]:
    """The points an operation's geometry names, in the order it names them."""
    if isinstance(value, Rect):
        return [(value.left(), value.top()), (value.right(), value.bottom())]
    if isinstance(value, Path):
        found = []
        for op in value.ops:
            name, args = op[0], op[1:]
            if name in ("move", "line", "quad"):
                found += list(zip(args[0::2], args[1::2], strict=True))
            elif name in ("arc", "rounded_rect"):
                found += points(args[0])
            elif name == "ellipse":
                found += [(args[0] - args[2], args[1] - args[3]), (args[0] + args[2], args[1] + args[3])]
        return found
    x1, y1, x2, y2 = value
    return [(x1, y1), (x2, y2)]


def marks(ops, origin: tuple[float, float], scale: tuple[float, float]):
    """The drawn marks as (kind, colours, dashed, points in units of `scale` from `origin`): what a
    reader sees, whatever the size and the unit. Text is compared on its own."""
    result = []
    for op in ops:
        kind = op[0]
        if kind in ("save", "restore", "text"):
            continue
        if kind == "lines":   # hatching: the stripes' spacing follows the size, their count does not matter
            result.append(("lines", op[2].colour, None, None, []))
            continue
        if kind == "clip":
            geometry, pen, fill = op[1], None, None
        else:
            geometry, pen, fill = op[1], op[2], op[3] if len(op) > 3 else None
        scaled = [((x - origin[0]) / scale[0], (y - origin[1]) / scale[1]) for x, y in points(geometry)]
        result.append((kind, pen.colour if pen else None, bool(pen and pen.dash), fill, scaled))
    return result


def assert_same_marks(screen, paper, tolerance_x: float, tolerance_y: float):
    assert [mark[:4] for mark in screen] == [mark[:4] for mark in paper]
    for on_screen, on_paper in zip(screen, paper, strict=True):
        assert len(on_screen[4]) == len(on_paper[4]), on_screen[0]
        for (sx, sy), (px, py) in zip(on_screen[4], on_paper[4], strict=True):
            assert sx == pytest.approx(px, abs=tolerance_x), on_screen
            assert sy == pytest.approx(py, abs=tolerance_y), on_screen


def anchors(drawn) -> list[float]:
    """Where each timeline mark is anchored along the axis: a bar's or a zone's start, a line's start, the
    centre of a diamond or a dot (an arrowhead's size follows the mark's height, so it has no anchor)."""
    found = []
    for kind, _pen, _dashed, _fill, scaled in drawn:
        if kind in ("rect", "line", "clip"):
            found.append(scaled[0][0])
        elif kind == "path" and len(scaled) in (2, 4):   # an ellipse's box, a diamond's corners
            xs = [x for x, _y in scaled]
            found.append((min(xs) + max(xs)) / 2)
    return found


def test_a_risk_bar_draws_the_same_marks_on_screen_and_on_paper(qapp, library):
    from PySide6.QtWidgets import QWidget

    from consultaid.report.charts_pdf import RISK_LOOK
    from consultaid.report.pdf_surface import PdfSurface
    from consultaid.ui.widgets.qt_surface import QtSurface
    from consultaid.ui.widgets.risk_chart_view import risk_look

    content = shown_content(library.get("vertebroplasty"), "en")
    chart = build_chart(content.benefits + content.risks, "en")
    screen_look = risk_look(QWidget())
    canvas = pdf_canvas()
    compared = 0
    for row in chart.rows:
        for estimate in row.bars:
            for log_scale, ticks, parent in ((False, chart.linear_ticks, row.parent_extent),
                                             (True, chart.log_ticks, row.parent_log_extent)):
                with qt_painter() as (_image, painter):
                    screen = Recorder(QtSurface(painter))
                    draw_scale_bar(screen, screen_look, estimate, row.kind, ticks, log_scale, parent, 600)
                paper = Recorder(PdfSurface(canvas, 40))
                draw_scale_bar(paper, RISK_LOOK, estimate, row.kind, ticks, log_scale, parent, 250)
                screen_track, paper_track = track_rect(screen, screen_look, 600), track_rect(paper, RISK_LOOK, 250)
                # The bar's number goes where it fits: its white box (if any) is compared with the text.
                def without_label_box(ops):
                    return [op for op in ops if not (op[0] == "rect" and op[2] is None and op[3] == palette.TRACK_FILL)]

                on_screen = marks(without_label_box(screen.ops), (screen_track.left(), screen_track.top()),
                                  (screen_track.width, screen_track.height))
                on_paper = marks(without_label_box(paper.ops), (paper_track.left(), paper_track.top()),
                                 (paper_track.width, paper_track.height))
                # The least widths (a hairline of a tiny part stays visible) differ with the unit.
                tolerance_x = max(RISK_LOOK.bracket_min_width / paper_track.width, 1e-9)
                # The bracket sits a frame line's width inside the track, and the parent's frame a margin
                # outside it: a pixel on screen, under a point on paper.
                assert_same_marks(on_screen, on_paper, tolerance_x, 0.02)
                # The same words: the tick labels centred on the same places, then the number.
                ticks_screen = [(op[2], (op[1].centre_x() - screen_track.left()) / screen_track.width)
                                for op in screen.texts() if op[2] != estimate.number_text]
                ticks_paper = [(op[2], (op[1].centre_x() - paper_track.left()) / paper_track.width)
                               for op in paper.texts() if op[2] != estimate.number_text]
                assert [text for text, _x in ticks_screen] == [text for text, _x in ticks_paper]
                for (_t, sx), (_p, px) in zip(ticks_screen, ticks_paper, strict=True):
                    assert sx == pytest.approx(px, abs=1e-9)
                assert ([op[2] for op in screen.texts() if op[2] == estimate.number_text]
                        == [op[2] for op in paper.texts() if op[2] == estimate.number_text])
                compared += 1
    assert compared >= 10


@pytest.mark.parametrize("pack_id", ["cement-spine-surgery", "endoscopic-spine-surgery", "vertebroplasty"])
def test_the_timeline_draws_the_same_marks_on_screen_and_on_paper(qtbot, library, pack_id):
    from datetime import date

    from consultaid.report.pdf_surface import PdfSurface
    from consultaid.ui.widgets.qt_surface import QtSurface
    from consultaid.ui.widgets.timeline_view import TimelineView

    milestones = shown_content(library.get(pack_id), "en").milestones
    view = TimelineView(milestones, "en", date(2027, 1, 31))
    qtbot.addWidget(view)
    screen_look = view._look()
    timeline = view.timeline
    # Measured (and drawn) by the real adapters; the marks are drawn into an image nobody looks at.
    with qt_painter() as (_image, painter):
        compare_timelines(screen_look, timeline, Recorder(QtSurface(painter)),
                          Recorder(PdfSurface(pdf_canvas(), 800)))


def compare_timelines(screen_look, timeline, screen_surface, paper_surface):
    from consultaid.report.charts_pdf import TIMELINE_LOOK

    screen_layout = layout_timeline(screen_surface, screen_look, timeline, 1100)
    paper_layout = layout_timeline(paper_surface, TIMELINE_LOOK, timeline, 480)
    assert len(screen_layout.lanes) == len(paper_layout.lanes) == len(timeline.items)
    for layout in (screen_layout, paper_layout):
        assert all(lane.top >= layout.lanes_top for lane in layout.lanes)
    for screen_lane, paper_lane in zip(screen_layout.lanes, paper_layout.lanes, strict=True):
        screen_surface.ops.clear()
        paper_surface.ops.clear()
        draw_lane_marks(screen_surface, screen_look, screen_layout, screen_lane)
        draw_lane_marks(paper_surface, TIMELINE_LOOK, paper_layout, paper_lane)
        screen_h, paper_h = screen_look.mark_height * screen_look.line, TIMELINE_LOOK.mark_height * TIMELINE_LOOK.line
        screen_w = screen_layout.chart_right - screen_layout.chart_left
        paper_w = paper_layout.chart_right - paper_layout.chart_left
        on_screen = marks(screen_surface.ops, (screen_layout.chart_left, screen_lane.mark_y), (screen_w, screen_h))
        on_paper = marks(paper_surface.ops, (paper_layout.chart_left, paper_lane.mark_y), (paper_w, paper_h))
        assert on_screen, screen_lane.item.label
        # Across the axis, a mark is placed by its time (a fraction of the axis), sized by its height:
        # the same to within one mark's height (the screen's marks are relatively smaller).
        assert_same_marks(on_screen, on_paper, 1.6 * max(screen_h / screen_w, paper_h / paper_w), 1e-6)
        # Along the axis, where each mark is anchored is exactly the same fraction.
        assert anchors(on_screen) == pytest.approx(anchors(on_paper), abs=1e-6)
    # The axis: the day of surgery labelled on both (the others where their size leaves room).
    for layout in (screen_layout, paper_layout):
        assert [tick.label for tick, _rect in layout.ticks][0] == "Day of surgery"


def test_an_ink_stroke_is_the_same_curve_on_screen_and_on_paper(qapp):
    from consultaid.report.pdf_surface import PdfSurface
    from consultaid.ui.widgets.qt_surface import QtSurface

    pen_points = tuple(InkPoint(0.1 + i * 0.03, 0.5 + 0.3 * math.sin(i / 3), 0.2 + 0.03 * i) for i in range(25))
    for stroke_points, tool in ((pen_points, "pen"), (pen_points, "mouse"), (pen_points[:1], "mouse")):
        with qt_painter() as (_image, painter):
            screen, paper = Recorder(QtSurface(painter)), Recorder(PdfSurface(pdf_canvas(), 300))
            draw_stroke(screen, stroke_points, "#0072B2", 0.01, tool, Rect(8, 8, 800, 400), 0.8)
        draw_stroke(paper, stroke_points, "#0072B2", 0.01, tool, Rect(0, 0, 300, 150), 0.5)
        on_screen = marks(screen.ops, (8, 8), (800, 400))
        on_paper = marks(paper.ops, (0, 0), (300, 150))
        assert_same_marks(on_screen, on_paper, 1e-9, 1e-9)
        widths = [op[2].width / 800 if op[2] else None for op in screen.ops]
        assert widths == pytest.approx([op[2].width / 300 if op[2] else None for op in paper.ops])


def test_the_icon_array_is_the_same_people_through_both_adapters(qapp, library):
    from consultaid.charts.draw_icons import draw_icon_array
    from consultaid.charts.icon_array import icon_array_for
    from consultaid.report.pdf_surface import PdfSurface
    from consultaid.ui.widgets.qt_surface import QtSurface

    outcome = next(o for o in shown_content(library.get("vertebroplasty"), "en").risks
                   if any(e.kind == "range" for e in o.estimates))
    icons = icon_array_for(outcome, "en", next(i for i, e in enumerate(outcome.estimates) if e.kind == "range"))
    with qt_painter(600, 600) as (_image, painter):
        screen, paper = Recorder(QtSurface(painter)), Recorder(PdfSurface(pdf_canvas(), 600))
        draw_icon_array(screen, icons, 500, 10, 10)
    draw_icon_array(paper, icons, 500, 10, 10)
    assert screen.ops and [op[0] for op in screen.ops].count("path") >= 1000
    assert_same_marks(marks(screen.ops, (10, 10), (500, 500)), marks(paper.ops, (10, 10), (500, 500)), 1e-9, 1e-9)
    # The "maybe" people are striped: filled with the tint, hatched inside their outline, then outlined.
    tinted = [op for op in screen.ops if op[0] == "path" and op[3] == palette.kind_tint(icons.kind)]
    assert tinted and any(op[0] == "lines" for op in screen.ops)


def test_the_pdf_adapter_turns_the_page_up_the_right_way():
    from consultaid.report.pdf_surface import PdfSurface

    class Canvas:
        def __init__(self):
            self.calls = []

        def __getattr__(self, name):
            return lambda *args, **kwargs: self.calls.append((name, args))

    canvas = Canvas()
    surface = PdfSurface(canvas, 100)
    surface.rect(Rect(10, 20, 30, 40), fill="#FFFFFF")
    surface.line(0, 0, 10, 100, Pen("#000000", 1))
    drawn = [call for call in canvas.calls if call[0] in ("rect", "line")]
    assert drawn == [("rect", (10, 40, 30, 40)), ("line", (0, 100, 10, 0))]   # y from the top → from the bottom


def test_both_adapters_paint_the_same_pixels(qapp, tmp_path):
    """The adapters themselves: the same calls, at one pixel per point, give the same colours in the same
    places on the screen's image and on the rasterised PDF page (y downwards on both, clips kept)."""
    import subprocess

    from PySide6.QtGui import QColor, QImage
    from reportlab.pdfgen.canvas import Canvas

    from consultaid.charts.draw_icons import draw_person, person_path
    from consultaid.charts.draw_timeline import draw_diamond, draw_restriction
    from consultaid.charts.icon_array import AFFECTED
    from consultaid.charts.surface import hatch
    from consultaid.report.charts_pdf import TIMELINE_LOOK
    from consultaid.report.pdf_surface import PdfSurface
    from consultaid.ui.widgets.qt_surface import QtSurface

    def draw(surface):
        surface.rect(Rect(10, 5, 60, 20), fill=palette.KIND_COLOURS["risk"])            # near the top
        surface.rect(Rect(100, 20, 60, 30), Pen(palette.MUTED, 1.0), palette.KIND_TINTS["risk"])
        hatch(surface, Rect(100, 20, 60, 30), palette.KIND_COLOURS["risk"], 6.0, 1.5)
        draw_diamond(surface, TIMELINE_LOOK, 220, 60, 30)
        draw_restriction(surface, TIMELINE_LOOK, 20, 80, 75, 16)
        draw_person(surface, person_path(30), 255, 10, AFFECTED, "benefit", 30)    # moved there, not copied

    with qt_painter(300, 100) as (image, painter):
        draw(QtSurface(painter))
    pdf = tmp_path / "surface.pdf"
    canvas = Canvas(str(pdf), pagesize=(300, 100))
    draw(PdfSurface(canvas, 100))
    canvas.showPage()
    canvas.save()
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    page = QImage(str(tmp_path / "page.png"))
    assert (page.width(), page.height()) == (300, 100)

    def colour(picture, x, y):
        return QColor(picture.pixel(x, y))

    samples = {(40, 15): palette.KIND_COLOURS["risk"], (40, 40): palette.WHITE,       # the top is the top
               (98, 35): palette.WHITE, (165, 35): palette.WHITE,                      # stripes stay inside
               (220, 60): palette.EVENT, (20, 95): palette.WHITE, (85, 75): palette.WHITE,
               (270, 30): palette.KIND_COLOURS["benefit"], (270, 16): palette.KIND_COLOURS["benefit"],
               (270, 60): palette.WHITE, (258, 14): palette.WHITE}
    for (x, y), expected in samples.items():
        for picture in (image, page):
            got = colour(picture, x, y)
            want = QColor(expected)
            assert max(abs(got.red() - want.red()), abs(got.green() - want.green()),
                       abs(got.blue() - want.blue())) <= 24, ((x, y), got.name(), expected)
    for picture in (image, page):   # no stripe outside its box
        assert all(colour(picture, x, 35).lightness() > 240 for x in [*range(84, 99), *range(162, 180)])
    # Inside the striped box, both show the stripes at the same places (give or take antialiasing).
    def stripes(picture):
        return [x for x in range(104, 156) if colour(picture, x, 35).lightness() < 120]

    on_screen, on_paper = stripes(image), stripes(page)
    assert len(on_screen) >= 6 and len(on_paper) >= 6
    assert all(any(abs(x - other) <= 1 for other in on_paper) for x in on_screen)
    assert all(any(abs(x - other) <= 1 for other in on_screen) for x in on_paper)
