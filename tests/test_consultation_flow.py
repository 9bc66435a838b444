"""A whole consultation for each shipped procedure, clicked and typed as a surgeon would, checked in the
record it produces."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from consultaid.content.library import load_library
from consultaid.ui.app import create_main_window
from consultaid.ui.services.messages import messages
from tests.conftest import CONTENT, click_box, drag, type_text

PACKS = ["vertebroplasty", "endoscopic-spine-surgery", "cement-spine-surgery"]


def press_shortcut(widget, key, modifier=Qt.KeyboardModifier.ControlModifier):
    """Through the window system, as a keyboard does, so that Qt's shortcut map sees it."""
    from PySide6.QtTest import QTest

    window = widget.window()
    window.activateWindow()  # the start dialog had the focus; a real surgeon's click gives it back
    assert QTest.qWaitForWindowActive(window)
    QTest.keyClick(window.windowHandle(), key, modifier)


def choose_procedure(main, qtbot, pack_id):
    library = load_library(CONTENT)
    title = library.get(pack_id).title(main.content_language)
    row = next(r for r in range(main.procedures.count()) if main.procedures.item(r).text() == title)
    rect = main.procedures.visualItemRect(main.procedures.item(row))
    qtbot.mouseClick(main.procedures.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def fill_start_form(dialog, qtbot, language):
    dialog.surgeon_name.clear()
    type_text(dialog.surgeon_name, "Dr Émile Roux")
    type_text(dialog.patient_name, "Ζωή Åsa-Nyström")
    qtbot.keyClicks(dialog.date_of_birth.edit, "12/03/1950")
    dialog.patient_language.setCurrentIndex(dialog.patient_language.findData(language))
    qtbot.keyClicks(dialog.surgery_date.edit, "04/01/2027")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)


def walk_procedure_step(view, qtbot):
    page = view.page_for["procedure"]
    drew = False
    for row in range(page.section_list.count()):
        item = page.section_list.item(row)
        qtbot.mouseClick(page.section_list.viewport(), Qt.MouseButton.LeftButton,
                         pos=page.section_list.visualItemRect(item).center())
        click_box(qtbot, page.discussed)
        panel = page.panels.get(page.current_section_id())
        if panel is not None and not drew:
            canvas = panel.canvas
            w, h = canvas.width(), canvas.height()
            drag(canvas, (w * 0.4, h * 0.4), (w * 0.5, h * 0.45), (w * 0.6, h * 0.5))
            drew = True
    return drew


def walk_risks_step(view, qtbot):
    qtbot.mouseClick(view.navigator.buttons["benefits_risks"], Qt.MouseButton.LeftButton)
    page = view.page_for["benefits_risks"]
    qtbot.mouseClick(page.add_toggle, Qt.MouseButton.LeftButton)  # the form opens under its button
    form = page.form
    qtbot.keyClicks(form.label, "Slow wound healing (diabetes)")
    form.low.clear()
    qtbot.keyClicks(form.low, "2")
    form.high.clear()
    qtbot.keyClicks(form.high, "4")
    qtbot.mouseClick(form.add_button, Qt.MouseButton.LeftButton)
    outcome_ids = [o.id for o in page.outcomes()]
    for outcome_id in outcome_ids:
        click_box(qtbot, page.chart.row_widget(outcome_id).discussed)
    qtbot.mouseClick(page.chart.row_widget(outcome_ids[0]), Qt.MouseButton.LeftButton)  # its details show
    qtbot.keyClicks(page.details.note, "Explained with the icon array")
    return outcome_ids


def walk_recovery_step(view, qtbot):
    press_shortcut(view, Qt.Key.Key_3)
    assert view.current == "recovery"
    page = view.page_for["recovery"]
    for box in page.timeline.checkboxes.values():
        click_box(qtbot, box)


