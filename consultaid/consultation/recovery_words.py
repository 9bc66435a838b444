"""The recovery milestones in words, in the patient's language, without Qt: when each happens ("1–2 months",
"Not before 3 months"), how often it repeats, and on which calendar dates once the surgery date is known.

The timeline (charts/timeline.py) writes these words beside its marks on screen and in the PDF, and the
calendar file (recovery_dates.to_ics) uses the same ones, so the three cannot say a time differently.
"""

from __future__ import annotations

from datetime import date

from consultaid.consultation.recovery_dates import milestone_dates, uncertain_end_dates
from consultaid.content.durations import Duration
from consultaid.content.model import Milestone
from consultaid.formatting import EN_DASH, LOCALES, format_duration, format_duration_range, format_number
from consultaid.i18n import N_, translate

DATE_FORMAT = "d MMM y"
SHORT_DATE_FORMAT = "d MMM"

DAY_OF_SURGERY = N_("Day of surgery")
WITHIN = N_("Within {end}")
FROM = N_("From {start}")
FROM_DAY_OF_SURGERY = N_("From the day of surgery")
FROM_FOR = N_("From {start}, for {length}")
FROM_DAY_OF_SURGERY_FOR = N_("From the day of surgery, for {length}")
NOT_BEFORE = N_("Not before {time}")
DATE_FROM = N_("From {date}")
DATE_FROM_ENDING = N_("From {start}, ending between {early} and {late}")
CAPTION = N_("Everyone recovers at their own pace. This timeline is a guide, not a promise: "
             "your care team will tell you what applies to you. Times count from the day of surgery.")
EVERY_ONE = {
    "minute": N_("every minute"), "hour": N_("every hour"), "day": N_("every day"),
    "week": N_("every week"), "month": N_("every month"), "year": N_("every year"),
}
EVERY_MANY = {
    "minute": N_("every {count} minutes"), "hour": N_("every {count} hours"), "day": N_("every {count} days"),
    "week": N_("every {count} weeks"), "month": N_("every {count} months"), "year": N_("every {count} years"),
}


def repeat_text(every: Duration | None, language: str) -> str:
    """"every 2 days", "every day"."""
    if every is None:
        return ""
    if every.value == 1:
        return translate(EVERY_ONE[every.unit], language)
    template = translate(EVERY_MANY[every.unit], language).replace("{count} ", "{count}\u00a0")  # never "2 | days"
    return template.format(count=format_number(every.value, language))


def timing_text(milestone: Milestone, language: str) -> str:
    """When, in words: "12 days", "1–2 months", "Not before 3 months", "From 1 month, for 1–3 months"."""
    def words(text: str, **values: str) -> str:
        return translate(text, language).format(**values)

    if milestone.kind == "point":
        if milestone.required("at").value == 0:
            return words(DAY_OF_SURGERY)
        return format_duration(milestone.required("at"), language)
    if milestone.kind == "not_before":
        return words(NOT_BEFORE, time=format_duration(milestone.required("until"), language))
    from_day_of_surgery = milestone.required("start").value == 0
    if milestone.end is not None:
        if from_day_of_surgery:
            return words(WITHIN, end=format_duration(milestone.end, language))
        return format_duration_range(milestone.required("start"), milestone.end, language)
    if milestone.lasts_low is not None:
        length = format_duration_range(milestone.lasts_low, milestone.required("lasts_high"), language)
        if from_day_of_surgery:
            return words(FROM_DAY_OF_SURGERY_FOR, length=length)
        return words(FROM_FOR, start=format_duration(milestone.required("start"), language), length=length)
    if from_day_of_surgery:
        return words(FROM_DAY_OF_SURGERY)
    return words(FROM, start=format_duration(milestone.required("start"), language))


def format_calendar_date(day: date, language: str, with_year: bool = True) -> str:
    """"4 Dec 2026" / "4 déc. 2026"."""
    from babel.dates import format_date  # Babel's locale data loads only when a date is first shown

    return format_date(day, DATE_FORMAT if with_year else SHORT_DATE_FORMAT, locale=LOCALES.get(language, language))


def format_date_range(first: date, last: date, language: str) -> str:
    """"28 Feb – 31 Mar 2027"; one date when both are the same day."""
    if first == last:
        return format_calendar_date(first, language)
    start = format_calendar_date(first, language, with_year=first.year != last.year)
    return f"{start} {EN_DASH} {format_calendar_date(last, language)}"


def date_text(milestone: Milestone, surgery_date: date, language: str) -> str:
    first, last = milestone_dates(milestone, surgery_date)
    if milestone.kind == "point":
        return format_calendar_date(first, language)
    if milestone.kind == "not_before" or last is None:
        return translate(DATE_FROM, language).format(date=format_calendar_date(first, language))
    ends = uncertain_end_dates(milestone, surgery_date)
    if ends is not None:
        early, late = ends
        return translate(DATE_FROM_ENDING, language).format(
            start=format_calendar_date(first, language),
            early=format_calendar_date(early, language, with_year=early.year != late.year),
            late=format_calendar_date(late, language))
    return format_date_range(first, last, language)
