"""The benefit and risk chart as words and geometry, without Qt, so the screen and the PDF draw the same thing.

What the chart must honour (design brief, section 3, after IPDASi):
- one denominator everywhere, "N in 1000", the number first and a source's verbal word only after it;
- every bar is the whole 1000 people on ONE linear scale shared by all rows: never scaled to the largest;
- a range is solid to its low figure and hatched to its high one; an upper bound is a bracket from 0,
  never a filled area; no figure at all is an explicit "not known";
- each source's estimate is its own sub-row: where sources disagree the disagreement is shown, never averaged;
- small risks get a second, logarithmic position whose ticks are labelled here, so both renderers agree.

Positions are fractions of the bar's width (0 = left end, 1 = right end). Renderers scale them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# The words beside the bars are the model's (consultation/outcome_words.py), so the review and the summary
# quote exactly what the chart writes; the names stay importable from here.
from consultaid.consultation.outcome_words import (
    PEOPLE,
    effective_kind,
    estimate_figures,
    estimate_words,
    figure,
    number_text,
)
from consultaid.consultation.shown_content import ShownEstimate, ShownOutcome
from consultaid.i18n import N_, translate

# How a part of a bar is drawn. Each style differs by pattern, not only by colour.
SOLID = "solid"        # people it happens to (a point, or up to a range's low figure)
HATCHED = "hatched"    # from a range's low figure to its high figure
BRACKET = "bracket"    # "fewer than N": somewhere between 0 and N, outlined, never filled
NOT_KNOWN = "not_known"

KIND_HEADINGS = {"benefit": N_("Benefits"), "risk": N_("Risks")}


@dataclass(frozen=True)
class Tick:
    position: float  # 0–1 along the bar
    label: str       # "" for an unlabelled minor tick


@dataclass(frozen=True)
class BarSegment:
    start: float
    end: float
    style: str  # SOLID, HATCHED or BRACKET


@dataclass(frozen=True)
class LegendEntry:
    style: str  # "track", SOLID, HATCHED, BRACKET, NOT_KNOWN or "parent"
    text: str


@dataclass(frozen=True)
class EstimateBar:
    """One source's estimate of one outcome: its words, and where its bar ends on both scales."""

    source: str
    estimate_kind: str      # "point", "range", "upper_bound" or "not_known" (RiskEstimate.kind)
    number_text: str        # first, in bold: "10–50 in 1000", "fewer than 10 in 1000", "not known"
    verbal_text: str        # smaller, after the number: 'in the source's words: "rare"'; "" if none
    frames_text: str        # benefits: "980 in 1000 have less pain; 20 in 1000 do not"; "" otherwise
    group_text: str         # "Who: people who have this procedure"
    window_text: str        # "When: …", or explicitly "When: not stated by the source"
    source_text: str        # "Source: <title> (<file>)"
    low_per_1000: float | None   # a point's value or a range's low figure
    high_per_1000: float | None  # a point's value, a range's high figure or an upper bound
    solid_end: float             # linear scale; 0 when nothing is solid
    band_end: float | None       # a range's high figure (hatched from solid_end to here)
    bracket_end: float | None    # an upper bound (bracket from 0 to here)
    log_solid_end: float
    log_band_end: float | None
    log_bracket_end: float | None

    @property
    def not_known(self) -> bool:
        return self.estimate_kind == "not_known"

    @property
    def fill_style(self) -> str:
        return {"point": SOLID, "range": HATCHED, "upper_bound": BRACKET}.get(self.estimate_kind, NOT_KNOWN)

    @property
    def number_label(self) -> str:
        """The number text as it starts a line: "Fewer than 10 in 1000", "Not known"."""
        return self.number_text[:1].upper() + self.number_text[1:]

    @property
    def outer_end(self) -> float | None:
        """Where the marked part of the bar ends on the linear scale; None when not known."""
        if self.not_known:
            return None
        return self.band_end if self.band_end is not None else (
            self.bracket_end if self.bracket_end is not None else self.solid_end)

    @property
    def log_outer_end(self) -> float | None:
        if self.not_known:
            return None
        return self.log_band_end if self.log_band_end is not None else (
            self.log_bracket_end if self.log_bracket_end is not None else self.log_solid_end)

    @property
    def segments(self) -> tuple[BarSegment, ...]:
        return _segments(self.solid_end, self.band_end, self.bracket_end)

    @property
    def log_segments(self) -> tuple[BarSegment, ...]:
        return _segments(self.log_solid_end, self.log_band_end, self.log_bracket_end)

    def description(self) -> str:
        """The whole sub-row as one sentence, for screen readers and tooltips."""
        first = self.number_label + (f" ({self.verbal_text})" if self.verbal_text else "")
        parts = [first, self.frames_text, self.group_text, self.window_text, self.source_text]
        return ". ".join(part for part in parts if part) + "."


