"""Fills a pack's texts with its language-neutral numbers: `{incision_length}` -> "1 cm"."""

from __future__ import annotations

import re

from consultaid.content.model import Milestone, ProcedurePack, QuotedValue
from consultaid.formatting import format_amount, format_duration, format_duration_range

PLACEHOLDER = re.compile(r"\{([a-z0-9][a-z0-9_-]*)\}")


def milestone_timing(milestone: Milestone, language: str) -> str:
    """The bare timing of a milestone, as quoted inside a sentence ("12 days", "1–2 months")."""
    if milestone.kind == "point":
        return format_duration(milestone.at, language)
    if milestone.kind == "not_before":
        return format_duration(milestone.until, language)
    if milestone.end is not None:
        return format_duration_range(milestone.start, milestone.end, language)
    if milestone.lasts_low is not None:
        return format_duration_range(milestone.lasts_low, milestone.lasts_high, language)
    return format_duration(milestone.start, language)


def quoted_value(value: QuotedValue, language: str) -> str:
    if value.value is not None:
        return format_amount(value.value, None, value.unit, language)
    return format_amount(value.low, value.high, value.unit, language)


def render(pack: ProcedurePack, language: str, text: str) -> str:
    milestones = {milestone.id: milestone for milestone in pack.milestones}
    sources = {source.id: source for source in pack.sources}

    def substitute(match: re.Match) -> str:
        name = match.group(1)
        if name in pack.values:
            return quoted_value(pack.values[name], language)
        if name in milestones:
            return milestone_timing(milestones[name], language)
        if name in sources:
            return sources[name].file
        return match.group(0)  # validation rejects unknown names; never hide text if one slips through

    return PLACEHOLDER.sub(substitute, text)
