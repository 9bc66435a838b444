"""The kept drawings of the charts (ui/widgets/paint_cache.py): what is shown after any change is
exactly what a chart drawn from scratch shows, never a stale picture."""

from __future__ import annotations

from datetime import date

import pytest

from consultaid.consultation.shown_content import shown_content
from consultaid.content.library import load_library
from tests.conftest import CONTENT


@pytest.fixture(scope="module")
def library():
    return load_library(CONTENT)


def picture(widget):
    """What the widget shows, painted through its paintEvent (the kept drawing, if any)."""
    return widget.grab().toImage()


def fresh_timeline(qtbot, library, width: int, surgery_date=None, bold=False):
    from consultaid.ui.widgets.timeline_view import TimelineView

    view = TimelineView(shown_content(library.get("cement-spine-surgery"), "en").milestones, "en", surgery_date)
    qtbot.addWidget(view)
    if bold:
        font = view.font()
        font.setBold(True)
        view.setFont(font)
    view.resize(width, view.heightForWidth(width))
    view.show()
    qtbot.waitExposed(view)
    return view


def test_the_timeline_follows_its_date_its_width_and_its_font(qtbot, library):
    first, second = date(2027, 1, 31), date(2027, 3, 15)
    view = fresh_timeline(qtbot, library, 900, first)
    before = picture(view)
    assert picture(view) == before, "the same drawing again"

    size = view.size()
    view.set_surgery_date(second)  # other dates under the lanes, the same size
    assert view.size() == size and view.heightForWidth(900) == size.height()
    moved = picture(view)
    assert moved != before
    anew = fresh_timeline(qtbot, library, 900, second)
    assert moved == picture(anew)

    view.resize(1250, view.heightForWidth(1250))
    qtbot.waitUntil(lambda: view.width() == 1250)
    anew = fresh_timeline(qtbot, library, 1250, second)
    assert picture(view) == picture(anew)

    size = view.size()
    font = view.font()
    font.setBold(True)
    view.setFont(font)
    qtbot.wait(20)
    if view.heightForWidth(1250) != size.height():
        view.resize(1250, view.heightForWidth(1250))
        qtbot.waitUntil(lambda: view.height() == view.heightForWidth(1250))
    anew = fresh_timeline(qtbot, library, 1250, second, bold=True)
    assert picture(view) == picture(anew)


def test_risk_bars_drawn_once_match_bars_drawn_anew(qtbot, library):
    from consultaid.ui.widgets.risk_chart_view import ScaleBar

    def bars(view):
        return sorted(view.findChildren(ScaleBar), key=lambda bar: (bar.mapTo(view, bar.rect().topLeft()).y(),
                                                                   bar.mapTo(view, bar.rect().topLeft()).x()))

    def chart_view(width):
        from consultaid.charts.risk_chart import build_chart
        from consultaid.ui.widgets.risk_chart_view import RiskChartView

        content = shown_content(library.get("vertebroplasty"), "en")
        view = RiskChartView()
        view.set_chart(build_chart(content.benefits + content.risks, "en"))
        qtbot.addWidget(view)
        view.resize(width, 900)
        view.show()
        qtbot.waitExposed(view)
        qtbot.wait(50)  # widgets of the empty chart, replaced by set_chart, are gone
        return view

    view = chart_view(800)
    first = [picture(bar) for bar in bars(view)]
    assert first and [picture(bar) for bar in bars(view)] == first
    view.resize(1200, 900)
    qtbot.waitUntil(lambda: view.width() == 1200)
    qtbot.wait(50)
    wider = [picture(bar) for bar in bars(view)]
    assert wider != first
    anew = chart_view(1200)
    assert wider == [picture(bar) for bar in bars(anew)]
