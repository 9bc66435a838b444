"""The risk chart's bars, drawn once for the screen and the PDF against `consultaid.charts.surface`.

One estimate on one scale: the white track of all 1000 people (dashed when no figure is known), its
marked part (filled, striped or bracketed: colour is never the only cue), the dotted frame of the
outcome it is part of, its number on the bar, and the labelled ticks under it. Also the legend's
swatches, painted exactly as the bars. Each side gives a `RiskLook`: its sizes and its fonts, because a
printed chart is smaller and finer than the one on screen; where and what is drawn is decided here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from consultaid.charts import palette
from consultaid.charts.risk_chart import BRACKET, HATCHED, NOT_KNOWN, SOLID, BarSegment, EstimateBar, Tick
from consultaid.charts.surface import CENTRE, LEFT, MIDDLE, TOP, Dash, Path, Pen, Rect, Surface, hatch


@dataclass(frozen=True)
class RiskLook:
    """The sizes and fonts of one rendering of the bars (pixels on screen, points on paper)."""

    label_font: Any             # the number on the bar
    tick_font: Any              # the scale's labels
    line: float                 # the track's frame
    track_top: float
    track_height: float
    side_slack: float           # beyond half of "1000", so the end labels centre on the end ticks
    label_pad: float
    label_slack: float          # added to a measured label's width, so rounding never clips it
    label_box_inset: float      # the white box behind a label over stripes, inside the track
    tick_width: float
    hatch_spacing_min: float
    hatch_width: float
    hatch_min_step: float
    solid_min_width: float      # a tiny part still shows
    bracket_width: float
    bracket_min_width: float
    bracket_middle_min: float   # the dashed middle line's least width
    bracket_middle_dash: Dash
    bracket_cap: str | None
    track_dash: Dash
    parent_margin_min: float
    parent_dash: Dash
    swatch_inset: tuple[float, float]      # the legend swatch's track inside its box (x, y)
    swatch_parent_inset: tuple[float, float]
    colours: palette.ChartColours = palette.STANDARD_CHART  # high contrast on screen when the app is


LEGEND_SEGMENTS = {SOLID: (BarSegment(0, 0.45, SOLID),),
                   HATCHED: (BarSegment(0, 0.25, SOLID), BarSegment(0.25, 0.6, HATCHED)),
                   BRACKET: (BarSegment(0, 0.45, BRACKET),)}


def side_margin(surface: Surface, look: RiskLook) -> float:
    return surface.measure("1000", look.tick_font) / 2 + look.side_slack


def track_rect(surface: Surface, look: RiskLook, width: float) -> Rect:
    """Where the track sits in a bar of `width`: room on both sides for the end labels."""
    side = side_margin(surface, look)
    return Rect(side, look.track_top, max(10.0, width - 2 * side), look.track_height)


def draw_track(surface: Surface, look: RiskLook, track: Rect, not_known: bool) -> None:
    """The whole 1000 people: a white bar with a dark frame; dashed when no figure is known."""
    surface.rect(track, Pen(look.colours.track_outline, look.line, look.track_dash if not_known else None),
                 look.colours.track_fill)


def draw_bracket(surface: Surface, look: RiskLook, rect: Rect, colour: str) -> None:
    """[ … ] from the bar's start to the bound, with a dashed middle line: explicitly not a filled area."""
    width = look.bracket_width
    serif = min(rect.height * 0.3, rect.width / 2)
    path = (Path().move_to(rect.left() + serif, rect.top()).line_to(rect.left(), rect.top())
            .line_to(rect.left(), rect.bottom()).line_to(rect.left() + serif, rect.bottom())
            .move_to(rect.right() - serif, rect.top()).line_to(rect.right(), rect.top())
            .line_to(rect.right(), rect.bottom()).line_to(rect.right() - serif, rect.bottom()))
    surface.path(path, Pen(colour, width, cap=look.bracket_cap, join="miter"))
    middle = rect.centre_y()
    surface.line(rect.left(), middle, rect.right(), middle,
                 Pen(colour, max(look.bracket_middle_min, width / 2), look.bracket_middle_dash))


