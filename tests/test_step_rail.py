"""The small things a surgeon notices around the steps (issue 17 item 5): what the step rail says of Review
and after finalizing, one question before finalizing with items not discussed, and Records… (Ctrl+H) while
a consultation is open."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from consultaid.ui.services.messages import messages
from tests.conftest import drag
from tests.test_consultation_flow import press_shortcut


def open_vertebroplasty(main):
    from consultaid.consultation.session import Consultation
    from consultaid.consultation.setup import ConsultationSetup, Patient, Surgeon
    from consultaid.consultation.shown_content import shown_content

    pack = main.library.get("vertebroplasty")
    setup = ConsultationSetup(Surgeon("Dr A"), Patient("Jeanne Dupont", date(1950, 3, 12)), pack.id, "en")
    main.open_consultation(Consultation(setup, shown_content(pack, "en")))
    return main.consultation_view


def sign_both(panel):
    for role in ("patient", "surgeon"):
        canvas = panel.pads[role].canvas
        w, h = canvas.width(), canvas.height()
        drag(canvas, (w * 0.2, h * 0.6), (w * 0.4, h * 0.4), (w * 0.6, h * 0.65), (w * 0.8, h * 0.45))


def rail(view) -> dict[str, str]:
    return {step: button.text() + " | " + button.accessibleName() for step, button in view.navigator.buttons.items()}


def test_opening_review_is_not_discussing_it(main, qtbot):
    view = open_vertebroplasty(main)
    qtbot.mouseClick(view.navigator.buttons["review"], Qt.MouseButton.LeftButton)
    assert view.current == "review"
    assert "in progress" in rail(view)["review"] and "discussed" not in rail(view)["review"]


def test_finalizing_with_items_not_discussed_asks_once_listing_them_and_the_rail_stops_saying_in_progress(
        main, qtbot):
    view = open_vertebroplasty(main)
    view.go_to("review")
    panel = view.page_for["review"].signing
    sign_both(panel)
    messages.asked.clear()

    messages.answers = [False]  # "Go back"
    qtbot.mouseClick(panel.finalize_button, Qt.MouseButton.LeftButton)
    assert view.consultation.finalized_at is None
    assert messages.asked == ["Finalize with items not discussed?"]

    asked = []
    original = messages.confirm

    def record(parent, title, text, yes, no):
        asked.append(text)
        return original(parent, title, text, yes, no)

    messages.confirm = record
    try:
        messages.answers = [True]  # "Finalize anyway"
        qtbot.mouseClick(panel.finalize_button, Qt.MouseButton.LeftButton)
    finally:
        del messages.confirm
    assert view.consultation.finalized_at is not None
    assert len(asked) == 1
    from consultaid.consultation.review import review_items

    # The same items the Review step marks as not discussed (the decision not yet recorded is one of them).
    count = sum(item.discussed is False for section in review_items(view.consultation) for item in section.items)
    assert count > 20
    assert f"{count} items are not ticked as discussed" in asked[0]
    assert "What is vertebroplasty?" in asked[0] and "Cement leaking out of the bone" in asked[0]
    qtbot.waitUntil(lambda: panel.preview is not None)
    panel.preview.close()
    statuses = rail(view)
    assert not any("in progress" in text for text in statuses.values()), statuses
    assert "finalized" in statuses["review"]
    assert "not all discussed" in statuses["procedure"]


def test_records_shortcut_during_a_consultation_says_why_it_does_not_open(main, qtbot):
    view = open_vertebroplasty(main)
    main.statusBar().clearMessage()
    press_shortcut(view, Qt.Key.Key_H)
    assert main.consultation_view is view and main.stack.currentWidget() is view
    assert "Close the consultation to open the records" in main.statusBar().currentMessage()