def walk_alternatives_step(view, qtbot):
    qtbot.mouseClick(view.navigator.buttons["alternatives_questions"], Qt.MouseButton.LeftButton)
    page = view.page_for["alternatives_questions"]
    for box in page.alternative_boxes:
        click_box(qtbot, box)
    qtbot.mouseClick(page.add_question_button, Qt.MouseButton.LeftButton)
    question = page.question_rows.itemAt(0).widget().layout().itemAt(0).widget()
    answer = page.question_rows.itemAt(0).widget().layout().itemAt(1).widget()
    qtbot.keyClicks(question, "Will I be able to walk?")
    qtbot.keyClicks(answer, "Yes, the same day.")
    click_box(qtbot, page.teach_back_boxes["main_risks"])
    click_box(qtbot, page.decision_buttons["needs_time"])


def pdf_text(pdf: bytes) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def finalize_anyway_if_asked(view) -> None:
    """Finalizing with items not discussed asks once (tests/test_step_rail.py): these flows answer
    "Finalize anyway", and only when the question will come."""
    from consultaid.consultation.review import review_items

    if any(item.discussed is False for section in review_items(view.consultation) for item in section.items):
        messages.answers = [*(messages.answers or []), True]


def sign_and_finalize(view, qtbot, save_to):
    panel = view.page_for["review"].signing
    finalize_anyway_if_asked(view)
    for role in ("patient", "surgeon"):
        canvas = panel.pads[role].canvas
        w, h = canvas.width(), canvas.height()
        drag(canvas, (w * 0.2, h * 0.6), (w * 0.4, h * 0.4), (w * 0.6, h * 0.65), (w * 0.8, h * 0.45))
    qtbot.mouseClick(panel.finalize_button, Qt.MouseButton.LeftButton)
    assert view.consultation.finalized_at is not None, panel.problems.text()
    qtbot.waitUntil(lambda: panel.preview is not None and panel.preview.isVisible())
    assert panel.preview.page_count >= 2
    panel.preview.choose_save_path = lambda _parent, suggested: str(save_to)
    panel.preview.save_pdf()
    assert save_to.read_bytes() == panel.pdf
    panel.preview.close()
    return panel.pdf


@pytest.mark.parametrize("pack_id", PACKS)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_whole_consultation_ends_in_a_complete_record(main, qtbot, pack_id, language, tmp_path):
    choose_procedure(main, qtbot, pack_id)
    qtbot.mouseClick(main.start_button, Qt.MouseButton.LeftButton)
    fill_start_form(main.start_dialog, qtbot, language)
    view = main.consultation_view
    assert view is not None, [e.text() for e in main.start_dialog.errors.values() if e.text()]

    drew = walk_procedure_step(view, qtbot)
    outcome_ids = walk_risks_step(view, qtbot)
    walk_recovery_step(view, qtbot)
    walk_alternatives_step(view, qtbot)
    press_shortcut(view, Qt.Key.Key_5)
    assert view.current == "review"
    review = view.page_for["review"].view.toPlainText()

    pdf = sign_and_finalize(view, qtbot, tmp_path / "summary.pdf")

    record = view.consultation.to_record()
    library = load_library(CONTENT)
    assert record["content"]["fingerprint"] == library.get(pack_id).fingerprint
    assert record["content"]["language"] == language
    assert record["setup"]["patient"]["name"] == "Ζωή Åsa-Nyström"
    assert record["setup"]["surgery_date"] == date(2027, 1, 4).isoformat()
    assert all(state["discussed"] for state in record["sections"].values())
    assert all(state["discussed"] for state in record["risks"].values())
    assert all(state["discussed"] for state in record["benefits"].values())
    assert all(state["discussed"] for state in record["milestones"].values())
    assert record["patient_specific_risks"][0]["label"] == "Slow wound healing (diabetes)"
    assert (record["patient_specific_risks"][0]["low"], record["patient_specific_risks"][0]["high"]) == (2, 4)
    assert record["patient_specific_risks"][0]["discussed"]
    first_note = record["benefits"].get(outcome_ids[0]) or record["risks"].get(outcome_ids[0])
    assert first_note["note"] == "Explained with the icon array"
    assert all(item["discussed"] for item in record["other_alternatives"])
    assert record["questions"] == [{"question": "Will I be able to walk?", "answer": "Yes, the same day."}]
    assert record["teach_back"]["main_risks"] and record["decision"]["choice"] == "needs_time"
    if drew:
        assert any(drawing["strokes"] for drawing in record["ink"].values())
    assert record["steps"]["procedure"]["visited"] and record["steps"]["review"]["visited"]
    assert "NOT DISCUSSED" not in review and "Ζωή Åsa-Nyström" in review
    assert record["finalized_at"] and {s["role"] for s in record["signatures"]} == {"patient", "surgeon"}
    assert not view.page_for["procedure"].isEnabled()  # what was signed cannot change any more
    [stored] = main.store.search()
    assert main.store.record(stored.id)[1] == pdf and stored.patient_name == "Ζωή Åsa-Nyström"
    assert main.store.drafts() == [] and main.store.verify_audit() == []
    actions = [row[0] for row in main.store.connection.execute("SELECT action FROM audit ORDER BY seq")]
    assert actions == ["create", "finalize", "export"]
    assert record["audit_hash"] and record["audit_hash"][:16] in pdf_text(pdf)
    # The stored PDF is sealed, archival, carries this record, and says its seal is self-signed.
    from consultaid.report.verify import verify_pdf

    verdict = verify_pdf(pdf, main.store.data_dir)
    assert verdict.ok and verdict.self_signed and verdict.stored_version == 1, verdict.checks
    assert verdict.record == main.store.record(stored.id)[0]
    seal_words = {"en": "self-signed certificate of this ConsultAid installation",
                  "fr": "certificat auto-signé de cette installation de ConsultAid"}[language]
    assert seal_words in " ".join(pdf_text(pdf).split())


