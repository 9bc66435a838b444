"""The benefit and risk chart and the recovery timeline as PDF vector graphics.

Both are drawn from the same Qt-free geometry as the screen (`consultaid.charts.risk_chart.build_chart`
and `consultaid.charts.timeline.build_timeline`): every position, number and word comes from there;
this module only scales fractions to points and paints. The marks copy the screen's
(consultaid/ui/widgets/risk_chart_view.py and timeline_view.py): filled, striped, bracketed or dashed
bars; diamonds, bars, hatched "not before" zones; so colour is never the only cue and the page reads
in black and white.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from reportlab.lib.colors import HexColor
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from consultaid.charts.risk_chart import BRACKET, HATCHED, NOT_KNOWN, SOLID, BarSegment, EstimateBar, RiskChart
from consultaid.charts.timeline import AxisTick, Timeline, TimelineItem
from consultaid.i18n import N_, translate
from consultaid.report import palette
from consultaid.report.fonts import BOLD, REGULAR, draw_text, markup, text_width
from consultaid.report.styles import styles

DISCUSSED = N_("Discussed")
NOT_DISCUSSED = N_("Not discussed")
SURGEONS_NOTE = N_("Surgeon's note: {note}")


def colour(value: str):
    return HexColor(value)


def hatch(canvas, x: float, y: float, width: float, height: float, stroke: str, spacing: float,
          line_width: float, backwards: bool = False) -> None:
    """Diagonal stripes clipped to the rectangle (x, y bottom-left): "somewhere in this range"."""
    canvas.saveState()
    path = canvas.beginPath()
    path.rect(x, y, width, height)
    canvas.clipPath(path, stroke=0, fill=0)
    canvas.setStrokeColor(colour(stroke))
    canvas.setLineWidth(line_width)
    canvas.setLineCap(0)
    start = x - height
    while start < x + width + spacing:
        if backwards:
            canvas.line(start, y + height, start + height, y)
        else:
            canvas.line(start, y, start + height, y + height)
        start += max(spacing, 1.5)
    canvas.restoreState()


# ---- The risk chart ---------------------------------------------------------------------------------------

TRACK_HEIGHT = 11.0
LINE = 0.6
TICK_SIZE = 6.3
BAR_LABEL_SIZE = 7.5


def draw_track(canvas, x, y, width, height, not_known: bool) -> None:
    """The whole 1000 people: a white bar with a dark frame; dashed when no figure is known."""
    canvas.saveState()
    canvas.setStrokeColor(colour(palette.MUTED))
    canvas.setFillColor(colour("#FFFFFF"))
    canvas.setLineWidth(LINE)
    if not_known:
        canvas.setDash(2.5, 1.8)
    canvas.rect(x, y, width, height, stroke=1, fill=1)
    canvas.restoreState()


def draw_bracket(canvas, x, y, width, height, stroke: str, line_width: float) -> None:
    """[ … ] from the bar's start to the bound, with a dashed middle line: never a filled area."""
    serif = min(height * 0.3, width / 2)
    canvas.saveState()
    canvas.setStrokeColor(colour(stroke))
    canvas.setLineWidth(line_width)
    canvas.setLineJoin(0)
    path = canvas.beginPath()
    path.moveTo(x + serif, y + height)
    path.lineTo(x, y + height)
    path.lineTo(x, y)
    path.lineTo(x + serif, y)
    path.moveTo(x + width - serif, y + height)
    path.lineTo(x + width, y + height)
    path.lineTo(x + width, y)
    path.lineTo(x + width - serif, y)
    canvas.drawPath(path, stroke=1, fill=0)
    canvas.setLineWidth(max(0.5, line_width / 2))
    canvas.setDash(2, 1.5)
    canvas.line(x, y + height / 2, x + width, y + height / 2)
    canvas.restoreState()


