"""The consultation being run: what was shown, ticked, drawn, asked and decided, and for how long.

Qt-free, so the same object is driven by the screens, serialised into the record, and rendered into the
summary. Time is measured with an injected clock, so tests are exact and the wall clock can jump freely.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, TypedDict, Unpack

from consultaid import __version__
from consultaid.consultation.ink import InkDrawing
from consultaid.consultation.outcomes import ConsultationOutcomes, consultation_outcomes
from consultaid.consultation.setup import ConsultationSetup
from consultaid.consultation.shown_content import ShownContent, ShownEstimate, ShownOutcome
from consultaid.consultation.understanding import UnderstandingCheck, checks_from_record
from consultaid.i18n import N_, translate

RECORD_FORMAT = "consultaid.record"
RECORD_FORMAT_VERSION = 1

STEPS = ("procedure", "benefits_risks", "recovery", "alternatives_questions", "review")
DECISIONS = ("proceed", "needs_time", "declines", "second_opinion")
TEACH_BACK = ("what_it_is", "main_risks", "recovery")
NO_TREATMENT = N_("No treatment")
DECISION_LABELS = {
    "proceed": N_("The patient wishes to go ahead"),
    "needs_time": N_("The patient needs time to think"),
    "declines": N_("The patient declines the procedure"),
    "second_opinion": N_("The patient wants a second opinion"),
}
TEACH_BACK_LABELS = {
    "what_it_is": N_("The patient can say back what the procedure is"),
    "main_risks": N_("The patient can say back the main risks"),
    "recovery": N_("The patient can say back how recovery goes"),
}

NOT_STARTED, IN_PROGRESS, DISCUSSED = "not_started", "in_progress", "discussed"
# Once the summary is finalized nothing is "in progress" any more: a step is discussed or it is not.
NOT_ALL_DISCUSSED, FINALIZED = "not_all_discussed", "finalized"

SIGNER_ROLES = ("patient", "surgeon", "witness", "interpreter")
ROLE_NAMES = {
    "patient": N_("Patient"),
    "surgeon": N_("Surgeon"),
    "witness": N_("Witness"),
    "interpreter": N_("Interpreter"),
}
# What each signature means, shown above the pad and printed beside it. In French practice the
# information document is not a consent form: the patient attests that information was given.
SIGNATURE_MEANINGS = {
    "patient": N_("I confirm that this information was explained to me and that my questions were answered."),
    "surgeon": N_("I confirm that I gave this information to the patient and answered their questions."),
    "witness": N_("I confirm that I was present while this information was given."),
    "interpreter": N_("I confirm that I told the patient this information in their language."),
}


@dataclass
class ItemProgress:
    """One section, risk, benefit, milestone or alternative: ticked as discussed, a note, time spent."""

    discussed: bool = False
    note: str = ""
    seconds: float = 0.0


@dataclass
class PatientSpecificRisk:
    """A risk the surgeon adds for this patient, with its own estimate (in percent or per 1000)."""

    id: str
    label: str
    unit: str | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    upper: float | None = None
    note: str = ""
    discussed: bool = False

    def as_outcome(self, source_title: str) -> ShownOutcome:
        estimate = ShownEstimate(source="surgeon", unit=self.unit, value=self.value, low=self.low,
                                 high=self.high, upper=self.upper, source_title=source_title)
        return ShownOutcome(id=self.id, kind="risk", label=self.label, estimates=(estimate,),
                            detail=self.note, custom=True)


class RiskFields(TypedDict, total=False):
    """The fields of a PatientSpecificRisk besides its id and label, as `add_patient_specific_risk` takes them."""

    unit: str | None
    value: float | None
    low: float | None
    high: float | None
    upper: float | None
    note: str
    discussed: bool


@dataclass
class OtherAlternative:
    """An alternative the surgeon names (no treatment is always one): label, what was said, ticked."""

    id: str
    label: str
    note: str = ""
    discussed: bool = False


@dataclass
class QuestionAnswer:
    question: str
    answer: str = ""


@dataclass
class Signature:
    """A drawn signature with the signer's printed name, role, time, and the meaning they signed."""

    role: str
    name: str
    signed_at: datetime
    meaning: str
    drawing: InkDrawing

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "name": self.name, "signed_at": self.signed_at.isoformat(timespec="seconds"),
                "meaning": self.meaning, "drawing": self.drawing.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Signature:
        return cls(data["role"], data["name"], datetime.fromisoformat(data["signed_at"]), data["meaning"],
                   InkDrawing.from_dict(data["drawing"]))


