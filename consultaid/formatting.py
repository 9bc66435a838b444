"""Numbers, ranges and times in words, per language. Qt-free: the screen and the PDF say the same thing."""

from __future__ import annotations

from datetime import date, datetime

from consultaid.content.durations import Duration
from consultaid.i18n import N_, translate

EN_DASH = "\u2013"
# Day-first English, as the clinics we serve write dates (the start form reads DD/MM/YYYY too).
LOCALES = {"en": "en_GB", "fr": "fr_FR"}

# (singular, plural) per unit, translated through the catalogue.
UNIT_WORDS = {
    "minute": (N_("minute"), N_("minutes")),
    "hour": (N_("hour"), N_("hours")),
    "day": (N_("day"), N_("days")),
    "week": (N_("week"), N_("weeks")),
    "month": (N_("month"), N_("months")),
    "year": (N_("year"), N_("years")),
    "session": (N_("session"), N_("sessions")),
    "cm": (N_("cm"), N_("cm")),
    "percent": ("%", "%"),
}


def format_number(number: float, language: str) -> str:
    if float(number).is_integer():
        return str(int(number))
    text = f"{number:g}"
    return text.replace(".", ",") if language == "fr" else text


def unit_word(unit: str, amount: float, language: str) -> str:
    singular, plural = UNIT_WORDS[unit]
    # French uses the singular below 2 (« 1,5 heure »); English only for exactly 1.
    use_singular = amount < 2 if language == "fr" else amount == 1
    return translate(singular if use_singular else plural, language)


def format_amount(low: float, high: float | None, unit: str | None, language: str) -> str:
    """`8–10 minutes`, `1 cm`, `2–3`: a figure or a range, then its unit."""
    number = format_number(low, language)
    if high is not None and high != low:
        number += EN_DASH + format_number(high, language)
    if unit is None:
        return number
    if unit == "percent":
        return number + ("\u00a0%" if language == "fr" else "%")
    return f"{number}\u00a0{unit_word(unit, high if high is not None else low, language)}"


def format_duration(duration: Duration, language: str) -> str:
    return format_amount(duration.value, None, duration.unit, language)


def format_duration_range(low: Duration, high: Duration, language: str) -> str:
    if low.unit == high.unit:
        return format_amount(low.value, high.value, low.unit, language)
    return format_duration(low, language) + EN_DASH + format_duration(high, language)


def format_long_date(value: date, language: str) -> str:
    """"12 March 2027" / "12 mars 2027"."""
    from babel.dates import format_date  # Babel's CLDR data loads only when a date is first shown

    return format_date(value, format="long", locale=LOCALES[language])


def format_short_date(iso: str, language: str) -> str:
    """An ISO date (or the date of a timestamp) as the clinic writes it: "12/03/2027" in both languages
    (CLDR's short form for en_GB and fr_FR, the form the date fields read). Text that is not a date is
    shown as it is rather than hidden."""
    from babel.dates import format_date

    try:
        return format_date(date.fromisoformat(iso[:10]), format="short", locale=LOCALES[language])
    except ValueError:
        return iso


def format_short_moment(iso: str, language: str) -> tuple[str, str]:
    """(date, time) of an ISO timestamp, in the local time it was stored in: ("12/03/2027", "14:05")."""
    from babel.dates import format_time

    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso, ""
    return format_short_date(iso, language), format_time(moment, format="HH:mm", locale=LOCALES[language])
