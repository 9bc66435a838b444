"""The words of a benefit's or risk's estimates in the patient's language, without Qt: one place for them.

The consultation model gives each outcome with these words (`consultation.outcomes`), the risk chart
(`charts/risk_chart.py`) writes them beside its bars, and the review and the summary quote them, so the
screen, the patient screen, the review and the PDF cannot word a figure differently.

What the words must honour (design brief, section 3, after IPDASi): one denominator everywhere,
"N in 1000", the number first and a source's verbal word only after it, quoted and attributed.
"""

from __future__ import annotations

from dataclasses import dataclass

from consultaid.consultation.shown_content import ShownEstimate, ShownOutcome
from consultaid.formatting import format_number
from consultaid.i18n import N_, translate

PEOPLE = 1000  # the one denominator

# The source's own word for how often, as the content schema lists them, in plain words.
VERBAL_WORDS = {
    "common": N_("common"),
    "most": N_("most"),
    "majority": N_("the majority"),
    "rare": N_("rare"),
    "extremely_rare": N_("extremely rare"),
    "exceptional": N_("exceptional"),
    "theoretical": N_("theoretical"),
    "possible": N_("possible"),
    "occasional": N_("occasional"),
    "sometimes": N_("sometimes"),
}


def figure(number: float, language: str) -> str:
    """A per-1000 figure as written: 2.3 % is 23 in 1000, not 22.999999999999996 (float noise only)."""
    return format_number(round(number, 6), language)


def estimate_figures(estimate: ShownEstimate) -> tuple[float | None, float | None]:
    """(low, high) in 1000: a point gives (v, v), a range (low, high), an upper bound (None, upper)."""
    kind = estimate.kind
    if kind == "point":
        value = estimate.per_1000(estimate.value)
        return value, value
    if kind == "range":
        return estimate.per_1000(estimate.low), estimate.per_1000(estimate.high)
    if kind == "upper_bound":
        return None, estimate.per_1000(estimate.upper)
    return None, None


def effective_kind(estimate: ShownEstimate) -> str:
    """The estimate's kind, or "not_known" if its figure cannot be put in 1000 (validation forbids that)."""
    low, high = estimate_figures(estimate)
    if estimate.kind == "upper_bound":
        return "upper_bound" if high is not None else "not_known"
    if estimate.kind in ("point", "range"):
        return estimate.kind if low is not None and high is not None else "not_known"
    return "not_known"


def in_1000(number: float, language: str) -> str:
    return translate(N_("{number} in 1000"), language).format(number=figure(number, language))


def range_in_1000(low: float, high: float, language: str) -> str:
    if round(low, 6) == round(high, 6):
        return in_1000(low, language)
    return translate(N_("{low}–{high} in 1000"), language).format(
        low=figure(low, language), high=figure(high, language))


def fewer_than_in_1000(number: float, language: str) -> str:
    return translate(N_("fewer than {number} in 1000"), language).format(number=figure(number, language))


def more_than_in_1000(number: float, language: str) -> str:
    return translate(N_("more than {number} in 1000"), language).format(number=figure(number, language))


def number_text(estimate: ShownEstimate, language: str) -> str:
    """The figure in the one denominator: "10–50 in 1000", "fewer than 10 in 1000", "not known"."""
    # effective_kind says "not_known" whenever a figure its kind needs is missing; the None tests below say
    # the same to the type checker and never decide on their own.
    kind = effective_kind(estimate)
    low, high = estimate_figures(estimate)
    if kind == "point" and low is not None:
        return in_1000(low, language)
    if kind == "range" and low is not None and high is not None:
        return range_in_1000(low, high, language)
    if kind == "upper_bound" and high is not None:
        return fewer_than_in_1000(high, language)
    return translate(N_("not known"), language)


def verbal_text(estimate: ShownEstimate, language: str) -> str:
    """The source's own word, quoted and attributed, so it is never taken for our figure."""
    if not estimate.verbal:
        return ""
    word = translate(VERBAL_WORDS.get(estimate.verbal, estimate.verbal), language)
    return translate(N_("in the source’s words: “{word}”"), language).format(word=word)


def outcome_phrase(number: str, outcome: str, language: str) -> str:
    return translate(N_("{number} {outcome}"), language).format(number=number, outcome=outcome)


def benefit_frames(estimate: ShownEstimate, outcome: ShownOutcome, language: str) -> str:
    """Both frames of a benefit: who gets it and who does not, in the same denominator."""
    kind = effective_kind(estimate)
    low, high = estimate_figures(estimate)
    if kind == "not_known" or high is None:  # a known kind always has its high figure (effective_kind)
        return ""
    gets = outcome.outcome_text or translate(N_("have this benefit"), language)
    misses = outcome.no_outcome_text or translate(N_("do not"), language)
    if kind == "point" and low is not None:
        yes, no = in_1000(low, language), in_1000(PEOPLE - low, language)
    elif kind == "range" and low is not None:
        yes, no = range_in_1000(low, high, language), range_in_1000(PEOPLE - high, PEOPLE - low, language)
    else:
        yes, no = fewer_than_in_1000(high, language), more_than_in_1000(PEOPLE - high, language)
    return translate(N_("{benefit}; {no_benefit}"), language).format(
        benefit=outcome_phrase(yes, gets, language), no_benefit=outcome_phrase(no, misses, language))


def group_text(estimate: ShownEstimate, language: str) -> str:
    group = estimate.group_text or translate(N_("not stated by the source"), language)
    return translate(N_("Who: {group}"), language).format(group=group)


def window_text(estimate: ShownEstimate, language: str) -> str:
    window = estimate.window_text or translate(N_("not stated by the source"), language)
    return translate(N_("When: {window}"), language).format(window=window)


def source_text(estimate: ShownEstimate, language: str) -> str:
    title = estimate.source_title or estimate.source
    if estimate.source_file:
        return translate(N_("Source: {title} ({file})"), language).format(title=title, file=estimate.source_file)
    return translate(N_("Source: {title}"), language).format(title=title)


@dataclass(frozen=True)
class EstimateWords:
    """One source's estimate of one outcome in words, as the chart, review and summary all write it."""

    source: str
    estimate_kind: str      # "point", "range", "upper_bound" or "not_known" (see effective_kind)
    number_text: str        # first, in bold: "10–50 in 1000", "fewer than 10 in 1000", "not known"
    verbal_text: str        # smaller, after the number: 'in the source's words: "rare"'; "" if none
    frames_text: str        # benefits: "980 in 1000 have less pain; 20 in 1000 do not"; "" otherwise
    group_text: str         # "Who: people who have this procedure"
    window_text: str        # "When: …", or explicitly "When: not stated by the source"
    source_text: str        # "Source: <title> (<file>)"


def estimate_words(estimate: ShownEstimate, outcome: ShownOutcome, language: str) -> EstimateWords:
    return EstimateWords(
        source=estimate.source,
        estimate_kind=effective_kind(estimate),
        number_text=number_text(estimate, language),
        verbal_text=verbal_text(estimate, language),
        frames_text=benefit_frames(estimate, outcome, language) if outcome.kind == "benefit" else "",
        group_text=group_text(estimate, language),
        window_text=window_text(estimate, language),
        source_text=source_text(estimate, language),
    )