def draw_segments(canvas, x, y, width, height, segments, kind: str) -> None:
    stroke, tint = palette.KIND_COLOURS.get(kind, palette.ACCENT), palette.KIND_TINTS.get(kind, "#D6E8F4")
    for segment in segments:
        left = x + segment.start * width
        right = x + segment.end * width
        if right - left <= 0 and segment.style != BRACKET:
            continue
        if segment.style == SOLID:
            canvas.saveState()
            canvas.setFillColor(colour(stroke))
            canvas.rect(left, y, max(right - left, 0.4), height, stroke=0, fill=1)
            canvas.restoreState()
        elif segment.style == HATCHED:
            canvas.saveState()
            canvas.setFillColor(colour(tint))
            canvas.rect(left, y, right - left, height, stroke=0, fill=1)
            canvas.restoreState()
            hatch(canvas, left, y, right - left, height, stroke, spacing=max(2.6, height / 3.5), line_width=0.9)
            canvas.saveState()
            canvas.setStrokeColor(colour(stroke))
            canvas.setLineWidth(LINE)
            canvas.rect(left, y, right - left, height, stroke=1, fill=0)
            canvas.restoreState()
        elif segment.style == BRACKET:
            draw_bracket(canvas, left, y + LINE, max(right - left, 1.5), height - 2 * LINE, stroke, 1.3)


def draw_parent_frame(canvas, x, y, width, height, extent: float) -> None:
    """The outcome this one is part of: a dotted frame around the start of the bar, drawn nested."""
    margin = max(1.6, height * 0.18)
    canvas.saveState()
    canvas.setStrokeColor(colour(palette.MUTED))
    canvas.setLineWidth(LINE)
    canvas.setDash(0.8, 1.4)
    canvas.rect(x - margin, y - margin, extent * width + 2 * margin, height + 2 * margin, stroke=1, fill=0)
    canvas.restoreState()


class ScaleBar(Flowable):
    """One estimate on one scale: the track, its marked part, and the labelled ticks under it."""

    def __init__(self, bar: EstimateBar, kind: str, ticks, log_scale: bool, parent_extent: float | None):
        super().__init__()
        self.bar, self.kind, self.ticks, self.log_scale = bar, kind, ticks, log_scale
        self.parent_extent = parent_extent
        self.width = 100.0
        self.height = self._height()

    def _height(self) -> float:
        top = 3.0
        if self.log_scale and self.bar.not_known:
            return top + TRACK_HEIGHT
        height = top + TRACK_HEIGHT + 1.0
        if not self.bar.not_known:
            height += 2.0 + TICK_SIZE * 1.15
        return height

    def wrap(self, available_width, available_height):
        self.width = available_width
        return self.width, self.height

    def _track(self):
        side = text_width("1000", REGULAR, TICK_SIZE) / 2 + 1
        top = 3.0
        return side, self.height - top - TRACK_HEIGHT, max(10.0, self.width - 2 * side), TRACK_HEIGHT

    def draw(self):
        if self.log_scale and self.bar.not_known:
            return  # nothing to zoom into: the linear bar already says "not known"
        canvas = self.canv
        x, y, width, height = self._track()
        draw_track(canvas, x, y, width, height, self.bar.not_known)
        if self.parent_extent is not None:
            draw_parent_frame(canvas, x, y, width, height, self.parent_extent)
        segments = self.bar.log_segments if self.log_scale else self.bar.segments
        draw_segments(canvas, x, y, width, height, segments, self.kind)
        if not self.log_scale:
            self._draw_label(x, y, width, height)
        if not self.bar.not_known:
            self._draw_ticks(x, y, width)

    def _draw_label(self, x, y, width, height):
        """The number on the bar itself: after the marked part, inside it in white, or on a white box."""
        canvas = self.canv
        text = self.bar.number_text
        text_w = text_width(text, REGULAR, BAR_LABEL_SIZE)
        baseline = y + (height - BAR_LABEL_SIZE * 0.72) / 2
        pad = 3.0
        canvas.saveState()
        if self.bar.not_known:
            canvas.setFillColor(colour(palette.MUTED))
            draw_text(canvas, x + width / 2, baseline, text, REGULAR, BAR_LABEL_SIZE, align="centre")
            canvas.restoreState()
            return
        end = x + (self.bar.outer_end or 0) * width
        solid_end = x + self.bar.solid_end * width
        if end + pad + text_w <= x + width - pad:
            canvas.setFillColor(colour(palette.INK))
            draw_text(canvas, end + pad, baseline, text, REGULAR, BAR_LABEL_SIZE)
        elif solid_end - x >= text_w + 2 * pad:
            canvas.setFillColor(colour("#FFFFFF"))
            draw_text(canvas, x + pad, baseline, text, REGULAR, BAR_LABEL_SIZE)
        else:
            canvas.setFillColor(colour("#FFFFFF"))
            canvas.rect(x + pad / 2, y + 1.5, text_w + pad, height - 3, stroke=0, fill=1)
            canvas.setFillColor(colour(palette.INK))
            draw_text(canvas, x + pad, baseline, text, REGULAR, BAR_LABEL_SIZE)
        canvas.restoreState()

    def _draw_ticks(self, x, y, width):
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(colour(palette.MUTED))
        canvas.setFillColor(colour(palette.MUTED))
        canvas.setLineWidth(0.5)
        length = TRACK_HEIGHT * 0.2
        for tick in self.ticks:
            px = x + tick.position * width
            canvas.line(px, y, px, y - length)
            if tick.label:
                draw_text(canvas, px, y - length - TICK_SIZE * 0.95, tick.label, REGULAR, TICK_SIZE,
                          align="centre")
        canvas.restoreState()



