"""The icon array: 1000 people, the affected ones one block from the top left, the number first."""

from __future__ import annotations

from collections import deque

import pytest

from consultaid.charts.icon_array import (
    AFFECTED,
    BRACKET,
    MAYBE,
    UNAFFECTED,
    build_icon_array,
    cell_position,
    icon_array_for,
    layout_icons,
)
from consultaid.consultation.shown_content import ShownEstimate, ShownOutcome, shown_content
from consultaid.content.library import load_library
from tests.conftest import CONTENT


@pytest.fixture(scope="module")
def library():
    return load_library(CONTENT)


def estimate(**figures) -> ShownEstimate:
    return ShownEstimate(source="leaflet", source_file="leaflet.txt", source_title="Leaflet", **figures)


def risk(*estimates, label="Cement leaking out", **extra) -> ShownOutcome:
    return ShownOutcome(id="risk", kind="risk", label=label, estimates=estimates, **extra)


def outcome_of(library, pack: str, outcome_id: str, language: str = "en") -> ShownOutcome:
    content = shown_content(library.get(pack), language)
    return next(item for item in content.benefits + content.risks if item.id == outcome_id)


def connected(cells) -> bool:
    """True when the cells form one piece (rows and columns of the grid, across block gaps)."""
    places = {(cell.row, cell.column) for cell in cells}
    if not places:
        return True
    start = next(iter(places))
    seen, queue = {start}, deque([start])
    while queue:
        row, column = queue.popleft()
        for neighbour in ((row + 1, column), (row - 1, column), (row, column + 1), (row, column - 1)):
            if neighbour in places and neighbour not in seen:
                seen.add(neighbour)
                queue.append(neighbour)
    return seen == places


def test_1000_people_in_blocks_of_100():
    array = build_icon_array(estimate(unit="percent", value=2), "en", risk())
    assert len(array.cells) == 1000
    assert len({(cell.row, cell.column) for cell in array.cells}) == 1000
    assert (array.columns, array.rows, array.block) == (50, 20, 10)
    for cell in array.cells:  # inside the unit box, square icons
        assert 0 <= cell.x and cell.x + cell.size <= 1 + 1e-9
        assert 0 <= cell.y and cell.y + cell.size <= array.height + 1e-9


def test_a_point_marks_exactly_that_many_people_in_one_block_from_the_top_left(library):
    array = icon_array_for(outcome_of(library, "vertebroplasty", "pain_relief"), "en")
    assert array.count(AFFECTED) == 980 and array.count(UNAFFECTED) == 20
    assert connected([cell for cell in array.cells if cell.state == AFFECTED])
    small = build_icon_array(estimate(unit="per_1000", value=25), "en", risk())
    affected = sorted((cell.row, cell.column) for cell in small.cells if cell.state == AFFECTED)
    assert affected == [(row, column) for row in range(2) for column in range(10)] + [(2, c) for c in range(5)]
    assert connected([cell for cell in small.cells if cell.state == AFFECTED])


def test_a_range_is_solid_to_its_low_figure_and_maybe_to_its_high_one():
    array = build_icon_array(estimate(unit="percent", low=1, high=5), "en", risk())
    assert array.count(AFFECTED) == 10 and array.count(MAYBE) == 40 and array.count(BRACKET) == 0
    marked = [cell for cell in array.cells if cell.state in (AFFECTED, MAYBE)]
    assert connected(marked)
    assert min(cell.index for cell in array.cells if cell.state == MAYBE) == 10  # right after the solid ones
    assert array.caption == "10–50 in 1000: Cement leaking out"
    assert [entry.state for entry in array.legend] == [AFFECTED, MAYBE, UNAFFECTED]
    assert array.legend[0].text.startswith("10 in 1000") and array.legend[1].text.startswith("up to 50 in 1000")


def test_an_upper_bound_outlines_its_people_and_fills_none():
    array = build_icon_array(estimate(unit="percent", upper=1), "en", risk())
    assert array.count(AFFECTED) == 0 and array.count(MAYBE) == 0 and array.count(BRACKET) == 10
    assert array.caption.startswith("Fewer than 10 in 1000")
    (outline,) = array.outlines
    bracket = [cell for cell in array.cells if cell.state == BRACKET]
    xs, ys = [x for x, _y in outline.points], [y for _x, y in outline.points]
    assert min(xs) == pytest.approx(min(cell.x for cell in bracket))
    assert max(xs) == pytest.approx(max(cell.x + cell.size for cell in bracket))
    assert max(ys) == pytest.approx(max(cell.y + cell.size for cell in bracket))


