"""The benefit and risk chart and the recovery timeline in the summary PDF: the flowable plumbing.

The marks and layouts are the screen's own: `consultaid.charts.draw_risk` and `draw_timeline` draw them
on a `PdfSurface` with the paper's sizes (`RISK_LOOK`, `TIMELINE_LOOK`); every position, number and word
comes from the Qt-free geometry (`build_chart`, `build_timeline`). Here: the table that holds the bars,
the legends, and the timeline's splitting between pages. Colour is never the only cue, so the page
reads in black and white.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from reportlab.lib.colors import Color, HexColor
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from consultaid.charts import palette
from consultaid.charts.draw_risk import RiskLook, draw_legend_swatch, draw_scale_bar
from consultaid.charts.draw_timeline import TimelineLayout, TimelineLook, draw_timeline, layout_timeline
from consultaid.charts.risk_chart import EstimateBar, RiskChart, Tick
from consultaid.charts.timeline import Timeline, TimelineItem
from consultaid.i18n import N_, translate
from consultaid.report.fonts import BOLD, REGULAR, markup
from consultaid.report.pdf_surface import PdfFont, PdfSurface
from consultaid.report.styles import LARGE, styles

DISCUSSED = N_("Discussed")
NOT_DISCUSSED = N_("Not discussed")
SURGEONS_NOTE = N_("Surgeon's note: {note}")


def colour(value: str) -> Color:
    return HexColor(value)


# ---- The risk chart ---------------------------------------------------------------------------------------

TRACK_HEIGHT = 11.0
TICK_SIZE = 8.0
BAR_LABEL_SIZE = 8.5

# The bars on paper: smaller and finer than on screen, drawn by the same code (charts/draw_risk.py).
RISK_LOOK = RiskLook(
    label_font=PdfFont(REGULAR, BAR_LABEL_SIZE), tick_font=PdfFont(REGULAR, TICK_SIZE, ascent=0.95), line=0.6,
    track_top=3.0, track_height=TRACK_HEIGHT, side_slack=1.0, label_pad=3.0, label_slack=0.0, label_box_inset=1.5,
    tick_width=0.5, hatch_spacing_min=2.6, hatch_width=0.9, hatch_min_step=1.5, solid_min_width=0.4,
    bracket_width=1.3, bracket_min_width=1.5, bracket_middle_min=0.5, bracket_middle_dash=(2, 1.5),
    bracket_cap=None, track_dash=(2.5, 1.8), parent_margin_min=1.6, parent_dash=(0.8, 1.4),
    swatch_inset=(2.0, 1.0), swatch_parent_inset=(2.5, 2.0))


# Large print: the same marks drawn again with 14 pt words, a taller track and thicker lines (issue 18: redrawn,
# not scaled, so the bars still span the page's width and nothing is clipped).
LARGE_TRACK_HEIGHT = 18.0
LARGE_TICK_SIZE = LARGE.tiny
LARGE_RISK_LOOK = replace(
    RISK_LOOK, label_font=PdfFont(REGULAR, LARGE.tiny), tick_font=PdfFont(REGULAR, LARGE_TICK_SIZE, ascent=0.95),
    line=0.9, track_top=4.0, track_height=LARGE_TRACK_HEIGHT, label_pad=4.5, label_box_inset=2.0, tick_width=0.8,
    hatch_spacing_min=3.6, hatch_width=1.3, bracket_width=1.8, swatch_inset=(2.5, 2.0), swatch_parent_inset=(3.5, 3.0))


def risk_look(large: bool = False) -> RiskLook:
    return LARGE_RISK_LOOK if large else RISK_LOOK


class ScaleBar(Flowable):  # type: ignore[misc]  # reportlab has no type information
    """One estimate on one scale: the track, its marked part, and the labelled ticks under it."""

    def __init__(self, bar: EstimateBar, kind: str, ticks: Sequence[Tick], log_scale: bool,
                 parent_extent: float | None, alternative_text: str = "", look: RiskLook = RISK_LOOK) -> None:
        super().__init__()
        self.bar, self.kind, self.ticks, self.log_scale = bar, kind, ticks, log_scale
        self.parent_extent = parent_extent
        self.alternative_text = alternative_text   # what the bar shows, in words (report/tagging.py)
        self.look = look
        self.width = 100.0
        self.height = self._height()

    def _height(self) -> float:
        top = self.look.track_top
        if self.log_scale and self.bar.not_known:
            return top + self.look.track_height
        height = top + self.look.track_height + 1.0
        if not self.bar.not_known:
            height += 2.0 + self.look.tick_font.size * 1.15 + self.look.track_height * 0.2 - 2.2
        return height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return self.width, self.height

    def draw(self) -> None:
        draw_scale_bar(PdfSurface(self.canv, self.height), self.look, self.bar, self.kind, self.ticks,
                       self.log_scale, self.parent_extent, self.width)


def scale_bar(bar: EstimateBar, kind: str, ticks: Sequence[Tick], log_scale: bool,
              parent_extent: float | None, alternative_text: str = "", look: RiskLook = RISK_LOOK) -> ScaleBar:
    return ScaleBar(bar, kind, ticks, log_scale, parent_extent, alternative_text, look)


def bar_alternative_text(axis_title: str, label: str, bar: EstimateBar) -> str:
    """A bar in words, for a screen reader: the scale, the outcome and every figure of its row
    ("Out of 1000 people: Pain relief: 800 in 1000. 800 in 1000 have less pain; … Source: …")."""
    return f"{axis_title}: {label}: {bar.description()}"


class LegendSwatch(Flowable):  # type: ignore[misc]  # reportlab has no type information
    """A small bar in one legend style, painted exactly as the chart paints it."""

    def __init__(self, style: str, width: float = 30.0, height: float = 10.0, look: RiskLook = RISK_LOOK) -> None:
        super().__init__()
        self.style, self.width, self.height, self.look = style, width, height, look

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        draw_legend_swatch(PdfSurface(self.canv, self.height), self.look, self.style, self.width, self.height)


def legend_table(entries: Sequence[tuple[str, str]], width: float, swatch_factory: Callable[[str], Flowable],
                 columns: int = 2, large: bool = False, swatch_width: float = 36.0) -> Table | None:
    """Legend entries (style, text) in a grid of swatch + words, `columns` entries per row."""

    style = styles(large)["small"]
    cells: list[list[Flowable | str]] = []
    row: list[Flowable | str] = []
    text_width_each = width / columns - swatch_width - 4
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
    table = Table(cells, colWidths=[swatch_width, text_width_each + 4] * columns, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return table


def risk_legend(chart: RiskChart, width: float, large: bool = False) -> Table | None:
    """The chart's legend: two entries a row; one a row in large print, with bigger swatches."""
    entries = [(entry.style, entry.text) for entry in chart.legend]
    if not large:
        return legend_table(entries, width, LegendSwatch)
    look = LARGE_RISK_LOOK
    return legend_table(entries, width, lambda kind: LegendSwatch(kind, 48.0, 16.0, look), columns=1, large=True,
                        swatch_width=56.0)


