"""Makes the example consultation records in this folder, and a picture of each summary's first page.

    .venv/bin/python docs/examples/make_examples.py          # records + docs/summary-<pack>-page1.png
    .venv/bin/python docs/examples/make_examples.py --no-png # records only

Each record is a whole consultation run through the real model, as the app runs it: the shown-content
snapshot of a shipped pack, sections, benefits, risks and milestones ticked as discussed, notes, a
risk the surgeon adds for this patient, the patient's questions and the answers, teach-back, a
decision, ink drawn on an illustration, signatures (patient and surgeon; an interpreter for one),
then `finalize()`. Clock, dates and ids are fixed, so running this again gives the same files.

The people, notes and the patient-specific figure are fictional: they show what the summary prints,
they are not medical advice. Every other figure comes from the content pack, and so from its seed.
The records are used by tests/test_summary_pdf.py; `consultaid render` turns any of them into a PDF:

    .venv/bin/consultaid render docs/examples/vertebroplasty-fr.json -o /tmp/summary.pdf
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))

from consultaid.consultation.ink import InkDrawing, InkPoint, Stroke, simplify_stroke  # noqa: E402
from consultaid.consultation.session import Consultation, QuestionAnswer  # noqa: E402
from consultaid.consultation.setup import ConsultationSetup, Interpreter, Patient, Surgeon  # noqa: E402
from consultaid.consultation.shown_content import shown_content  # noqa: E402
from consultaid.content.library import load_library  # noqa: E402

PARIS_WINTER = timezone(timedelta(hours=1))
LONDON_WINTER = UTC
SIGNATURE_PAD_ASPECT = 2.8      # the signing pad's shape (width / height)
ILLUSTRATION_ASPECT = 800 / 600


class Steps:
    """A fake monotonic clock and wall clock that the script moves on by hand."""

    def __init__(self, start: datetime):
        self.wall = start
        self.seconds = 0.0

    def advance(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.seconds += seconds

    def clock(self) -> float:
        return self.seconds

    def now(self) -> datetime:
        return self.wall


# ---- Ink, drawn by a program instead of a hand ---------------------------------------------------------

def _stroke(points, colour="#0072B2", width=0.006, tool="mouse") -> Stroke:
    clamp = [InkPoint(min(1.0, max(0.0, x)), min(1.0, max(0.0, y)), min(1.0, max(0.0, p))) for x, y, p in points]
    return simplify_stroke(Stroke(colour, width, tuple(clamp), tool))


def circle(cx: float, cy: float, rx: float, ry: float, turns: float = 1.08, steps: int = 60) -> Stroke:
    """A hand-drawn ring: slightly more than one turn, a little wobble."""
    points = []
    for i in range(steps + 1):
        angle = -math.pi / 2 + 2 * math.pi * turns * i / steps
        wobble = 1 + 0.04 * math.sin(5 * angle)
        points.append((cx + rx * wobble * math.cos(angle), cy + ry * wobble * math.sin(angle), 0.5))
    return _stroke(points)


def arrow(x0: float, y0: float, x1: float, y1: float, colour: str = "#D55E00") -> list[Stroke]:
    shaft = [(x0 + (x1 - x0) * t / 20, y0 + (y1 - y0) * t / 20 + 0.01 * math.sin(t / 3), 0.5) for t in range(21)]
    angle = math.atan2(y1 - y0, x1 - x0)
    head = []
    for side in (-1, 1):
        a = angle + math.pi + side * 0.45
        head.append([(x1 + 0.05 * math.cos(a), y1 + 0.05 * math.sin(a) * ILLUSTRATION_ASPECT, 0.5), (x1, y1, 0.5)])
    return [_stroke(shaft, colour), _stroke(head[0], colour), _stroke(head[1], colour)]


def signature(seed: int, loops: int = 5) -> InkDrawing:
    """A cursive-looking signature with pen pressure: a capital, a run of loops, a flourish."""
    strokes = []
    capital = [(0.10 + 0.05 * math.sin(t / 6 * math.pi) + 0.002 * seed, 0.70 - 0.5 * t / 12, 0.35 + 0.4 * t / 12)
               for t in range(13)]
    capital += [(0.10 + 0.08 * t / 8, 0.20 + 0.25 * math.sin(t / 8 * math.pi), 0.7 - 0.2 * t / 8) for t in range(9)]
    strokes.append(_stroke(capital, "#1B2631", 0.007, "pen"))
    run = []
    for i in range(loops * 12 + 1):
        t = i / 12
        x = 0.22 + 0.11 * t + 0.03 * math.sin(2 * math.pi * t + seed)
        y = 0.55 - 0.16 * math.sin(2 * math.pi * t) * (0.8 + 0.2 * math.sin(t * 1.7 + seed))
        run.append((x, y, 0.45 + 0.25 * math.sin(2 * math.pi * t + 0.8)))
    strokes.append(_stroke(run, "#1B2631", 0.007, "pen"))
    end_x = run[-1][0]
    flourish = [(0.12 + (end_x - 0.05) * t / 30, 0.80 - 0.06 * math.sin(t / 30 * math.pi), 0.6 - 0.35 * t / 30)
                for t in range(31)]
    strokes.append(_stroke(flourish, "#1B2631", 0.006, "pen"))
    return InkDrawing(strokes, aspect=SIGNATURE_PAD_ASPECT)


# ---- The three consultations ---------------------------------------------------------------------------

def _walk(consultation: Consultation, steps: Steps, skip_sections=(), skip_risks=(), skip_milestones=()) -> None:
    content = consultation.content
    for section in content.sections:
        consultation.focus("procedure", section.id)
        steps.advance(70)
        if section.id not in skip_sections:
            consultation.set_discussed("sections", section.id, True)
    consultation.focus("benefits_risks")
    for outcome in (*content.benefits, *content.risks):
        steps.advance(25)
        collection = "benefits" if outcome.kind == "benefit" else "risks"
        if outcome.id not in skip_risks:
            consultation.set_discussed(collection, outcome.id, True)
    consultation.focus("recovery")
    for milestone in content.milestones:
        steps.advance(15)
        if milestone.id not in skip_milestones:
            consultation.set_discussed("milestones", milestone.id, True)
    consultation.focus("alternatives_questions")
    for item in content.alternatives:
        consultation.set_discussed("alternatives", item.id, True)
    steps.advance(240)


def _sign(consultation: Consultation, steps: Steps, role: str, name: str, seed: int) -> None:
    steps.advance(45)
    consultation.sign(role, name, signature(seed))


def vertebroplasty_fr(library) -> Consultation:
    steps = Steps(datetime(2026, 11, 23, 9, 30, tzinfo=PARIS_WINTER))
    setup = ConsultationSetup(
        surgeon=Surgeon("Dr Émile Roux", "Chirurgien orthopédiste, chirurgie du rachis", "RPPS 10001234567",
                        "Clinique du Parc, Lyon"),
        patient=Patient("Jeanne Dupont-Lefèvre", date(1946, 5, 14), "IPP 0042317"),
        procedure_id="vertebroplasty", patient_language="fr", side_level="L1",
        indication="Fracture tassement ostéoporotique de L1, douloureuse malgré le traitement médical",
        surgery_date=date(2027, 1, 12))
    consultation = Consultation(setup, shown_content(library.get("vertebroplasty"), "fr"), clock=steps.clock,
                                now=steps.now)
    consultation.id = str(uuid.uuid5(uuid.NAMESPACE_URL, "consultaid-example-vertebroplasty-fr"))
    _walk(consultation, steps, skip_sections=("anaesthesia",), skip_risks=("structural_support", "death"))
    consultation.set_note("risks", "cement_leakage",
                          "Le plus souvent sans conséquence ; surveillée sur les images pendant toute l'injection.")
    consultation.set_note("sections", "how_it_is_done", "Abord par les deux côtés (bipédiculaire) prévu.")
    consultation.add_patient_specific_risk(
        "Nouvelle fracture d'une vertèbre voisine, avec votre ostéoporose sévère", unit="percent", low=10, high=20,
        note="Estimation du chirurgien pour vous : ostéoporose sévère, deux fractures déjà.", discussed=True)
    consultation.set_note("alternatives", "usual_medical_treatment",
                          "Antalgiques, repos relatif et corset essayés depuis six semaines, "
                          "sans soulagement suffisant.")
    consultation.other_alternatives[0].note = (
        "Sans intervention, la douleur peut persister plusieurs semaines ou mois et limiter la marche ; "
        "la vertèbre peut continuer à se tasser. Le traitement médical et le suivi restent possibles.")
    consultation.other_alternatives[0].discussed = True
    consultation.questions = [
        QuestionAnswer("Vais-je pouvoir rentrer chez moi le jour même ?",
                       "Le plus souvent oui, ou le lendemain ; quelqu'un devra vous raccompagner."),
        QuestionAnswer("Faut-il arrêter mon anticoagulant ?",
                       "Oui, selon les consignes de l'anesthésiste, que vous recevrez par écrit."),
        QuestionAnswer("Est-ce que le ciment reste toute la vie ?",
                       "Oui, il durcit en quelques minutes et reste en place."),
    ]
    consultation.teach_back.update(what_it_is=True, main_risks=True, recovery=False)
    consultation.decision = "needs_time"
    consultation.decision_note = "Souhaite en parler avec sa fille ; nouveau rendez-vous dans une semaine."
    consultation.notes = "Patiente accompagnée de sa fille. Document remis en main propre."
    consultation.ink["how_it_is_done"] = InkDrawing(
        [circle(0.40, 0.47, 0.12, 0.10), *arrow(0.78, 0.20, 0.52, 0.40)], aspect=ILLUSTRATION_ASPECT)
    consultation.focus("review")
    steps.advance(120)
    consultation.end()
    _sign(consultation, steps, "patient", setup.patient.name, 1)
    _sign(consultation, steps, "surgeon", setup.surgeon.name, 2)
    consultation.finalize()
    return consultation


def endoscopic_en(library) -> Consultation:
    steps = Steps(datetime(2026, 11, 24, 14, 5, tzinfo=LONDON_WINTER))
    setup = ConsultationSetup(
        surgeon=Surgeon("Ms Aisha Rahman", "Consultant spinal surgeon", "GMC 7654321", "Riverside Spine Clinic"),
        patient=Patient("Giorgos Papadopoulos", date(1971, 9, 2), "NHS 943 476 5919"),
        procedure_id="endoscopic-spine-surgery", patient_language="en", side_level="L5–S1, left",
        indication="Left-sided sciatica from a disc herniation, not improving after 10 weeks of physiotherapy",
        surgery_date=date(2027, 2, 3), interpreter=Interpreter("Eleni Karamanli", "Greek"))
    consultation = Consultation(setup, shown_content(library.get("endoscopic-spine-surgery"), "en"),
                                clock=steps.clock, now=steps.now)
    consultation.id = str(uuid.uuid5(uuid.NAMESPACE_URL, "consultaid-example-endoscopic-spine-surgery-en"))
    _walk(consultation, steps, skip_milestones=("stem_cell_review",))
    consultation.set_note("risks", "paresthesia", "Usually settles over the first weeks.")
    consultation.add_patient_specific_risk(
        "The disc herniation coming back at the same level", unit="percent", upper=10,
        note="Surgeon's estimate for you: a large herniation with a wide tear in the disc wall.", discussed=True)
    consultation.add_other_alternative(
        "Continue physiotherapy and pain relief", "Possible; symptoms may settle with time, or may not.")
    consultation.other_alternatives[-1].discussed = True
    consultation.other_alternatives[0].note = (
        "Leg pain may improve on its own over months, or persist; weakness or numbness that gets worse "
        "needs urgent review.")
    consultation.other_alternatives[0].discussed = True
    consultation.questions = [
        QuestionAnswer("How soon can I drive?", "Usually once you can sit comfortably and brake hard; ask at the "
                                                "first check-up."),
        QuestionAnswer("Will I have a big scar?", "No: the opening is about one centimetre."),
    ]
    consultation.teach_back.update(what_it_is=True, main_risks=True, recovery=True)
    consultation.decision = "proceed"
    consultation.notes = "Explanations translated into Greek by the interpreter throughout."
    consultation.ink["what_it_is"] = InkDrawing(
        [circle(0.55, 0.50, 0.10, 0.12), *arrow(0.20, 0.82, 0.45, 0.58, "#1B2631")], aspect=ILLUSTRATION_ASPECT)
    consultation.focus("review")
    steps.advance(90)
    consultation.end()
    _sign(consultation, steps, "patient", setup.patient.name, 3)
    _sign(consultation, steps, "surgeon", setup.surgeon.name, 4)
    _sign(consultation, steps, "interpreter", setup.interpreter.name, 5)
    consultation.finalize()
    return consultation


def cement_en(library) -> Consultation:
    steps = Steps(datetime(2026, 11, 25, 10, 40, tzinfo=LONDON_WINTER))
    setup = ConsultationSetup(
        surgeon=Surgeon("Mr Daniel Okafor", "Consultant orthopaedic spine surgeon", "GMC 1234567",
                        "St Brigid's Hospital, Spine Unit"),
        patient=Patient("Margaret O'Brien", date(1952, 3, 30), "MRN 00-118-204"),
        procedure_id="cement-spine-surgery", patient_language="en", side_level="T11–L1",
        indication="Painful osteoporotic fracture of T12 with loss of height",
        surgery_date=date(2027, 1, 20))
    consultation = Consultation(setup, shown_content(library.get("cement-spine-surgery"), "en"),
                                clock=steps.clock, now=steps.now)
    consultation.id = str(uuid.uuid5(uuid.NAMESPACE_URL, "consultaid-example-cement-spine-surgery-en"))
    _walk(consultation, steps, skip_risks=("pulmonary_embolism",))
    consultation.set_note("risks", "cement_leakage", "Watched on X-ray all the time during the injection.")
    consultation.set_note("milestones", "physiotherapy", "Physiotherapist near home: Mrs O'Brien will arrange it.")
    consultation.other_alternatives[0].note = (
        "Without the operation the pain may last for months and the vertebra may collapse further.")
    consultation.other_alternatives[0].discussed = True
    consultation.questions = [
        QuestionAnswer("Who changes my dressings at home?", "A nurse, every two days, until the stitches come out."),
        QuestionAnswer("When can I go back to my volunteering?", "Usually after one to two months."),
        QuestionAnswer("Can I shower?", "Yes, with the waterproof dressing; no bath until the wound has healed."),
    ]
    consultation.teach_back.update(what_it_is=True, main_risks=False, recovery=True)
    consultation.decision = "proceed"
    consultation.decision_note = "Wants the operation before her grandson's wedding in April."
    consultation.ink["how_it_is_done"] = InkDrawing([circle(0.42, 0.46, 0.14, 0.12)], aspect=ILLUSTRATION_ASPECT)
    consultation.focus("review")
    steps.advance(60)
    consultation.end()
    _sign(consultation, steps, "patient", setup.patient.name, 6)
    _sign(consultation, steps, "surgeon", setup.surgeon.name, 7)
    consultation.finalize()
    return consultation


EXAMPLES = {
    "vertebroplasty-fr.json": ("vertebroplasty", vertebroplasty_fr),
    "endoscopic-spine-surgery-en.json": ("endoscopic-spine-surgery", endoscopic_en),
    "cement-spine-surgery-en.json": ("cement-spine-surgery", cement_en),
}


LARGE_PRINT_PAGE = 12   # the large-print risk chart: ranges, stripes, each source on its own line
PNG_DPI = 90   # the README's pictures: every word readable at their natural size


def first_page_png(record: dict, target: Path, page: int = 1) -> bool:
    """docs/summary-<pack>-page1.png: a page of the summary at PNG_DPI, through poppler's pdftoppm."""
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found (poppler-utils): no picture made", file=sys.stderr)
        return False
    from consultaid.report import render_summary

    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "summary.pdf"
        pdf.write_bytes(render_summary(record))
        subprocess.run(["pdftoppm", "-png", "-r", str(PNG_DPI), "-f", str(page), "-l", str(page), "-singlefile",
                        str(pdf), str(target.with_suffix(""))], check=True)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-png", action="store_true", help="write the records only")
    args = parser.parse_args(argv)
    library = load_library(REPO / "content")
    for file_name, (pack_id, make) in EXAMPLES.items():
        record = make(library).to_record()
        path = HERE / file_name
        path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(REPO)}")
        if not args.no_png:
            png = REPO / "docs" / f"summary-{pack_id}-page1.png"
            if first_page_png(record, png):
                print(f"wrote {png.relative_to(REPO)}")
            if pack_id == "vertebroplasty":   # the README's large-print picture: the risk chart, redrawn
                png = REPO / "docs" / f"summary-{pack_id}-large-print.png"
                if first_page_png({**record, "large_print": True}, png, page=LARGE_PRINT_PAGE):
                    print(f"wrote {png.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