@dataclass(frozen=True)
class RiskRow:
    """One outcome: its label, and one bar per source. Children follow their parent with depth + 1."""

    outcome_id: str
    kind: str  # "benefit" or "risk"
    depth: int
    label: str
    detail: str
    custom: bool
    custom_text: str           # "Specific to you: added by your surgeon", or ""
    discussed: bool
    parent_id: str | None
    within_text: str           # "Part of: Cement leaking out of the bone", or ""
    parent_extent: float | None       # the parent's outer end, linear scale: drawn around the child's bar
    parent_log_extent: float | None
    sources_differ_text: str   # said when the sources give different figures, or ""
    bars: tuple[EstimateBar, ...]


@dataclass(frozen=True)
class RiskChart:
    language: str
    rows: tuple[RiskRow, ...]
    linear_axis_title: str
    linear_ticks: tuple[Tick, ...]
    log_axis_title: str
    log_axis_note: str  # what a log scale means, in plain words
    log_ticks: tuple[Tick, ...]
    legend: tuple[LegendEntry, ...]

    @property
    def has_figures(self) -> bool:
        """False when no source gives any figure: the close-up has nothing to show."""
        return any(not bar.not_known for row in self.rows for bar in row.bars)

    def row(self, outcome_id: str) -> RiskRow:
        return next(row for row in self.rows if row.outcome_id == outcome_id)

    def heading(self, kind: str) -> str:
        return translate(KIND_HEADINGS[kind], self.language)


def _segments(solid_end: float, band_end: float | None, bracket_end: float | None) -> tuple[BarSegment, ...]:
    parts = []
    if solid_end > 0:
        parts.append(BarSegment(0.0, solid_end, SOLID))
    if band_end is not None and band_end > solid_end:
        parts.append(BarSegment(solid_end, band_end, HATCHED))
    if bracket_end is not None:
        parts.append(BarSegment(0.0, bracket_end, BRACKET))
    return tuple(parts)


# ---- Scales ------------------------------------------------------------------------------------------------

def linear_position(per_1000: float) -> float:
    """Where N in 1000 sits on the common bar: N / 1000 of its width, whatever the other rows hold."""
    return min(max(per_1000 / PEOPLE, 0.0), 1.0)


@dataclass(frozen=True)
class LogScale:
    """Decades from `floor` (1 in 1000, or lower if a figure needs it) up to 1000 in 1000."""

    floor: float = 1.0

    @property
    def decades(self) -> int:
        return round(math.log10(PEOPLE / self.floor))

    def position(self, per_1000: float) -> float:
        if per_1000 <= 0:
            return 0.0
        return min(max(math.log10(per_1000 / self.floor) / self.decades, 0.0), 1.0)

    def ticks(self, language: str) -> tuple[Tick, ...]:
        values = [self.floor * 10 ** step for step in range(self.decades + 1)]
        return tuple(Tick(self.position(value), figure(value, language)) for value in values)


def log_scale_for(estimates: Iterable[ShownEstimate]) -> LogScale:
    """One log scale for the whole chart: it starts at 1 in 1000 unless a smaller figure must fit."""
    smallest = min((number for estimate in estimates for number in estimate_figures(estimate)
                    if number is not None and number > 0), default=1.0)
    return LogScale(min(1.0, 10 ** math.floor(math.log10(smallest))))


def linear_ticks() -> tuple[Tick, ...]:
    """A tick every 100 people, labelled every 200, so a figure can be read off any bar."""
    return tuple(Tick(count / PEOPLE, str(count) if count % 200 == 0 else "") for count in range(0, PEOPLE + 1, 100))


# ---- The chart ---------------------------------------------------------------------------------------------

def estimate_bar(estimate: ShownEstimate, outcome: ShownOutcome, scale: LogScale, language: str) -> EstimateBar:
    kind = effective_kind(estimate)
    low, high = estimate_figures(estimate)
    solid: float | None = None
    band: float | None = None
    bracket: float | None = None
    log_solid: float | None = None
    log_band: float | None = None
    log_bracket: float | None = None
    # The None tests only restate effective_kind's promise (a known kind has its figures) for the type checker.
    if kind in ("point", "range") and low is not None:
        solid, log_solid = linear_position(low), scale.position(low)
    if kind == "range" and high is not None:
        band, log_band = linear_position(high), scale.position(high)
    if kind == "upper_bound" and high is not None:
        bracket, log_bracket = linear_position(high), scale.position(high)
    known = kind != "not_known"
    words = estimate_words(estimate, outcome, language)
    return EstimateBar(
        source=words.source,
        estimate_kind=words.estimate_kind,
        number_text=words.number_text,
        verbal_text=words.verbal_text,
        frames_text=words.frames_text,
        group_text=words.group_text,
        window_text=words.window_text,
        source_text=words.source_text,
        low_per_1000=low if known else None,
        high_per_1000=high if known else None,
        solid_end=solid or 0.0, band_end=band, bracket_end=bracket,
        log_solid_end=log_solid or 0.0, log_band_end=log_band, log_bracket_end=log_bracket,
    )