WORDS_SHARE, LINEAR_SHARE, LOG_SHARE = 0.34, 0.39, 0.27   # about the screen's 9 : 10 : 6
LARGE_LINEAR_SHARE = 0.57   # large print: the words on their own row, the two scales side by side under them
NEST_INDENT = 14.0


def risk_chart_table(chart: RiskChart, width: float, notes: dict[str, str] | None = None,
                     large: bool = False) -> Table:
    """The chart as one table: a header row repeated on each page, then per outcome a title row and one
    row per source's estimate (words | bar out of 1000 | log close-up). An outcome never splits.

    In large print the words of an estimate take a row of their own, across the page, and its two bars
    share the row under it: three columns of 14 pt words would leave a few letters a line."""

    notes = notes or {}
    language = chart.language
    s = styles(large)
    look = risk_look(large)
    muted_size = s["tiny"].fontSize
    log_title = (f"<b>{markup(chart.log_axis_title, BOLD)}</b><br/>"
                 f"<font color=\"{palette.MUTED}\">{markup(chart.log_axis_note)}</font>") if chart.has_figures else ""
    linear_title = Paragraph(f"<b>{markup(chart.linear_axis_title, BOLD)}</b>", s["tiny"])
    if large:
        columns = 2
        widths = [width * LARGE_LINEAR_SHARE, width * (1 - LARGE_LINEAR_SHARE)]
        header = [linear_title, Paragraph(log_title, s["tiny"])]
    else:
        columns = 3
        widths = [width * WORDS_SHARE, width * LINEAR_SHARE, width * LOG_SHARE]
        header = ["", linear_title, Paragraph(log_title, s["tiny"])]
    blank = [""] * (columns - 1)
    rows = [header]
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
            rows.append([Paragraph(markup(chart.heading(row.kind), BOLD), s["h2"]), *blank])
            commands += [("SPAN", (0, first), (-1, first)), ("TOPPADDING", (0, first), (-1, first), 8)]
        previous_kind = row.kind
        indent = 4 + NEST_INDENT * row.depth
        status = translate(DISCUSSED if row.discussed else NOT_DISCUSSED, language)
        mark = "✓ " if row.discussed else "○ "
        title = (f"<b>{markup(row.label, BOLD)}</b>&nbsp;&nbsp;"
                 f"<font size=\"{muted_size}\" color=\"{palette.MUTED}\">{mark}{markup(status)}</font>")
        extras = [text for text in (row.within_text, row.custom_text) if text]
        if extras:
            title += f"<br/><font color=\"{palette.MUTED}\" size=\"{muted_size}\">{markup(' · '.join(extras))}</font>"
        details = [text for text in (row.detail, row.sources_differ_text) if text]
        if details:
            joined = markup(chr(10).join(details))
            title += f"<br/><font color=\"{palette.MUTED}\" size=\"{muted_size}\">{joined}</font>"
        title_row = len(rows)
        rows.append([Paragraph(title, s["small"]), *blank])
        commands += [("SPAN", (0, title_row), (-1, title_row)), ("TOPPADDING", (0, title_row), (-1, title_row), 5),
                     ("LEFTPADDING", (0, title_row), (0, title_row), indent)]
        for bar in row.bars:
            words = f"<b>{markup(bar.number_label, BOLD)}</b>"
            if bar.verbal_text:
                words += f" <font size=\"{muted_size}\" color=\"{palette.MUTED}\">{markup(bar.verbal_text)}</font>"
            if bar.frames_text:
                words += f"<br/>{markup(bar.frames_text)}"
            bars: list[Flowable | str] = [
                scale_bar(bar, row.kind, chart.linear_ticks, False, row.parent_extent,
                          bar_alternative_text(chart.linear_axis_title, row.label, bar), look),
                scale_bar(bar, row.kind, chart.log_ticks, True, row.parent_log_extent,
                          f"{chart.log_axis_title}: {row.label}: {bar.number_label}.", look)
                if chart.has_figures else ""]
            estimate_row = len(rows)
            if large:
                rows += [[Paragraph(words, s["small"]), ""], bars]
                commands += [("SPAN", (0, estimate_row), (-1, estimate_row)),
                             ("LEFTPADDING", (0, estimate_row), (0, estimate_row), indent + 6),
                             # apart, so the end of one scale ("1000") never reads into the next ("1")
                             ("LEFTPADDING", (1, estimate_row + 1), (1, estimate_row + 1), 16),
                             ("TOPPADDING", (0, estimate_row + 1), (-1, estimate_row + 1), 3),
                             ("BOTTOMPADDING", (0, estimate_row + 1), (-1, estimate_row + 1), 5)]
            else:
                rows.append([Paragraph(words, s["small"]), *bars])
                commands += [("LEFTPADDING", (0, estimate_row), (0, estimate_row), indent + 6),
                             ("BOTTOMPADDING", (0, estimate_row), (-1, estimate_row), 3)]
        note = notes.get(row.outcome_id, "")
        if note:
            note_row = len(rows)
            rows.append([Paragraph(markup(translate(SURGEONS_NOTE, language).format(note=note)), s["note"]), *blank])
            commands += [("SPAN", (0, note_row), (-1, note_row)),
                         ("LEFTPADDING", (0, note_row), (0, note_row), indent + 6)]
        last = len(rows) - 1
        commands.append(("BOTTOMPADDING", (0, last), (-1, last), 5))
        commands.append(("NOSPLIT", (0, first), (-1, last)))
        if row.depth > 0:
            commands.append(("BACKGROUND", (0, title_row), (-1, last), colour(palette.SURFACE)))
        elif first > 1:
            commands.append(("LINEABOVE", (0, title_row), (-1, title_row), 0.5, colour(palette.BORDER)))
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands]))
    return table


