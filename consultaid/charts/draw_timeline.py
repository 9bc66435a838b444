"""The recovery timeline, laid out and drawn once for the screen and the PDF against `charts.surface`.

One milestone per lane: its name on the left, its mark on the axis (a bar, a diamond, a hatched possible
longer end, a dashed open end, a hatched "not before" zone closed by a bold line, hollow diamonds for
repeats) and its timing in words beside the mark, or under it when there is no room on either side.
Above the lanes: the legend, wrapped onto more rows when narrow, and the axis's tick labels, placed by
rank and kept only when they do not collide. Colour is never the only cue.

Each side gives a `TimelineLook` (its sizes and fonts); positions come from `consultaid.charts.timeline`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from consultaid.charts import palette
from consultaid.charts.surface import (
    CENTRE,
    LEFT,
    MIDDLE,
    RIGHT,
    TOP,
    Dash,
    Path,
    Pen,
    Rect,
    Surface,
    hatch,
    polygon,
)
from consultaid.charts.timeline import AxisTick, Timeline, TimelineItem


@dataclass(frozen=True)
class TimelineLook:
    """The sizes (in lines of `line` units) and fonts of one rendering of the timeline."""

    line: float                 # one line of text: every size below is a multiple of it
    words_font: Any             # the timing beside a mark; the caption
    small_font: Any             # dates beside a mark; the legend
    label_font: Any             # the milestone's name (wrapped)
    tick_font: Any              # the axis's labels
    tick_date_font: Any         # the dates under them
    legend_font: Any
    pad: float                  # around the whole chart
    caption: bool               # the "guide, not a promise" caption on top (the PDF says it in its text)
    legend_swatch: float        # in lines
    legend_row: float
    legend_gap: float
    legend_after_empty: float
    label_share: float          # the label column: this share of the width, within [min, max] lines
    label_min: float
    label_max: float
    label_gap: float
    right_gap: float            # lines between the chart and what is reserved on its right
    tick_gap: float             # between tick labels, in tick label heights
    grid_overhang: float        # how far above the lanes a grid line starts
    axis_width: float           # the day of surgery's line
    grid_width: float
    separator_width: float
    mark_height: float          # in lines
    lane_padding: float
    text_gap: float
    block_slack: float          # added to measured words, so rounding never wraps a line
    repeat_icon_width: float    # in lines
    repeat_icon_size: float     # in lines
    icon_centre: float          # the icon's centre below the top of its line, in line heights
    icon_x_wrapped: float       # the icon's centre into its width when the words are wrapped
    repeat_prefix: str          # leads wrapped words with a repeat icon ("" narrows them instead)
    min_line: float             # the thinnest outline of a mark
    hatch_min_step: float
    hatch_cap: str | None       # the stripes' ends (None: the surface's default)
    uncertain_hatch: float      # hatch line width per mark height
    restriction_hatch: float
    restriction_min: float      # the bold "not before" line's least width
    open_min: float             # an open end's dashed line's least width
    icon_min: float             # the repeat arrow's least line width
    dash: Dash                  # dashed outlines (a possible longer end)
    open_dash: Dash             # an open end's line
    bottom_margin: float
    colours: palette.ChartColours = palette.STANDARD_CHART  # high contrast on screen when the app is


@dataclass
class Words:
    """The words beside (or under) a mark: the timing (and repeat), then the calendar dates."""

    lines: list[tuple[str, Any, str]]        # text, font, colour
    rect: Rect = Rect(0, 0, 0, 0)
    align_right: bool = False
    beside: bool = True
    line_heights: list[float] = field(default_factory=list)


@dataclass
class Lane:
    item: TimelineItem
    top: float
    height: float
    label_rect: Rect
    mark_y: float
    words: Words


@dataclass
class LegendEntry:
    swatch: Rect
    text_rect: Rect
    kind: str
    text: str


@dataclass
class TimelineLayout:
    width: float
    height: float
    caption_rect: Rect | None
    legend: list[LegendEntry]
    ticks: list[tuple[AxisTick, Rect]]
    chart_left: float
    chart_right: float
    lanes_top: float
    lanes_bottom: float
    lanes: list[Lane]

    def x(self, fraction: float) -> float:
        return self.chart_left + fraction * (self.chart_right - self.chart_left)


# ---- layout -------------------------------------------------------------------------------------------


def layout_legend(surface: Surface, look: TimelineLook, timeline: Timeline, width: float,
                  y: float) -> tuple[list[LegendEntry], float]:
    """Swatch + words per entry, flowing onto another row when the next one would pass the right edge.
    Returns the entries and the y below them."""
    line, pad = look.line, look.pad
    entries: list[LegendEntry] = []
    swatch_w, x = look.legend_swatch * line, pad
    for entry in timeline.legend:
        text_w = surface.measure(entry.text, look.legend_font)
        entry_w = swatch_w + 0.4 * line + text_w
        if x > pad and x + entry_w > width - pad:
            x, y = pad, y + look.legend_row * line
        entries.append(LegendEntry(Rect(x, y + 0.15 * line, swatch_w, 0.7 * line),
                                   Rect(x + swatch_w + 0.4 * line, y, text_w + 1, line), entry.kind, entry.text))
        x += entry_w + look.legend_gap * line
    y += (1.6 if entries else look.legend_after_empty) * line
    return entries, y


def place_ticks(surface: Surface, look: TimelineLook, ticks: tuple[AxisTick, ...], chart_left: float,
                chart_right: float, top: float) -> tuple[list[tuple[AxisTick, Rect]], float]:
    """Tick labels by rank (the day of surgery, then landmarks, then the rest), each kept only if it
    does not collide with one already placed; a tick without its label gets no grid line either. The
    end of the axis is never dropped: when a landmark just before it takes its place, it moves to a
    second row, since without it the last stretch of the chart has no time at all."""
    label_h = surface.line_height(look.tick_font)
    has_dates = any(tick.date_text for tick in ticks)
    height = label_h + (surface.line_height(look.tick_date_font) if has_dates else 0)
    gap = label_h * look.tick_gap
    row_gap = 0.25 * label_h
    header_h = height
    placed: list[tuple[AxisTick, Rect]] = []
    # The end of the axis counts as a landmark, placed after the others: it gives way in the first row
    # to a landmark just before it (3 months before 6 months), never to a tick that only fills in.
    def order(tick: AxisTick) -> tuple[int, bool, float]:
        return (min(tick.rank, 1) if tick.x >= 1 else tick.rank, tick.x >= 1, tick.hours)

    for tick in sorted(ticks, key=order):
        text_w = max(surface.measure(tick.label, look.tick_font), surface.measure(tick.date_text, look.tick_date_font))
        px = chart_left + tick.x * (chart_right - chart_left)
        if tick.x <= 0 or tick.x >= 1:
            # "Day of surgery" ends on the start line, leaving the chart to the landmarks; the end of
            # the axis reads back from the last line.
            left = px - text_w
        else:
            left = min(max(px - text_w / 2, chart_left), chart_right - text_w)
        rect = Rect(left, top, text_w, height)
        if all(rect.right() + gap <= other.left() or rect.left() >= other.right() + gap for _other, other in placed):
            placed.append((tick, rect))
        elif tick.x >= 1 and header_h == height:
            header_h = 2 * height + row_gap
            placed.append((tick, Rect(left, top + height + row_gap, text_w, height)))
    return placed, header_h


def words_for(look: TimelineLook, item: TimelineItem) -> Words:
    timing = item.timing_text + (f" \u00b7 {item.repeat_text}" if item.repeat_text else "")
    lines = [(timing, look.words_font, look.colours.ink)]
    if item.date_text:
        lines.append((item.date_text, look.small_font, look.colours.muted))
    return Words(lines)


def _wrapped_line(look: TimelineLook, item: TimelineItem, index: int, text: str, width: float) -> tuple[str, float]:
    """A wrapped line's text and width: the first of a repeating milestone leaves room for the icon."""
    if index == 0 and item.repeat_text:
        if look.repeat_prefix:
            return look.repeat_prefix + text, width
        return text, width - look.repeat_icon_width * look.line
    return text, width


