"""Times relative to the day of surgery, written language-neutrally as "12 hours", "1 month"…"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNITS = ("minute", "hour", "day", "week", "month", "year")
# Lengths in hours, for placing items on one axis; calendar dates use real month arithmetic instead.
HOURS_PER_UNIT = {
    "minute": 1 / 60,
    "hour": 1.0,
    "day": 24.0,
    "week": 24.0 * 7,
    "month": 24.0 * 365.25 / 12,
    "year": 24.0 * 365.25,
}
PATTERN = r"^(-?\d+(?:\.\d+)?) (minute|hour|day|week|month|year)s?$"
_PATTERN = re.compile(PATTERN)


@dataclass(frozen=True, order=True)
class Duration:
    value: float
    unit: str

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"not a duration: {text!r}")
        number = float(match.group(1))
        return cls(int(number) if number.is_integer() else number, match.group(2))

    @property
    def hours(self) -> float:
        return self.value * HOURS_PER_UNIT[self.unit]

    def __str__(self) -> str:
        plural = "" if self.value == 1 else "s"
        return f"{self.value} {self.unit}{plural}"
