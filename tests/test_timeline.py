"""The recovery timeline: its axis, its items and words (Qt-free), and the widget that paints them."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest

from consultaid.charts.timeline import (
    DAY_HOURS,
    MONTH_HOURS,
    WEEK_HOURS,
    YEAR_HOURS,
    build_timeline,
)
from consultaid.consultation.recovery_words import format_date_range
from consultaid.consultation.shown_content import shown_content
from consultaid.content.library import load_library
from tests.conftest import CONTENT

PACKS = ("cement-spine-surgery", "endoscopic-spine-surgery", "vertebroplasty")
LANGUAGES = ("en", "fr")
SURGERY = date(2027, 1, 31)
HOUR, MINUTE = 1.0, 1 / 60


@pytest.fixture(scope="module")
def library():
    return load_library(CONTENT)


def shown(library, pack_id: str, language: str = "en"):
    return shown_content(library.get(pack_id), language).milestones


def timeline(library, pack_id: str, language: str = "en", surgery_date: date | None = None):
    return build_timeline(shown(library, pack_id, language), language, surgery_date)


def items(built) -> dict:
    return {item.milestone_id: item for item in built.items}


# --- the axis --------------------------------------------------------------------------------------

@pytest.mark.parametrize("pack_id", PACKS)
def test_the_axis_is_monotonic_from_0_to_1(library, pack_id):
    axis = timeline(library, pack_id).axis
    hours = [0.0] + [10 ** (exponent / 20) for exponent in range(-40, 100)]
    xs = [axis.x(h) for h in hours if h <= axis.end_hours]
    assert xs[0] == 0.0 and all(0.0 <= x <= 1.0 for x in xs)
    assert all(later > earlier for earlier, later in pairwise(xs))
    assert axis.x(axis.end_hours) == pytest.approx(1.0)
    assert axis.x(axis.end_hours * 2) == 1.0
    stretches = axis.stretches
    assert stretches[0].x0 == 0.0 and stretches[-1].x1 == pytest.approx(1.0)
    assert all(a.x1 == pytest.approx(b.x0) and a.end_hours == b.start_hours for a, b in pairwise(stretches))


def test_hours_and_months_are_both_readable_on_one_axis(library):
    # The endoscopic pack runs from a 7–10 hour check-up to a yearly review.
    axis = timeline(library, "endoscopic-spine-surgery").axis
    assert axis.end_hours > YEAR_HOURS
    assert axis.x(10 * HOUR) > 0.1                            # the day of surgery is widened
    assert axis.x(10 * HOUR) - axis.x(7 * HOUR) > 0.02        # 7 and 10 hours clearly apart
    assert axis.x(WEEK_HOURS) - axis.x(DAY_HOURS) > 0.1
    assert axis.x(2 * MONTH_HOURS) - axis.x(MONTH_HOURS) > 0.05
    assert axis.x(3 * MONTH_HOURS) < 0.9
    assert axis.x(YEAR_HOURS) < 1.0
    # Minutes count too: cement hardening after 8–10 minutes is not drawn at the moment of surgery.
    minutes = timeline(library, "vertebroplasty").axis
    assert minutes.x(8 * MINUTE) > 0.03
    assert minutes.x(10 * MINUTE) > minutes.x(8 * MINUTE)


def test_the_day_of_surgery_is_widened_only_for_items_timed_in_hours(library):
    cement = timeline(library, "cement-spine-surgery").axis  # days, weeks and months only
    endoscopic = timeline(library, "endoscopic-spine-surgery").axis
    assert cement.x(DAY_HOURS) < endoscopic.x(DAY_HOURS)
    assert cement.x(DAY_HOURS) > 0.08  # still wide enough to show "same day or the next"
    assert not cement.stretches[0].square_root and endoscopic.stretches[0].square_root


def test_the_axis_ends_after_the_latest_item_at_a_round_time(library):
    assert timeline(library, "vertebroplasty").axis.end_hours == 3 * DAY_HOURS
    assert timeline(library, "cement-spine-surgery").axis.end_hours == pytest.approx(6 * MONTH_HOURS)
    assert timeline(library, "endoscopic-spine-surgery").axis.end_hours == pytest.approx(18 * MONTH_HOURS)


def test_ticks_are_labelled_landmarks_in_the_patient_language(library):
    english = timeline(library, "endoscopic-spine-surgery")
    labels = [tick.label for tick in english.ticks]
    assert labels[0] == "Day of surgery" and english.ticks[0].x == 0.0
    for landmark in ("1\u00a0day", "1\u00a0week", "1\u00a0month", "3\u00a0months", "1\u00a0year", "6\u00a0hours"):
        assert landmark in labels
    assert [tick.x for tick in english.ticks] == sorted(tick.x for tick in english.ticks)
    french = timeline(library, "endoscopic-spine-surgery", "fr")
    assert [tick.label for tick in french.ticks][:1] == ["Jour de l’intervention"]
    assert "1\u00a0mois" in [tick.label for tick in french.ticks]
    # Hour ticks only where the day of surgery is widened.
    assert "6\u00a0hours" not in [tick.label for tick in timeline(library, "cement-spine-surgery").ticks]


def test_ticks_show_calendar_dates_once_the_surgery_date_is_known(library):
    undated = timeline(library, "cement-spine-surgery")
    assert all(tick.date_text == "" for tick in undated.ticks)
    dated = {tick.label: tick.date_text for tick in timeline(library, "cement-spine-surgery", "en", SURGERY).ticks}
    assert dated["Day of surgery"] == "31 Jan 2027"
    assert dated["1\u00a0month"] == "28 Feb"
    assert dated["3\u00a0months"] == "30 Apr"


# --- the items -------------------------------------------------------------------------------------

@pytest.mark.parametrize("pack_id", PACKS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_milestone_has_its_own_lane_kind_words_and_sources(library, pack_id, language):
    milestones = shown(library, pack_id, language)
    built = build_timeline(milestones, language, SURGERY)
    assert [item.lane for item in built.items] == list(range(len(milestones)))
    for milestone, item in zip(milestones, built.items, strict=True):
        assert item.milestone_id == milestone.id and item.kind == milestone.kind
        assert item.label == milestone.label and item.detail == milestone.detail
        assert item.source_files == milestone.source_files and item.source_files
        assert item.timing_text and item.date_text
        assert 0.0 <= item.x0 <= item.x1 <= item.end_x <= 1.0
    assert built.caption and built.legend


def test_points_windows_and_timing_words(library):
    cement = items(timeline(library, "cement-spine-surgery"))
    axis = timeline(library, "cement-spine-surgery").axis
    stitches = cement["stitches_out"]
    assert stitches.kind == "point" and stitches.timing_text == "12\u00a0days"
    # A time in days covers its day: stitches out on day 12 is drawn over day 12.
    assert stitches.x0 == pytest.approx(axis.x(12 * DAY_HOURS)) and stitches.x1 == pytest.approx(axis.x(13 * DAY_HOURS))
    work = cement["return_to_work"]
    assert work.timing_text == "1–2\u00a0months" and work.x0 == pytest.approx(axis.x(MONTH_HOURS))
    assert work.uncertain_x1 is None and not work.open_end
    assert cement["discharge"].timing_text == "Within 1\u00a0day"
    dressings = cement["dressings"]
    assert dressings.open_end and dressings.tail_x1 > dressings.x0 == 0.0
    assert dressings.timing_text == "From the day of surgery" and dressings.repeat_text == "every 2\u00a0days"
    assert cement["home_nurse"].repeat_text == "every day"
    assert cement["follow_up"].timing_text == "1\u00a0month"


def test_an_uncertain_length_is_solid_then_lighter(library):
    built = timeline(library, "cement-spine-surgery")
    physio = items(built)["physiotherapy"]  # from 1 month, lasting 1–3 months
    axis = built.axis
    assert physio.timing_text == "From 1\u00a0month, for 1–3\u00a0months"
    assert physio.x0 == pytest.approx(axis.x(MONTH_HOURS))
    assert axis.x(2 * MONTH_HOURS) <= physio.x1 <= axis.x(2 * MONTH_HOURS + 2 * DAY_HOURS)     # solid to 2 months
    assert axis.x(4 * MONTH_HOURS) <= physio.uncertain_x1 <= axis.x(4 * MONTH_HOURS + 2 * DAY_HOURS)  # lighter to 4
    assert physio.end_x == physio.uncertain_x1 < 1.0
    assert any(entry.kind == "uncertain" for entry in built.legend)


def test_a_not_before_restriction_is_a_zone_from_the_surgery(library):
    built = timeline(library, "endoscopic-spine-surgery")
    effort = items(built)["intense_effort"]
    assert effort.kind == "not_before"
    assert effort.x0 == 0.0 and effort.x1 == pytest.approx(built.axis.x(3 * MONTH_HOURS)) and effort.x == effort.x1
    assert effort.timing_text == "Not before 3\u00a0months"
    french = items(timeline(library, "endoscopic-spine-surgery", "fr"))["intense_effort"]
    assert french.timing_text == "Pas avant 3\u00a0mois"


def test_a_day_is_not_drawn_as_the_moment_of_surgery(library):
    # "Going home: 0 days" means some time on the day of surgery, so it must not come before
    # "do not stand up for 12 hours" on a widened day of surgery.
    vertebroplasty = items(timeline(library, "vertebroplasty"))
    same_day, stand_up = vertebroplasty["discharge_same_day"], vertebroplasty["stand_up"]
    assert same_day.x0 == 0.0 and same_day.x1 > stand_up.x1 and same_day.drawn_as_period
    assert vertebroplasty["cement_hardens"].x1 < stand_up.x1
    assert vertebroplasty["discharge_next_day"].x0 == pytest.approx(same_day.x1)


def test_a_yearly_review_keeps_its_repeat(library):
    review = items(timeline(library, "endoscopic-spine-surgery", "fr"))["stem_cell_review"]
    assert review.kind == "point" and review.timing_text == "1\u00a0an" and review.repeat_text == "tous les ans"


def test_dates_for_every_item_in_english_and_french(library):
    english = items(timeline(library, "cement-spine-surgery", "en", SURGERY))
    assert english["stitches_out"].date_text == "12 Feb 2027"
    assert english["stitches_out"].first_date == date(2027, 2, 12)
    assert english["follow_up"].date_text == "28 Feb 2027"
    assert english["return_to_work"].date_text == "28 Feb – 31 Mar 2027"
    assert english["physiotherapy"].date_text == "From 28 Feb 2027, ending between 31 Mar and 31 May 2027"
    assert english["analgesic_physio"].date_text == "From 7 Feb 2027"
    french = items(timeline(library, "cement-spine-surgery", "fr", SURGERY))
    assert french["stitches_out"].date_text == "12 févr. 2027"
    assert french["return_to_work"].date_text == "28 févr. – 31 mars 2027"
    assert french["analgesic_physio"].date_text == "À partir du 7 févr. 2027"
    endoscopic = items(timeline(library, "endoscopic-spine-surgery", "en", SURGERY))
    assert endoscopic["first_checkup"].date_text == "31 Jan 2027"  # 7–10 hours: the same day
    assert endoscopic["stem_cell_review"].date_text == "31 Jan 2028"
    assert all(item.date_text == "" and item.first_date is None
               for item in timeline(library, "cement-spine-surgery", "en").items)


def test_date_ranges_show_the_year_once_unless_it_changes():
    assert format_date_range(date(2026, 12, 20), date(2027, 1, 3), "en") == "20 Dec 2026 – 3 Jan 2027"
    assert format_date_range(date(2027, 3, 1), date(2027, 3, 1), "fr") == "1 mars 2027"


def test_the_caption_says_recovery_varies(library):
    assert "own pace" in timeline(library, "vertebroplasty").caption
    assert "à son rythme" in timeline(library, "vertebroplasty", "fr").caption


def test_no_milestones_still_gives_an_axis():
    built = build_timeline([], "en")
    assert built.items == () and built.axis.end_hours > 0 and built.ticks[0].label == "Day of surgery"


# --- the widget ------------------------------------------------------------------------------------

def contrast(colour, background="#FFFFFF") -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(colour), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_colours_meet_the_contrast_rules():
    from consultaid.charts import palette  # what the timeline's marks are drawn with, on screen and paper
    from consultaid.ui.services.style import INK, MUTED

    assert contrast(INK) >= 4.5 and contrast(MUTED) >= 4.5
    for mark in (palette.EVENT, palette.RESTRICTION):
        assert contrast(mark) >= 3.0


@pytest.mark.parametrize("pack_id", PACKS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_view_lays_out_every_lane_without_clipping(qtbot, library, pack_id, language):
    from consultaid.ui.widgets.timeline_view import TimelineView

    view = TimelineView(shown(library, pack_id, language), language)
    qtbot.addWidget(view)
    view.set_surgery_date(SURGERY)
    view.show()
    for width in (760, 1200):
        view.resize(width, view.heightForWidth(width))
        qtbot.waitUntil(lambda width=width: view.width() == width)
        layout = view._current_layout()
        assert len(layout.lanes) == len(view.timeline.items)
        assert layout.height <= view.height()
        for lane in layout.lanes:
            assert lane.top <= lane.label_rect.top() and lane.label_rect.bottom() <= lane.top + lane.height
            words = lane.words.rect
            assert layout.chart_left - 1 <= words.left() and words.right() <= layout.chart_right + 1
            assert lane.top <= words.top() and words.bottom() <= lane.top + lane.height
            box = view.checkboxes[lane.item.milestone_id].geometry()
            assert box.right() < width and box.left() > layout.chart_right
        assert view.grab().width() == width  # paints without error


def test_clicking_discussed_emits_the_milestone(qtbot, library):
    from PySide6.QtCore import Qt

    from consultaid.ui.widgets.timeline_view import TimelineView

    view = TimelineView(shown(library, "cement-spine-surgery"), "en", SURGERY)
    qtbot.addWidget(view)
    view.resize(1200, view.heightForWidth(1200))
    with qtbot.waitExposed(view):
        view.show()
    box = view.checkboxes["stitches_out"]
    assert box.accessibleName() == "Discussed: Stitches and staples removed"
    assert "12 Feb 2027" in box.accessibleDescription()
    assert "000_21cefe47539df6ee.txt" in box.toolTip()
    def ticked(milestone_id, checked):
        return (milestone_id, checked) == ("stitches_out", True)

    with qtbot.waitSignal(view.discussed_changed, timeout=2000, check_params_cb=ticked):
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert view.discussed() == {"stitches_out"}
    with qtbot.waitSignal(view.discussed_changed, timeout=2000,
                          check_params_cb=lambda milestone_id, checked: not checked):
        view.set_discussed("stitches_out", False)


def test_the_surgery_date_can_be_set_and_cleared(qtbot, library):
    from consultaid.ui.widgets.timeline_view import TimelineView

    view = TimelineView(shown(library, "endoscopic-spine-surgery"), "en")
    qtbot.addWidget(view)
    undated = view.heightForWidth(1000)
    view.set_surgery_date(SURGERY)
    assert view.surgery_date == SURGERY and view.heightForWidth(1000) > undated  # a line of dates per lane
    assert "31 Jan 2028" in view.checkboxes["stem_cell_review"].accessibleDescription()
    view.set_surgery_date(None)
    assert view.heightForWidth(1000) == undated


def test_the_view_follows_the_font_and_fits_a_scroll_area(qtbot, library):
    from PySide6.QtWidgets import QScrollArea

    from consultaid.ui.widgets.timeline_view import TimelineView

    view = TimelineView(shown(library, "cement-spine-surgery"), "en", SURGERY)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(view)
    qtbot.addWidget(area)
    area.resize(1000, 500)
    with qtbot.waitExposed(area):
        area.show()
    assert view.height() >= view.heightForWidth(view.width())  # scrolls rather than squeezes
    normal = view.heightForWidth(1000)
    font = view.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    view.setFont(font)
    assert view.heightForWidth(1000) > normal * 1.2