def place_lane(surface: Surface, look: TimelineLook, item: TimelineItem, top: float, label_w: float,
               chart_left: float, chart_right: float, min_height: float = 0.0) -> Lane:
    """One lane: the words beside the mark where they fit (after it, else before it), else wrapped under
    it; the lane as high as its tallest part, the mark and words centred in it."""
    line = look.line
    label_h = surface.wrapped_height(item.label, look.label_font, label_w)
    words = words_for(look, item)
    icon_w = look.repeat_icon_width * line if item.repeat_text else 0.0
    block_w = max(surface.measure(text, font) for text, font, _c in words.lines) + icon_w + look.block_slack
    block_h = sum(surface.line_height(font) for _t, font, _c in words.lines)
    chart_w = chart_right - chart_left
    mark_h = look.mark_height * line
    gap = look.text_gap * line

    def px(x: float) -> float:
        return chart_left + x * chart_w

    mark_left = px(item.x1 if item.kind == "not_before" else item.x0) - mark_h / 2
    mark_right = px(item.end_x) + mark_h / 2
    if item.open_end:
        mark_right += mark_h * 0.6  # the arrowhead
    if mark_right + gap + block_w <= chart_right:
        words.rect = Rect(mark_right + gap, 0, block_w, block_h)
    elif item.kind != "not_before" and mark_left - gap - block_w >= chart_left:
        words.rect = Rect(mark_left - gap - block_w, 0, block_w, block_h)
        words.align_right = True
    else:  # no room on either side: the words go under the mark, wrapped to the chart
        words.beside = False
        text_w = min(block_w, chart_w)
        heights = []
        for index, (text, font, _c) in enumerate(words.lines):
            shown, width = _wrapped_line(look, item, index, text, text_w)
            heights.append(surface.wrapped_height(shown, font, width))
        words.line_heights = heights
        words.rect = Rect(min(max(mark_left, chart_left), chart_right - text_w), 0, text_w, sum(heights))
    if words.beside:
        words.line_heights = [surface.line_height(font) for _t, font, _c in words.lines]
    mark_extent = mark_h * 1.5  # a restriction's boundary line stands out above and below its zone
    words_h = words.rect.height
    content_h = max(mark_extent, words_h) if words.beside else mark_extent + 0.2 * line + words_h
    height = max(label_h, content_h, min_height) + 2 * look.lane_padding * line
    centre = top + height / 2
    if words.beside:
        mark_y = centre
        words_top = centre - words_h / 2
    else:
        mark_y = centre - content_h / 2 + mark_extent / 2
        words_top = mark_y + mark_extent / 2 + 0.2 * line
    words.rect = Rect(words.rect.x, words_top, words.rect.width, words_h)
    label = Rect(look.pad, centre - label_h / 2, label_w, label_h)
    return Lane(item, top, height, label, mark_y, words)