def test_an_upper_bound_over_several_rows_has_one_stepped_outline_per_block():
    cells, outlines, _height = layout_icons(0, 0, 125)
    assert sum(1 for cell in cells if cell.state == BRACKET) == 125
    assert len(outlines) == 2  # 100 in the first block, 25 in the second
    assert len(outlines[1].points) == 6  # two full rows and a half row: a step


def test_not_known_marks_no_one_and_says_so():
    array = build_icon_array(estimate(verbal="rare"), "en", risk(label="Bleeding"))
    assert array.not_known and array.count(UNAFFECTED) == 1000
    assert array.caption == "Not known: Bleeding"
    assert "No figure" in array.legend[0].text


def test_a_fraction_of_a_person_is_never_drawn_as_a_whole_one():
    array = build_icon_array(estimate(unit="percent", value=0.25), "en", risk())
    assert array.count(AFFECTED) == 2 and array.count(MAYBE) == 1
    assert array.caption.startswith("2.5 in 1000")
    assert MAYBE in [entry.state for entry in array.legend]


def test_benefits_use_their_own_words_for_both_frames(library):
    array = icon_array_for(outcome_of(library, "vertebroplasty", "pain_relief"), "en")
    assert array.kind == "benefit"
    assert [entry.text for entry in array.legend] == ["980 in 1000 have less pain from the fracture",
                                                      "20 in 1000 do not"]


def test_french_caption_and_legend(library):
    array = icon_array_for(outcome_of(library, "cement-spine-surgery", "cement_leakage", "fr"), "fr")
    assert array.caption.replace("\u00a0", " ") == "50–100 sur 1000 : Fuite de ciment"
    assert array.count(AFFECTED) == 50 and array.count(MAYBE) == 50
    assert array.legend[1].text.startswith("jusqu’à 100 sur 1000")


def test_other_layouts_fill_the_same_way_and_impossible_ones_are_refused():
    cells, _outlines, _height = layout_icons(30, 30, 0, columns=25, block=5)
    assert len(cells) == 1000 and sum(1 for cell in cells if cell.state == AFFECTED) == 30
    assert cell_position(25, 25, 5) == (0, 5)  # the first block of 25 is full: the next one to its right
    with pytest.raises(ValueError):
        layout_icons(1, 1, 0, columns=30, block=10)


# ---- The widget ---------------------------------------------------------------------------------------------

@pytest.fixture
def icon_view(qtbot, qapp):
    from consultaid.ui.services.style import apply_style
    from consultaid.ui.widgets.icon_array_view import IconArrayView

    apply_style(qapp)

    def make(array=None):
        view = IconArrayView(array)
        qtbot.addWidget(view)
        view.resize(800, 600)
        with qtbot.waitExposed(view):
            view.show()
        return view

    return make


@pytest.mark.parametrize("pack,outcome_id", [("vertebroplasty", "pain_relief"), ("vertebroplasty", "death"),
                                             ("cement-spine-surgery", "cement_leakage"),
                                             ("cement-spine-surgery", "symptomatic_leakage")])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_view_paints_every_kind_of_estimate(icon_view, library, pack, outcome_id, language):
    from PySide6.QtWidgets import QLabel

    from consultaid.ui.widgets.icon_array_view import IconArrayView

    item = outcome_of(library, pack, outcome_id, language)
    view = IconArrayView.for_outcome(item, language)
    view.resize(800, 600)
    view.show()
    try:
        assert not view.grab().isNull()
        grid = view.grid
        assert grid.hasHeightForWidth()
        assert grid.heightForWidth(700) == pytest.approx(700 * view.icon_array.height, abs=8)
        texts = [label.text() for label in view.findChildren(QLabel)]
        assert view.icon_array.caption.split()[0] in texts[0]  # the number first, as the caption
        assert view.accessibleName() == view.icon_array.caption
    finally:
        view.close()


def test_the_view_can_switch_to_another_estimate(icon_view, library):
    view = icon_view(icon_array_for(outcome_of(library, "vertebroplasty", "cement_leakage"), "en"))
    first_grid = view.grid
    view.set_icon_array(icon_array_for(outcome_of(library, "vertebroplasty", "pain_relief"), "en"))
    assert view.grid is not first_grid and view.icon_array.count(AFFECTED) == 980
    assert not view.grab().isNull()
