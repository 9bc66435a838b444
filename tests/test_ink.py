"""The Qt-free ink model: undo history, JSON round trip, simplification and normalised coordinates."""

from __future__ import annotations

import json

import pytest

from consultaid.consultation.ink import (
    NEUTRAL_PRESSURE,
    InkDrawing,
    InkPoint,
    Stroke,
    clamp_unit,
    pressure_width,
    simplify,
    simplify_stroke,
)


def line(*xy, colour="#1B2631", tool="mouse"):
    return Stroke(colour, 0.006, tuple(InkPoint(x, y) for x, y in xy), tool)


def test_undo_redo_walk_back_and_forth_and_a_new_stroke_drops_the_redo():
    drawing = InkDrawing()
    first, second, third = line((0.1, 0.1), (0.2, 0.2)), line((0.3, 0.3)), line((0.5, 0.5), (0.6, 0.4))
    assert drawing.is_empty and not drawing.can_undo and not drawing.undo()
    drawing.add(first)
    drawing.add(second)
    assert drawing.strokes == [first, second]
    assert drawing.undo() and drawing.strokes == [first]
    assert drawing.can_redo and drawing.redo() and drawing.strokes == [first, second]
    assert not drawing.redo()
    drawing.undo()
    drawing.add(third)
    assert drawing.strokes == [first, third] and not drawing.can_redo


def test_clear_is_one_undoable_edit_and_clearing_nothing_is_no_edit():
    drawing = InkDrawing()
    assert drawing.clear() is False and not drawing.can_undo
    drawing.add(line((0.1, 0.1)))
    drawing.add(line((0.2, 0.2)))
    assert drawing.clear() is True and drawing.is_empty and len(drawing) == 0
    assert drawing.undo() and len(drawing) == 2
    assert drawing.redo() and drawing.is_empty


def test_round_trip_through_json_is_compact_and_exact_to_four_decimals():
    drawing = InkDrawing(aspect=4 / 3)
    drawing.add(Stroke("#d55e00", 0.006, (InkPoint(0.123456, 0.654321, 0.77777), InkPoint(1.0, 0.0, 0.5)),
                       "pen"))
    drawing.add(line((0.5, 0.5)))
    data = json.loads(json.dumps(drawing.to_dict()))
    assert data["aspect"] == 1.3333
    assert data["strokes"][0] == {"colour": "#D55E00", "width": 0.006, "tool": "pen",
                                  "points": [[0.1235, 0.6543, 0.7778], [1.0, 0.0, 0.5]]}
    again = InkDrawing.from_dict(data)
    assert again.to_dict() == data
    assert again.strokes[0].points[0] == InkPoint(0.1235, 0.6543, 0.7778)
    assert again.strokes[1].tool == "mouse" and not again.can_undo   # history is not part of the record


def test_from_dict_accepts_points_without_pressure_and_an_empty_drawing():
    drawing = InkDrawing.from_dict({"strokes": [{"colour": "#0072B2", "width": 0.01, "points": [[0.2, 0.3]]}]})
    assert drawing.strokes[0].points == (InkPoint(0.2, 0.3, NEUTRAL_PRESSURE),)
    assert InkDrawing.from_dict({}).is_empty and InkDrawing.from_dict({}).aspect is None


@pytest.mark.parametrize("bad", [
    {"colour": "blue", "width": 0.006, "points": [[0.1, 0.1, 0.5]]},
    {"colour": "#0072B2", "width": 0, "points": [[0.1, 0.1, 0.5]]},
    {"colour": "#0072B2", "width": 0.006, "points": []},
    {"colour": "#0072B2", "width": 0.006, "points": [[1.5, 0.1, 0.5]]},
    {"colour": "#0072B2", "width": 0.006, "points": [[0.1, 0.1, 0.5, 9]]},
    {"colour": "#0072B2", "width": 0.006, "points": [[0.1, 0.1]], "tool": "chalk"},
])
def test_a_damaged_record_is_refused_not_drawn_wrong(bad):
    with pytest.raises(ValueError):
        InkDrawing.from_dict({"strokes": [bad]})


def test_points_are_normalised_to_the_unit_square():
    with pytest.raises(ValueError):
        InkPoint(-0.01, 0.5)
    with pytest.raises(ValueError):
        InkPoint(0.5, 1.01)
    assert clamp_unit(-3) == 0.0 and clamp_unit(7) == 1.0 and clamp_unit(0.25) == 0.25


def test_simplify_drops_near_duplicates_but_keeps_the_ends_and_the_shape():
    dense = [InkPoint(0.1 + i * 0.0002, 0.5) for i in range(101)]   # a slow drag: 0.02 in 100 steps
    kept = simplify(dense)
    assert kept[0] == dense[0] and kept[-1] == dense[-1]
    assert len(kept) < 20
    assert all(abs(a.x - b.x) >= 0.0015 - 1e-9 for a, b in zip(kept[:-2], kept[1:-1], strict=True))
    corner = [InkPoint(0.1, 0.1), InkPoint(0.5, 0.1), InkPoint(0.5, 0.5)]
    assert simplify(corner) == tuple(corner)
    assert simplify([InkPoint(0.3, 0.3)]) == (InkPoint(0.3, 0.3),)


def test_simplify_keeps_a_point_where_the_pen_pressure_changed():
    points = [InkPoint(0.5, 0.5, 0.2), InkPoint(0.5001, 0.5, 0.9), InkPoint(0.6, 0.5, 0.9)]
    assert simplify(points) == tuple(points)
    stroke = simplify_stroke(Stroke("#1B2631", 0.006, tuple(points), "pen"))
    assert stroke.tool == "pen" and stroke.points == tuple(points)


def test_pressure_widens_the_line_around_the_nominal_width():
    assert pressure_width(0.01, NEUTRAL_PRESSURE) == pytest.approx(0.01)
    assert pressure_width(0.01, 0.0) == pytest.approx(0.004)
    assert pressure_width(0.01, 1.0) == pytest.approx(0.016)
    assert pressure_width(0.01, 0.2) < pressure_width(0.01, 0.8)
