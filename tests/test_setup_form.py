"""The start form: every field checked in place, odd but real names accepted, nothing starts until right."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from consultaid.consultation.setup import clean_text, parse_date, validate_setup
from consultaid.content.library import load_library
from consultaid.ui.dialogs.start_dialog import StartConsultationDialog
from tests.conftest import CONTENT, click_box, type_text

TODAY = date(2026, 11, 22)


def good_fields(**changes):
    fields = {"surgeon_name": "Dr A. Martin", "patient_name": "Jeanne Dupont", "date_of_birth": date(1950, 3, 12),
              "procedure_id": "vertebroplasty", "patient_language": "fr", "surgery_date": None,
              "interpreter_present": False}
    fields.update(changes)
    return fields


def test_good_fields_pass():
    assert validate_setup(good_fields(), TODAY) == {}


@pytest.mark.parametrize("changes, field", [
    ({"date_of_birth": date(2026, 11, 23)}, "date_of_birth"),
    ({"date_of_birth": None}, "date_of_birth"),
    ({"date_of_birth": date(1880, 1, 1)}, "date_of_birth"),
    ({"patient_name": ""}, "patient_name"),
    ({"patient_name": "1234"}, "patient_name"),
    ({"patient_name": "x" * 201}, "patient_name"),
    ({"surgeon_name": ""}, "surgeon_name"),
    ({"procedure_id": None}, "procedure_id"),
    ({"surgery_date": date(2026, 11, 1)}, "surgery_date"),
    ({"interpreter_present": True, "interpreter_name": "", "interpreter_language": "ar"}, "interpreter_name"),
    ({"interpreter_present": True, "interpreter_name": "Samir", "interpreter_language": ""}, "interpreter_language"),
])
def test_each_bad_field_is_named(changes, field):
    assert set(validate_setup(good_fields(**changes), TODAY)) == {field}


@pytest.mark.parametrize("name", ["Zoë Ñúñez-Łukasz", "Ολυμπία Παπαδοπούλου", "Анна Каренина", "李小龙",
                                  "محمد الأمين", "O'Brien-Smith, Mary-Jane", "Nguyễn Thị Minh Khai"])
def test_names_in_any_script_are_accepted(name):
    assert validate_setup(good_fields(patient_name=clean_text(name)), TODAY) == {}


def test_cleaning_normalises_and_drops_invisible_characters():
    assert clean_text("  Ze\u0301lie\u200b\x07 ") == "Zélie"


@pytest.mark.parametrize("text, expected", [("12/03/1950", date(1950, 3, 12)), ("1950-03-12", date(1950, 3, 12)),
                                            ("12.03.1950", date(1950, 3, 12)), ("", None)])
def test_dates_are_read_day_first(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2020", "tomorrow", "12/03/50"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.fixture
def dialog(qtbot):
    library = load_library(CONTENT)
    form = StartConsultationDialog(library, procedure_id="vertebroplasty", patient_language="en", today=TODAY)
    qtbot.addWidget(form)
    form.show()
    return form


def test_the_form_explains_each_problem_beside_its_field_and_does_not_start(dialog, qtbot):
    qtbot.keyClicks(dialog.date_of_birth.edit, "01/01/2030")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.result_setup is None and dialog.isVisible()
    assert "future" in dialog.errors["date_of_birth"].text()
    assert dialog.errors["patient_name"].isVisible()
    assert dialog.errors["surgeon_name"].isVisible()
    assert not dialog.errors["procedure_id"].isVisible()


def test_a_typed_date_is_shown_back_in_words(dialog, qtbot):
    qtbot.keyClicks(dialog.date_of_birth.edit, "12/03/1950")
    assert dialog.date_of_birth.in_words.text() == "12 March 1950"
    dialog.date_of_birth.edit.clear()
    qtbot.keyClicks(dialog.date_of_birth.edit, "31/02/1950")
    assert dialog.date_of_birth.in_words.text() == "not a date"


def test_a_complete_form_starts_the_consultation(dialog, qtbot):
    type_text(dialog.surgeon_name, "Dr Émile Roux")
    type_text(dialog.patient_name, "Ολυμπία Παπαδοπούλου")
    qtbot.keyClicks(dialog.date_of_birth.edit, "12/03/1950")
    qtbot.keyClicks(dialog.side_level, "L1")
    qtbot.keyClicks(dialog.surgery_date.edit, "04/01/2027")
    click_box(qtbot, dialog.interpreter_present)
    qtbot.keyClicks(dialog.interpreter_name, "Eleni K.")
    qtbot.keyClicks(dialog.interpreter_language, "Greek")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    setup = dialog.result_setup
    assert setup is not None
    assert setup.patient.name == "Ολυμπία Παπαδοπούλου" and setup.surgeon.name == "Dr Émile Roux"
    assert setup.procedure_id == "vertebroplasty" and setup.surgery_date == date(2027, 1, 4)
    assert setup.interpreter.name == "Eleni K."