def draw_segments(surface: Surface, look: RiskLook, track: Rect, segments: Iterable[BarSegment],
                  kind: str) -> None:
    colour, tint = look.colours.kind_colour(kind), look.colours.kind_tint(kind)
    for segment in segments:
        left = track.left() + segment.start * track.width
        right = track.left() + segment.end * track.width
        if right - left <= 0 and segment.style != BRACKET:
            continue
        if segment.style == SOLID:
            surface.rect(Rect(left, track.top(), max(right - left, look.solid_min_width), track.height), fill=colour)
        elif segment.style == HATCHED:
            area = Rect(left, track.top(), right - left, track.height)
            surface.rect(area, fill=tint)
            hatch(surface, area, colour, max(look.hatch_spacing_min, track.height / 3.5), look.hatch_width,
                  min_step=look.hatch_min_step)
            surface.rect(area, Pen(colour, look.line))
        elif segment.style == BRACKET:
            area = Rect(left, track.top() + look.line, max(right - left, look.bracket_min_width),
                        track.height - 2 * look.line)
            draw_bracket(surface, look, area, colour)


def draw_parent_frame(surface: Surface, look: RiskLook, track: Rect, extent: float) -> None:
    """The outcome this one is part of, as a dotted frame around the start of the bar: drawn nested."""
    margin = max(look.parent_margin_min, track.height * 0.18)
    frame = Rect(track.left() - margin, track.top() - margin, extent * track.width + 2 * margin,
                 track.height + 2 * margin)
    surface.rect(frame, Pen(look.colours.track_outline, look.line, look.parent_dash))


def label_place(bar: EstimateBar, track: Rect, text_width: float, pad: float) -> str:
    """Where the number goes: "after" the marked part, "inside" the solid part in white, or "boxed" on a
    white box over the stripes (never straight on a pattern); "centre" when no figure is known; "none"
    when it is wider than the bar itself: a number cut at the bar's end would read as another number
    ("fewer than 10 in 100" was shown for "in 1000"), and every bar has its number beside it."""
    if bar.not_known:
        return "centre"
    if text_width + 2 * pad > track.width:
        return "none"
    end = track.left() + (bar.outer_end or 0) * track.width
    solid_end = track.left() + bar.solid_end * track.width
    if end + pad + text_width <= track.right() - pad:
        return "after"
    if solid_end - track.left() >= text_width + 2 * pad:
        return "inside"
    return "boxed"


def draw_label(surface: Surface, look: RiskLook, bar: EstimateBar, track: Rect) -> None:
    """The number on the bar itself, placed by `label_place`."""
    text = bar.number_text
    width = surface.measure(text, look.label_font)
    pad = look.label_pad
    place = label_place(bar, track, width, pad)
    if place == "none":
        return
    if place == "centre":
        surface.text(track, text, look.label_font, look.colours.muted, CENTRE, MIDDLE)
        return
    if place == "after":
        end = track.left() + (bar.outer_end or 0) * track.width
        area, colour = Rect(end + pad, track.top(), width + look.label_slack, track.height), look.colours.label
    else:
        area = Rect(track.left() + pad, track.top(), width + look.label_slack, track.height)
        colour = look.colours.white if place == "inside" else look.colours.label
        if place == "boxed":
            inset = look.label_box_inset
            surface.rect(area.adjusted(-pad / 2, inset, pad / 2, -inset), fill=look.colours.track_fill)
    surface.text(area, text, look.label_font, colour, LEFT, MIDDLE)


def draw_ticks(surface: Surface, look: RiskLook, track: Rect, ticks: Iterable[Tick]) -> None:
    """Every tick, and the labels that fit without touching (a narrow bar ran "8001000" together)."""
    pen = Pen(look.colours.muted, look.tick_width)
    length = track.height * 0.2
    ticks = tuple(ticks)
    for tick in ticks:
        x = track.left() + tick.position * track.width
        surface.line(x, track.bottom(), x, track.bottom() + length, pen)
    for tick, rect in axis_labels(surface, look, ticks, track, track.bottom() + length):
        surface.text(rect, tick.label, look.tick_font, look.colours.muted, CENTRE, TOP)


