"""High contrast reaches the charts (issue 17 item 4, design.md §11): in the app's high-contrast look (View ›
High contrast) the risk bars, the overview, the icon array and the recovery timeline draw with
`palette.HIGH_CONTRAST_CHART`, and go back to the standard colours with the look; the PDF keeps the standard
ones whatever the screen shows.

The colours are read where they are used: on the recording surface of tests/test_drawing.py (every colour
of every pen, fill and text of a drawing), then on the real widgets' pixels after the menu item is used."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from consultaid.charts import palette
from consultaid.charts.draw_icons import draw_icon_array
from consultaid.charts.draw_risk import RiskLook, draw_overview_bar, draw_scale_bar
from consultaid.charts.draw_timeline import draw_timeline, layout_timeline
from consultaid.charts.icon_array import icon_array_for
from consultaid.charts.risk_chart import build_chart
from consultaid.charts.timeline import build_timeline
from consultaid.consultation.shown_content import shown_content
from consultaid.content.library import load_library
from consultaid.palette_check import contrast_ratio
from tests.conftest import CONTENT
from tests.test_drawing import FixedFont, Recorder, fixed_timeline_look

STANDARD_ONLY = {palette.KIND_COLOURS["risk"], palette.KIND_COLOURS["benefit"], palette.MUTED, palette.INK,
                 palette.TRACK_OUTLINE, palette.UNAFFECTED_OUTLINE, palette.EVENT, palette.RESTRICTION}


@pytest.fixture(scope="module")
def content():
    return shown_content(load_library(CONTENT).get("cement-spine-surgery"), "en")


def colours_used(ops) -> set[str]:
    """Every colour a drawing used: pens, fills and text."""
    used = set()
    for op in ops:
        if op[0] in ("rect", "path"):
            pen, fill = op[2], op[3]
            used |= {colour for colour in (pen.colour if pen else None, fill) if colour}
        elif op[0] in ("line", "lines"):
            used.add(op[2].colour)
        elif op[0] == "text":
            used.add(op[3])
    return {colour.upper() for colour in used}


def drawings(content, colours, risk_look, timeline_look):
    """The risk bars (full and overview), an icon array of each kind of estimate, and the timeline."""
    chart = build_chart(content.benefits + content.risks, "en")
    surface = Recorder()
    for row in chart.rows:
        for bar in row.bars:
            draw_scale_bar(surface, risk_look, bar, row.kind, chart.linear_ticks, False, row.parent_extent, 400)
            draw_overview_bar(surface, risk_look, bar, row.kind, row.parent_extent, 300)
    for outcome in content.risks:
        draw_icon_array(surface, icon_array_for(outcome, "en", aspect=1.6), 400, 0, 0, colours)
    timeline = build_timeline(content.milestones, "en", date(2027, 1, 4))
    draw_timeline(surface, timeline_look, timeline, layout_timeline(surface, timeline_look, timeline, 900))
    return colours_used(surface.ops)


def fixed_risk_look(**changes) -> RiskLook:
    font = FixedFont()
    look = RiskLook(font, font, 1.0, 0.0, 20.0, 0.0, 4.0, 0.0, 2.0, 1.0, 4.0, 1.0, 0.0, 0.0, 2.0, 0.0, 1.0, "dash",
                    None, "dash", 2.0, "dot", (0.0, 0.0), (0.0, 0.0))
    return replace(look, **changes)


def test_the_high_contrast_drawing_uses_only_high_contrast_colours_at_7_to_1(content):
    look = fixed_risk_look()
    standard = drawings(content, palette.STANDARD_CHART, look, fixed_timeline_look())
    high = drawings(content, palette.HIGH_CONTRAST_CHART, replace(look, colours=palette.HIGH_CONTRAST_CHART),
                    fixed_timeline_look(colours=palette.HIGH_CONTRAST_CHART))
    allowed = {value.upper() for value in palette.HIGH_CONTRAST_CHART._asdict().values()}
    assert high <= allowed, high - allowed
    assert not high & STANDARD_ONLY, high & STANDARD_ONLY
    assert {palette.HIGH_CONTRAST_CHART.risk, palette.HIGH_CONTRAST_CHART.restriction} <= high
    # Every colour drawn on white is at least 7:1 except the white and the light shade it sits on.
    light = {"#FFFFFF", palette.HIGH_CONTRAST_CHART.stretch_shade.upper()}
    weak = {colour: round(contrast_ratio(colour, "#FFFFFF"), 2) for colour in high - light
            if contrast_ratio(colour, "#FFFFFF") < 7.0}
    assert weak == {}
    # The standard drawing is untouched (the PDF's, and the screen's outside high contrast).
    assert palette.KIND_COLOURS["risk"].upper() in standard and not standard & {palette.HIGH_CONTRAST_CHART.risk}


def test_the_pdf_keeps_the_standard_colours(content):
    from consultaid.report.charts_pdf import RISK_LOOK, TIMELINE_LOOK

    assert RISK_LOOK.colours is palette.STANDARD_CHART and TIMELINE_LOOK.colours is palette.STANDARD_CHART


def pixel_colours(widget) -> set[str]:
    image = widget.grab().toImage()
    return {image.pixelColor(x, y).name().upper() for y in range(0, image.height(), 1)
            for x in range(0, image.width(), 1)}


def test_the_menu_item_recolours_the_charts_on_screen_and_back(main, qtbot):
    from tests.test_risks_overview import open_consultation

    view, page = open_consultation(main, "cement-spine-surgery")
    bar = page.chart.row_widget("cement_leakage").bars[0]
    qtbot.mouseClick(page.chart.row_widget("cement_leakage"), Qt.MouseButton.LeftButton)
    grid = page.details.people.grid
    standard_blue, high_blue = palette.KIND_COLOURS["risk"].upper(), palette.HIGH_CONTRAST_CHART.risk.upper()
    assert standard_blue in pixel_colours(bar) and standard_blue in pixel_colours(grid)

    main.high_contrast_action.trigger()  # View › High contrast, as the menu does it
    QApplication.processEvents()
    try:
        for widget in (bar, grid):
            seen = pixel_colours(widget)
            assert high_blue in seen and standard_blue not in seen, type(widget).__name__
        view.go_to("recovery")
        QApplication.processEvents()
        timeline = view.page_for["recovery"].timeline
        seen = pixel_colours(timeline)
        assert palette.HIGH_CONTRAST_CHART.event.upper() in seen and palette.EVENT.upper() not in seen
        assert palette.HIGH_CONTRAST_CHART.restriction.upper() in seen
    finally:
        main.high_contrast_action.trigger()
        QApplication.processEvents()
    assert standard_blue in pixel_colours(bar)
