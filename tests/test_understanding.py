"""The check of understanding: questions built from the pack (and authored in it), the surgeon's marks on
step 4 with a jump to the item re-explained and back, the record, and the printed summary."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt

from consultaid.charts.risk_chart import number_text
from consultaid.consultation.record_check import RecordProblem
from consultaid.consultation.shown_content import shown_content
from consultaid.consultation.understanding import RE_EXPLAINED, UNDERSTOOD, build_checks
from consultaid.content.library import load_library, load_pack
from tests.conftest import CONTENT, REPO
from tests.test_consultation_flow import (
    choose_procedure,
    fill_start_form,
    sign_and_finalize,
    walk_alternatives_step,
)

MINIMAL = REPO / "tests" / "content_cases" / "minimal"


def vertebroplasty(language: str):
    return shown_content(load_library(CONTENT).get("vertebroplasty"), language)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_built_questions_take_their_answers_from_the_pack(language):
    content = vertebroplasty(language)
    checks = {check.id: check for check in build_checks(content, number_text)}
    # One per section, answered by that section's own key points.
    for section in content.sections:
        check = checks[f"section.{section.id}"]
        assert section.title in check.question and check.answer == "\n".join(section.key_points)
        assert check.about == [f"sections.{section.id}"]
    # The figure question of cement leakage is answered by the pack's own estimates, as the chart words them.
    leakage = next(risk for risk in content.risks if risk.id == "cement_leakage")
    figure = checks["figure.cement_leakage"]
    assert leakage.label in figure.question and "1000" in figure.question
    for estimate in leakage.estimates:
        if estimate.kind != "not_known":
            assert f"{number_text(estimate, language)} \u2014 {estimate.source_title}" in figure.answer
    # No figure question for a risk the pack gives no figure for.
    assert "figure.haematoma" not in checks
    assert checks["risks"].answer.split("; ") == [risk.label for risk in content.risks]
    assert checks["recovery"].answer.split("; ") == [milestone.label for milestone in content.milestones]


def test_an_authored_question_is_answered_by_the_items_it_names(tmp_path):
    folder = tmp_path / "test-procedure"
    shutil.copytree(MINIMAL, folder)
    with open(folder / "pack.yaml", "a", encoding="utf-8") as handle:
        handle.write("\nquestions:\n  - id: wound_and_infection\n    answers: [sections.what_it_is, risks.infection]\n")
    for language, words in (("en", "What do you remember about the wound and about infection?"),
                            ("fr", "Que retenez-vous de la plaie et de l’infection ?")):
        with open(folder / f"{language}.yaml", "a", encoding="utf-8") as handle:
            handle.write(f'\nquestions:\n  wound_and_infection: "{words}"\n')
    pack, check = load_pack(folder)
    assert pack is not None, check.problems
    content = shown_content(pack, "fr")
    [authored, *_built] = build_checks(content, number_text)
    assert authored.id == "pack.wound_and_infection"
    assert authored.question == "Que retenez-vous de la plaie et de l’infection ?"
    assert authored.about == ["sections.what_it_is", "risks.infection"]
    section = content.sections[0]
    infection = next(risk for risk in content.risks if risk.id == "infection")
    estimate = infection.estimates[0]
    figure = f"{infection.label} : {number_text(estimate, 'fr')} \u2014 {estimate.source_title}"   # French colon
    assert authored.answer.split("\n") == [*section.key_points, figure]
    # The question is part of the record's content snapshot, and comes back from it.
    from consultaid.consultation.shown_content import ShownContent

    assert ShownContent.from_dict(content.to_dict()).questions == content.questions


def test_a_record_with_a_wrong_check_is_refused():
    import json

    from consultaid.report import RecordError, render_summary

    record = json.loads((REPO / "docs" / "examples" / "vertebroplasty-fr.json").read_text(encoding="utf-8"))
    record["understanding"] = [{"id": "risks", "question": "q", "answer": "a", "about": [], "result": "maybe",
                                "patient_words": "", "re_explained": []}]
    with pytest.raises((RecordProblem, RecordError)):
        render_summary(record)


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_surgeon_checks_understanding_and_re_explains_one_risk(main, qtbot, tmp_path, language):
    choose_procedure(main, qtbot, "vertebroplasty")
    qtbot.mouseClick(main.start_button, Qt.MouseButton.LeftButton)
    fill_start_form(main.start_dialog, qtbot, language)
    view = main.consultation_view
    walk_alternatives_step(view, qtbot)
    box = view.page_for["alternatives_questions"].understanding_box

    # The patient says back what the procedure is: understood.
    first = box.rows["section.what_it_is"]
    qtbot.keyClicks(first.words, "Cement goes into the bone through a needle")
    qtbot.mouseClick(first.understood, Qt.MouseButton.LeftButton)
    assert first.result.isVisible()

    # The figure of cement leakage is not right: re-explain it. The risks step shows that row, then back.
    leak = box.rows["figure.cement_leakage"]
    qtbot.keyClicks(leak.words, "Almost never?")
    qtbot.mouseClick(leak.re_explain, Qt.MouseButton.LeftButton)
    assert view.current == "benefits_risks"
    assert view.page_for["benefits_risks"].chart.selected_id() == "cement_leakage"
    assert view.back_to_check.isVisible()
    qtbot.mouseClick(view.back_to_check, Qt.MouseButton.LeftButton)
    assert view.current == "alternatives_questions" and not view.back_to_check.isVisible()
    assert leak.check.result == RE_EXPLAINED and leak.check.re_explained == ["risks.cement_leakage"]

    # A section re-explained jumps to that section.
    stay = box.rows["section.hospital_stay"]
    qtbot.mouseClick(stay.re_explain, Qt.MouseButton.LeftButton)
    assert view.current == "procedure" and view.page_for["procedure"].current_section_id() == "hospital_stay"
    qtbot.mouseClick(view.back_to_check, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(stay.understood, Qt.MouseButton.LeftButton)

    view.go_to("review")
    review = view.page_for["review"].view.toPlainText()
    pdf = sign_and_finalize(view, qtbot, tmp_path / "summary.pdf")
    record = view.consultation.to_record()
    kept = {check["id"]: check for check in record["understanding"]}
    assert set(kept) == {"section.what_it_is", "figure.cement_leakage", "section.hospital_stay"}
    assert kept["section.what_it_is"]["result"] == UNDERSTOOD
    assert kept["section.what_it_is"]["patient_words"] == "Cement goes into the bone through a needle"
    assert kept["figure.cement_leakage"]["result"] == RE_EXPLAINED
    assert kept["section.hospital_stay"]["result"] == UNDERSTOOD
    assert kept["section.hospital_stay"]["re_explained"] == ["sections.hospital_stay"]
    # The stored record (what a summary is rendered from again) holds the same.
    [stored] = main.store.search()
    assert main.store.record(stored.id)[0]["understanding"] == record["understanding"]

    content = view.consultation.content
    leakage_label = next(risk.label for risk in content.risks if risk.id == "cement_leakage")
    heading = {"en": "Check of understanding", "fr": "Vérification de la compréhension"}[language]
    again = {"en": "Explained again: ", "fr": "Réexpliqué : "}[language]
    text = " ".join(pdf_text(pdf).split())
    assert heading in text and "Almost never?" in text
    assert again + leakage_label in text
    assert "Check of understanding" in review   # the review is in the interface language


def test_the_quick_teach_back_ticks_stay(main, qtbot):
    qtbot.mouseClick(main.start_button, Qt.MouseButton.LeftButton)
    fill_start_form(main.start_dialog, qtbot, "en")
    view = main.consultation_view
    walk_alternatives_step(view, qtbot)   # ticks "main risks" among the three boxes
    page = view.page_for["alternatives_questions"]
    assert set(page.teach_back_boxes) == {"what_it_is", "main_risks", "recovery"}
    record = view.consultation.to_record()
    assert record["teach_back"]["main_risks"] and record["understanding"] == []