def test_closing_keeps_the_consultation_as_a_draft_set_aside(main, qtbot):
    qtbot.mouseClick(main.start_button, Qt.MouseButton.LeftButton)
    fill_start_form(main.start_dialog, qtbot, "en")
    consultation_id = main.consultation_view.consultation.id
    qtbot.mouseClick(main.consultation_view.close_button, Qt.MouseButton.LeftButton)
    assert main.consultation_view is None and main.stack.currentIndex() == 0
    [draft] = main.store.drafts()
    assert draft.consultation_id == consultation_id and draft.status == "set_aside"


def test_closing_when_nothing_can_be_saved_asks_first(main, qtbot):
    main.store = None  # as when the data folder could not be opened
    qtbot.mouseClick(main.start_button, Qt.MouseButton.LeftButton)
    fill_start_form(main.start_dialog, qtbot, "en")
    view = main.consultation_view
    messages.answers = [False, True]
    qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    assert main.consultation_view is view  # "go back" keeps everything
    qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    assert main.consultation_view is None
    assert messages.asked[-2:] == ["Close this consultation?"] * 2


def test_an_interrupted_consultation_is_offered_again_and_resumes(qtbot, qapp, own_data_dir):
    first = create_main_window(CONTENT)
    with qtbot.waitExposed(first):
        first.show()
    qtbot.mouseClick(first.start_button, Qt.MouseButton.LeftButton)
    fill_start_form(first.start_dialog, qtbot, "fr")
    view = first.consultation_view
    page = view.page_for["procedure"]
    click_box(qtbot, page.discussed)
    assert page.discussed.isChecked()
    # `first` bound now: it is deleted below, and the name must not be looked up after that.
    qtbot.waitUntil(lambda window=first: window.store.drafts()[0].revision >= 2, timeout=3000)  # within about a second
    assert "Saved at" in first.statusBar().currentMessage()
    consultation_id = view.consultation.id
    first.deleteLater()  # the process "crashes": no close, no goodbye
    del first, view, page
    qapp.processEvents()

    again = create_main_window(CONTENT)
    with qtbot.waitExposed(again):
        again.show()
    messages.answers = [0]  # "Resume it"
    again.offer_recovery()
    assert messages.asked[-1] == "Resume the interrupted consultation?"
    resumed = again.consultation_view.consultation
    assert resumed.id == consultation_id and resumed.setup.patient.name == "Ζωή Åsa-Nyström"
    first_section = resumed.content.sections[0].id
    assert resumed.sections[first_section].discussed
    messages.answers = []
    again.close()
    again.deleteLater()