def layout_timeline(surface: Surface, look: TimelineLook, timeline: Timeline, width: float,
                    items: tuple[TimelineItem, ...] | None = None, with_legend: bool = True,
                    reserved_right: float = 0.0, min_lane_height: float = 0.0) -> TimelineLayout:
    """Everything's place, top-down: caption, legend, axis labels, then the lanes. `reserved_right` is
    kept free on the right of every lane (the screen's "Discussed" boxes)."""
    line, pad = look.line, look.pad
    items = timeline.items if items is None else items
    y = 0.0
    caption_rect = None
    if look.caption:
        # The "guide, not a promise" caption comes first: it frames everything below.
        text_h = surface.wrapped_height(timeline.caption, look.words_font, width - 2 * pad - 1.6 * line)
        caption_rect = Rect(pad, pad, width - 2 * pad, text_h + 0.9 * line)
        y = caption_rect.bottom() + 0.7 * line
    legend: list[LegendEntry] = []
    if with_legend:
        legend, y = layout_legend(surface, look, timeline, width, y)
    # Columns: label | chart | what is reserved.
    label_w = min(max(width * look.label_share, look.label_min * line), look.label_max * line)
    chart_left = pad + label_w + look.label_gap * line
    chart_right = width - pad - reserved_right - look.right_gap * line
    chart_right = chart_left + max(chart_right - chart_left, 4 * line)
    ticks, header_h = place_ticks(surface, look, timeline.ticks, chart_left, chart_right, y)
    lanes_top = y + header_h + 0.4 * line
    lanes, top = [], lanes_top
    for item in items:
        lane = place_lane(surface, look, item, top, label_w, chart_left, chart_right, min_lane_height)
        lanes.append(lane)
        top += lane.height
    return TimelineLayout(width, top + look.bottom_margin, caption_rect, legend, ticks, chart_left, chart_right,
                          lanes_top, top, lanes)


