"""What the summary will hold, as a list the review step shows (and the PDF follows). No Qt.

Items carry `discussed` True / False, or None where ticking does not apply (a question, the decision).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from consultaid.consultation.session import DECISION_LABELS, TEACH_BACK_LABELS, Consultation
from consultaid.consultation.understanding import result_text
from consultaid.formatting import format_long_date
from consultaid.i18n import _


@dataclass(frozen=True)
class ReviewItem:
    label: str
    detail: str = ""
    discussed: bool | None = None


@dataclass(frozen=True)
class ReviewSection:
    title: str
    step: str | None
    items: list[ReviewItem] = field(default_factory=list)


def review_items(consultation: Consultation) -> list[ReviewSection]:
    content = consultation.content
    setup = consultation.setup
    language = content.language

    people = [
        ReviewItem(_("Patient"), f"{setup.patient.name}, {format_long_date(setup.patient.date_of_birth, language)}"
                   + (f", {setup.patient.identifier}" if setup.patient.identifier else "")),
        ReviewItem(_("Surgeon"), ", ".join(part for part in (setup.surgeon.name, setup.surgeon.title,
                                                              setup.surgeon.registration_number,
                                                              setup.surgeon.clinic) if part)),
        ReviewItem(_("Procedure"), ", ".join(part for part in (content.title, setup.side_level, setup.indication)
                                             if part)),
        ReviewItem(_("Content"), _("{pack} version {version}, fingerprint {fingerprint}").format(
            pack=content.pack_id, version=content.pack_version, fingerprint=content.fingerprint[:12])),
    ]
    if setup.surgery_date:
        people.append(ReviewItem(_("Planned surgery date"), format_long_date(setup.surgery_date, language)))
    if setup.interpreter:
        people.append(ReviewItem(_("Interpreter"), f"{setup.interpreter.name} ({setup.interpreter.language})"))

    sections = [ReviewItem(s.title, "", consultation.sections[s.id].discussed) for s in content.sections]
    outcomes = [
        ReviewItem(_("Patient-specific: {label}").format(label=o.outcome.label)
                   if o.outcome.custom else o.outcome.label, _join(o.estimate_summary, o.note), o.discussed)
        for o in consultation.outcomes().items
    ]
    milestones = [ReviewItem(m.label, "", consultation.milestones[m.id].discussed) for m in content.milestones]
    alternatives = [ReviewItem(a.label, consultation.alternatives[a.id].note, consultation.alternatives[a.id].discussed)
                    for a in content.alternatives]
    alternatives += [ReviewItem(a.label, a.note, a.discussed) for a in consultation.other_alternatives]
    questions = [ReviewItem(qa.question, qa.answer) for qa in consultation.questions if qa.question or qa.answer]
    decision = [ReviewItem(_("Decision"), _decision_text(consultation.decision), consultation.decision is not None)]
    if consultation.decision_note:
        decision.append(ReviewItem(_("Notes on the decision"), consultation.decision_note))
    teach_back = [ReviewItem(_(TEACH_BACK_LABELS[key]), "", True)
                  for key, done in consultation.teach_back.items() if done]
    notes = [ReviewItem(_("Other notes"), consultation.notes)] if consultation.notes else []
    understanding = [ReviewItem(check.question, _join(result_text(check, content), check.patient_words))
                     for check in consultation.understanding if check.asked]
    return [
        ReviewSection(_("Consultation"), None, people),
        ReviewSection(_("Procedure explained"), "procedure", sections),
        ReviewSection(_("Benefits and risks"), "benefits_risks", outcomes),
        ReviewSection(_("Recovery"), "recovery", milestones),
        ReviewSection(_("Alternatives"), "alternatives_questions", alternatives),
        ReviewSection(_("Questions and answers"), "alternatives_questions", questions),
        *([ReviewSection(_("Check of understanding"), "alternatives_questions", understanding)]
          if understanding else []),
        ReviewSection(_("Decision"), "alternatives_questions", decision + teach_back + notes),
    ]


def _join(*parts: str) -> str:
    return " — ".join(part for part in parts if part)


def _decision_text(choice: str | None) -> str:
    return _(DECISION_LABELS[choice]) if choice else _("not recorded")
