"""Fills a pack's texts with its language-neutral numbers: `{incision_length}` -> "1 cm"."""

from __future__ import annotations

import re

from consultaid.content.model import Milestone, ProcedurePack, QuotedValue
from consultaid.formatting import format_amount, format_duration, format_duration_range

# {name}, or {milestone.start} / {milestone.end} / {milestone.lasts} for one part of a window.
PLACEHOLDER = re.compile(r"\{([a-z0-9][a-z0-9_-]*(?:\.(?:start|end|lasts))?)\}")


def milestone_timing(milestone: Milestone, language: str, part: str = "") -> str:
    """The bare timing of a milestone, as quoted inside a sentence ("12 days", "1–2 months").

    A window's default is its span, or how long it lasts when only that is known; `part` picks its
    start, end or length instead."""
    if part == "start" and milestone.start is not None:
        return format_duration(milestone.start, language)
    if part == "end" and milestone.end is not None:
        return format_duration(milestone.end, language)
    if part == "lasts" and milestone.lasts_low is not None:
        return format_duration_range(milestone.lasts_low, milestone.required("lasts_high"), language)
    if milestone.kind == "point":
        return format_duration(milestone.required("at"), language)
    if milestone.kind == "not_before":
        return format_duration(milestone.required("until"), language)
    if milestone.end is not None:
        return format_duration_range(milestone.required("start"), milestone.end, language)
    if milestone.lasts_low is not None:
        return format_duration_range(milestone.lasts_low, milestone.required("lasts_high"), language)
    return format_duration(milestone.required("start"), language)


def quoted_value(value: QuotedValue, language: str) -> str:
    if value.value is not None:
        return format_amount(value.value, None, value.unit, language)
    if value.low is None:
        raise ValueError(f"value {value.name!r} has neither a value nor a low figure")  # validation refuses it
    return format_amount(value.low, value.high, value.unit, language)


def render(pack: ProcedurePack, language: str, text: str) -> str:
    milestones = {milestone.id: milestone for milestone in pack.milestones}
    sources = {source.id: source for source in pack.sources}

    def substitute(match: re.Match[str]) -> str:
        name, _dot, part = match.group(1).partition(".")
        if name in pack.values and not part:
            return quoted_value(pack.values[name], language)
        if name in milestones:
            return milestone_timing(milestones[name], language, part)
        if name in sources and not part:
            return sources[name].file
        whole: str = match.group(0)
        return whole  # validation rejects unknown names; never hide text if one slips through

    return PLACEHOLDER.sub(substitute, text)
