"""A whole consultation by keyboard only: Ctrl+N, Tab and typing in the start form, Enter to start, Ctrl+1…5
between the steps, Tab to each "discussed" tick and Space to tick it; the record shows every tick.

Key presses go through the window system (QTest on the window handle), so focus chains, default buttons and
shortcuts behave as with a real keyboard. Signing is left out: a handwritten signature is a path-dependent
input, the exception WCAG 2.2 SC 2.1.1 names."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

MAX_TABS = 120


def press(window, key, modifier=Qt.KeyboardModifier.NoModifier):
    """One key, through the active window as a keyboard sends it."""
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    QTest.keyClick(window.windowHandle(), key, modifier)
    QApplication.processEvents()


def type_keys(window, text: str):
    for character in text:
        QTest.keyClick(window.windowHandle(), character)
    QApplication.processEvents()


def tab_to(window, target, backwards=False) -> None:
    """Tab (or Shift+Tab) until `target` has the keyboard focus; fails if the focus chain never reaches it."""
    seen = []
    for _ in range(MAX_TABS):
        if QApplication.focusWidget() is target:
            return
        seen.append(type(QApplication.focusWidget()).__name__)
        press(window, Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reaches {type(target).__name__} {target.text() if hasattr(target, 'text') else ''}"
                         f"; the chain went through {seen[:40]}")


def tick(window, box):
    tab_to(window, box)
    press(window, Qt.Key.Key_Space)
    assert box.isChecked()


def start_by_keyboard(main, qtbot):
    press(main, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: main.start_dialog is not None and main.start_dialog.isVisible())
    dialog = main.start_dialog
    for field, text in ((dialog.surgeon_name, "Dr Emile Roux"), (dialog.patient_name, "Zoe Asa-Nystrom"),
                        (dialog.date_of_birth.edit, "12/03/1950"), (dialog.surgery_date.edit, "04/01/2027")):
        tab_to(dialog, field)
        field.selectAll()
        type_keys(dialog, text)
    press(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: main.consultation_view is not None)
    return main.consultation_view


def test_a_whole_consultation_by_keyboard(main, qtbot):
    view = start_by_keyboard(main, qtbot)
    window = view.window()
    record = view.consultation.to_record()
    assert record["setup"]["patient"]["name"] == "Zoe Asa-Nystrom"

    # 1. Procedure: Down through the sections, Tab to "Discussed", Space; Shift+Tab back to the list.
    press(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert view.current == "procedure"
    page = view.page_for["procedure"]
    for row in range(page.section_list.count()):
        tab_to(window, page.section_list)
        if row:
            press(window, Qt.Key.Key_Down)
        assert page.section_list.currentRow() == row
        tick(window, page.discussed)

    # 2. Benefits & risks: each row's tick.
    press(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert view.current == "benefits_risks"
    risks = view.page_for["benefits_risks"]
    outcome_ids = [o.id for o in risks.outcomes()]
    assert outcome_ids
    for outcome_id in outcome_ids:
        tick(window, risks.chart.row_widget(outcome_id).discussed)

    # 3. Recovery: each milestone's tick.
    press(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert view.current == "recovery"
    for box in view.page_for["recovery"].timeline.checkboxes.values():
        tick(window, box)

    # 4. Alternatives & questions: the alternatives, a teach-back check, the decision (arrows in the group).
    press(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert view.current == "alternatives_questions"
    alternatives = view.page_for["alternatives_questions"]
    for box in alternatives.alternative_boxes:
        tick(window, box)
    tick(window, alternatives.teach_back_boxes["main_risks"])
    decision = alternatives.decision_buttons["needs_time"]
    for _ in range(MAX_TABS):
        if QApplication.focusWidget() in alternatives.decision_buttons.values():
            break
        press(window, Qt.Key.Key_Tab)
    for _ in range(len(alternatives.decision_buttons) + 1):
        if QApplication.focusWidget() is decision:
            break
        press(window, Qt.Key.Key_Down)
    press(window, Qt.Key.Key_Space)
    assert decision.isChecked()

    # 5. Review: reached by keyboard, shows everything as discussed.
    press(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert view.current == "review"
    assert "NOT DISCUSSED" not in view.page_for["review"].view.toPlainText()
    press(window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert view.current == "alternatives_questions"
    press(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert view.current == "review"

    record = view.consultation.to_record()
    assert record["sections"] and all(s["discussed"] for s in record["sections"].values())
    assert all(s["discussed"] for s in record["risks"].values())
    assert all(s["discussed"] for s in record["benefits"].values())
    assert record["milestones"] and all(s["discussed"] for s in record["milestones"].values())
    assert all(item["discussed"] for item in record["other_alternatives"])
    assert record["teach_back"]["main_risks"] and record["decision"]["choice"] == "needs_time"


def focus_walk(window, page, start) -> list:
    """From `start`, Tab until the focus leaves `page` (or comes back): the page's controls in Tab order."""
    start.setFocus()
    QApplication.processEvents()
    walked = []
    for _ in range(MAX_TABS):
        press(window, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is start or widget is None or not page.isAncestorOf(widget):
            break
        walked.append(widget)
    return walked


def top_on_page(widget, content) -> int:
    return widget.mapTo(content, widget.rect().topLeft()).y()


def assert_top_to_bottom(walked, content, tolerance=12):
    """Every control Tab reaches inside `content` is no higher than the one before it (controls on one
    line may differ by a few pixels)."""
    inside = [widget for widget in walked if content.isAncestorOf(widget)]
    tops = [top_on_page(widget, content) for widget in inside]
    pairs = list(zip(inside, tops, strict=True))
    for (before, y_before), (after, y_after) in zip(pairs, pairs[1:], strict=False):
        assert y_after >= y_before - tolerance, (
            f"Tab goes up the page: {type(before).__name__} {before.accessibleName()!r} at y={y_before}, "
            f"then {type(after).__name__} {after.accessibleName()!r} at y={y_after}")
    return inside


def test_tab_on_the_risks_step_starts_at_the_chart_and_follows_the_page(main, qtbot):
    view = start_by_keyboard(main, qtbot)
    window = view.window()
    press(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = view.page_for["benefits_risks"]
    walked = focus_walk(window, page, view.navigator.buttons["review"])
    first_row = next(iter(page.chart.rows.values()))
    first_control = next(widget for widget in walked if widget is not page.scroll)
    assert first_control is first_row, f"the first Tab goes to {first_control.accessibleName()!r}"
    inside = assert_top_to_bottom(walked, page.scroll.widget())
    assert inside.index(page.add_toggle) > inside.index(list(page.chart.rows.values())[-1].discussed)

    # The form opened under its button comes next; the selected row's people after the page's left column.
    qtbot.mouseClick(page.add_toggle, Qt.MouseButton.LeftButton)
    # (this pack gives no figure: the details show the note and no people; the icon array's place in the
    # order is walked in tests/test_risks_overview.py on a pack with figures)
    qtbot.mouseClick(first_row, Qt.MouseButton.LeftButton)
    walked = focus_walk(window, page, view.navigator.buttons["review"])
    assert walked.index(page.form.label) > walked.index(page.add_toggle)
    assert page.details.note in walked and walked.index(page.details.note) > walked.index(page.form.add_button)


def test_after_adding_a_question_tab_goes_on_to_the_check_of_understanding_teach_back_and_the_decision(main, qtbot):
    view = start_by_keyboard(main, qtbot)
    window = view.window()
    press(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    page = view.page_for["alternatives_questions"]
    tab_to(window, page.add_question_button)
    press(window, Qt.Key.Key_Space)
    question = QApplication.focusWidget()
    assert "Question 1" in question.accessibleName()
    walked = focus_walk(window, page, question)
    names = [widget.accessibleName() or getattr(widget, "text", lambda: "")() for widget in walked]
    assert len(walked) >= 3, f"Tab leaves the page after {names}"
    assert walked[0].accessibleName() == "Answer to question 1", names
    assert walked[1] is page.add_question_button, names
    # Then the check of understanding (issue 19), row by row, and the quick teach-back ticks after it.
    first_check = next(iter(page.understanding_box.rows.values()))
    assert walked[2] is first_check.words, names
    last_check = list(page.understanding_box.rows.values())[-1]
    first_tick = page.teach_back_boxes[next(iter(page.teach_back_boxes))]
    assert first_tick in walked and walked.index(first_tick) == walked.index(last_check.re_explain) + 1, names
    assert any(widget in page.decision_buttons.values() for widget in walked), names
    from PySide6.QtWidgets import QScrollArea

    assert_top_to_bottom([question, *walked], page.findChild(QScrollArea).widget())