# ---- drawing ------------------------------------------------------------------------------------------


def draw_timeline(surface: Surface, look: TimelineLook, timeline: Timeline, layout: TimelineLayout) -> None:
    if layout.caption_rect is not None:
        draw_caption(surface, look, timeline.caption, layout.caption_rect)
    for entry in layout.legend:
        draw_legend_mark(surface, look, entry.kind, entry.swatch)
        surface.text(entry.text_rect, entry.text, look.legend_font, look.colours.ink, LEFT, MIDDLE)
    draw_axis(surface, look, timeline, layout)
    for lane in layout.lanes:
        draw_lane(surface, look, layout, lane)


def draw_caption(surface: Surface, look: TimelineLook, caption: str, rect: Rect) -> None:
    line = look.line
    surface.rect(rect, fill=look.colours.surface, radius=0.3 * line)
    surface.rect(Rect(rect.left(), rect.top(), 0.25 * line, rect.height), fill=look.colours.event, radius=0.12 * line)
    surface.text(rect.adjusted(0.9 * line, 0.45 * line, -0.7 * line, -0.45 * line), caption, look.words_font,
                 look.colours.ink, LEFT, MIDDLE, wrap=True)


def draw_axis(surface: Surface, look: TimelineLook, timeline: Timeline, layout: TimelineLayout) -> None:
    chart_w = layout.chart_right - layout.chart_left
    # Alternate light bands over the stretches of the axis: each runs at its own pace, and the bands
    # show where the pace changes.
    for index, stretch in enumerate(timeline.axis.stretches):
        if index % 2 == 0:
            surface.rect(Rect(layout.chart_left + stretch.x0 * chart_w, layout.lanes_top,
                              (stretch.x1 - stretch.x0) * chart_w, layout.lanes_bottom - layout.lanes_top),
                         fill=look.colours.stretch_shade)
    separator = Pen(look.colours.separator, look.separator_width)
    for lane in layout.lanes[1:]:
        surface.line(look.pad, lane.top, layout.width - look.pad, lane.top, separator)
    label_h = surface.line_height(look.tick_font)
    for tick, rect in layout.ticks:
        px = layout.x(tick.x)
        pen = (Pen(look.colours.muted, look.axis_width) if tick.x == 0 else Pen(look.colours.grid, look.grid_width))
        surface.line(px, layout.lanes_top - look.grid_overhang, px, layout.lanes_bottom, pen)
        align = RIGHT if tick.x <= 0 or tick.x >= 1 else CENTRE
        surface.text(Rect(rect.left(), rect.top(), rect.width, label_h), tick.label, look.tick_font, look.colours.ink,
                     align, TOP)
        if tick.date_text:
            surface.text(Rect(rect.left(), rect.top() + label_h, rect.width, rect.height - label_h), tick.date_text,
                         look.tick_date_font, look.colours.muted, align, TOP)


