"""Issue 13 items 7 and 8, field side: text and dates the app could never seal are refused at the field.

A pasted patient name with U+FFFF broke the PDF/A metadata at finalizing; a pasted 8,000-character
patient-specific risk label made the summary impossible to lay out; a surgery date of 31/12/9999 was
accepted and crashed every later start. Each is now explained under its field, as typed or pasted,
and never reaches the consultation."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from consultaid.consultation import text_rules
from consultaid.consultation.setup import validate_setup
from consultaid.content.library import load_library
from consultaid.ui.dialogs.start_dialog import StartConsultationDialog
from tests.conftest import CONTENT
from tests.test_consultation_flow import fill_start_form
from tests.test_setup_form import TODAY, good_fields

NOT_TEXT = ["\ufffe", "\uffff", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff", "\ud800", "\udfff"]


def paste(qtbot, widget, text: str) -> None:
    """As a user pastes: the text on the clipboard, then Ctrl+V in the field."""
    QApplication.clipboard().setText(text)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


# --- the rules, without Qt -------------------------------------------------------------------------------------


@pytest.mark.parametrize("character", NOT_TEXT)
def test_noncharacters_and_lone_surrogates_are_refused_everywhere(character):
    for rule in (text_rules.NAME, text_rules.IDENTIFIER, text_rules.LABEL, text_rules.QUESTION, text_rules.NOTE):
        problem = rule.problem(f"Jeanne{character}Dupont")
        assert problem and f"U+{ord(character):04X}" in problem


def test_control_characters_only_newline_and_tab_in_multiline_texts():
    assert text_rules.NOTE.accepts("first line\n\tsecond line")
    assert not text_rules.NAME.accepts("Jeanne\nDupont") and not text_rules.LABEL.accepts("a\tb")
    for control in ("\x00", "\x07", "\x1b", "\x7f", "\x85"):
        assert not text_rules.NOTE.accepts(f"a{control}b"), repr(control)


@pytest.mark.parametrize("rule", [text_rules.NAME, text_rules.IDENTIFIER, text_rules.LABEL, text_rules.QUESTION,
                                  text_rules.NOTE])
def test_lengths_up_to_the_limit_pass_and_one_more_does_not(rule):
    assert rule.accepts("é" * rule.limit)
    problem = rule.problem("é" * (rule.limit + 1))
    assert problem and str(rule.limit) in problem


def test_any_script_and_emoji_are_text():
    for text in ("Ζωή Åsa-Nyström", "محمد الأمين", "李小龙", "Nguyễn Thị Minh Khai", "👩🏽‍⚕️", "𝔄𝔫𝔫𝔞"):
        assert text_rules.NAME.accepts(text), text


@pytest.mark.parametrize("changes, field", [
    ({"patient_name": "Jeanne\uffffDupont"}, "patient_name"),
    ({"surgeon_name": "Dr A.\ufdd0 Martin"}, "surgeon_name"),
    ({"patient_identifier": "x" * 101}, "patient_identifier"),
    ({"indication": "x" * 301}, "indication"),
    ({"surgery_date": date(9999, 12, 31)}, "surgery_date"),
    ({"surgery_date": date(2031, 11, 23)}, "surgery_date"),
])
def test_the_form_rules_name_each_bad_field(changes, field):
    assert set(validate_setup(good_fields(**changes), TODAY)) == {field}


def test_a_surgery_date_up_to_five_years_ahead_is_accepted():
    assert validate_setup(good_fields(surgery_date=date(2031, 11, 22)), TODAY) == {}
    assert validate_setup(good_fields(surgery_date=TODAY), TODAY) == {}


# --- the start form --------------------------------------------------------------------------------------------


@pytest.fixture
def dialog(qtbot):
    form = StartConsultationDialog(load_library(CONTENT), procedure_id="vertebroplasty", patient_language="en",
                                   today=TODAY)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    return form


def fill_good(dialog, qtbot, name="Jeanne Dupont"):
    qtbot.keyClicks(dialog.surgeon_name, "Dr A. Martin")
    qtbot.keyClicks(dialog.date_of_birth.edit, "12/03/1950")
    paste(qtbot, dialog.patient_name, name)


def test_a_pasted_name_with_a_noncharacter_is_explained_at_once_and_nothing_starts(dialog, qtbot):
    fill_good(dialog, qtbot, "Jeanne\uffffDupont")
    assert dialog.patient_name.text() == "Jeanne\uffffDupont"
    error = dialog.errors["patient_name"]
    assert error.isVisible() and "U+FFFF" in error.text()  # before pressing Start
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.result_setup is None and dialog.isVisible()
    dialog.patient_name.clear()
    paste(qtbot, dialog.patient_name, "Jeanne Dupont")
    assert not error.isVisible()
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.result_setup is not None and dialog.result_setup.patient.name == "Jeanne Dupont"


def test_a_pasted_identifier_far_too_long_is_explained_in_french(qtbot):
    from consultaid.i18n import set_interface_language

    set_interface_language("fr")
    try:
        form = StartConsultationDialog(load_library(CONTENT), procedure_id="vertebroplasty", patient_language="fr",
                                       today=TODAY)
        qtbot.addWidget(form)
        form.show()
        paste(qtbot, form.patient_identifier, "7" * 5000)
        error = form.errors["patient_identifier"]
        assert error.isVisible() and "Trop long" in error.text() and "100" in error.text()
    finally:
        set_interface_language("en")


@pytest.mark.parametrize("typed, words", [("31/12/9999", "more than 5 years ahead"), ("01/01/2020", "in the past")])
def test_a_surgery_date_out_of_bounds_is_refused_at_the_field(dialog, qtbot, typed, words):
    fill_good(dialog, qtbot)
    qtbot.keyClicks(dialog.surgery_date.edit, typed)
    error = dialog.errors["surgery_date"]
    assert error.isVisible() and words in error.text()  # as soon as the date is whole
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.result_setup is None


def test_a_date_of_birth_in_the_future_or_too_long_ago_is_refused_at_the_field(dialog, qtbot):
    qtbot.keyClicks(dialog.date_of_birth.edit, "01/01/2030")
    assert "future" in dialog.errors["date_of_birth"].text()
    dialog.date_of_birth.edit.clear()
    qtbot.keyClicks(dialog.date_of_birth.edit, "01/01/1850")
    assert "130 years" in dialog.errors["date_of_birth"].text()
    dialog.date_of_birth.edit.clear()
    qtbot.keyClicks(dialog.date_of_birth.edit, "01/01/1950")
    assert not dialog.errors["date_of_birth"].isVisible()


# --- the consultation pages ------------------------------------------------------------------------------------


def start(main, qtbot):
    qtbot.mouseClick(main.start_button, Qt.MouseButton.LeftButton)
    fill_start_form(main.start_dialog, qtbot, "en")
    assert main.consultation_view is not None
    return main.consultation_view


def test_a_pasted_8000_character_risk_label_is_explained_and_not_added(main, qtbot):
    view = start(main, qtbot)
    qtbot.mouseClick(view.navigator.buttons["benefits_risks"], Qt.MouseButton.LeftButton)
    page = view.page_for["benefits_risks"]
    qtbot.mouseClick(page.add_toggle, Qt.MouseButton.LeftButton)  # the form opens under its button
    form = page.form
    paste(qtbot, form.label, "Slow wound healing " * 420)  # 7,980 characters
    assert form.error.isVisible() and "at most 300" in form.error.text()
    qtbot.mouseClick(form.add_button, Qt.MouseButton.LeftButton)
    assert view.consultation.patient_specific_risks == []
    form.label.clear()
    qtbot.keyClicks(form.label, "Slow wound healing (diabetes)")
    assert not form.error.isVisible()
    qtbot.mouseClick(form.add_button, Qt.MouseButton.LeftButton)
    assert [risk.label for risk in view.consultation.patient_specific_risks] == ["Slow wound healing (diabetes)"]


def test_a_pasted_note_with_a_noncharacter_never_reaches_the_record(main, qtbot):
    view = start(main, qtbot)
    qtbot.mouseClick(view.navigator.buttons["benefits_risks"], Qt.MouseButton.LeftButton)
    page = view.page_for["benefits_risks"]
    outcome_id = page.outcomes()[0].id
    qtbot.mouseClick(page.chart.row_widget(outcome_id), Qt.MouseButton.LeftButton)  # its details show
    note = page.details.note
    qtbot.keyClicks(note, "Explained")
    paste(qtbot, note, "\uffff")
    assert page.note_error.isVisible() and "U+FFFF" in page.note_error.text()
    record = view.consultation.to_record()
    kept = (record["benefits"].get(outcome_id) or record["risks"].get(outcome_id))["note"]
    assert kept == "Explained"


def test_questions_answers_and_notes_are_guarded_as_pasted(main, qtbot):
    view = start(main, qtbot)
    qtbot.mouseClick(view.navigator.buttons["alternatives_questions"], Qt.MouseButton.LeftButton)
    page = view.page_for["alternatives_questions"]
    qtbot.mouseClick(page.add_question_button, Qt.MouseButton.LeftButton)
    row = page.question_rows.itemAt(0).widget().layout()
    question, answer = row.itemAt(0).widget(), row.itemAt(1).widget()
    question_error, answer_error = row.itemAt(2).widget(), row.itemAt(3).widget()
    qtbot.keyClicks(question, "Will I walk?")
    paste(qtbot, answer, "Yes.\n" + "x" * 6000)
    assert len(answer.toPlainText()) == 6005
    qtbot.waitUntil(answer_error.isVisible)  # the row was added a moment ago: Qt shows it on its next turn
    assert "at most 5000" in answer_error.text()
    paste(qtbot, question, "\x07")
    assert question_error.isVisible() and "U+0007" in question_error.text()
    assert view.consultation.to_record()["questions"] == [{"question": "Will I walk?", "answer": ""}]
    answer.clear()
    paste(qtbot, answer, "Yes,\n\tthe same day.")
    assert not answer_error.isVisible()
    assert view.consultation.questions[0].answer == "Yes,\n\tthe same day."
    paste(qtbot, page.notes, "Fine\uffff")
    assert view.consultation.notes == ""
