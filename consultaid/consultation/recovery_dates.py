"""Calendar dates of recovery milestones from a planned surgery date, and their iCalendar (.ics) export.

Qt-free: the timeline on screen, the summary PDF and the calendar file all take their dates from here,
so they always agree.

Why calendar arithmetic and not hours: "1 month" after 31 January is 28 (or 29) February, not
2 March, which is what 730 hours would give. Months and years add calendar months, clamping the day
to the end of a shorter month; days and weeks add days; minutes and hours count from the surgery and
fall on the day of surgery until they reach 24 hours.

Which days a milestone gives (`milestone_dates`):
- point: (the day, None);
- window with an end: (first day, last day), both inclusive;
- window with an uncertain length (lasts 1–3 months): (first day, latest possible last day); the
  earliest possible last day comes from `uncertain_end_dates`;
- open-ended window (a start only): (first day, None);
- "not before" restriction: (first day it is allowed, None).
"""

from __future__ import annotations

import calendar
import hashlib
import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from consultaid import __version__
from consultaid.content.durations import HOURS_PER_UNIT, Duration
from consultaid.i18n import N_, translate

if TYPE_CHECKING:
    from consultaid.consultation.shown_content import ShownMilestone
    from consultaid.content.model import Milestone

CALENDAR_UNITS = {"month": 1, "year": 12}  # months in one of these units


class DateOutOfRange(ValueError):
    """A milestone's date would fall after 31 December 9999 (Python's last date): for example a surgery
    date of 31/12/9999 in a hand-edited record. Callers report it; they never print a nonsense date."""


def add_months(day: date, months: int) -> date:
    """`day` plus whole calendar months, the day of month clamped: 31 Jan + 1 month = 28/29 Feb."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def date_after(surgery_date: date, *durations: Duration) -> date:
    """The calendar day reached after the sum of `durations` (start + length, for example).

    Whole months and years are summed first and added as calendar months, so "1 month, then lasting
    1 month" from 31 January ends on 31 March (two months), not on 28 March."""
    months = 0
    hours = 0.0
    for duration in durations:
        if duration.unit in CALENDAR_UNITS:
            whole = math.floor(duration.value)
            months += whole * CALENDAR_UNITS[duration.unit]
            hours += (duration.value - whole) * HOURS_PER_UNIT[duration.unit]
        else:
            hours += duration.hours
    # The small tolerance keeps 24.0 hours from becoming 23.999… in floating point.
    try:
        return add_months(surgery_date, months) + timedelta(days=math.floor(hours / 24 + 1e-9))
    except (ValueError, OverflowError) as error:   # past year 9999, or a length no timedelta holds
        raise DateOutOfRange(f"{surgery_date.isoformat()} plus {', '.join(map(str, durations))} is past the "
                             "last date the calendar can hold") from error


def milestone_dates(milestone: Milestone, surgery_date: date) -> tuple[date, date | None]:
    """(first, last) calendar days of a milestone; see the module docstring for each kind."""
    if milestone.kind == "point":
        return date_after(surgery_date, milestone.required("at")), None
    if milestone.kind == "not_before":
        return date_after(surgery_date, milestone.required("until")), None
    first = date_after(surgery_date, milestone.required("start"))
    if milestone.end is not None:
        return first, date_after(surgery_date, milestone.end)
    if milestone.lasts_high is not None:
        return first, date_after(surgery_date, milestone.required("start"), milestone.lasts_high)
    return first, None


def uncertain_end_dates(milestone: Milestone, surgery_date: date) -> tuple[date, date] | None:
    """Earliest and latest last day of a window whose length is a range (lasts 1–3 months), else None."""
    if milestone.kind != "window" or milestone.end is not None or milestone.lasts_low is None:
        return None
    return (date_after(surgery_date, milestone.required("start"), milestone.lasts_low),
            date_after(surgery_date, milestone.required("start"), milestone.required("lasts_high")))


# ---------------------------------------------------------------------------------------------------
# iCalendar (RFC 5545). Written by hand: a few dozen lines, and no new dependency to package.

