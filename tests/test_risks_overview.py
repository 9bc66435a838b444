"""Risks at a glance (issue 17 item 2, design.md §3 and §11): every benefit and risk of a procedure in compact
rows on one common scale, the selected one's details and 1000 people beside them.

The overview's rows come from the same chart as the full chart and the PDF, so the numbers and scale are
theirs (tests/test_risk_chart.py); here: its lines and references in pure Python, then the real main window
at the 1366x768 clinic screen's size (the client area under a window frame), used with the mouse and the
keyboard: every row of every shipped pack in view without scrolling, a click shows the details and the people,
each person drawn at least 12 px high, Up/Down and Enter move through the rows, a tick reaches the record."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from consultaid.charts.risk_chart import build_chart
from consultaid.charts.risk_overview import build_overview
from consultaid.consultation.shown_content import shown_content
from consultaid.content.library import load_library
from tests.conftest import CONTENT

PACKS = ("vertebroplasty", "cement-spine-surgery", "endoscopic-spine-surgery")
CLIENT_AREA = (1366, 740)  # a 1366x768 screen less the window's title bar


@pytest.fixture(scope="module")
def library():
    return load_library(CONTENT)


def chart_for(library, pack_id: str, language: str = "en"):
    content = shown_content(library.get(pack_id), language)
    return build_chart(content.benefits + content.risks, language)


def test_sources_without_a_figure_share_one_line_and_every_figure_keeps_its_own(library):
    chart = chart_for(library, "vertebroplasty")
    overview = build_overview(chart)
    assert [item.row for item in overview.rows] == list(chart.rows)
    for item in overview.rows:
        covered = sorted(index for line in item.lines for index in line.estimate_indexes)
        assert covered == list(range(len(item.row.bars)))  # every source's estimate, once
        unknown_lines = [line for line in item.lines if line.bar.not_known]
        assert len(unknown_lines) <= 1
        assert all(len(line.estimate_indexes) == 1 for line in item.lines if not line.bar.not_known)
    leakage = next(item for item in overview.rows if item.row.outcome_id == "cement_leakage")
    assert [line.number_text for line in leakage.lines] == ["10–50 in 1000", "10–50 in 1000", "not known"]
    # 19 estimates, 16 of them "not known", in 15 lines instead of 19 rows.
    assert overview.line_count == 15


def test_sources_are_numbered_in_order_of_first_use_and_listed_in_full(library):
    overview = build_overview(chart_for(library, "vertebroplasty"))
    assert [ref.number for ref in overview.references] == list(range(1, len(overview.references) + 1))
    texts = {ref.number: ref.text for ref in overview.references}
    for item in overview.rows:
        for line in item.lines:
            for index, number in zip(line.estimate_indexes, line.references, strict=False):
                assert texts[number] == item.row.bars[index].source_text
    first = overview.rows[0].lines[0]
    assert first.reference_text == "[1]"
    infection = next(item for item in overview.rows if item.row.outcome_id == "infection")
    assert infection.lines[0].reference_text == "[1–3]"  # three sources in a row, no figure from any
    bruise = next(item for item in overview.rows if item.row.outcome_id == "haematoma")
    assert bruise.lines[0].reference_text == "[1, 3]"


def open_consultation(window, pack_id: str, language: str = "en"):
    from consultaid.consultation.session import Consultation
    from consultaid.consultation.setup import ConsultationSetup, Patient, Surgeon

    pack = window.library.get(pack_id)
    setup = ConsultationSetup(Surgeon("Dr A"), Patient("Jeanne Dupont", date(1950, 3, 12)), pack.id, language)
    window.open_consultation(Consultation(setup, shown_content(pack, language)))
    view = window.consultation_view
    view.go_to("benefits_risks")
    QApplication.processEvents()
    return view, view.page_for["benefits_risks"]


@pytest.mark.parametrize("pack_id", PACKS)
def test_every_row_is_in_view_at_1366x768_without_scrolling(main, qtbot, pack_id):
    main.resize(*CLIENT_AREA)
    view, page = open_consultation(main, pack_id)
    qtbot.waitUntil(lambda: page.chart.rows and page.isVisible())
    viewport = page.scroll.viewport()
    assert page.scroll.verticalScrollBar().value() == 0
    hidden = []
    for outcome_id, row in page.chart.rows.items():
        bottom = row.mapTo(viewport, QPoint(0, row.height())).y()
        if bottom > viewport.height():
            hidden.append(f"{outcome_id}: ends at {bottom}, the view at {viewport.height()}")
    assert hidden == []
    assert page.scroll.horizontalScrollBar().maximum() == 0


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_row_is_in_view_in_a_real_window_on_a_1366x768_screen(language):
    """The same in a real window under a window manager (its frame and the screen's fonts included)."""
    from tests import screen_reader_session as session_module

    why = session_module.unavailable()
    if why:
        pytest.skip(f"No X display to open real windows on: {why}")
    session = session_module.ScreenReaderSession(1366, 768)
    hidden = {}
    try:
        session.start(language, fitted=True, window_manager=True)
        for pack_id in PACKS:
            session.command(f"consultation {pack_id}")
            session.command("step benefits_risks")
            hidden[pack_id] = session.command("hidden-rows")
    finally:
        session.stop()
    assert hidden == {pack_id: [] for pack_id in PACKS}


def person_height(page) -> float:
    grid = page.details.people.grid
    scale, _left, _top = grid._geometry()
    cell = grid.icon_array.cells[0]
    return cell.height * scale * 0.94  # the person fills 0.94 of its cell's height (draw_icons.person_path)


def test_a_click_shows_the_details_and_people_at_least_12_px_high(main, qtbot):
    main.resize(*CLIENT_AREA)
    view, page = open_consultation(main, "cement-spine-surgery")
    row = page.chart.row_widget("cement_leakage")
    qtbot.mouseClick(row, Qt.MouseButton.LeftButton, pos=QPoint(row.width() // 3, row.height() // 2))
    assert page.chart.selected_id() == "cement_leakage"
    assert "Cement leaking out" in page.details.title.text()
    assert page.details.people.isVisible() and page.details.people.grid is not None
    caption = page.details.people.icon_array.caption
    assert caption.startswith("50–100 in 1000")
    assert person_height(page) >= 12, f"each person is {person_height(page):.1f} px high"
    # The whole array is on screen beside the overview, not under it.
    grid = page.details.people.grid
    assert grid.mapTo(page, QPoint(0, 0)).x() > page.scroll.width() - 2
    # Each source's estimate is in the details, with its who / when / source.
    assert len(page.details.estimates) == len(page.chart.rows["cement_leakage"].row.bars)


def test_the_details_are_never_empty_and_follow_up_down_and_enter(main, qtbot):
    main.resize(*CLIENT_AREA)
    view, page = open_consultation(main, "vertebroplasty")
    rows = list(page.chart.rows.values())
    assert page.chart.selected_id() == rows[0].row.outcome_id  # the first is shown until another is chosen
    rows[0].setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(rows[0], Qt.Key.Key_Down)
    assert QApplication.focusWidget() is rows[1]
    assert page.chart.selected_id() == rows[1].row.outcome_id
    assert rows[1].row.label in page.details.title.text()
    qtbot.keyClick(rows[1], Qt.Key.Key_Up)
    assert page.chart.selected_id() == rows[0].row.outcome_id
    rows[3].setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(rows[3], Qt.Key.Key_Return)
    assert page.chart.selected_id() == rows[3].row.outcome_id


def test_two_sources_with_figures_each_show_their_people(main, qtbot):
    main.resize(*CLIENT_AREA)
    view, page = open_consultation(main, "vertebroplasty")
    qtbot.mouseClick(page.chart.row_widget("cement_leakage"), Qt.MouseButton.LeftButton, pos=QPoint(20, 8))
    choices = page.details.choice_buttons
    assert len(choices) == 2 and all("10–50 in 1000" in button.text() for button in choices.values())
    second = list(choices)[1]
    qtbot.mouseClick(choices[second], Qt.MouseButton.LeftButton)
    source = page.chart.rows["cement_leakage"].row.bars[second].source_text
    assert page.details.people.icon_array.source_text == source


def test_a_tick_and_a_note_reach_the_record(main, qtbot):
    main.resize(*CLIENT_AREA)
    view, page = open_consultation(main, "vertebroplasty")
    row = page.chart.row_widget("infection")
    qtbot.mouseClick(row.discussed, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(row, Qt.MouseButton.LeftButton, pos=QPoint(20, 8))
    qtbot.keyClicks(page.details.note, "Diabetic: higher risk")
    record = view.consultation.to_record()
    assert record["risks"]["infection"]["discussed"] is True
    assert record["risks"]["infection"]["note"] == "Diabetic: higher risk"
    # Another row and back: the saved note comes back with its details.
    qtbot.mouseClick(page.chart.row_widget("bleeding"), Qt.MouseButton.LeftButton, pos=QPoint(20, 8))
    assert page.details.note.text() == ""
    qtbot.mouseClick(row, Qt.MouseButton.LeftButton, pos=QPoint(20, 8))
    assert page.details.note.text() == "Diabetic: higher risk"


def test_a_risk_added_for_this_patient_joins_the_overview_and_is_shown(main, qtbot):
    main.resize(*CLIENT_AREA)
    view, page = open_consultation(main, "cement-spine-surgery")
    assert not page.form.isVisible()
    qtbot.mouseClick(page.add_toggle, Qt.MouseButton.LeftButton)
    assert page.form.isVisible() and QApplication.focusWidget() is page.form.label
    qtbot.keyClicks(page.form.label, "Slow wound healing")
    page.form.low.clear()
    qtbot.keyClicks(page.form.low, "20")
    page.form.high.clear()
    qtbot.keyClicks(page.form.high, "40")
    qtbot.mouseClick(page.form.add_button, Qt.MouseButton.LeftButton)
    added = view.consultation.patient_specific_risks[-1].id
    assert added in page.chart.rows and page.chart.selected_id() == added
    assert page.details.people.icon_array.caption.startswith("200–400 in 1000")  # the form says percent


def test_tab_reaches_the_people_after_the_overview_and_the_form(main, qtbot):
    from tests.test_keyboard_walk import focus_walk

    main.resize(*CLIENT_AREA)
    view, page = open_consultation(main, "vertebroplasty")
    qtbot.mouseClick(page.chart.row_widget("cement_leakage"), Qt.MouseButton.LeftButton, pos=QPoint(20, 8))
    walked = focus_walk(main, page, view.navigator.buttons["review"])
    last_tick = list(page.chart.rows.values())[-1].discussed
    grid = page.details.people.grid
    assert grid in walked and walked.index(grid) > walked.index(last_tick) > walked.index(page.chart.row_widget(
        "cement_leakage"))
    assert walked.index(page.details.note) > walked.index(grid)
