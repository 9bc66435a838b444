"""Every outcome with its tick, note and estimates is built once, by the model, and the four places that
show it (risks page, patient screen, review, summary) show exactly that, in the patient's language."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from consultaid.consultation.review import review_items
from consultaid.i18n import interface_language
from tests.conftest import click_box
from tests.test_session import library, make  # noqa: F401  (the module-scoped library fixture)

NOTE = "Explained with the icon array"
RISK_NOTE = "Diabetes"


def chart_words(chart) -> dict[str, tuple[str, tuple[tuple[str, ...], ...]]]:
    """Per outcome id: the label and, per estimate, every text the chart writes beside its bar."""
    return {row.outcome_id: (row.label, tuple((bar.number_text, bar.verbal_text, bar.frames_text, bar.group_text,
                                               bar.window_text, bar.source_text) for bar in row.bars))
            for row in chart.rows}


def model_words(outcomes) -> dict[str, tuple[str, tuple[tuple[str, ...], ...]]]:
    return {item.id: (item.outcome.label, tuple((w.number_text, w.verbal_text, w.frames_text, w.group_text,
                                                 w.window_text, w.source_text) for w in item.words))
            for item in outcomes.items}


@pytest.fixture
def french_patient(qtbot, qapp, library):  # noqa: F811
    """A French patient's consultation run by an English-speaking surgeon, on the risks page: one risk
    ticked and noted, and a risk added for this patient through the form."""
    from consultaid.ui.views.consultation_view import ConsultationView

    assert interface_language() == "en"
    view = ConsultationView(make(library, "vertebroplasty", "fr"))
    view.resize(1366, 768)
    qtbot.addWidget(view)
    view.show()
    qtbot.mouseClick(view.navigator.buttons["benefits_risks"], Qt.MouseButton.LeftButton)
    page = view.page_for["benefits_risks"]
    form = page.form
    qtbot.mouseClick(page.add_toggle, Qt.MouseButton.LeftButton)   # the form is behind its button
    qtbot.keyClicks(form.label, "Cicatrisation lente")
    form.low.clear()
    qtbot.keyClicks(form.low, "2")
    form.high.clear()
    qtbot.keyClicks(form.high, "4")
    qtbot.keyClicks(form.note, RISK_NOTE)
    qtbot.mouseClick(form.add_button, Qt.MouseButton.LeftButton)
    first_risk = view.consultation.content.risks[0].id
    click_box(qtbot, page.chart.row_widget(first_risk).discussed)
    click_box(qtbot, page.chart.row_widget("patient-1").discussed)
    # The note is written in the chosen row's details.
    qtbot.mouseClick(page.chart.row_widget(first_risk), Qt.MouseButton.LeftButton, pos=QPoint(20, 8))
    qtbot.keyClicks(page.details.note, NOTE)
    return view


def test_the_risks_page_shows_the_models_outcomes_in_the_patients_language(french_patient):
    view = french_patient
    outcomes = view.consultation.outcomes()
    chart_view = view.page_for["benefits_risks"].chart
    chart = chart_view.overview.chart
    assert chart_words(chart) == model_words(outcomes)
    assert {key for key, row in chart_view.rows.items() if row.discussed.isChecked()} == outcomes.discussed
    assert len(outcomes.discussed) == 2
    added = outcomes.item("patient-1")
    assert added is not None and added.discussed and added.note == RISK_NOTE
    # The source of the surgeon's own figure is French like the rest of the chart, not the interface's English.
    assert added.words[0].source_text == "Source\u00a0: le chirurgien, pour ce patient"
    assert chart.row("patient-1").bars[0].source_text == added.words[0].source_text
    assert outcomes.notes[view.consultation.content.risks[0].id] == NOTE


def test_patient_screen_review_and_summary_show_the_same_outcomes(french_patient, qtbot):
    from consultaid.report.summary import SummaryDocument
    from consultaid.ui.views.patient_screen import PatientScreenController

    view = french_patient
    outcomes = view.consultation.outcomes()
    expected = model_words(outcomes)

    controller = PatientScreenController(view)
    try:
        view.go_to("benefits_risks")
        screen = controller.screen
        assert screen.chart is not None
        assert chart_words(screen.chart.chart) == expected
        # Only the surgeon's note beside the added risk stays off the patient's screen.
        assert screen.chart.chart.row("patient-1").detail == ""
    finally:
        controller.close()

    benefits_risks = next(section for section in review_items(view.consultation) if section.step == "benefits_risks")
    assert [(item.discussed, item.detail.split(" — ")[0]) for item in benefits_risks.items] == [
        (item.discussed, item.estimate_summary) for item in outcomes.items]
    assert benefits_risks.items[-1].detail.endswith(RISK_NOTE)
    assert expected["patient-1"][1][0][0] in benefits_risks.items[-1].detail

    summary = SummaryDocument(view.consultation.to_record())
    assert tuple(summary.outcomes()) == outcomes.shown
    assert summary.discussed_outcomes() == outcomes.discussed
