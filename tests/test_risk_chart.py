"""The benefit and risk chart meets design brief section 3: its geometry and words, then the widget."""

from __future__ import annotations

import re

import pytest

from consultaid.charts.risk_chart import (
    BRACKET,
    HATCHED,
    SOLID,
    build_chart,
    display_order,
    estimate_figures,
)
from consultaid.consultation.shown_content import ShownEstimate, ShownOutcome, shown_content
from consultaid.content.library import load_library
from tests.conftest import CONTENT

PACKS = ("vertebroplasty", "cement-spine-surgery", "endoscopic-spine-surgery")
LANGUAGES = ("en", "fr")


@pytest.fixture(scope="module")
def library():
    return load_library(CONTENT)


def shown(library, pack: str, language: str = "en"):
    return shown_content(library.get(pack), language)


def chart_of(library, pack: str, language: str = "en"):
    content = shown(library, pack, language)
    return build_chart(content.benefits + content.risks, language)


def estimate(source="leaflet", **figures) -> ShownEstimate:
    return ShownEstimate(source=source, source_file=f"{source}.txt", source_title="Patient leaflet",
                         group_text="people who have this operation", window_text="in the first month", **figures)


def outcome(outcome_id: str, *estimates: ShownEstimate, kind="risk", **extra) -> ShownOutcome:
    return ShownOutcome(id=outcome_id, kind=kind, label=outcome_id.replace("_", " ").capitalize(),
                        estimates=estimates, **extra)


def only_bar(outcomes, language="en"):
    return build_chart(outcomes, language).rows[0].bars[0]