def _now() -> datetime:
    return datetime.now().astimezone()


class Consultation:
    def __init__(self, setup: ConsultationSetup, content: ShownContent,
                 clock: Callable[[], float] = time.monotonic, now: Callable[[], datetime] = _now):
        self.id = str(uuid.uuid4())
        self.app_version = __version__
        self.setup = setup
        self.content = content
        self._clock = clock
        self._now = now
        self.started_at = now()
        self.ended_at: datetime | None = None
        self.step_seconds = {step: 0.0 for step in STEPS}
        self.visited: set[str] = set()
        self.sections = {section.id: ItemProgress() for section in content.sections}
        self.benefits = {outcome.id: ItemProgress() for outcome in content.benefits}
        self.risks = {outcome.id: ItemProgress() for outcome in content.risks}
        self.milestones = {milestone.id: ItemProgress() for milestone in content.milestones}
        self.alternatives = {item.id: ItemProgress() for item in content.alternatives}
        self.ink: dict[str, InkDrawing] = {}
        self.patient_specific_risks: list[PatientSpecificRisk] = []
        self.other_alternatives = [OtherAlternative("no_treatment", translate(NO_TREATMENT, content.language))]
        self.questions: list[QuestionAnswer] = []
        self.teach_back = {key: False for key in TEACH_BACK}
        # The check of understanding (understanding.py): the questions offered, with what was asked.
        self.understanding: list[UnderstandingCheck] = []
        self.decision: str | None = None
        self.decision_note = ""
        self.notes = ""
        self.signatures: dict[str, Signature] = {}
        self.patient_signature_missing_reason = ""
        self.finalized_at: datetime | None = None
        # The audit chain's latest hash when the summary was made, printed on it: ties paper to log.
        self.audit_hash = ""
        # Whether the summary is (to be) printed in large print (issue 18): None until chosen for this
        # consultation (the Settings default is offered); True or False once finalized.
        self.large_print: bool | None = None
        self._focus: tuple[str, str | None] | None = None
        self._focus_since = clock()

    # --- time ---------------------------------------------------------------------------------
    def focus(self, step: str, section_id: str | None = None) -> None:
        """The screen now shows `step` (and on the procedure step, `section_id`): bank the time so far."""
        if step not in STEPS:
            raise ValueError(f"unknown step {step!r}")
        self._bank_time()
        self._focus = (step, section_id)
        self.visited.add(step)

    def _bank_time(self) -> None:
        now = self._clock()
        if self._focus is not None:
            elapsed = max(0.0, now - self._focus_since)
            step, section_id = self._focus
            self.step_seconds[step] += elapsed
            if section_id in self.sections:
                self.sections[section_id].seconds += elapsed
        self._focus_since = now

    def end(self) -> None:
        """Stop the clocks: the consultation's end time is now."""
        self._bank_time()
        self._focus = None
        self.ended_at = self._now()

    # --- ticks ---------------------------------------------------------------------------------
    def collection(self, name: str) -> dict[str, ItemProgress]:
        return {"sections": self.sections, "benefits": self.benefits, "risks": self.risks,
                "milestones": self.milestones, "alternatives": self.alternatives}[name]

    def set_discussed(self, collection: str, item_id: str, discussed: bool) -> None:
        self.collection(collection)[item_id].discussed = discussed

    def set_note(self, collection: str, item_id: str, note: str) -> None:
        self.collection(collection)[item_id].note = note

    def add_patient_specific_risk(self, label: str, **estimate: Unpack[RiskFields]) -> PatientSpecificRisk:
        risk = PatientSpecificRisk(id=f"patient-{len(self.patient_specific_risks) + 1}", label=label, **estimate)
        self.patient_specific_risks.append(risk)
        return risk

    def add_other_alternative(self, label: str, note: str = "") -> OtherAlternative:
        item = OtherAlternative(id=f"other-{len(self.other_alternatives)}", label=label, note=note)
        self.other_alternatives.append(item)
        return item

    def step_status(self, step: str) -> str:
        """Where a step stands, from its ticks. Review has nothing to tick: opening it is not discussing it,
        so it is "in progress" once seen and "finalized" once the summary is; after finalizing, a step left
        partly ticked is "not all discussed" rather than "in progress"."""
        finalized = self.finalized_at is not None
        if step == "review":
            return FINALIZED if finalized else IN_PROGRESS if step in self.visited else NOT_STARTED
        ticks = {
            "procedure": [item.discussed for item in self.sections.values()],
            "benefits_risks": [item.discussed for item in (*self.benefits.values(), *self.risks.values())]
            + [risk.discussed for risk in self.patient_specific_risks],
            "recovery": [item.discussed for item in self.milestones.values()],
            "alternatives_questions": [item.discussed for item in self.alternatives.values()]
            + [item.discussed for item in self.other_alternatives] + [self.decision is not None],
        }[step]
        if ticks and all(ticks):
            return DISCUSSED
        if finalized:
            return NOT_ALL_DISCUSSED
        return IN_PROGRESS if any(ticks) or step in self.visited else NOT_STARTED

    def not_discussed(self) -> dict[str, list[str]]:
        """Ids left unticked, per collection: the review step highlights them before signing."""
        left = {name: [item_id for item_id, item in self.collection(name).items() if not item.discussed]
                for name in ("sections", "benefits", "risks", "milestones", "alternatives")}
        left["patient_specific_risks"] = [r.id for r in self.patient_specific_risks if not r.discussed]
        left["other_alternatives"] = [a.id for a in self.other_alternatives if not a.discussed]
        return left

    def outcomes(self) -> ConsultationOutcomes:
        """Every benefit and risk (the pack's, then this patient's) with its tick, note and estimates in
        the patient's language: the one list the risks page, patient screen, review and summary show."""
        return consultation_outcomes(self)

    # --- signing -----------------------------------------------------------------------------
    def meaning(self, role: str) -> str:
        """The meaning of a signature, in the patient's language (it is printed on their summary)."""
        return translate(SIGNATURE_MEANINGS[role], self.content.language)

    def sign(self, role: str, name: str, drawing: InkDrawing) -> Signature:
        if self.finalized_at is not None:
            raise ValueError("a finalized consultation cannot be signed again")
        signature = Signature(role, name, self._now(), self.meaning(role), drawing)
        self.signatures[role] = signature
        return signature

    def clear_signature(self, role: str) -> None:
        if self.finalized_at is not None:
            raise ValueError("a finalized consultation keeps its signatures")
        self.signatures.pop(role, None)

    def finalize_problems(self) -> list[str]:
        """Why the summary cannot be finalized yet (empty when it can), in the interface language."""
        from consultaid.i18n import _

        problems = []
        if "surgeon" not in self.signatures:
            problems.append(_("The surgeon must sign."))
        if "patient" not in self.signatures and not self.patient_signature_missing_reason.strip():
            problems.append(_("The patient must sign, or give the reason why they do not sign now."))
        return problems

    def finalize(self) -> None:
        problems = self.finalize_problems()
        if problems:
            raise ValueError(" ".join(problems))
        if self.ended_at is None:
            self.end()
        if self.large_print is None:   # nothing chosen: the finalized record still says which print it is
            self.large_print = False
        self.finalized_at = self._now()

    # --- record ------------------------------------------------------------------------------
    def to_record(self) -> dict[str, Any]:
        """The versioned JSON record (docs/record.md). Banks the running clock first."""
        self._bank_time()

        def progress(items: dict[str, ItemProgress]) -> dict[str, Any]:
            return {item_id: asdict(item) for item_id, item in items.items()}

        return {
            "format": RECORD_FORMAT,
            "format_version": RECORD_FORMAT_VERSION,
            "id": self.id,
            "app_version": self.app_version,
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "ended_at": self.ended_at.isoformat(timespec="seconds") if self.ended_at else None,
            "setup": self.setup.to_dict(),
            "content": self.content.to_dict(),
            "steps": {step: {"seconds": round(self.step_seconds[step], 1), "visited": step in self.visited}
                      for step in STEPS},
            "sections": progress(self.sections),
            "ink": {section_id: drawing.to_dict() for section_id, drawing in self.ink.items()
                    if not drawing.is_empty},
            "benefits": progress(self.benefits),
            "risks": progress(self.risks),
            "patient_specific_risks": [asdict(risk) for risk in self.patient_specific_risks],
            "milestones": progress(self.milestones),
            "alternatives": progress(self.alternatives),
            "other_alternatives": [asdict(item) for item in self.other_alternatives],
            "questions": [asdict(qa) for qa in self.questions],
            "teach_back": dict(self.teach_back),
            "understanding": [check.to_dict() for check in self.understanding if check.asked],
            "decision": {"choice": self.decision, "note": self.decision_note},
            "notes": self.notes,
            "signatures": [self.signatures[role].to_dict() for role in SIGNER_ROLES if role in self.signatures],
            "patient_signature_missing_reason": self.patient_signature_missing_reason,
            "finalized_at": self.finalized_at.isoformat(timespec="seconds") if self.finalized_at else None,
            "audit_hash": self.audit_hash,
            "large_print": self.large_print,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any], clock: Callable[[], float] = time.monotonic) -> Consultation:
        if record.get("format") != RECORD_FORMAT or record.get("format_version") != RECORD_FORMAT_VERSION:
            raise ValueError("not a ConsultAid record of a version this program reads")
        consultation = cls(ConsultationSetup.from_dict(record["setup"]),
                           ShownContent.from_dict(record["content"]), clock=clock)
        consultation.id = record["id"]
        consultation.app_version = record["app_version"]
        consultation.started_at = datetime.fromisoformat(record["started_at"])
        consultation.ended_at = datetime.fromisoformat(record["ended_at"]) if record["ended_at"] else None
        for step, state in record["steps"].items():
            consultation.step_seconds[step] = state["seconds"]
            if state["visited"]:
                consultation.visited.add(step)
        for name in ("sections", "benefits", "risks", "milestones", "alternatives"):
            target = consultation.collection(name)
            for item_id, state in record[name].items():
                target[item_id] = ItemProgress(**state)
        consultation.ink = {key: InkDrawing.from_dict(value) for key, value in record["ink"].items()}
        consultation.patient_specific_risks = [PatientSpecificRisk(**r) for r in record["patient_specific_risks"]]
        consultation.other_alternatives = [OtherAlternative(**a) for a in record["other_alternatives"]]
        consultation.questions = [QuestionAnswer(**qa) for qa in record["questions"]]
        consultation.teach_back = dict(record["teach_back"])
        consultation.understanding = checks_from_record(record.get("understanding"))
        consultation.decision = record["decision"]["choice"]
        consultation.decision_note = record["decision"]["note"]
        consultation.notes = record["notes"]
        consultation.signatures = {s["role"]: Signature.from_dict(s) for s in record.get("signatures", [])}
        consultation.patient_signature_missing_reason = record.get("patient_signature_missing_reason", "")
        finalized = record.get("finalized_at")
        consultation.finalized_at = datetime.fromisoformat(finalized) if finalized else None
        consultation.audit_hash = record.get("audit_hash", "")
        consultation.large_print = record.get("large_print")
        return consultation