def test_a_correction_is_a_new_version_and_the_signed_one_stays(main, qtbot, tmp_path):
    import json

    from consultaid.report import render_summary
    from tests.conftest import REPO

    record = json.loads((REPO / "docs" / "examples" / "vertebroplasty-fr.json").read_text(encoding="utf-8"))
    original_pdf = render_summary(record)
    original_id = main.store.finalize(record, original_pdf)
    main.show_history()
    history = main.history_view
    [row] = [r for r in history.shown_rows() if not r.is_draft]
    history.select(row)
    qtbot.mouseClick(history.correct_button, Qt.MouseButton.LeftButton)
    view = main.consultation_view
    assert view is not None and view.consultation.finalized_at is None and not view.consultation.signatures
    alternatives = view.page_for["alternatives_questions"]
    view.go_to("alternatives_questions")
    qtbot.keyClicks(alternatives.notes, " Corrected: the follow-up is at the clinic.")
    view.go_to("review")
    corrected_pdf = sign_and_finalize(view, qtbot, tmp_path / "corrected.pdf")

    rows = {row.version: row for row in main.store.search()}
    assert rows[1].id == original_id and rows[1].status == "corrected"
    assert rows[2].status == "finalized" and rows[2].supersedes == original_id
    assert main.store.record(original_id)[1] == original_pdf   # the signed original is untouched
    assert main.store.record(rows[2].id)[1] == corrected_pdf
    assert "Corrected: the follow-up is at the clinic." in main.store.record(rows[2].id)[0]["notes"]


def test_the_patient_screen_follows_the_surgeon(main, qtbot):
    qtbot.mouseClick(main.start_button, Qt.MouseButton.LeftButton)
    fill_start_form(main.start_dialog, qtbot, "fr")
    view = main.consultation_view
    qtbot.mouseClick(view.patient_button, Qt.MouseButton.LeftButton)
    screen = view.patient_screen.screen
    qtbot.waitUntil(screen.isVisible)
    assert "second screen" in main.statusBar().currentMessage()  # offscreen has one screen
    press_shortcut(view, Qt.Key.Key_3)
    assert screen.step == "recovery"
    qtbot.mouseClick(view.navigator.buttons["benefits_risks"], Qt.MouseButton.LeftButton)
    assert screen.step == "benefits_risks"
    qtbot.mouseClick(view.patient_button, Qt.MouseButton.LeftButton)
    assert view.patient_screen is None and not screen.isVisible()


def test_settings_saved_in_the_dialog_apply_to_the_next_consultation(main, qtbot):
    from consultaid.settings import load_settings, settings_path

    settings_action = next(action for menu in main.menuBar().actions() for action in menu.menu().actions()
                           if action.text() == "S&ettings…")
    assert settings_action.shortcut().toString() == "Ctrl+,"
    settings_action.trigger()
    dialog = main.settings_dialog
    qtbot.mouseClick(dialog.surgeons.add_profile_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.surgeons.profile_name, "Dr Ana Lima")
    qtbot.keyClicks(dialog.surgeons.profile_registration, "RPPS 1234")
    qtbot.keyClicks(dialog.clinic.clinic_name, "Clinique des Tilleuls")
    dialog.printing.paper_combo.setCurrentIndex(dialog.printing.paper_combo.findData("letter"))
    dialog.printing.copies_edit.clear()
    qtbot.keyClicks(dialog.printing.copies_edit, "3")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert settings_path().exists() and load_settings().copies == 3
    assert main.statusBar().currentMessage() == "Settings saved."

    qtbot.mouseClick(main.start_button, Qt.MouseButton.LeftButton)
    assert main.start_dialog.surgeon_name.text() == "Dr Ana Lima"
    assert main.start_dialog.clinic.text() == "Clinique des Tilleuls"
    type_text(main.start_dialog.patient_name, "Zoé Martin")
    qtbot.keyClicks(main.start_dialog.date_of_birth.edit, "01/02/1960")
    qtbot.mouseClick(main.start_dialog.start_button, Qt.MouseButton.LeftButton)
    signing = main.consultation_view.page_for["review"].signing
    assert signing.paper_size() == "letter" and signing.copies == 3
