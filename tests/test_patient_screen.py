"""The patient-facing screen: the current step, large, with nothing of the surgeon's, following the view."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QWidget

from consultaid.consultation.session import STEPS
from consultaid.ui.services.style import apply_style
from tests.conftest import drag
from tests.test_session import library, make  # noqa: F401  (the module-scoped library fixture)

SECRET = "NOTE-FOR-THE-SURGEON-ONLY"
CONTROLS = (QCheckBox, QLineEdit, QPlainTextEdit, QPushButton)


@pytest.fixture
def setup(qtbot, qapp, library):  # noqa: F811
    from consultaid.ui.views.consultation_view import ConsultationView
    from consultaid.ui.views.patient_screen import PatientScreenController

    apply_style(qapp)
    consultation = make(library, "vertebroplasty", "en")
    risk = consultation.content.risks[0].id
    consultation.set_note("risks", risk, SECRET)
    consultation.set_note("alternatives", consultation.content.alternatives[0].id, SECRET)
    consultation.other_alternatives[0].note = SECRET
    consultation.add_patient_specific_risk("Slow wound healing", unit="percent", value=5.0, note=SECRET)
    consultation.notes = SECRET
    view = ConsultationView(consultation)
    view.resize(1366, 768)
    qtbot.addWidget(view)
    view.show()
    controller = PatientScreenController(view)
    screen = controller.screen
    screen.resize(1920, 1080)
    screen.show()
    qtbot.waitExposed(screen)
    yield view, controller, screen
    controller.close()


def visible_controls(screen: QWidget) -> list[QWidget]:
    return [w for w in screen.findChildren(QWidget) if isinstance(w, CONTROLS) and w.isVisibleTo(screen)]


def shown_text(screen: QWidget) -> str:
    return "\n".join(label.text() for label in screen.findChildren(QLabel) if label.isVisibleTo(screen))


def assert_patient_only(screen) -> None:
    assert visible_controls(screen) == []
    assert SECRET not in shown_text(screen)


def test_follows_every_step_without_surgeon_controls(setup, qtbot):
    view, controller, screen = setup
    content = view.consultation.content
    for step in STEPS:
        view.go_to(step)   # followed through the view's page stack, no wiring needed
        qtbot.wait(10)
        assert screen.step == step
        assert_patient_only(screen)
        controller.follow(step)   # what the lead may also call from go_to: harmless
        assert screen.step == step
    view.go_to("procedure")
    section = content.sections[0]
    assert screen.title.text() == section.title
    assert [label.text() for label in screen.key_points] == list(section.key_points)
    assert section.body not in shown_text(screen)


def test_procedure_follows_the_section_and_the_ink(setup, qtbot):
    view, controller, screen = setup
    page = view.page_for["procedure"]
    illustrated = [s for s in view.consultation.content.sections if s.illustration]
    assert illustrated
    page.select_section(illustrated[0].id)
    assert screen.section_id == illustrated[0].id
    assert screen.title.text() == illustrated[0].title
    assert screen.canvas is not None and screen.canvas.is_read_only()
    assert screen.canvas.drawing().strokes == [] or not screen.canvas.drawing().strokes

    canvas = page.panels[illustrated[0].id].canvas
    canvas.ensurePolished()
    w, h = canvas.width(), canvas.height()
    drag(canvas, (w * 0.4, h * 0.4), (w * 0.5, h * 0.45), (w * 0.6, h * 0.5))
    assert len(canvas.drawing().strokes) == 1
    controller.refresh()
    strokes = screen.canvas.drawing().strokes
    assert len(strokes) == 1
    assert strokes[0].points == canvas.drawing().strokes[0].points
    assert_patient_only(screen)


def test_risks_without_controls_and_with_the_icon_array(setup, qtbot):
    view, controller, screen = setup
    view.go_to("benefits_risks")
    assert screen.chart is not None and screen.icons is None
    outcome = view.consultation.content.risks[0]
    assert outcome.id in screen.chart.rows
    assert "patient-1" in screen.chart.rows   # the risk added for this patient, without its note
    assert_patient_only(screen)
    note = screen.chart.rows[outcome.id].note
    note.show()   # the check itself sees a control that is there
    assert visible_controls(screen) == [note]
    note.hide()
    # The surgeon's "Show 1000 people" on the surgeon's chart shows the people on the patient's screen.
    view.page_for["benefits_risks"].chart.select(outcome.id)
    assert screen.icons is not None
    assert screen.icons.icon_array.caption.endswith(outcome.label) or outcome.label in screen.icons.icon_array.caption
    assert_patient_only(screen)
    screen.show_icon_array("no-such-outcome")   # ignored
    assert screen.icons is not None


def test_recovery_has_no_discussed_ticks(setup, qtbot):
    view, controller, screen = setup
    view.go_to("recovery")
    assert screen.timeline is not None
    assert screen.timeline.checkboxes == {}
    screen.timeline.resize(1500, 800)   # a resize used to show the ticks again
    assert screen.timeline.findChildren(QCheckBox) == [] or not any(
        box.isVisible() for box in screen.timeline.findChildren(QCheckBox))
    assert_patient_only(screen)


def test_alternatives_show_labels_and_details_only(setup, qtbot):
    view, controller, screen = setup
    view.go_to("alternatives_questions")
    content = view.consultation.content
    text = shown_text(screen)
    for item in content.alternatives:
        assert item.label in text
        if item.detail:
            assert item.detail in text
    assert view.consultation.other_alternatives[0].label in text   # no treatment
    assert_patient_only(screen)
    view.consultation.add_other_alternative("Physiotherapy", note=SECRET)
    controller.refresh()
    assert "Physiotherapy" in shown_text(screen)
    assert_patient_only(screen)


def test_review_is_a_calm_thank_you(setup, qtbot):
    view, controller, screen = setup
    view.go_to("review")
    assert screen.title.text() == "Thank you"
    assert_patient_only(screen)
    assert not [w for w in screen.findChildren(QWidget) if type(w).__name__ in ("SignaturePad", "InkCanvas")
                and w.isVisible()]


def test_no_second_screen_offscreen_and_usable_as_a_window(setup, qtbot):
    from consultaid.ui.views.patient_screen import place_on_second_screen

    view, controller, screen = setup
    screen.hide()
    assert place_on_second_screen(screen) is False
    assert not screen.isVisible()
    assert controller.show() is False   # falls back to a normal window
    assert screen.isVisible() and screen.isWindow() and not screen.isFullScreen()
    view.go_to("recovery")
    assert screen.step == "recovery"


def test_close_stops_following(setup, qtbot):
    view, controller, screen = setup
    controller.close()
    view.go_to("recovery")   # no error, nothing followed
    view.go_to("procedure")