def scale_bar(bar, kind, ticks, log_scale, parent_extent):
    return ScaleBar(bar, kind, ticks, log_scale, parent_extent)


class LegendSwatch(Flowable):
    """A small bar in one legend style, painted exactly as the chart paints it."""

    def __init__(self, style: str, width: float = 30.0, height: float = 10.0):
        super().__init__()
        self.style, self.width, self.height = style, width, height

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        x, y, width, height = 2.0, 1.0, self.width - 4.0, self.height - 2.0
        if self.style == "parent":
            inner = (x + 2.5, y + 2.0, width - 5.0, height - 4.0)
            draw_track(canvas, *inner, False)
            draw_parent_frame(canvas, *inner, 0.6)
            return
        draw_track(canvas, x, y, width, height, self.style == NOT_KNOWN)
        segments = {SOLID: (BarSegment(0, 0.45, SOLID),),
                    HATCHED: (BarSegment(0, 0.25, SOLID), BarSegment(0.25, 0.6, HATCHED)),
                    BRACKET: (BarSegment(0, 0.45, BRACKET),)}.get(self.style, ())
        draw_segments(canvas, x, y, width, height, segments, "risk")



def legend_table(entries, width: float, swatch_factory, columns: int = 2):
    """Legend entries (style, text) in a grid of swatch + words, `columns` entries per row."""

    style = styles()["small"]
    cells, row = [], []
    text_width_each = width / columns - 40
    for kind, text in entries:
        row += [swatch_factory(kind), Paragraph(markup(text), style)]
        if len(row) == 2 * columns:
            cells.append(row)
            row = []
    if row:
        row += [""] * (2 * columns - len(row))
        cells.append(row)
    if not cells:
        return None
    table = Table(cells, colWidths=[36, text_width_each + 4] * columns, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return table


def risk_legend(chart: RiskChart, width: float):
    return legend_table([(entry.style, entry.text) for entry in chart.legend], width, LegendSwatch)


WORDS_SHARE, LINEAR_SHARE, LOG_SHARE = 0.34, 0.39, 0.27   # about the screen's 9 : 10 : 6
NEST_INDENT = 14.0


def risk_chart_table(chart: RiskChart, width: float, notes: dict[str, str] | None = None):
    """The chart as one table: a header row repeated on each page, then per outcome a title row and one
    row per source's estimate (words | bar out of 1000 | log close-up). An outcome never splits."""

    notes = notes or {}
    language = chart.language
    s = styles()
    log_title = (f"<b>{markup(chart.log_axis_title, BOLD)}</b><br/>"
                 f"<font color=\"{palette.MUTED}\">{markup(chart.log_axis_note)}</font>") if chart.has_figures else ""
    rows = [["", Paragraph(f"<b>{markup(chart.linear_axis_title, BOLD)}</b>", s["tiny"]),
             Paragraph(log_title, s["tiny"])]]
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colour(palette.MUTED)),
    ]
    kinds = {row.kind for row in chart.rows}
    previous_kind = None
    for row in chart.rows:
        first = len(rows)
        if row.kind != previous_kind and len(kinds) > 1:
            rows.append([Paragraph(markup(chart.heading(row.kind), BOLD), s["h2"]), "", ""])
            commands += [("SPAN", (0, first), (-1, first)), ("TOPPADDING", (0, first), (-1, first), 8)]
        previous_kind = row.kind
        indent = 4 + NEST_INDENT * row.depth
        status = translate(DISCUSSED if row.discussed else NOT_DISCUSSED, language)
        mark = "✓ " if row.discussed else "○ "
        title = (f"<b>{markup(row.label, BOLD)}</b>&nbsp;&nbsp;"
                 f"<font size=\"{s['tiny'].fontSize}\" color=\"{palette.MUTED}\">{mark}{markup(status)}</font>")
        extras = [text for text in (row.within_text, row.custom_text) if text]
        if extras:
            title += f"<br/><font color=\"{palette.MUTED}\" size=\"8\">{markup(' · '.join(extras))}</font>"
        details = [text for text in (row.detail, row.sources_differ_text) if text]
        if details:
            title += f"<br/><font color=\"{palette.MUTED}\" size=\"8\">{markup(chr(10).join(details))}</font>"
        title_row = len(rows)
        rows.append([Paragraph(title, s["small"]), "", ""])
        commands += [("SPAN", (0, title_row), (-1, title_row)), ("TOPPADDING", (0, title_row), (-1, title_row), 5),
                     ("LEFTPADDING", (0, title_row), (0, title_row), indent)]
        for bar in row.bars:
            words = f"<b>{markup(bar.number_label, BOLD)}</b>"
            if bar.verbal_text:
                words += f" <font size=\"7.5\" color=\"{palette.MUTED}\">{markup(bar.verbal_text)}</font>"
            if bar.frames_text:
                words += f"<br/>{markup(bar.frames_text)}"
            estimate_row = len(rows)
            rows.append([Paragraph(words, s["small"]),
                         scale_bar(bar, row.kind, chart.linear_ticks, False, row.parent_extent),
                         scale_bar(bar, row.kind, chart.log_ticks, True, row.parent_log_extent)
                         if chart.has_figures else ""])
            commands += [("LEFTPADDING", (0, estimate_row), (0, estimate_row), indent + 6),
                         ("BOTTOMPADDING", (0, estimate_row), (-1, estimate_row), 3)]
        note = notes.get(row.outcome_id, "")
        if note:
            note_row = len(rows)
            rows.append([Paragraph(markup(translate(SURGEONS_NOTE, language).format(note=note)), s["note"]), "", ""])
            commands += [("SPAN", (0, note_row), (-1, note_row)),
                         ("LEFTPADDING", (0, note_row), (0, note_row), indent + 6)]
        last = len(rows) - 1
        commands.append(("BOTTOMPADDING", (0, last), (-1, last), 5))
        commands.append(("NOSPLIT", (0, first), (-1, last)))
        if row.depth > 0:
            commands.append(("BACKGROUND", (0, title_row), (-1, last), colour(palette.SURFACE)))
        elif first > 1:
            commands.append(("LINEABOVE", (0, title_row), (-1, title_row), 0.5, colour(palette.BORDER)))
    table = Table(rows, colWidths=[width * WORDS_SHARE, width * LINEAR_SHARE, width * LOG_SHARE], repeatRows=1,
                  hAlign="LEFT")
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands]))
    return table


