"""The recovery timeline as geometry and words: one description that the screen and the PDF both draw.

Time axis
---------
x runs from 0 (the surgery) to 1 (the end of the axis). Recovery items range from minutes (cement
hardens) to a year (a yearly review), so one linear scale would crush the first days into a pixel.
The axis is cut at landmarks instead: the day of surgery (the first 24 hours), the rest of the first
week, the rest of the first month, 1–3 months, 3 months–1 year, 1–2 years, 2–5 years, 5–20 years.
Each stretch gets a fixed share of the width (`STRETCH_SHARES`) whatever its length, and inside a
stretch time runs linearly, except within the day of surgery, where x follows the square root of the
hours so that 8 minutes and 10 hours stay apart. The day of surgery is widened only when an item is
timed in minutes or hours within it. The axis ends at the first round time (`AXIS_ENDS`) at least
10 % after the latest item; a last stretch cut short keeps at least half its share so it is not
squeezed. Ticks at the landmarks are labelled in the patient's language ("Day of surgery", "1 week"…),
and with a surgery date, with calendar dates too.

Days, not instants
------------------
A time in days, weeks, months or years names a calendar day, not a moment: "going home: 0 days" is
some time on the day of surgery, not at the moment of surgery. Such a point covers its whole day on
the axis (hours t to t + 24), and a window ending on such a day includes it, so on a widened day of
surgery "going home" is not drawn before "standing up after 12 hours". Minutes and hours are
instants. A "not before" zone ends where its first allowed day begins.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from consultaid.consultation.recovery_dates import date_after, milestone_dates

# The words beside the marks are the model's (consultation/recovery_words.py), shared with the .ics export.
from consultaid.consultation.recovery_words import (
    CAPTION,
    DAY_OF_SURGERY,
    date_text,
    format_calendar_date,
    repeat_text,
    timing_text,
)
from consultaid.consultation.shown_content import ShownMilestone
from consultaid.content.durations import HOURS_PER_UNIT, Duration
from consultaid.content.model import Milestone
from consultaid.formatting import format_duration
from consultaid.i18n import N_, translate

DAY_HOURS = HOURS_PER_UNIT["day"]
WEEK_HOURS = HOURS_PER_UNIT["week"]
MONTH_HOURS = HOURS_PER_UNIT["month"]
YEAR_HOURS = HOURS_PER_UNIT["year"]

# (end of the stretch in hours, share of the width). The first share is the day of surgery, widened.
STRETCH_SHARES = (
    (DAY_HOURS, 1.0),
    (WEEK_HOURS, 0.8),
    (MONTH_HOURS, 0.9),
    (3 * MONTH_HOURS, 1.0),
    (YEAR_HOURS, 0.9),
    (2 * YEAR_HOURS, 0.6),
    (5 * YEAR_HOURS, 0.5),
    (20 * YEAR_HOURS, 0.5),
)
COMPACT_DAY_OF_SURGERY_SHARE = 0.45  # when nothing happens at an hour within it: still wide enough to read
MIN_PARTIAL_SHARE = 0.5
END_MARGIN = 0.10
AXIS_ENDS = tuple(Duration.parse(text) for text in (
    "2 days", "3 days", "1 week", "2 weeks", "1 month", "2 months", "3 months", "6 months", "1 year",
    "18 months", "2 years", "3 years", "5 years", "10 years", "20 years"))
# (time, rank): 1 are landmarks, 2 fill in where there is room; the day of surgery (rank 0) is always labelled.
TICKS = tuple((Duration.parse(text), rank) for text, rank in (
    ("1 hour", 2), ("6 hours", 2), ("12 hours", 2), ("1 day", 1), ("2 days", 2), ("3 days", 2),
    ("1 week", 1), ("2 weeks", 2), ("1 month", 1), ("2 months", 2), ("3 months", 1), ("6 months", 2),
    ("1 year", 1), ("18 months", 2), ("2 years", 1), ("3 years", 2), ("5 years", 1), ("10 years", 2),
    ("20 years", 1)))
OPEN_END_TAIL = 0.08     # how far (in x) an open-ended window's fading tail runs: a drawing, not a time
MIN_REPEAT_GAP = 0.012   # repeats closer than this (in x) would merge into a smear: drop them
# A point whose day is at least this wide (the widened day of surgery) is drawn as the period it is:
# "some time that day", not a moment.
DAY_AS_PERIOD = 0.03
LEGEND_TEXTS = {
    "point": N_("On this day"),
    "window": N_("Expected period"),
    "uncertain": N_("May go on until here"),
    "open": N_("Goes on, no fixed end"),
    "not_before": N_("Not yet: wait until the line"),
    "repeat": N_("Repeats"),
}


# --- the axis --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AxisStretch:
    """One stretch of the axis: hours start_hours..end_hours drawn over x0..x1."""

    start_hours: float
    end_hours: float
    x0: float
    x1: float
    square_root: bool = False  # the day of surgery, so minutes and hours both show

    def x(self, hours: float) -> float:
        fraction = (hours - self.start_hours) / (self.end_hours - self.start_hours)
        if self.square_root:
            fraction = math.sqrt(fraction)
        return self.x0 + fraction * (self.x1 - self.x0)


@dataclass(frozen=True)
class TimeAxis:
    stretches: tuple[AxisStretch, ...]
    end_hours: float

    def x(self, hours: float) -> float:
        """Hours after surgery -> x in [0, 1]; monotonic, clamped to the axis."""
        if hours <= 0:
            return 0.0
        for stretch in self.stretches:
            if hours <= stretch.end_hours:
                return stretch.x(hours)
        return 1.0


def time_axis(latest_hours: float, widen_day_of_surgery: bool) -> TimeAxis:
    needed = latest_hours * (1 + END_MARGIN)
    end = next((choice.hours for choice in AXIS_ENDS if choice.hours >= needed), needed)
    pieces = []  # (start, end, weight)
    start = 0.0
    for index, (stretch_end, share) in enumerate(STRETCH_SHARES):
        if index == 0 and not widen_day_of_surgery:
            share = COMPACT_DAY_OF_SURGERY_SHARE
        stop = min(stretch_end, end)
        if stop < stretch_end:
            share *= max((stop - start) / (stretch_end - start), MIN_PARTIAL_SHARE)
        pieces.append((start, stop, share))
        start = stop
        if start >= end:
            break
    if start < end:  # beyond 20 years: one more stretch; no content goes there today
        pieces.append((start, end, STRETCH_SHARES[-1][1]))
    total = sum(weight for _start, _stop, weight in pieces)
    stretches, x = [], 0.0
    for index, (piece_start, piece_stop, weight) in enumerate(pieces):
        width = weight / total
        stretches.append(AxisStretch(piece_start, piece_stop, x, min(1.0, x + width),
                                     square_root=index == 0 and widen_day_of_surgery))
        x += width
    return TimeAxis(tuple(stretches), end)


@dataclass(frozen=True)
class AxisTick:
    hours: float
    x: float
    label: str
    date_text: str = ""
    rank: int = 1  # 0: the day of surgery, always labelled; 1: landmarks; 2: only where there is room


# --- the items -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TimelineItem:
    """One milestone on its own lane, with everything a renderer draws or writes for it.

    point: x0..x1 is its day (equal for a time in hours); window: x0..x1 is the expected period, and
    a length given as a range adds a lighter part x1..uncertain_x1; an open-ended window has
    x0 == x1 and a fading tail to tail_x1; not_before: the restricted zone is x0 = 0 to the
    boundary x1, where the first allowed day begins."""

    milestone_id: str
    lane: int
    kind: str
    label: str
    detail: str
    source_files: tuple[str, ...]
    x0: float
    x1: float
    uncertain_x1: float | None = None
    open_end: bool = False
    tail_x1: float | None = None
    repeat_text: str = ""
    repeat_xs: tuple[float, ...] = ()  # further occurrences that fit on the axis
    timing_text: str = ""
    date_text: str = ""
    first_date: date | None = None
    last_date: date | None = None

    @property
    def x(self) -> float:
        """Where the item is anchored: a point's centre, a window's start, a restriction's boundary."""
        if self.kind == "point":
            return (self.x0 + self.x1) / 2
        if self.kind == "not_before":
            return self.x1
        return self.x0

    @property
    def drawn_as_period(self) -> bool:
        return self.kind == "window" and not self.open_end or (
            self.kind == "point" and self.x1 - self.x0 >= DAY_AS_PERIOD)

    @property
    def end_x(self) -> float:
        """The right-most x drawn for the item."""
        return max(value for value in (self.x1, self.uncertain_x1, self.tail_x1) if value is not None)