# ---- The recovery timeline --------------------------------------------------------------------------------

TL_SIZE = 9.0          # timing words
TL_SMALL = 8.0         # dates, tick labels, legend
TL_LABEL = 9.0         # milestone names (bold)
TL_LINE = 12.0         # one line, in points

# The timeline on paper, drawn by the same code as on screen (charts/draw_timeline.py). No caption: the
# summary says "a guide, not a promise" in its text; no column for the "Discussed" boxes.
TIMELINE_LOOK = TimelineLook(
    line=TL_LINE, words_font=PdfFont(REGULAR, TL_SIZE), small_font=PdfFont(REGULAR, TL_SMALL),
    label_font=PdfFont(BOLD, TL_LABEL, leading=TL_LABEL * 1.25, style="small_bold"),
    tick_font=PdfFont(BOLD, TL_SMALL), tick_date_font=PdfFont(REGULAR, TL_SMALL),
    legend_font=PdfFont(REGULAR, TL_SMALL, middle=0.35), pad=0.0, caption=False, legend_swatch=2.0,
    legend_row=1.25, legend_gap=1.3, legend_after_empty=0.0, label_share=0.24, label_min=8, label_max=15,
    label_gap=1.0, right_gap=0.3, tick_gap=1 / 1.3, grid_overhang=0.2 * TL_LINE, axis_width=1.0, grid_width=0.6,
    separator_width=0.6, mark_height=0.75, lane_padding=0.35, text_gap=0.5, block_slack=1.0, repeat_icon_width=1.0,
    repeat_icon_size=0.9, icon_centre=0.62 / 1.3, icon_x_wrapped=0.35, repeat_prefix="\u00a0" * 4, min_line=0.6,
    hatch_min_step=1.5, hatch_cap="flat", uncertain_hatch=0.12, restriction_hatch=0.11, restriction_min=2.0,
    open_min=1.0, icon_min=0.8, dash=(2, 1.5), open_dash=(2.5, 1.8), bottom_margin=2.0)