def draw_lane(surface: Surface, look: TimelineLook, layout: TimelineLayout, lane: Lane) -> None:
    surface.text(lane.label_rect, lane.item.label, look.label_font, look.colours.ink, LEFT, TOP, wrap=True)
    draw_lane_marks(surface, look, layout, lane)
    draw_words(surface, look, lane.words, lane.item)


def draw_lane_marks(surface: Surface, look: TimelineLook, layout: TimelineLayout, lane: Lane) -> None:
    """The lane's marks on the axis: where they are depends only on the timeline, never on the words."""
    item = lane.item
    y, height = lane.mark_y, look.mark_height * look.line
    px = layout.x
    if item.kind == "not_before":
        draw_restriction(surface, look, px(0), px(item.x1), y, height)
    elif item.open_end:  # an open end always has its tail (charts.timeline); its end otherwise
        draw_open_tail(surface, look, px(item.x0), px(item.tail_x1 if item.tail_x1 is not None else item.end_x),
                       y, height)
    elif item.drawn_as_period:
        draw_bar(surface, look, px(item.x0), px(item.x1), y, height)
        if item.uncertain_x1 is not None:
            draw_uncertain(surface, look, px(item.x1), px(item.uncertain_x1), y, height)
    else:
        draw_diamond(surface, look, px(item.x), y, height * 1.25)
    for x in item.repeat_xs:
        draw_diamond(surface, look, px(x), y, height * 0.8, hollow=True)


def draw_words(surface: Surface, look: TimelineLook, words: Words, item: TimelineItem) -> None:
    rect = words.rect
    align = RIGHT if words.align_right else LEFT
    icon_w = look.repeat_icon_width * look.line
    y = rect.top()
    for index, ((text, font, colour), height) in enumerate(zip(words.lines, words.line_heights, strict=True)):
        left, text_w = rect.left(), rect.width
        if index == 0 and item.repeat_text:
            icon_y = y + surface.line_height(font) * look.icon_centre
            size = look.repeat_icon_size * look.line
            if not words.beside:
                draw_repeat_icon(surface, look, left + icon_w * look.icon_x_wrapped, icon_y, size)
                text, text_w = _wrapped_line(look, item, index, text, text_w)
                if not look.repeat_prefix:
                    left += icon_w
            else:
                icon_x = rect.right() - surface.measure(text, font) - icon_w if words.align_right else left
                draw_repeat_icon(surface, look, icon_x + icon_w * 0.4, icon_y, size)
                left += icon_w
                text_w -= icon_w
        surface.text(Rect(left, y, text_w, height), text, font, colour, align, TOP, wrap=not words.beside)
        y += height


# ---- marks (shared by the lanes and the legend) -------------------------------------------------------


def draw_legend_mark(surface: Surface, look: TimelineLook, kind: str, swatch: Rect) -> None:
    y, height = swatch.centre_y(), swatch.height
    middle = swatch.centre_x()
    if kind == "point":
        draw_diamond(surface, look, middle, y, height)
    elif kind == "window":
        draw_bar(surface, look, swatch.left(), swatch.right(), y, height)
    elif kind == "uncertain":
        draw_bar(surface, look, swatch.left(), middle, y, height)
        draw_uncertain(surface, look, middle, swatch.right(), y, height)
    elif kind == "open":
        draw_open_tail(surface, look, swatch.left() + height / 2, swatch.right() - height * 0.6, y, height)
    elif kind == "not_before":
        draw_restriction(surface, look, swatch.left(), swatch.right() - height * 0.3, y, height)
    elif kind == "repeat":
        draw_repeat_icon(surface, look, middle, y, height)