def plain(text: str) -> str:
    """French typography uses no-break spaces; compare words, not space characters."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


# ---- One denominator, numbers first ------------------------------------------------------------------------

def test_a_percent_range_becomes_a_band_in_1000():
    bar = only_bar([outcome("leak", estimate(unit="percent", low=1, high=5))])
    assert bar.number_text == "10–50 in 1000"
    assert bar.solid_end == pytest.approx(0.01) and bar.band_end == pytest.approx(0.05)
    assert bar.bracket_end is None and bar.fill_style == HATCHED
    assert [(s.style, round(s.start, 6), round(s.end, 6)) for s in bar.segments] == [
        (SOLID, 0, 0.01), (HATCHED, 0.01, 0.05)]


def test_an_upper_bound_is_a_bracket_from_zero_never_a_filled_part():
    bar = only_bar([outcome("infection", estimate(unit="percent", upper=1))])
    assert bar.number_text == "fewer than 10 in 1000"
    assert bar.bracket_end == pytest.approx(0.01)
    assert bar.solid_end == 0 and bar.band_end is None
    assert [segment.style for segment in bar.segments] == [BRACKET]
    assert bar.segments[0].start == 0


def test_no_figure_is_an_explicit_not_known_and_a_verbal_word_never_stands_alone():
    bar = only_bar([outcome("bleeding", estimate(verbal="rare"))])
    assert bar.not_known and bar.number_text == "not known" and bar.number_label == "Not known"
    assert bar.segments == () and bar.outer_end is None
    assert "“rare”" in bar.verbal_text and "source" in bar.verbal_text
    assert bar.description().startswith("Not known (")  # the number text comes first, then the word


def test_per_1000_figures_and_decimals_keep_their_exact_value():
    assert only_bar([outcome("a", estimate(unit="per_1000", value=3))]).number_text == "3 in 1000"
    assert only_bar([outcome("b", estimate(unit="percent", value=2.3))]).number_text == "23 in 1000"
    assert only_bar([outcome("c", estimate(unit="percent", value=0.25))]).number_text == "2.5 in 1000"
    assert only_bar([outcome("c", estimate(unit="percent", value=0.25))], "fr").number_text.startswith("2,5 ")


def test_every_number_text_of_every_shipped_pack_is_in_1000_and_comes_from_its_estimate(library):
    english = re.compile(r"^(fewer than )?(?P<low>\d+(\.\d+)?)(–(?P<high>\d+(\.\d+)?))? in 1000$|^not known$")
    for pack in PACKS:
        content = shown(library, pack)
        for item in content.benefits + content.risks:
            bars = build_chart([item], "en").rows[0].bars
            for shown_estimate, bar in zip(item.estimates, bars, strict=True):
                match = english.match(bar.number_text)
                assert match, bar.number_text
                assert "%" not in bar.number_text + bar.frames_text
                low, high = estimate_figures(shown_estimate)
                if match.group("low"):
                    figures = {float(match.group("low")), float(match.group("high") or match.group("low"))}
                    assert figures == {number for number in (low, high) if number is not None}


def test_all_rows_share_one_linear_scale_never_scaled_to_the_largest():
    chart = build_chart([outcome("small", estimate(unit="per_1000", value=10)),
                         outcome("large", estimate(unit="per_1000", value=500))], "en")
    assert chart.row("small").bars[0].solid_end == pytest.approx(0.01)
    assert chart.row("large").bars[0].solid_end == pytest.approx(0.5)
    alone = only_bar([outcome("small", estimate(unit="per_1000", value=10))])
    assert alone.solid_end == pytest.approx(0.01)  # the same with or without a larger neighbour


def test_the_log_close_up_has_labelled_ticks_shared_by_every_row():
    chart = build_chart([outcome("leak", estimate(unit="percent", low=1, high=5))], "en")
    assert [(round(tick.position, 6), tick.label) for tick in chart.log_ticks] == [
        (0, "1"), (0.333333, "10"), (0.666667, "100"), (1, "1000")]
    bar = chart.rows[0].bars[0]
    assert bar.log_solid_end == pytest.approx(1 / 3)
    assert chart.log_axis_title and chart.log_axis_note
    assert [tick.label for tick in chart.linear_ticks if tick.label] == ["0", "200", "400", "600", "800", "1000"]


def test_a_figure_below_1_in_1000_extends_the_log_scale_instead_of_vanishing():
    chart = build_chart([outcome("rare", estimate(unit="percent", value=0.05))], "fr")
    assert chart.log_ticks[0].label == "0,1"
    assert 0 < chart.rows[0].bars[0].log_solid_end < 1


# ---- Every row: group, window, source; every source its own sub-row ---------------------------------------

@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_row_has_a_number_a_group_a_window_and_a_source(library, pack, language):
    chart = chart_of(library, pack, language)
    assert chart.rows
    for row in chart.rows:
        assert row.label and row.bars
        for bar in row.bars:
            assert bar.number_text and bar.group_text and bar.window_text and bar.source_text
            assert bar.source_text.count(".txt") == 1  # the seed file is named


def test_a_missing_window_is_said_explicitly():
    bar = only_bar([outcome("leak", ShownEstimate(source="s", unit="percent", value=1, source_title="S"))])
    assert bar.window_text == "When: not stated by the source"
    assert bar.group_text == "Who: not stated by the source"
    assert bar.source_text == "Source: S"


def test_sources_that_disagree_each_keep_their_own_sub_row(library):
    row = chart_of(library, "vertebroplasty").row("cement_leakage")
    assert [bar.source for bar in row.bars] == ["seed-003", "seed-004", "seed-002"]
    assert [bar.number_text for bar in row.bars] == ["10–50 in 1000", "10–50 in 1000", "not known"]
    assert "extremely rare" in row.bars[2].verbal_text
    assert row.sources_differ_text
    assert not chart_of(library, "vertebroplasty").row("bleeding").sources_differ_text


# ---- Nesting ------------------------------------------------------------------------------------------------

def test_vertebroplasty_nests_leakage_near_nerves_right_after_cement_leakage(library):
    rows = chart_of(library, "vertebroplasty").rows
    ids = [row.outcome_id for row in rows]
    parent = ids.index("cement_leakage")
    child = rows[parent + 1]
    assert child.outcome_id == "leakage_near_nerves" and child.depth == 1 and child.parent_id == "cement_leakage"
    assert child.within_text == "Part of: Cement leaking out of the bone"
    assert child.parent_extent == pytest.approx(0.05)  # drawn inside the parent's 10–50 in 1000
    assert rows[parent].depth == 0


def test_cement_spine_surgery_nests_three_outcomes_in_cement_leakage(library):
    chart = chart_of(library, "cement-spine-surgery")
    ids = [row.outcome_id for row in chart.rows]
    start = ids.index("cement_leakage")
    assert ids[start:start + 4] == ["cement_leakage", "symptomatic_leakage", "nerve_compression",
                                    "pulmonary_embolism"]
    for child_id in ids[start + 1:start + 4]:
        child = chart.row(child_id)
        assert child.depth == 1 and child.parent_id == "cement_leakage"
        assert child.parent_extent == pytest.approx(0.1)
        assert child.parent_log_extent == pytest.approx(2 / 3)
    symptomatic = chart.row("symptomatic_leakage").bars[0]
    assert symptomatic.bracket_end <= chart.row("symptomatic_leakage").parent_extent  # visibly inside


def test_deeper_nesting_and_a_within_cycle_never_lose_a_row():
    outcomes = [outcome("c", estimate(), within="b"), outcome("a", estimate()), outcome("b", estimate(), within="a"),
                outcome("x", estimate(), within="y"), outcome("y", estimate(), within="x")]
    assert [(item.id, depth) for item, depth in display_order(outcomes)] == [
        ("a", 0), ("b", 1), ("c", 2), ("x", 0), ("y", 1)]


# ---- Benefits in both frames ------------------------------------------------------------------------------

def test_benefits_are_given_in_both_frames(library):
    bar = chart_of(library, "vertebroplasty").row("pain_relief").bars[0]
    assert bar.number_text == "980 in 1000"
    assert bar.frames_text == "980 in 1000 have less pain from the fracture; 20 in 1000 do not"
    assert bar.solid_end == pytest.approx(0.98)


def test_benefit_ranges_and_bounds_have_both_frames_too():
    gets = {"outcome_text": "feel better", "no_outcome_text": "do not"}
    ranged = only_bar([outcome("b", estimate(unit="percent", low=60, high=80), kind="benefit", **gets)])
    assert ranged.frames_text == "600–800 in 1000 feel better; 200–400 in 1000 do not"
    bounded = only_bar([outcome("b", estimate(unit="percent", upper=10), kind="benefit", **gets)])
    assert bounded.frames_text == "fewer than 100 in 1000 feel better; more than 900 in 1000 do not"
    assert only_bar([outcome("r", estimate(unit="percent", value=5))]).frames_text == ""


# ---- The patient's language --------------------------------------------------------------------------------

def test_french_says_sur_1000_with_a_decimal_comma(library):
    chart = chart_of(library, "cement-spine-surgery", "fr")
    assert chart.row("cement_leakage").bars[0].number_text == "50–100 sur 1000"
    assert chart.row("neurological").bars[0].number_text == "moins de 10 sur 1000"
    assert chart.row("bleeding").bars[0].number_text == "non connu"
    assert plain(chart.row("bleeding").bars[0].window_text) == "Quand : pendant ou après l'opération"
    assert plain(chart.row("symptomatic_leakage").within_text) == "Fait partie de : Fuite de ciment"
    assert chart.linear_axis_title == "Sur 1000 personnes"
    pain = chart_of(library, "vertebroplasty", "fr").row("pain_relief").bars[0]
    assert plain(pain.frames_text) == "980 sur 1000 ont moins mal à cause de la fracture ; 20 sur 1000 non"
    decimal = only_bar([outcome("x", estimate(unit="percent", low=0.25, high=1.5))], "fr")
    assert decimal.number_text == "2,5–15 sur 1000"


def test_the_chart_language_is_the_patients_not_the_interfaces(library):
    from consultaid.i18n import interface_language

    assert interface_language() == "en"
    assert chart_of(library, "vertebroplasty", "fr").heading("risk") == "Risques"


# ---- Surgeon's additions ------------------------------------------------------------------------------------

def test_custom_risks_and_discussed_ticks_are_carried():
    chart = build_chart([outcome("own", estimate(unit="percent", value=2), custom=True), outcome("b", estimate())],
                        "en", discussed={"b"})
    assert chart.row("own").custom and chart.row("own").custom_text
    assert not chart.row("b").custom_text
    assert [row.discussed for row in chart.rows] == [False, True]


def test_the_legend_names_only_the_styles_in_use():
    styles = [entry.style for entry in build_chart([outcome("a", estimate(unit="percent", upper=1))], "en").legend]
    assert styles == ["track", BRACKET]
    styles = [entry.style for entry in build_chart([outcome("a", estimate(unit="percent", low=1, high=2)),
                                                    outcome("b", estimate(), within="a")], "en").legend]
    assert styles == ["track", SOLID, HATCHED, "not_known", "parent"]


# ---- The widget ---------------------------------------------------------------------------------------------

@pytest.fixture
def chart_view(qtbot, qapp, library):
    from consultaid.ui.services.style import apply_style
    from consultaid.ui.widgets.risk_chart_view import RiskChartView

    apply_style(qapp)

    def make(pack="vertebroplasty", language="en", **options):
        content = shown(library, pack, language)
        view = RiskChartView.from_outcomes(content.benefits + content.risks, language, **options)
        qtbot.addWidget(view)
        view.resize(1200, 900)
        with qtbot.waitExposed(view):
            view.show()
        return view

    return make


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_view_shows_every_outcome_of_every_pack(chart_view, library, pack, language):
    from consultaid.ui.widgets.risk_chart_view import ScaleBar

    view = chart_view(pack, language)
    content = shown(library, pack, language)
    assert set(view.rows) == {item.id for item in content.benefits + content.risks}
    for item in content.benefits + content.risks:
        assert len(view.row_widget(item.id).estimates) == len(item.estimates)
    assert view.hasHeightForWidth() and view.heightForWidth(1000) > 0
    assert not view.grab().isNull()
    # One common scale on screen too: every linear bar starts at the same x and has the same width.
    linear = [bar for bar in view.findChildren(ScaleBar) if not bar.log_scale]
    assert len({bar.mapTo(view, bar.rect().topLeft()).x() for bar in linear}) == 1
    assert len({bar.width() for bar in linear}) == 1


def test_ticking_discussed_emits_the_outcome_id(chart_view, qtbot):
    from PySide6.QtCore import Qt

    view = chart_view("cement-spine-surgery")
    box = view.row_widget("symptomatic_leakage").discussed
    with qtbot.waitSignal(view.discussed_changed, timeout=2000,
                          check_params_cb=lambda outcome_id, checked: (outcome_id, checked)
                          == ("symptomatic_leakage", True)):
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert view.discussed_ids() == {"symptomatic_leakage"}
    with qtbot.assertNotEmitted(view.discussed_changed):
        view.set_discussed("infection", True)  # restoring a saved tick is not a new change
    assert view.discussed_ids() == {"symptomatic_leakage", "infection"}


def test_typing_a_note_emits_it(chart_view, qtbot):
    view = chart_view()
    field = view.row_widget("cement_leakage").note
    with qtbot.waitSignal(view.note_changed, timeout=2000,
                          check_params_cb=lambda outcome_id, text: (outcome_id, text)
                          == ("cement_leakage", "On anticoagulants")):
        qtbot.keyClicks(field, "On anticoagulants")
    assert view.notes() == {"cement_leakage": "On anticoagulants"}
    with qtbot.assertNotEmitted(view.note_changed):
        view.set_note("bleeding", "Restored")
    assert view.notes()["bleeding"] == "Restored"


def test_clicking_a_row_selects_it_for_the_icon_array(chart_view, qtbot):
    from PySide6.QtCore import Qt

    view = chart_view()
    row = view.row_widget("cement_leakage")
    with qtbot.waitSignal(view.selected, timeout=2000,
                          check_params_cb=lambda outcome_id: outcome_id == "cement_leakage"):
        qtbot.mouseClick(row.title, Qt.MouseButton.LeftButton)
    assert view.selected_id() == "cement_leakage" and row.property("selectedRow")
    second_source = row.estimates[1].linear
    with qtbot.waitSignal(view.estimate_selected, timeout=2000,
                          check_params_cb=lambda outcome_id, index: (outcome_id, index) == ("cement_leakage", 1)):
        qtbot.mouseClick(second_source, Qt.MouseButton.LeftButton)
    other = view.row_widget("pain_relief")
    with qtbot.waitSignal(view.selected, timeout=2000, check_params_cb=lambda outcome_id: outcome_id == "pain_relief"):
        qtbot.mouseClick(other.show_people, Qt.MouseButton.LeftButton)
    assert not row.property("selectedRow") and other.property("selectedRow")


def test_a_row_can_be_selected_from_the_keyboard(chart_view, qtbot):
    from PySide6.QtCore import Qt

    view = chart_view("cement-spine-surgery")
    row = view.row_widget("neurological")
    row.setFocus()
    with qtbot.waitSignal(view.selected, timeout=2000, check_params_cb=lambda outcome_id: outcome_id == "neurological"):
        qtbot.keyClick(row, Qt.Key.Key_Space)


def test_controls_have_accessible_names_and_rows_without_figures_offer_no_empty_icon_array(chart_view):
    view = chart_view()
    row = view.row_widget("cement_leakage")
    for control in (row.discussed, row.note, row.show_people):
        assert "Cement leaking out of the bone" in control.accessibleName()
    assert row.estimates[0].linear.accessibleName().startswith("10–50 in 1000")
    assert row.show_people.isVisibleTo(view)
    assert not view.row_widget("bleeding").show_people.isVisibleTo(view)


def test_saved_ticks_and_notes_are_shown(chart_view):
    view = chart_view("cement-spine-surgery", discussed={"infection"}, notes={"bleeding": "Stopped aspirin"})
    assert view.row_widget("infection").discussed.isChecked()
    assert view.row_widget("bleeding").note.text() == "Stopped aspirin"


def test_the_chart_grows_with_the_font(chart_view, qapp):
    from consultaid.ui.services.style import apply_style

    view = chart_view("cement-spine-surgery")
    normal = view.row_widget("cement_leakage").estimates[0].linear.sizeHint().height()
    apply_style(qapp, zoom=1.5)
    try:
        large = chart_view("cement-spine-surgery")
        assert large.row_widget("cement_leakage").estimates[0].linear.sizeHint().height() > normal * 1.3
    finally:
        apply_style(qapp)


def contrast(first, second) -> float:
    def luminance(colour):
        channels = [colour.redF(), colour.greenF(), colour.blueF()]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_bar_colours_meet_3_to_1_and_text_colours_4_5_to_1():
    from PySide6.QtGui import QColor

    from consultaid.charts import palette
    from consultaid.ui.services.style import INK, MUTED, SURFACE

    # The colours the bars and the icon array are drawn with (one palette for the screen and the PDF).
    KIND_COLOURS = {kind: QColor(value) for kind, value in palette.KIND_COLOURS.items()}
    KIND_TINTS = {kind: QColor(value) for kind, value in palette.KIND_TINTS.items()}
    TRACK_FILL, TRACK_OUTLINE = QColor(palette.TRACK_FILL), QColor(palette.TRACK_OUTLINE)
    UNAFFECTED_OUTLINE, SELECTED_BACKGROUND = QColor(palette.UNAFFECTED_OUTLINE), palette.SELECTED_BACKGROUND

    for kind, colour in KIND_COLOURS.items():
        assert contrast(colour, TRACK_FILL) >= 3, kind           # the marked part against the white track
        assert contrast(colour, KIND_TINTS[kind]) >= 3, kind     # solid and stripes against the band behind
        assert contrast(QColor("white"), colour) >= 4.5, kind    # a number written inside the solid part
    assert contrast(TRACK_OUTLINE, TRACK_FILL) >= 3 and contrast(UNAFFECTED_OUTLINE, QColor("white")) >= 3
    for background in ("white", SURFACE, SELECTED_BACKGROUND):
        for text in (INK, MUTED):
            assert contrast(QColor(text), QColor(background)) >= 4.5, (text, background)