def display_order(outcomes: Sequence[ShownOutcome]) -> list[tuple[ShownOutcome, int]]:
    """Outcomes in their given order, each nested outcome right after its parent, with its depth."""
    by_id = {outcome.id: outcome for outcome in outcomes}
    children: dict[str, list[ShownOutcome]] = {}
    roots = []
    for outcome in outcomes:
        if outcome.within and outcome.within in by_id and outcome.within != outcome.id:
            children.setdefault(outcome.within, []).append(outcome)
        else:
            roots.append(outcome)
    ordered: list[tuple[ShownOutcome, int]] = []
    placed: set[str] = set()

    def place(outcome: ShownOutcome, depth: int) -> None:
        if outcome.id in placed:
            return
        placed.add(outcome.id)
        ordered.append((outcome, depth))
        for child in children.get(outcome.id, ()):
            place(child, depth + 1)

    for outcome in roots:
        place(outcome, 0)
    for outcome in outcomes:  # a "within" cycle has no root: show it rather than drop it
        place(outcome, 0)
    return ordered


def sources_differ(estimates: Sequence[ShownEstimate]) -> bool:
    """True when at least one source gives a figure and another gives a different one (or none)."""
    signatures = {(effective_kind(estimate), *estimate_figures(estimate)) for estimate in estimates}
    return len(signatures) > 1 and any(kind != "not_known" for kind, _low, _high in signatures)


def legend(rows: Sequence[RiskRow], language: str) -> tuple[LegendEntry, ...]:
    """Only the styles this chart uses, after the one that is always there: the whole 1000."""
    used = {bar.fill_style for row in rows for bar in row.bars}
    if any(bar.estimate_kind == "range" and bar.solid_end > 0 for row in rows for bar in row.bars):
        used.add(SOLID)
    entries = [LegendEntry("track", translate(N_("The whole bar is 1000 people"), language))]
    wording = {
        SOLID: N_("Filled: the people it happens to"),
        HATCHED: N_("Striped: a range; the number is somewhere up to the end of the stripes"),
        BRACKET: N_("Bracket: fewer than this many; the exact number is not given"),
        NOT_KNOWN: N_("Empty dashed bar: no figure is known"),
    }
    entries += [LegendEntry(style, translate(text, language)) for style, text in wording.items() if style in used]
    if any(row.parent_extent is not None for row in rows):
        entries.append(LegendEntry("parent", translate(N_("Dotted frame: the larger outcome this one is part of"),
                                                        language)))
    return tuple(entries)


def build_chart(outcomes: Sequence[ShownOutcome], language: str, discussed: Iterable[str] = frozenset()) -> RiskChart:
    """The chart for these outcomes in the patient's `language`, in display order."""
    discussed = set(discussed)
    scale = log_scale_for(estimate for outcome in outcomes for estimate in outcome.estimates)
    bars_by_id: dict[str, tuple[EstimateBar, ...]] = {}
    labels = {outcome.id: outcome.label for outcome in outcomes}
    rows = []
    for outcome, depth in display_order(outcomes):
        bars = tuple(estimate_bar(estimate, outcome, scale, language) for estimate in outcome.estimates)
        bars_by_id[outcome.id] = bars
        parent_id = outcome.within if depth > 0 else None
        parent_bars = bars_by_id.get(parent_id, ()) if parent_id else ()
        extents = [bar.outer_end for bar in parent_bars if bar.outer_end is not None]
        log_extents = [bar.log_outer_end for bar in parent_bars if bar.log_outer_end is not None]
        rows.append(RiskRow(
            outcome_id=outcome.id, kind=outcome.kind, depth=depth, label=outcome.label, detail=outcome.detail,
            custom=outcome.custom,
            custom_text=translate(N_("Specific to you: added by your surgeon"), language) if outcome.custom else "",
            discussed=outcome.id in discussed,
            parent_id=parent_id,
            within_text=translate(N_("Part of: {parent}"), language).format(parent=labels[parent_id])
            if parent_id else "",
            parent_extent=max(extents) if extents else None,
            parent_log_extent=max(log_extents) if log_extents else None,
            sources_differ_text=translate(N_("The sources give different figures. Each one is shown."), language)
            if sources_differ(outcome.estimates) else "",
            bars=bars,
        ))
    return RiskChart(
        language=language,
        rows=tuple(rows),
        linear_axis_title=translate(N_("Out of 1000 people"), language),
        linear_ticks=linear_ticks(),
        log_axis_title=translate(N_("Close-up of small numbers"), language),
        log_axis_note=translate(N_("log scale: each step is 10 times more"), language),
        log_ticks=scale.ticks(language),
        legend=legend(rows, language),
    )


__all__ = [
    "BRACKET", "BarSegment", "EstimateBar", "HATCHED", "LegendEntry", "LogScale", "NOT_KNOWN", "PEOPLE",
    "RiskChart", "RiskRow", "SOLID", "Tick", "build_chart", "display_order", "estimate_figures", "number_text",
]