@dataclass(frozen=True)
class LegendEntry:
    kind: str  # point, window, uncertain, open, not_before, repeat
    text: str


@dataclass(frozen=True)
class Timeline:
    language: str
    surgery_date: date | None
    axis: TimeAxis
    ticks: tuple[AxisTick, ...]
    items: tuple[TimelineItem, ...]
    legend: tuple[LegendEntry, ...]
    caption: str


def _is_day(duration: Duration) -> bool:
    """A time in days or longer names a calendar day, not an instant."""
    return duration.unit not in ("minute", "hour")


def _hours(*durations: Duration) -> float:
    return sum(duration.hours for duration in durations)


def _day_end_hours(*durations: Duration) -> float:
    """The end of the period ending at the sum of `durations`: the end of that day for day times."""
    return _hours(*durations) + (DAY_HOURS if _is_day(durations[-1]) else 0.0)


def _latest_hours(milestone: Milestone) -> float:
    if milestone.kind == "point":
        return _day_end_hours(milestone.required("at"))
    if milestone.kind == "not_before":
        return _hours(milestone.required("until"))
    if milestone.end is not None:
        return _day_end_hours(milestone.end)
    if milestone.lasts_high is not None:
        return _day_end_hours(milestone.required("start"), milestone.lasts_high)
    return _hours(milestone.required("start"))


def _has_hours_in_day_of_surgery(milestone: Milestone) -> bool:
    times = [milestone.at, milestone.start, milestone.end, milestone.until]
    return any(time is not None and not _is_day(time) and 0 < time.hours < DAY_HOURS for time in times)


