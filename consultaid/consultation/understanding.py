"""The check of understanding (teach-back): questions taken from the pack, and what the patient answered.

No question or answer here states a medical fact of its own. A built question only points at what the pack
already says (a section's key points, an outcome's figures, the list of risks, the recovery milestones), and
its expected answer is those very words and figures, as the patient was shown them; an authored question
(pack.yaml `questions`, its words in each language file) is answered by the items it names. The surgeon asks,
the patient answers in their own words, the surgeon marks "understood" or re-explains (the screen jumps to
the item and back); the record keeps each question asked, its result, and what was explained again.

Figures are worded by the charts layer, which sits above this one, so the builder is handed the function
that words one estimate (`figure_text`). No Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from consultaid.consultation.record_check import WRONG_LIST, WRONG_TEXT, RecordProblem, short
from consultaid.consultation.shown_content import ShownContent, ShownEstimate, ShownOutcome
from consultaid.i18n import N_, _, translate

UNDERSTOOD, RE_EXPLAINED = "understood", "re_explained"
RESULTS = (UNDERSTOOD, RE_EXPLAINED)

# The built questions' words, in the patient's language. Each names an item of the pack; none adds a fact.
SECTION_QUESTION = N_("In your own words: {title}")
FIGURE_QUESTION = N_("Out of 1000 people, how many does this happen to: {label}?")
RISKS_QUESTION = N_("Which risks of the procedure do you remember?")
RECOVERY_QUESTION = N_("How does recovery go after the procedure?")

LABELLED = N_("{label}: {detail}")   # an item's label and its words, with the language's own colon
# How an item of the pack is named in an answer's `about` and in the record: <collection>.<id>.
COLLECTIONS = ("sections", "benefits", "risks", "milestones", "alternatives")

FigureText = Callable[[ShownEstimate, str], str]   # (estimate, language) -> "10–50 in 1000"


@dataclass
class UnderstandingCheck:
    """One question of the check: its words and expected answer as shown, and what happened when asked."""

    id: str                    # "pack.<id>", "section.<id>", "figure.<id>", "risks" or "recovery"
    question: str
    answer: str                # the pack's own words and figures
    about: list[str]           # the pack items the answer comes from, as <collection>.<id>
    result: str | None = None  # UNDERSTOOD or RE_EXPLAINED, None while not asked
    patient_words: str = ""
    re_explained: list[str] = field(default_factory=list)   # items shown again, as <collection>.<id>

    @property
    def asked(self) -> bool:
        return self.result is not None or bool(self.patient_words.strip())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: object, where: str) -> UnderstandingCheck:
        """One check as a record keeps it; a field of the wrong type is refused (RecordProblem), not drawn."""
        if not isinstance(data, dict):
            raise RecordProblem(_(WRONG_TEXT).format(where=where))
        for name in ("id", "question", "answer", "patient_words"):
            if not isinstance(data.get(name, ""), str):
                raise RecordProblem(_(WRONG_TEXT).format(where=f"{where}/{name}"))
        for name in ("about", "re_explained"):
            items = data.get(name, [])
            if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
                raise RecordProblem(_(WRONG_LIST).format(where=f"{where}/{name}"))
        result = data.get("result")
        if result is not None and result not in RESULTS:
            raise RecordProblem(_(WRONG_TEXT).format(where=f"{where}/result"))
        return cls(id=data.get("id", ""), question=data.get("question", ""), answer=data.get("answer", ""),
                   about=list(data.get("about", [])), result=result, patient_words=data.get("patient_words", ""),
                   re_explained=list(data.get("re_explained", [])))


def checks_from_record(items: object) -> list[UnderstandingCheck]:
    if items is None:
        return []   # a record made before the check of understanding existed
    if not isinstance(items, list):
        raise RecordProblem(_(WRONG_LIST).format(where="understanding"))
    return [UnderstandingCheck.from_dict(item, f"understanding/{index}") for index, item in enumerate(items)]


# --- building the questions from the pack -------------------------------------------------------------------

def figures(outcome: ShownOutcome, language: str, figure_text: FigureText) -> str:
    """Every source's figure for an outcome, worded as the chart words it, with the source's title."""
    shown = [estimate for estimate in outcome.estimates if estimate.kind != "not_known"]
    return "; ".join(f"{figure_text(estimate, language)} \u2014 {estimate.source_title}" for estimate in shown)


def item_label(content: ShownContent, ref: str) -> str:
    """The words the patient saw for an item named <collection>.<id> (the ref itself if it is not shown)."""
    collection, _dot, item_id = ref.partition(".")
    for item in _collection(content, collection):
        if item.id == item_id:
            return str(getattr(item, "title", None) or getattr(item, "label", ""))
    return short(ref)


def item_answer(content: ShownContent, ref: str, figure_text: FigureText) -> str:
    """An item's own words as an answer: a section's key points, an outcome's label and figures, a
    milestone's or alternative's label and detail."""
    collection, _dot, item_id = ref.partition(".")
    language = content.language
    for item in _collection(content, collection):
        if item.id != item_id:
            continue
        if collection == "sections":
            return "\n".join(getattr(item, "key_points", ()))
        if isinstance(item, ShownOutcome):
            numbers = figures(item, language, figure_text)
            return translate(LABELLED, language).format(label=item.label, detail=numbers) if numbers else item.label
        detail = str(getattr(item, "detail", ""))
        label = str(getattr(item, "label", ""))
        return translate(LABELLED, language).format(label=label, detail=detail) if detail else label
    return ""


def build_checks(content: ShownContent, figure_text: FigureText) -> list[UnderstandingCheck]:
    """The questions offered for a consultation, in the patient's language: the authors' own first, then
    one per section, the list of risks, one per benefit or risk that has a figure, and recovery."""
    language = content.language

    def words(message: str, **values: str) -> str:
        return translate(message, language).format(**values)

    checks = [UnderstandingCheck(f"pack.{q.id}", q.question,
                                 "\n".join(item_answer(content, ref, figure_text) for ref in q.answers),
                                 list(q.answers))
              for q in content.questions]
    checks += [UnderstandingCheck(f"section.{s.id}", words(SECTION_QUESTION, title=s.title),
                                  "\n".join(s.key_points), [f"sections.{s.id}"])
               for s in content.sections if s.key_points]
    if content.risks:
        checks.append(UnderstandingCheck("risks", words(RISKS_QUESTION),
                                         "; ".join(risk.label for risk in content.risks),
                                         [f"risks.{risk.id}" for risk in content.risks]))
    for outcome in (*content.benefits, *content.risks):
        numbers = figures(outcome, language, figure_text)
        if numbers:
            collection = "benefits" if outcome.kind == "benefit" else "risks"
            checks.append(UnderstandingCheck(f"figure.{outcome.id}", words(FIGURE_QUESTION, label=outcome.label),
                                             numbers, [f"{collection}.{outcome.id}"]))
    if content.milestones:
        checks.append(UnderstandingCheck("recovery", words(RECOVERY_QUESTION),
                                         "; ".join(milestone.label for milestone in content.milestones),
                                         [f"milestones.{milestone.id}" for milestone in content.milestones]))
    return checks


def merged(built: list[UnderstandingCheck], kept: Iterable[UnderstandingCheck]) -> list[UnderstandingCheck]:
    """The offered questions with what a (resumed) record already holds for them, in the offered order; a
    kept question no longer offered stays, at the end (its words are in the record)."""
    kept_by_id = {check.id: check for check in kept}
    result = [kept_by_id.pop(check.id, check) for check in built]
    return result + list(kept_by_id.values())


# --- what the surgeon marks -----------------------------------------------------------------------------------

def mark_understood(check: UnderstandingCheck) -> None:
    check.result = UNDERSTOOD


def mark_re_explained(check: UnderstandingCheck, ref: str) -> None:
    """`ref` was shown again: the result says so until the patient, asked again, has understood."""
    check.result = RE_EXPLAINED
    if ref not in check.re_explained:
        check.re_explained.append(ref)


def result_text(check: UnderstandingCheck, content: ShownContent) -> str:
    """The result in words, in the patient's language (the summary's and the review's wording)."""
    language = content.language
    again = ", ".join(item_label(content, ref) for ref in check.re_explained)
    if check.result == UNDERSTOOD and again:
        return translate(N_("Understood after explaining again: {items}"), language).format(items=again)
    if check.result == UNDERSTOOD:
        return translate(N_("Understood"), language)
    if check.result == RE_EXPLAINED:
        return translate(N_("Explained again: {items}"), language).format(items=again)
    return translate(N_("Not asked"), language)


def _collection(content: ShownContent, collection: str) -> tuple[Any, ...]:
    return {"sections": content.sections, "benefits": content.benefits, "risks": content.risks,
            "milestones": content.milestones, "alternatives": content.alternatives}.get(collection, ())
