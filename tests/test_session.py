"""The Qt-free consultation: time per step and section, statuses, and a record that round-trips."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from consultaid.consultation.session import (
    DISCUSSED,
    FINALIZED,
    IN_PROGRESS,
    NOT_ALL_DISCUSSED,
    NOT_STARTED,
    RECORD_FORMAT_VERSION,
    Consultation,
    QuestionAnswer,
)
from consultaid.consultation.setup import ConsultationSetup, Interpreter, Patient, Surgeon
from consultaid.consultation.shown_content import shown_content
from consultaid.content.library import load_library
from tests.conftest import CONTENT


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture(scope="module")
def library():
    return load_library(CONTENT)


def make(library, pack_id="vertebroplasty", language="fr", clock=None):
    setup = ConsultationSetup(
        surgeon=Surgeon("Dr Émile Roux", "Chirurgien du rachis", "10001234567", "Clinique du Parc"),
        patient=Patient("Ολυμπία Παπαδοπούλου", date(1950, 3, 12), "IPP-42"),
        procedure_id=pack_id, patient_language=language, side_level="L1", indication="fracture",
        surgery_date=date(2027, 1, 4), interpreter=Interpreter("Eleni K.", "el"))
    return Consultation(setup, shown_content(library.get(pack_id), language), clock=clock or FakeClock(),
                        now=lambda: datetime(2026, 11, 22, 9, 30, tzinfo=UTC))


def test_time_is_banked_per_step_and_per_section(library):
    clock = FakeClock()
    consultation = make(library, clock=clock)
    consultation.focus("procedure", "what_it_is")
    clock.now += 40
    consultation.focus("procedure", "how_it_is_done")
    clock.now += 25
    consultation.focus("benefits_risks")
    clock.now += 60
    consultation.end()
    assert consultation.sections["what_it_is"].seconds == 40
    assert consultation.sections["how_it_is_done"].seconds == 25
    assert consultation.step_seconds["procedure"] == 65
    assert consultation.step_seconds["benefits_risks"] == 60
    assert consultation.ended_at is not None


def test_step_status_follows_the_ticks(library):
    consultation = make(library)
    assert consultation.step_status("procedure") == NOT_STARTED
    consultation.set_discussed("sections", "what_it_is", True)
    assert consultation.step_status("procedure") == IN_PROGRESS
    for section_id in consultation.sections:
        consultation.set_discussed("sections", section_id, True)
    assert consultation.step_status("procedure") == DISCUSSED
    assert "what_it_is" not in consultation.not_discussed()["sections"]
    assert consultation.not_discussed()["risks"] == [risk.id for risk in consultation.content.risks]


def test_review_is_not_discussed_by_being_opened_and_nothing_is_in_progress_once_finalized(library):
    """Issue 17: Review said "discussed" as soon as it was opened, and after finalizing the rail still said
    "in progress"; the model now says so itself, for every view that asks it."""
    consultation = make(library)
    assert consultation.step_status("review") == NOT_STARTED
    consultation.focus("review")
    assert consultation.step_status("review") == IN_PROGRESS
    consultation.set_discussed("sections", "what_it_is", True)
    consultation.finalized_at = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    assert consultation.step_status("review") == FINALIZED
    assert consultation.step_status("procedure") == NOT_ALL_DISCUSSED
    assert consultation.step_status("recovery") == NOT_ALL_DISCUSSED


def test_no_treatment_is_always_an_alternative_in_the_patient_language(library):
    assert make(library, language="fr").other_alternatives[0].label == "Ne pas traiter"
    assert make(library, language="en").other_alternatives[0].label == "No treatment"


def test_the_record_is_json_and_round_trips(library):
    consultation = make(library)
    consultation.focus("procedure", "what_it_is")
    consultation.set_discussed("risks", "cement_leakage", True)
    consultation.set_note("risks", "cement_leakage", "Discussed the lower estimate first.")
    consultation.add_patient_specific_risk("Poor bone quality", unit="percent", low=2, high=4, note="osteoporosis")
    consultation.questions.append(QuestionAnswer("Will it hurt?", "A little, for a few days."))
    consultation.decision = "needs_time"
    record = json.loads(json.dumps(consultation.to_record(), ensure_ascii=False))
    assert record["format_version"] == RECORD_FORMAT_VERSION
    assert record["content"]["fingerprint"] == library.get("vertebroplasty").fingerprint
    assert record["setup"]["patient"]["name"] == "Ολυμπία Παπαδοπούλου"
    again = Consultation.from_record(record)
    assert again.to_record() == record


def test_finalizing_needs_the_surgeon_and_the_patient_or_a_reason(library):
    from consultaid.consultation.ink import InkDrawing, InkPoint, Stroke

    def scribble():
        return InkDrawing([Stroke("#1B2631", 0.006, (InkPoint(0.1, 0.5), InkPoint(0.5, 0.4), InkPoint(0.9, 0.6)))])

    consultation = make(library, language="fr")
    assert len(consultation.finalize_problems()) == 2
    consultation.sign("surgeon", "Dr Émile Roux", scribble())
    assert len(consultation.finalize_problems()) == 1
    consultation.patient_signature_missing_reason = "Signera à la prochaine consultation"
    assert consultation.finalize_problems() == []
    consultation.finalize()
    assert consultation.signatures["surgeon"].meaning == (
        "J’atteste avoir donné ces informations au patient et avoir répondu à ses questions.")
    with pytest.raises(ValueError):
        consultation.sign("patient", "Late", scribble())
    record = json.loads(json.dumps(consultation.to_record()))
    assert record["finalized_at"] and record["signatures"][0]["role"] == "surgeon"
    assert Consultation.from_record(record).to_record() == record