def draw_scale_bar(surface: Surface, look: RiskLook, bar: EstimateBar, kind: str, ticks: Iterable[Tick],
                   log_scale: bool, parent_extent: float | None, width: float) -> None:
    """One estimate on one scale, in a bar `width` wide: the whole of what one bar cell shows."""
    if log_scale and bar.not_known:
        return  # nothing to zoom into: the linear bar already says "not known"
    track = track_rect(surface, look, width)
    draw_track(surface, look, track, bar.not_known)
    if parent_extent is not None:
        draw_parent_frame(surface, look, track, parent_extent)
    draw_segments(surface, look, track, bar.log_segments if log_scale else bar.segments, kind)
    if not log_scale:
        draw_label(surface, look, bar, track)
    if not bar.not_known:  # an empty bar has nothing to read off a scale
        draw_ticks(surface, look, track, ticks)


def draw_legend_swatch(surface: Surface, look: RiskLook, style: str, width: float, height: float) -> None:
    """A small bar in one legend style, painted exactly as the chart paints it."""
    dx, dy = look.swatch_inset
    track = Rect(dx, dy, width - 2 * dx, height - 2 * dy)
    if style == "parent":
        px, py = look.swatch_parent_inset
        inner = track.adjusted(px, py, -px, -py)
        draw_track(surface, look, inner, False)
        draw_parent_frame(surface, look, inner, 0.6)
        return
    draw_track(surface, look, track, style == NOT_KNOWN)
    draw_segments(surface, look, track, LEGEND_SEGMENTS.get(style, ()), "risk")


def draw_overview_bar(surface: Surface, look: RiskLook, bar: EstimateBar, kind: str, parent_extent: float | None,
                      width: float) -> None:
    """One line of the overview: the whole 1000 and its marked part on the common linear scale, without the
    number (the overview prints it first, before the bar) and without ticks (its axis is drawn once)."""
    track = track_rect(surface, look, width)
    draw_track(surface, look, track, bar.not_known)
    if parent_extent is not None:
        draw_parent_frame(surface, look, track, parent_extent)
    draw_segments(surface, look, track, bar.segments, kind)


def draw_scale_axis(surface: Surface, look: RiskLook, ticks: Iterable[Tick], width: float, height: float) -> None:
    """The overview's one axis, over its bars: labels on top, ticks down to a base line at the bottom, at the
    same x as the tracks of bars as wide (`track_rect`), so every row reads off it."""
    track = track_rect(surface, look, width)
    pen = Pen(look.colours.muted, look.tick_width)
    base = height - look.tick_width
    length = track.height * 0.25
    label_height = surface.line_height(look.tick_font)
    surface.line(track.left(), base, track.right(), base, pen)
    ticks = tuple(ticks)
    for tick in ticks:
        x = track.left() + tick.position * track.width
        surface.line(x, base - length, x, base, pen)
    for tick, rect in axis_labels(surface, look, ticks, track, base - length - label_height):
        surface.text(rect, tick.label, look.tick_font, look.colours.muted, CENTRE, TOP)


def axis_labels(surface: Surface, look: RiskLook, ticks: tuple[Tick, ...], track: Rect,
                top: float) -> list[tuple[Tick, Rect]]:
    """The labelled ticks that fit without touching, their tops at `top`: both ends always, and the others
    at the smallest regular step that leaves room (a narrow axis keeps 0, 400 and 1000 rather than running
    "0200400600" together)."""
    gap = surface.measure("0", look.tick_font)
    height = surface.line_height(look.tick_font)

    def rect(tick: Tick) -> Rect:
        width = surface.measure(tick.label, look.tick_font)
        return Rect(track.left() + tick.position * track.width - width / 2 - 1, top, width + 2, height)

    labelled = [(tick, rect(tick)) for tick in ticks if tick.label]
    if len(labelled) <= 2:
        return labelled

    def apart(first: Rect, second: Rect) -> bool:
        return first.right() + gap <= second.left()

    # Every label, else every second, third…: a regular step reads as a scale ("0 200 600 1000" did not).
    # The last one is always kept; the one before it goes if they would touch.
    for stride in range(1, len(labelled)):
        kept = labelled[:-1:stride]
        if not apart(kept[-1][1], labelled[-1][1]):
            kept = kept[:-1]
        kept.append(labelled[-1])
        if all(apart(a[1], b[1]) for a, b in zip(kept, kept[1:], strict=False)):
            return kept
    return [labelled[0], labelled[-1]]