# ---- The recovery timeline --------------------------------------------------------------------------------

TL_SIZE = 8.0          # timing words
TL_SMALL = 7.0         # dates, tick labels, legend
TL_LABEL = 8.0         # milestone names (bold)
TL_LINE = 10.5         # one line, in points
MARK_HEIGHT = 0.75     # in lines
LANE_PADDING = 0.35    # in lines
TEXT_GAP = 0.5         # in lines


@dataclass
class _Words:
    lines: list[tuple[str, str, float, str]]   # text, font, size, colour
    x: float = 0.0
    y: float = 0.0            # top, from the top of the flowable
    width: float = 0.0
    height: float = 0.0
    align_right: bool = False
    wrapped: list = field(default_factory=list)   # Paragraphs when the words go under the mark


@dataclass
class _Lane:
    item: TimelineItem
    top: float
    height: float
    label: object            # a Paragraph, wrapped
    label_height: float
    mark_y: float
    words: _Words


class TimelineChart(Flowable):
    """The recovery timeline, one lane per milestone, the axis labelled with times and dates.

    Splits between lanes when a page is full; each part repeats the axis so it reads on its own."""

    def __init__(self, timeline: Timeline, items: tuple[TimelineItem, ...] | None = None,
                 with_legend: bool = True):
        super().__init__()
        self.timeline = timeline
        self.items = timeline.items if items is None else items
        self.with_legend = with_legend
        self.width = 0.0
        self.height = 0.0
        self._layout = None

    # -- layout, in points from the top-left corner --------------------------------------------
    def wrap(self, available_width, available_height):
        self.width = available_width
        self._layout = self._compute(available_width)
        self.height = self._layout["height"]
        return self.width, self.height

    def _compute(self, width: float) -> dict:
        s = styles()
        line = TL_LINE
        y = 0.0
        legend = []
        if self.with_legend:
            swatch_w, x = 2.0 * line, 0.0
            for entry in self.timeline.legend:
                text_w = text_width(entry.text, REGULAR, TL_SMALL)
                entry_w = swatch_w + 0.4 * line + text_w
                if x > 0 and x + entry_w > width:
                    x, y = 0.0, y + 1.25 * line
                legend.append((x, y, swatch_w, entry.kind, entry.text))
                x += entry_w + 1.3 * line
            y += (1.6 if legend else 0.0) * line
        label_w = min(max(width * 0.24, 8 * line), 15 * line)
        chart_left = label_w + 1.0 * line
        chart_right = width - 0.3 * line
        ticks, header_h = self._place_ticks(chart_left, chart_right)
        ticks_top = y
        lanes_top = y + header_h + 0.4 * line
        lanes, top = [], lanes_top
        label_style = s["small_bold"].clone("tl_label", fontSize=TL_LABEL, leading=TL_LABEL * 1.25)
        for item in self.items:
            label = Paragraph(markup(item.label, BOLD), label_style)
            _w, label_h = label.wrap(label_w, 1e6)
            words = self._words(item)
            lane = self._lane(item, top, label, label_h, words, chart_left, chart_right)
            lanes.append(lane)
            top += lane.height
        return {"height": top + 2.0, "legend": legend, "ticks": ticks, "ticks_top": ticks_top,
                "chart_left": chart_left, "chart_right": chart_right, "lanes_top": lanes_top,
                "lanes_bottom": top, "lanes": lanes, "label_w": label_w}

    def _place_ticks(self, chart_left, chart_right):
        """Tick labels by rank (day of surgery, landmarks, the rest), each kept only if it does not
        collide with one already placed, as on screen."""
        has_dates = any(tick.date_text for tick in self.timeline.ticks)
        height = TL_SMALL * 1.3 * (2 if has_dates else 1)
        gap = TL_SMALL * 1.0
        placed: list[tuple[AxisTick, float, float]] = []
        for tick in sorted(self.timeline.ticks, key=lambda tick: (tick.rank, tick.x >= 1, tick.hours)):
            text_w = max(text_width(tick.label, BOLD, TL_SMALL), text_width(tick.date_text, REGULAR, TL_SMALL))
            px = chart_left + tick.x * (chart_right - chart_left)
            if tick.x <= 0 or tick.x >= 1:
                left = px - text_w
            else:
                left = min(max(px - text_w / 2, chart_left), chart_right - text_w)
            right = left + text_w
            if all(right + gap <= other_left or left >= other_right + gap
                   for _tick, other_left, other_right in placed):
                placed.append((tick, left, right))
        return placed, height

    def _words(self, item: TimelineItem) -> _Words:
        timing = item.timing_text + (f" \u00b7 {item.repeat_text}" if item.repeat_text else "")
        lines = [(timing, REGULAR, TL_SIZE, palette.INK)]
        if item.date_text:
            lines.append((item.date_text, REGULAR, TL_SMALL, palette.MUTED))
        return _Words(lines)

    def _lane(self, item, top, label, label_h, words: _Words, chart_left, chart_right) -> _Lane:
        line = TL_LINE
        chart_w = chart_right - chart_left
        mark_h = MARK_HEIGHT * line
        gap = TEXT_GAP * line
        icon_w = line * 1.0 if item.repeat_text else 0.0
        block_w = max(text_width(text, font, size) for text, font, size, _c in words.lines) + icon_w + 1
        block_h = sum(size * 1.3 for _t, _f, size, _c in words.lines)

        def px(x: float) -> float:
            return chart_left + x * chart_w

        mark_left = px(item.x1 if item.kind == "not_before" else item.x0) - mark_h / 2
        mark_right = px(item.end_x) + mark_h / 2 + (mark_h * 0.6 if item.open_end else 0)
        beside = True
        if mark_right + gap + block_w <= chart_right:
            words.x, words.width, words.height = mark_right + gap, block_w, block_h
        elif item.kind != "not_before" and mark_left - gap - block_w >= chart_left:
            words.x, words.width, words.height = mark_left - gap - block_w, block_w, block_h
            words.align_right = True
        else:  # no room on either side: under the mark, wrapped to the chart
            beside = False
            text_w = min(block_w, chart_w)
            words.x = min(max(mark_left, chart_left), chart_right - text_w)
            words.width = text_w
            words.height = 0.0
            for index, (text, font, size, tint) in enumerate(words.lines):
                style = styles()["tiny"].clone(f"tl_words_{index}", fontName=font, fontSize=size,
                                               leading=size * 1.3, textColor=colour(tint))
                prefix = "\u00a0" * 4 if index == 0 and item.repeat_text else ""
                paragraph = Paragraph(prefix + markup(text, font), style)
                _w, h = paragraph.wrap(text_w, 1e6)
                words.wrapped.append((paragraph, h))
                words.height += h
        mark_extent = mark_h * 1.5
        content_h = max(mark_extent, words.height) if beside else mark_extent + 0.2 * line + words.height
        height = max(label_h, content_h) + 2 * LANE_PADDING * line
        centre = top + height / 2
        if beside:
            mark_y = centre
            words.y = centre - words.height / 2
        else:
            mark_y = centre - content_h / 2 + mark_extent / 2
            words.y = mark_y + mark_extent / 2 + 0.2 * line
        return _Lane(item, top, height, label, label_h, mark_y, words)

    def split(self, available_width, available_height):
        """Between lanes, each part with its own axis; the legend stays with the first part."""
        layout = self._compute(available_width)
        fitting = [lane for lane in layout["lanes"] if lane.top + lane.height <= available_height - 2]
        if not fitting or len(fitting) == len(self.items):
            return []
        count = len(fitting)
        return [TimelineChart(self.timeline, self.items[:count], self.with_legend),
                TimelineChart(self.timeline, self.items[count:], False)]

    # -- drawing ---------------------------------------------------------------------------------
    def draw(self):
        layout = self._layout or self._compute(self.width)
        canvas = self.canv
        H = self.height

        def Y(y: float) -> float:   # top-down layout to the PDF's bottom-up y
            return H - y

        for x, y, swatch_w, kind, text in layout["legend"]:
            centre = Y(y + TL_LINE / 2)
            height = 0.7 * TL_LINE
            self._legend_mark(kind, x, x + swatch_w, centre, height)
            canvas.setFillColor(colour(palette.INK))
            draw_text(canvas, x + swatch_w + 0.4 * TL_LINE, centre - TL_SMALL * 0.35, text, REGULAR, TL_SMALL)

        left, right = layout["chart_left"], layout["chart_right"]
        chart_w = right - left
        top, bottom = layout["lanes_top"], layout["lanes_bottom"]
        # Alternate light bands over the stretches of the axis: where its pace changes.
        for index, stretch in enumerate(self.timeline.axis.stretches):
            if index % 2 == 0:
                canvas.saveState()
                canvas.setFillColor(colour(palette.SURFACE))
                canvas.rect(left + stretch.x0 * chart_w, Y(bottom), (stretch.x1 - stretch.x0) * chart_w,
                            bottom - top, stroke=0, fill=1)
                canvas.restoreState()
        canvas.saveState()
        canvas.setStrokeColor(colour(palette.SEPARATOR))
        canvas.setLineWidth(0.6)
        for lane in layout["lanes"][1:]:
            canvas.line(0, Y(lane.top), self.width, Y(lane.top))
        canvas.restoreState()
        ticks_top = layout["ticks_top"]
        for tick, tick_left, tick_right in layout["ticks"]:
            px = left + tick.x * chart_w
            canvas.saveState()
            canvas.setStrokeColor(colour(palette.MUTED if tick.x == 0 else palette.GRID))
            canvas.setLineWidth(1.0 if tick.x == 0 else 0.6)
            canvas.line(px, Y(top - 0.2 * TL_LINE), px, Y(bottom))
            canvas.restoreState()
            align_x, align = ((tick_right, "right") if tick.x <= 0 or tick.x >= 1
                              else ((tick_left + tick_right) / 2, "centre"))
            canvas.setFillColor(colour(palette.INK))
            draw_text(canvas, align_x, Y(ticks_top + TL_SMALL), tick.label, BOLD, TL_SMALL, align=align)
            if tick.date_text:
                canvas.setFillColor(colour(palette.MUTED))
                draw_text(canvas, align_x, Y(ticks_top + TL_SMALL * 2.3), tick.date_text, REGULAR, TL_SMALL,
                          align=align)
        for lane in layout["lanes"]:
            self._draw_lane(lane, layout, Y)

    def _draw_lane(self, lane: _Lane, layout, Y) -> None:
        item = lane.item
        left, right = layout["chart_left"], layout["chart_right"]
        chart_w = right - left

        def px(x: float) -> float:
            return left + x * chart_w

        centre = lane.top + lane.height / 2
        lane.label.drawOn(self.canv, 0, Y(centre + lane.label_height / 2))
        y, height = Y(lane.mark_y), MARK_HEIGHT * TL_LINE
        if item.kind == "not_before":
            self._restriction(px(0), px(item.x1), y, height)
        elif item.open_end:
            self._open_tail(px(item.x0), px(item.tail_x1), y, height)
        elif item.drawn_as_period:
            self._bar(px(item.x0), px(item.x1), y, height)
            if item.uncertain_x1 is not None:
                self._uncertain(px(item.x1), px(item.uncertain_x1), y, height)
        else:
            self._diamond(px(item.x), y, height * 1.25)
        for x in item.repeat_xs:
            self._diamond(px(x), y, height * 0.8, hollow=True)
        self._draw_words(lane.words, item, Y)

    def _draw_words(self, words: _Words, item: TimelineItem, Y) -> None:
        canvas = self.canv
        icon_w = TL_LINE * 1.0 if item.repeat_text else 0.0
        if words.wrapped:
            top = words.y
            for index, (paragraph, h) in enumerate(words.wrapped):
                paragraph.drawOn(canvas, words.x, Y(top + h))
                if index == 0 and item.repeat_text:
                    self._repeat_icon(words.x + icon_w * 0.35, Y(top + TL_SIZE * 0.62), TL_LINE * 0.9)
                top += h
            return
        top = words.y
        for index, (text, font, size, tint) in enumerate(words.lines):
            baseline = Y(top + size * 1.0)
            x = words.x
            width = text_width(text, font, size)
            if words.align_right:
                x = words.x + words.width - width
            if index == 0 and item.repeat_text:
                icon_x = x - icon_w if words.align_right else x
                self._repeat_icon(icon_x + icon_w * 0.4, Y(top + size * 0.62), TL_LINE * 0.9)
                if not words.align_right:
                    x += icon_w
            canvas.setFillColor(colour(tint))
            draw_text(canvas, x, baseline, text, font, size)
            top += size * 1.3

    # -- marks (shared by the lanes and the legend) ----------------------------------------------
    def _legend_mark(self, kind, left, right, y, height):
        middle = (left + right) / 2
        if kind == "point":
            self._diamond(middle, y, height)
        elif kind == "window":
            self._bar(left, right, y, height)
        elif kind == "uncertain":
            self._bar(left, middle, y, height)
            self._uncertain(middle, right, y, height)
        elif kind == "open":
            self._open_tail(left + height / 2, right - height * 0.6, y, height)
        elif kind == "not_before":
            self._restriction(left, right - height * 0.3, y, height)
        elif kind == "repeat":
            self._repeat_icon(middle, y, height)

    def _bar(self, left, right, y, height):
        canvas = self.canv
        width = max(right - left, height * 0.5)
        canvas.saveState()
        canvas.setFillColor(colour(palette.EVENT))
        canvas.roundRect(left, y - height / 2, width, height, min(height * 0.25, width / 2), stroke=0, fill=1)
        canvas.restoreState()

    def _uncertain(self, left, right, y, height):
        """A possible longer end: lighter, hatched, outlined dashed, so it reads in grey too."""
        canvas = self.canv
        width = max(right - left, 1.0)
        canvas.saveState()
        canvas.setFillColor(colour(palette.EVENT_LIGHT))
        canvas.rect(left, y - height / 2, width, height, stroke=0, fill=1)
        canvas.restoreState()
        hatch(canvas, left, y - height / 2, width, height, palette.EVENT, height * 0.45, max(0.6, height * 0.12))
        canvas.saveState()
        canvas.setStrokeColor(colour(palette.EVENT))
        canvas.setLineWidth(max(0.6, height * 0.09))
        canvas.setDash(2, 1.5)
        canvas.rect(left, y - height / 2, width, height, stroke=1, fill=0)
        canvas.restoreState()

    def _open_tail(self, left, right, y, height):
        """An open end: a start dot, a dashed line and an arrowhead ("goes on")."""
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(colour(palette.EVENT))
        canvas.setFillColor(colour(palette.EVENT))
        canvas.setLineWidth(max(1.0, height * 0.18))
        canvas.setDash(2.5, 1.8)
        canvas.line(left, y, right, y)
        canvas.setDash()
        canvas.circle(left, y, height * 0.42, stroke=0, fill=1)
        head = height * 0.5
        path = canvas.beginPath()
        path.moveTo(right + head * 1.2, y)
        path.lineTo(right, y + head)
        path.lineTo(right, y - head)
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()

    def _diamond(self, x, y, size, hollow: bool = False):
        canvas = self.canv
        half = size / 2
        canvas.saveState()
        canvas.setStrokeColor(colour(palette.EVENT if hollow else palette.EVENT_DARK))
        canvas.setFillColor(colour("#FFFFFF" if hollow else palette.EVENT))
        canvas.setLineWidth(max(0.6, size * 0.1))
        path = canvas.beginPath()
        path.moveTo(x, y + half)
        path.lineTo(x + half, y)
        path.lineTo(x, y - half)
        path.lineTo(x - half, y)
        path.close()
        canvas.drawPath(path, stroke=1, fill=1)
        canvas.restoreState()

    def _restriction(self, left, right, y, height):
        """A "not before" zone: tinted and hatched from the surgery to a bold boundary line."""
        canvas = self.canv
        width = max(right - left, 1.0)
        canvas.saveState()
        canvas.setFillColor(colour(palette.RESTRICTION_TINT))
        canvas.rect(left, y - height / 2, width, height, stroke=0, fill=1)
        canvas.restoreState()
        hatch(canvas, left, y - height / 2, width, height, palette.RESTRICTION, height * 0.4,
              max(0.6, height * 0.11), backwards=True)
        canvas.saveState()
        canvas.setStrokeColor(colour(palette.RESTRICTION))
        canvas.setLineWidth(max(2.0, height * 0.3))
        canvas.setLineCap(0)
        canvas.line(right, y - height * 0.75, right, y + height * 0.75)
        canvas.restoreState()

    def _repeat_icon(self, x, y, size):
        """A circular arrow: "this repeats"."""
        canvas = self.canv
        radius = size * 0.34
        start, span = 100.0, 280.0   # degrees, counter-clockwise from three o'clock
        canvas.saveState()
        canvas.setStrokeColor(colour(palette.EVENT))
        canvas.setFillColor(colour(palette.EVENT))
        canvas.setLineWidth(max(0.8, size * 0.13))
        path = canvas.beginPath()
        path.arc(x - radius, y - radius, x + radius, y + radius, startAng=start, extent=span)
        canvas.drawPath(path, stroke=1, fill=0)
        angle = math.radians(start + span)
        tip = (x + radius * math.cos(angle), y + radius * math.sin(angle))
        along = (-math.sin(angle), math.cos(angle))      # direction of travel, counter-clockwise
        across = (math.cos(angle), math.sin(angle))
        head = size * 0.3
        arrow = canvas.beginPath()
        arrow.moveTo(tip[0] + along[0] * head * 0.7, tip[1] + along[1] * head * 0.7)
        arrow.lineTo(tip[0] - along[0] * head * 0.3 + across[0] * head * 0.55,
                     tip[1] - along[1] * head * 0.3 + across[1] * head * 0.55)
        arrow.lineTo(tip[0] - along[0] * head * 0.3 - across[0] * head * 0.55,
                     tip[1] - along[1] * head * 0.3 - across[1] * head * 0.55)
        arrow.close()
        canvas.drawPath(arrow, stroke=0, fill=1)
        canvas.restoreState()



def timeline_flowable(timeline: Timeline):
    return TimelineChart(timeline)