FROM_TODAY = N_("From today: {label}")
MAX_LINE_OCTETS = 75
# Only these repeats become an RRULE: a day count is the same on every calendar.
RRULE_FREQUENCY = {"day": "DAILY", "week": "WEEKLY"}


def escape_text(text: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma and newline escaped; other control characters dropped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return "".join(char for char in text if char == "\t" or ord(char) >= 32 and ord(char) != 127)


def fold_line(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets (continuations start with one space).

    Never splits a UTF-8 character: an accented letter is two octets, and a calendar that reads a
    half character shows garbage."""
    pieces: list[str] = []
    current, size = "", 0
    limit = MAX_LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            pieces.append(current)
            current, size = " ", 1
        current += char
        size += octets
    pieces.append(current)
    return "\r\n".join(pieces)


def _ics_date(day: date) -> str:
    return day.strftime("%Y%m%d")


def event_uid(uid_seed: str, milestone_id: str) -> str:
    """The same seed and milestone always give the same UID, so importing the file again updates
    the events instead of duplicating them."""
    digest = hashlib.sha256(f"{uid_seed}\x1f{milestone_id}".encode()).hexdigest()[:32]
    return f"{digest}@consultaid"


def _repeat_rule(milestone: Milestone, surgery_date: date) -> str | None:
    """An RRULE only when the repeat is bounded (a window with an end) and counts in days or weeks;
    an open-ended or monthly repeat is said in the description instead of filling a calendar forever."""
    every = milestone.every
    if (every is None or milestone.kind != "window" or milestone.end is None
            or every.unit not in RRULE_FREQUENCY or not float(every.value).is_integer() or every.value < 1):
        return None
    _first, last = milestone_dates(milestone, surgery_date)
    if last is None:  # a window with an end has a last day; said again for the type checker
        return None
    return f"FREQ={RRULE_FREQUENCY[every.unit]};INTERVAL={int(every.value)};UNTIL={_ics_date(last)}"


def to_ics(milestones: Sequence[ShownMilestone], surgery_date: date, language: str, title_prefix: str = "",
           uid_seed: str = "", stamp: datetime | None = None) -> str:
    """A VCALENDAR with one all-day VEVENT per milestone, in the patient's language, CRLF line endings.

    `title_prefix` starts every event's summary (for example the procedure's name); `uid_seed` (for
    example the consultation id) keeps the UIDs stable; `stamp` is the DTSTAMP (default: now, UTC).
    The file holds nothing about the patient beyond what the caller passes."""
    # The same words as the timeline on screen and in the PDF (imported here: they import this module).
    from consultaid.consultation.recovery_words import CAPTION, date_text, repeat_text, timing_text

    caption = translate(CAPTION, language)
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//ConsultAid//ConsultAid {__version__}//{language.upper()}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for milestone in milestones:
        first, last = milestone_dates(milestone, surgery_date)
        rule = _repeat_rule(milestone, surgery_date)
        # DTEND is exclusive for all-day events: a window's last day is included by ending the day after.
        end = (last if last is not None and rule is None else first) + timedelta(days=1)
        summary = milestone.label
        if milestone.kind == "not_before":
            summary = translate(FROM_TODAY, language).format(label=milestone.label)
        repeats = repeat_text(milestone.every, language)
        timing = timing_text(milestone, language) + (f" \u00b7 {repeats}" if repeats else "")
        dates = date_text(milestone, surgery_date, language)
        description = "\n".join(part for part in (milestone.detail, timing, dates, caption) if part)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event_uid(uid_seed, milestone.id)}",
            f"DTSTAMP:{stamp.strftime('%Y%m%dT%H%M%SZ')}",
            f"DTSTART;VALUE=DATE:{_ics_date(first)}",
            f"DTEND;VALUE=DATE:{_ics_date(end)}",
        ]
        if rule:
            lines.append(f"RRULE:{rule}")
        lines += [
            f"SUMMARY;LANGUAGE={language}:{escape_text(title_prefix + summary)}",
            f"DESCRIPTION;LANGUAGE={language}:{escape_text(description)}",
            "TRANSP:TRANSPARENT",  # a reminder, not a busy slot
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)
