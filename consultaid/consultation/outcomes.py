"""Every benefit and risk of a consultation with its tick, note and estimates, built once by the model.

The risks page, the patient screen, the review and the summary all show the same list: the pack's
benefits and risks, then the risks the surgeon added for this patient, each with whether it was
discussed, the surgeon's note, and its estimates worded in the patient's language. Assembled in four
places, the four had drifted (a patient-specific risk's source was named in the interface language on the
risks page, in other words on the patient screen); `Consultation.outcomes()` gives it once. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from consultaid.consultation.outcome_words import EstimateWords, estimate_words
from consultaid.consultation.shown_content import ShownOutcome
from consultaid.i18n import N_, translate

if TYPE_CHECKING:
    from consultaid.consultation.session import Consultation

# Who gave the figure of a risk the surgeon added for this patient: the source line of its estimate.
SURGEON_SOURCE = N_("the surgeon, for this patient")


@dataclass(frozen=True)
class OutcomeProgress:
    """One benefit or risk as shown to the patient, with its tick and the surgeon's note."""

    outcome: ShownOutcome   # a patient-specific risk as an outcome (`custom`), its note as its detail
    discussed: bool
    note: str
    words: tuple[EstimateWords, ...]  # one per estimate, in the patient's language

    @property
    def id(self) -> str:
        return self.outcome.id

    @property
    def estimate_summary(self) -> str:
        """Every source's figure, number first, as the chart words it: "2–10 in 1000 (Source: …); …"."""
        if len(self.words) > 1:
            return "; ".join(f"{words.number_text} ({words.source_text})" for words in self.words)
        return "; ".join(words.number_text for words in self.words)


@dataclass(frozen=True)
class ConsultationOutcomes:
    """The benefits, the risks and the patient-specific risks, in that order, in the patient's language."""

    language: str
    items: tuple[OutcomeProgress, ...]

    @property
    def shown(self) -> tuple[ShownOutcome, ...]:
        """The outcomes as the risk chart and the icon array take them."""
        return tuple(item.outcome for item in self.items)

    @property
    def discussed(self) -> frozenset[str]:
        return frozenset(item.id for item in self.items if item.discussed)

    @property
    def notes(self) -> dict[str, str]:
        """The surgeon's note per outcome id, where there is one."""
        return {item.id: item.note for item in self.items if item.note}

    def item(self, outcome_id: str) -> OutcomeProgress | None:
        return next((item for item in self.items if item.id == outcome_id), None)


def consultation_outcomes(consultation: Consultation) -> ConsultationOutcomes:
    """What `Consultation.outcomes()` returns; built from the consultation's current ticks and notes."""
    language = consultation.content.language
    source = translate(SURGEON_SOURCE, language)
    items: list[OutcomeProgress] = []
    for outcome in consultation.content.benefits:
        progress = consultation.benefits[outcome.id]
        items.append(_item(outcome, progress.discussed, progress.note, language))
    for outcome in consultation.content.risks:
        progress = consultation.risks[outcome.id]
        items.append(_item(outcome, progress.discussed, progress.note, language))
    for risk in consultation.patient_specific_risks:
        items.append(_item(risk.as_outcome(source), risk.discussed, risk.note, language))
    return ConsultationOutcomes(language, tuple(items))


def _item(outcome: ShownOutcome, discussed: bool, note: str, language: str) -> OutcomeProgress:
    words = tuple(estimate_words(estimate, outcome, language) for estimate in outcome.estimates)
    return OutcomeProgress(outcome, discussed, note, words)