# --- building --------------------------------------------------------------------------------------

def _repeat_positions(milestone: Milestone, axis: TimeAxis) -> tuple[float, ...]:
    """Later occurrences of a repeat that can be shown: within a bounded window, or after a point
    up to the end of the axis. An open-ended repeat has no known last occurrence: none are drawn."""
    every = milestone.every
    if every is None or every.hours <= 0:
        return ()
    if milestone.kind == "point":
        first, last = milestone.required("at").hours, axis.end_hours
    elif milestone.kind == "window" and milestone.end is not None:
        first, last = milestone.required("start").hours, milestone.end.hours
    else:
        return ()
    positions: list[float] = []
    previous = axis.x(first)
    count = 1
    while first + count * every.hours <= last + 1e-9 and count < 1000:
        x = axis.x(first + count * every.hours)
        if x - previous >= MIN_REPEAT_GAP:
            positions.append(x)
            previous = x
        count += 1
    return tuple(positions)


def _item(milestone: ShownMilestone, lane: int, axis: TimeAxis, language: str,
          surgery_date: date | None) -> TimelineItem:
    uncertain_x1 = tail_x1 = None
    open_end = False
    if milestone.kind == "point":
        x0, x1 = axis.x(_hours(milestone.required("at"))), axis.x(_day_end_hours(milestone.required("at")))
    elif milestone.kind == "not_before":
        x0, x1 = 0.0, axis.x(_hours(milestone.required("until")))
    else:
        x0 = axis.x(_hours(milestone.required("start")))
        if milestone.end is not None:
            x1 = axis.x(_day_end_hours(milestone.end))
        elif milestone.lasts_low is not None:
            x1 = axis.x(_day_end_hours(milestone.required("start"), milestone.lasts_low))
            uncertain_x1 = axis.x(_day_end_hours(milestone.required("start"), milestone.required("lasts_high")))
        else:
            x1, open_end = x0, True
            tail_x1 = min(1.0, x0 + OPEN_END_TAIL)
    first = last = None
    dates = ""
    if surgery_date is not None:
        first, last = milestone_dates(milestone, surgery_date)
        dates = date_text(milestone, surgery_date, language)
    return TimelineItem(
        milestone_id=milestone.id, lane=lane, kind=milestone.kind, label=milestone.label,
        detail=milestone.detail, source_files=tuple(milestone.source_files),
        x0=x0, x1=x1, uncertain_x1=uncertain_x1, open_end=open_end, tail_x1=tail_x1,
        repeat_text=repeat_text(milestone.every, language), repeat_xs=_repeat_positions(milestone, axis),
        timing_text=timing_text(milestone, language), date_text=dates, first_date=first, last_date=last,
    )


def _ticks(axis: TimeAxis, widened: bool, language: str, surgery_date: date | None) -> tuple[AxisTick, ...]:
    def tick_date(duration: Duration | None) -> str:
        if surgery_date is None or (duration is not None and not _is_day(duration)):
            return ""  # an hour tick falls on the day of surgery, already dated at 0
        day = surgery_date if duration is None else date_after(surgery_date, duration)
        return format_calendar_date(day, language, with_year=duration is None or day.year != surgery_date.year)

    ticks = [AxisTick(0.0, 0.0, translate(DAY_OF_SURGERY, language), tick_date(None), rank=0)]
    for duration, rank in TICKS:
        if duration.hours > axis.end_hours + 1e-6 or (not widened and not _is_day(duration)):
            continue
        ticks.append(AxisTick(duration.hours, axis.x(duration.hours), format_duration(duration, language),
                              tick_date(duration), rank))
    return tuple(ticks)


def _legend(items: tuple[TimelineItem, ...], language: str) -> tuple[LegendEntry, ...]:
    shown = set()
    for item in items:
        if item.drawn_as_period:
            shown.add("window")
        else:
            shown.add("open" if item.open_end else item.kind)
        if item.uncertain_x1 is not None:
            shown.add("uncertain")
        if item.repeat_text:
            shown.add("repeat")
    return tuple(LegendEntry(kind, translate(text, language)) for kind, text in LEGEND_TEXTS.items()
                 if kind in shown)


def build_timeline(milestones: Sequence[ShownMilestone], language: str, surgery_date: date | None = None) -> Timeline:
    """The timeline of `milestones` (ShownMilestone, in their authored order, one lane each) in the
    patient's `language`; with `surgery_date`, every item and tick also carries calendar dates."""
    milestones = tuple(milestones)
    latest = max((_latest_hours(milestone) for milestone in milestones), default=DAY_HOURS)
    widened = any(_has_hours_in_day_of_surgery(milestone) for milestone in milestones)
    axis = time_axis(latest, widened)
    items = tuple(_item(milestone, lane, axis, language, surgery_date) for lane, milestone in enumerate(milestones))
    return Timeline(
        language=language, surgery_date=surgery_date, axis=axis,
        ticks=_ticks(axis, widened, language, surgery_date), items=items,
        legend=_legend(items, language), caption=translate(CAPTION, language),
    )