# Large print: every word of the timeline at 14 pt, lanes one large line high, a wider column for the names.
LARGE_TL_LINE = 19.0
LARGE_TIMELINE_LOOK = replace(
    TIMELINE_LOOK, line=LARGE_TL_LINE, words_font=PdfFont(REGULAR, LARGE.tiny),
    small_font=PdfFont(REGULAR, LARGE.tiny),
    label_font=PdfFont(BOLD, LARGE.tiny, leading=LARGE.tiny * 1.25, style="small_bold"),
    tick_font=PdfFont(BOLD, LARGE.tiny), tick_date_font=PdfFont(REGULAR, LARGE.tiny),
    legend_font=PdfFont(REGULAR, LARGE.tiny, middle=0.35), label_share=0.28, label_min=5, label_max=12,
    grid_overhang=0.2 * LARGE_TL_LINE, axis_width=1.4, grid_width=0.8, separator_width=0.8, min_line=0.9,
    hatch_min_step=2.2, restriction_min=2.8, open_min=1.4, icon_min=1.1, dash=(3, 2.2), open_dash=(3.5, 2.5))


def timeline_look(large: bool = False) -> TimelineLook:
    return LARGE_TIMELINE_LOOK if large else TIMELINE_LOOK


class TimelineChart(Flowable):  # type: ignore[misc]  # reportlab has no type information
    """The recovery timeline, one lane per milestone, the axis labelled with times and dates.

    Splits between lanes when a page is full; each part repeats the axis so it reads on its own."""

    def __init__(self, timeline: Timeline, items: tuple[TimelineItem, ...] | None = None,
                 with_legend: bool = True, look: TimelineLook = TIMELINE_LOOK) -> None:
        super().__init__()
        self.look = look
        self.timeline = timeline
        self.items = timeline.items if items is None else items
        self.with_legend = with_legend
        self.width = 0.0
        self.height = 0.0
        self._layout: TimelineLayout | None = None

    def _compute(self, width: float) -> TimelineLayout:
        return layout_timeline(PdfSurface(None, 0.0), self.look, self.timeline, width, self.items,
                               self.with_legend)

    @property
    def alternative_text(self) -> str:
        """The drawing in words, for a screen reader (report/tagging.py): the caption, then each milestone
        this part draws with its timing, dates and repeats."""
        lines = [self.timeline.caption]
        for item in self.items:
            words = [item.timing_text, item.date_text, item.repeat_text]
            lines.append(f"{item.label}: {', '.join(word for word in words if word)}.")
        return " ".join(line for line in lines if line)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self._layout = self._compute(available_width)
        self.height = self._layout.height
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        """Between lanes, each part with its own axis; the legend stays with the first part."""
        layout = self._compute(available_width)
        fitting = [lane for lane in layout.lanes if lane.top + lane.height <= available_height - 2]
        if not fitting or len(fitting) == len(self.items):
            return []
        count = len(fitting)
        return [TimelineChart(self.timeline, self.items[:count], self.with_legend, self.look),
                TimelineChart(self.timeline, self.items[count:], False, self.look)]

    def draw(self) -> None:
        layout = self._layout or self._compute(self.width)
        draw_timeline(PdfSurface(self.canv, self.height), self.look, self.timeline, layout)


def timeline_flowable(timeline: Timeline, large: bool = False) -> TimelineChart:
    return TimelineChart(timeline, look=timeline_look(large))