def draw_bar(surface: Surface, look: TimelineLook, left: float, right: float, y: float, height: float) -> None:
    width = max(right - left, height * 0.5)  # a 2-minute window is still visible
    surface.rect(Rect(left, y - height / 2, width, height), fill=look.colours.event, radius=height * 0.25)


def draw_uncertain(surface: Surface, look: TimelineLook, left: float, right: float, y: float,
                   height: float) -> None:
    """A possible longer end: lighter, hatched, outlined dashed, so it reads in grey too."""
    rect = Rect(left, y - height / 2, max(right - left, 1.0), height)
    surface.rect(rect, fill=look.colours.event_light)
    hatch(surface, rect, look.colours.event, height * 0.45, max(look.min_line, height * look.uncertain_hatch),
          min_step=look.hatch_min_step, cap=look.hatch_cap)
    surface.rect(rect, Pen(look.colours.event, max(look.min_line, height * 0.09), look.dash))


def draw_open_tail(surface: Surface, look: TimelineLook, left: float, right: float, y: float,
                   height: float) -> None:
    """An open end: a start dot, then a dashed line and an arrowhead ("goes on")."""
    surface.line(left, y, right, y,
                 Pen(look.colours.event, max(look.open_min, height * 0.18), look.open_dash, cap="flat"))
    radius = height * 0.42
    surface.path(Path().ellipse(left, y, radius, radius), fill=look.colours.event)
    head = height * 0.5
    surface.path(polygon([(right + head * 1.2, y), (right, y - head), (right, y + head)]), fill=look.colours.event)


def draw_diamond(surface: Surface, look: TimelineLook, x: float, y: float, size: float,
                 hollow: bool = False) -> None:
    half = size / 2
    shape = polygon([(x, y - half), (x + half, y), (x, y + half), (x - half, y)])
    surface.path(shape, Pen(look.colours.event if hollow else look.colours.event_dark, max(look.min_line, size * 0.1)),
                 look.colours.white if hollow else look.colours.event)


def draw_restriction(surface: Surface, look: TimelineLook, left: float, right: float, y: float,
                     height: float) -> None:
    """A "not before" zone: tinted and hatched from the surgery to a bold boundary line."""
    rect = Rect(left, y - height / 2, max(right - left, 1.0), height)
    surface.rect(rect, fill=look.colours.restriction_tint)
    hatch(surface, rect, look.colours.restriction, height * 0.4, max(look.min_line, height * look.restriction_hatch),
          backwards=True, min_step=look.hatch_min_step, cap=look.hatch_cap)
    surface.line(right, y - height * 0.75, right, y + height * 0.75,
                 Pen(look.colours.restriction, max(look.restriction_min, height * 0.3), cap="flat"))


def draw_repeat_icon(surface: Surface, look: TimelineLook, x: float, y: float, size: float) -> None:
    """A circular arrow: "this repeats"."""
    radius = size * 0.34
    start, span = 100.0, 280.0  # degrees, counter-clockwise from three o'clock
    arc = Path().arc(Rect(x - radius, y - radius, 2 * radius, 2 * radius), start, span)
    surface.path(arc, Pen(look.colours.event, max(look.icon_min, size * 0.13), cap="flat"))
    # The arrowhead points along the arc where it ends (y grows downwards).
    angle = math.radians(start + span)
    tip = (x + radius * math.cos(angle), y - radius * math.sin(angle))
    along = (-math.sin(angle), -math.cos(angle))
    across = (math.cos(angle), -math.sin(angle))
    head = size * 0.3
    surface.path(polygon([(tip[0] + along[0] * head * 0.7, tip[1] + along[1] * head * 0.7),
                          (tip[0] - along[0] * head * 0.3 + across[0] * head * 0.55,
                           tip[1] - along[1] * head * 0.3 + across[1] * head * 0.55),
                          (tip[0] - along[0] * head * 0.3 - across[0] * head * 0.55,
                           tip[1] - along[1] * head * 0.3 - across[1] * head * 0.55)]), fill=look.colours.event)
