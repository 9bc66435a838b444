"""The procedure pack as the rest of the application sees it, once validated.

Facts (ids, figures, timings, sources) are language-neutral; words come from `PackTexts`, one per language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from consultaid.content.durations import Duration

PER_1000_FACTOR = {"percent": 10.0, "per_1000": 1.0}


@dataclass(frozen=True)
class Source:
    id: str
    file: str
    language: str


@dataclass(frozen=True)
class Section:
    id: str
    topic: str
    sources: tuple[str, ...]
    illustration: str | None = None


@dataclass(frozen=True)
class QuotedValue:
    """A number that texts quote as {name}: a value, or a low–high range, with its unit."""

    name: str
    source: str
    unit: str | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class RiskEstimate:
    """One source's estimate of how often an outcome happens. No figure at all means "not known"."""

    source: str
    unit: str | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    upper: float | None = None
    verbal: str | None = None
    group: str | None = None
    window: str | None = None

    @property
    def kind(self) -> str:
        if self.value is not None:
            return "point"
        if self.low is not None:
            return "range"
        if self.upper is not None:
            return "upper_bound"
        return "not_known"

    def per_1000(self, number: float | None) -> float | None:
        """Convert one of this estimate's figures to the common "N in 1000" denominator."""
        if number is None or self.unit is None:
            return None
        return number * PER_1000_FACTOR[self.unit]


@dataclass(frozen=True)
class Outcome:
    """A benefit or a risk: several sources may estimate it; `within` nests it in another outcome."""

    id: str
    estimates: tuple[RiskEstimate, ...]
    within: str | None = None


@dataclass(frozen=True)
class Milestone:
    """A recovery item relative to the day of surgery: a point, a window, or a "not before" restriction."""

    id: str
    kind: str
    sources: tuple[str, ...]
    at: Duration | None = None
    start: Duration | None = None
    end: Duration | None = None
    lasts_low: Duration | None = None
    lasts_high: Duration | None = None
    until: Duration | None = None
    every: Duration | None = None

    def required(self, name: Literal["at", "start", "end", "lasts_low", "lasts_high", "until"]) -> Duration:
        """A timing this milestone's kind must have (a point its `at`, a window its `start`...): validation
        refuses a pack without it, so a missing one is a bug, named by pack field and never by patient."""
        value = getattr(self, name)
        if not isinstance(value, Duration):
            raise ValueError(f"milestone {self.id!r} has no {name}")
        return value


@dataclass(frozen=True)
class Alternative:
    id: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ReviewFlag:
    """A point the surgeon should check: sources that disagree, or a statement that looks wrong."""

    id: str
    about: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class AuthoredQuestion:
    """A question of the check of understanding written by the pack's authors. Its words are in each
    language file; its answer is the words of the items it names (`answers`, as <collection>.<id>)."""

    id: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class PackTexts:
    """The patient-facing words of a pack in one language, as written in `<language>.yaml`."""

    language: str
    # The language file as parsed YAML; its shape is the schema's (resources/schema), checked before this is built.
    data: dict[str, Any]

    @property
    def title(self) -> str:
        title: str = self.data["title"]
        return title

    @property
    def summary(self) -> str:
        summary: str = self.data["summary"]
        return summary

    def entry(self, collection: str, item_id: str) -> dict[str, Any] | str:
        entry: dict[str, Any] | str = self.data[collection][item_id]
        return entry


@dataclass(frozen=True)
class ProcedurePack:
    id: str
    version: str
    folder: Path
    languages: tuple[str, ...]
    sources: tuple[Source, ...]
    sections: tuple[Section, ...]
    values: dict[str, QuotedValue]
    benefits: tuple[Outcome, ...]
    risks: tuple[Outcome, ...]
    milestones: tuple[Milestone, ...]
    alternatives: tuple[Alternative, ...]
    reviews: tuple[ReviewFlag, ...]
    texts: dict[str, PackTexts] = field(repr=False)
    fingerprint: str = ""
    questions: tuple[AuthoredQuestion, ...] = ()

    def title(self, language: str) -> str:
        return self.texts[language].title

    @property
    def short_fingerprint(self) -> str:
        return self.fingerprint[:12]
