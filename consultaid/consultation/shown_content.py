"""The content exactly as the patient is shown it, in one language, with every number filled in.

A consultation keeps this snapshot in its record, so a summary can be rendered years later, from the
record alone, with the words and figures the patient actually saw, whatever the pack has become since.
The risk chart, icon array and timeline geometry all take these objects, on screen and in the PDF.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from consultaid.consultation.record_check import BENEFIT, RISK, check_figures, short
from consultaid.content.durations import Duration
from consultaid.content.model import Milestone, Outcome, ProcedurePack, RiskEstimate, Section
from consultaid.content.wording import render
from consultaid.i18n import _


@dataclass(frozen=True)
class ShownEstimate(RiskEstimate):
    """One source's estimate, with the words that go with it in the patient's language."""

    source_file: str = ""
    source_title: str = ""
    group_text: str = ""
    window_text: str = ""


@dataclass(frozen=True)
class ShownOutcome:
    """A benefit or a risk as shown. `custom` marks a patient-specific risk the surgeon added."""

    id: str
    kind: str  # "benefit" or "risk"
    label: str
    estimates: tuple[ShownEstimate, ...]
    detail: str = ""
    within: str | None = None
    outcome_text: str = ""      # benefits: completes "N in 1000 …"
    no_outcome_text: str = ""   # benefits: completes "N in 1000 …" for those who do not benefit
    custom: bool = False


@dataclass(frozen=True)
class ShownMilestone(Milestone):
    label: str = ""
    detail: str = ""
    source_files: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShownSection:
    id: str
    topic: str
    title: str
    body: str
    key_points: tuple[str, ...]
    illustration: str | None = None


@dataclass(frozen=True)
class ShownItem:
    """An alternative or a surgeon's review note."""

    id: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class ShownQuestion:
    """A question of the check of understanding written by the pack's authors, in the patient's language;
    `answers` names the items (<collection>.<id>) whose words answer it."""

    id: str
    question: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class ShownContent:
    pack_id: str
    pack_version: str
    fingerprint: str
    language: str
    title: str
    summary: str
    sections: tuple[ShownSection, ...]
    benefits: tuple[ShownOutcome, ...]
    risks: tuple[ShownOutcome, ...]
    milestones: tuple[ShownMilestone, ...]
    alternatives: tuple[ShownItem, ...]
    reviews: tuple[ShownItem, ...]
    sources: tuple[ShownItem, ...] = field(default=())  # id = source id, label = title, detail = file name
    questions: tuple[ShownQuestion, ...] = field(default=())   # authored questions (records before: none)

    def to_dict(self) -> dict[str, Any]:
        return {key: _plain(value) for key, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShownContent:
        return cls(
            pack_id=data["pack_id"], pack_version=data["pack_version"], fingerprint=data["fingerprint"],
            language=data["language"], title=data["title"], summary=data["summary"],
            sections=tuple(ShownSection(**{**s, "key_points": tuple(s["key_points"])}) for s in data["sections"]),
            benefits=tuple(outcome_from_dict(o) for o in data["benefits"]),
            risks=tuple(outcome_from_dict(o) for o in data["risks"]),
            milestones=tuple(milestone_from_dict(m) for m in data["milestones"]),
            alternatives=tuple(ShownItem(**a) for a in data["alternatives"]),
            reviews=tuple(ShownItem(**r) for r in data["reviews"]),
            sources=tuple(ShownItem(**s) for s in data.get("sources", [])),
            questions=tuple(ShownQuestion(**{**q, "answers": tuple(q["answers"])}) for q in data.get("questions", [])),
        )


_DURATION_FIELDS = ("at", "start", "end", "lasts_low", "lasts_high", "until", "every")


def _plain(value: object) -> object:
    """Durations as "12 hours" text, tuples as lists: a JSON-ready copy."""
    if isinstance(value, dict):
        if set(value) == {"value", "unit"}:
            return str(Duration(value["value"], value["unit"]))
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def outcome_from_dict(data: dict[str, Any]) -> ShownOutcome:
    """A benefit or risk as a record keeps it. Its figures are checked here, as it is loaded, so a record
    edited to say NaN, -500 or 900–5 in 1000 is refused (RecordProblem) rather than printed."""
    outcome = ShownOutcome(**{**data, "estimates": tuple(ShownEstimate(**e) for e in data["estimates"])})
    where = _(BENEFIT if outcome.kind == "benefit" else RISK).format(id=short(outcome.id))
    for estimate in outcome.estimates:
        check_figures(estimate, where)
    return outcome


def milestone_from_dict(data: dict[str, Any]) -> ShownMilestone:
    values = {**data, "sources": tuple(data["sources"]), "source_files": tuple(data.get("source_files", ()))}
    for name in _DURATION_FIELDS:
        if values.get(name) is not None:
            values[name] = Duration.parse(values[name])
    return ShownMilestone(**values)


def shown_content(pack: ProcedurePack, language: str) -> ShownContent:
    """Snapshot a validated pack in one language."""
    texts = pack.texts[language]
    sources = {source.id: source for source in pack.sources}

    def words(text: str) -> str:
        return render(pack, language, text)

    # Validation gives each benefit, risk, milestone, section and alternative a mapping of texts, and each
    # source and review one text; these say so to the type checker, and fail loudly if a pack did not.
    def mapping(collection: str, item_id: str) -> dict[str, Any]:
        entry = texts.entry(collection, item_id)
        if not isinstance(entry, dict):
            raise ValueError(f"{collection}/{item_id} is not a mapping of texts")
        return entry

    def text(collection: str, item_id: str) -> str:
        entry = texts.entry(collection, item_id)
        if not isinstance(entry, str):
            raise ValueError(f"{collection}/{item_id} is not a text")
        return entry

    def optional(collection: str, key: str | None) -> str:
        return words(texts.data.get(collection, {}).get(key, "")) if key else ""

    def outcome(item: Outcome, kind: str) -> ShownOutcome:
        entry = mapping("benefits" if kind == "benefit" else "risks", item.id)
        estimates = tuple(
            ShownEstimate(
                **{f.name: getattr(estimate, f.name) for f in fields(RiskEstimate)},
                source_file=sources[estimate.source].file,
                source_title=words(text("sources", estimate.source)),
                group_text=optional("groups", estimate.group),
                window_text=optional("windows", estimate.window),
            )
            for estimate in item.estimates
        )
        return ShownOutcome(
            id=item.id, kind=kind, label=words(entry["label"]), estimates=estimates,
            detail=words(entry.get("detail", "")), within=item.within,
            outcome_text=words(entry.get("outcome", "")), no_outcome_text=words(entry.get("no_outcome", "")),
        )

    def milestone(item: Milestone) -> ShownMilestone:
        entry = mapping("milestones", item.id)
        return ShownMilestone(
            **{f.name: getattr(item, f.name) for f in fields(Milestone)},
            label=words(entry["label"]), detail=words(entry.get("detail", "")),
            source_files=tuple(sources[source].file for source in item.sources),
        )

    def section(item: Section) -> ShownSection:
        entry = mapping("sections", item.id)
        return ShownSection(item.id, item.topic, words(entry["title"]), words(entry["body"]),
                            tuple(words(point) for point in entry["key_points"]), item.illustration)

    def labelled(collection: str, item_id: str) -> ShownItem:
        entry = mapping(collection, item_id)
        return ShownItem(item_id, words(entry["label"]), words(entry.get("detail", "")))

    return ShownContent(
        pack_id=pack.id, pack_version=pack.version, fingerprint=pack.fingerprint, language=language,
        title=words(texts.title), summary=words(texts.summary),
        sections=tuple(section(item) for item in pack.sections),
        benefits=tuple(outcome(item, "benefit") for item in pack.benefits),
        risks=tuple(outcome(item, "risk") for item in pack.risks),
        milestones=tuple(milestone(item) for item in pack.milestones),
        alternatives=tuple(labelled("alternatives", item.id) for item in pack.alternatives),
        reviews=tuple(ShownItem(item.id, words(text("reviews", item.id))) for item in pack.reviews),
        sources=tuple(ShownItem(s.id, words(text("sources", s.id)), s.file) for s in pack.sources),
        questions=tuple(ShownQuestion(q.id, words(text("questions", q.id)), q.answers) for q in pack.questions),
    )
