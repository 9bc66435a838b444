"""Accessibility (design.md §3 item 9): contrast and colour-vision checks over the palettes actually drawn,
the high-contrast look, and an accessible name on every widget the keyboard can reach.

Every figure is in the test id and in `record_property`; `python -m consultaid.palette_check` prints them
all as the table in docs/accessibility-checks.md."""

from __future__ import annotations

import pytest

from consultaid import palette_check as pc
from tests.conftest import CONTENT, REPO

# --- the maths ---------------------------------------------------------------------------------------------


def test_contrast_ratio_matches_wcag_reference_values():
    assert pc.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert pc.contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert pc.contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)  # the known AA grey
    assert pc.contrast_ratio("#0072B2", "white") == pc.contrast_ratio("white", "#0072B2")


def test_machado_simulation_keeps_greys_and_merges_red_green_for_dichromats():
    for deficiency in pc.DEFICIENCIES:
        for grey in ("#000000", "#808080", "#FFFFFF"):
            assert pc.delta_e76(pc.simulate(grey, deficiency), grey) < 1.5  # each matrix row sums to 1
    # Pure red and a green of equal lightness are confused by protanopes and deuteranopes, not by tritanopes.
    red, green = "#C04000", "#708000"
    assert pc.cvd_distance(red, green, None) > 30
    assert pc.cvd_distance(red, green, "deuteranopia") < 10
    assert pc.cvd_distance(red, green, "protanopia") < 20
    assert pc.simulate("#FF0000", "protanopia") == "#6D5F00"  # first matrix column, back to sRGB
    assert pc.cvd_distance(red, green, "tritanopia") > 20


@pytest.mark.parametrize("lab1, lab2, expected", [  # Sharma, Wu & Dalal (2005), test data pairs 1, 7, 34
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
])
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected):
    assert pc.delta_e2000_lab(lab1, lab2) == pytest.approx(expected, abs=1e-4)


# --- the palettes are the ones actually drawn ------------------------------------------------------------------


def test_the_checked_palette_is_the_one_the_screen_and_the_pdf_draw_with(qapp):
    """One palette module (consultaid/charts/palette.py): the style sheet takes its colours, and every
    colour the charts draw, on screen and in the PDF (one drawing code), is one of the checked ones."""
    from consultaid.charts import palette
    from consultaid.charts.draw_risk import draw_legend_swatch, draw_scale_bar
    from consultaid.charts.draw_timeline import draw_timeline, layout_timeline
    from consultaid.charts.risk_chart import build_chart
    from consultaid.charts.timeline import build_timeline
    from consultaid.consultation.shown_content import shown_content
    from consultaid.content.library import load_library
    from consultaid.report.charts_pdf import RISK_LOOK, TIMELINE_LOOK
    from consultaid.report.pdf_surface import PdfSurface
    from consultaid.ui.services import style
    from tests.conftest import CONTENT
    from tests.test_drawing import Recorder, pdf_canvas

    checked = pc.palette()
    for name in ("INK", "MUTED", "ACCENT", "WARNING_BG", "WARNING_INK", "ERROR_INK", "SUCCESS_INK", "SURFACE",
                 "BORDER"):
        assert getattr(style, name).upper() == checked[name] == getattr(palette, name).upper()
    assert checked["KIND_COLOURS"] == {kind: value.upper() for kind, value in palette.KIND_COLOURS.items()}

    content = shown_content(load_library(CONTENT).get("vertebroplasty"), "en")
    chart = build_chart(content.benefits + content.risks, "en")
    drawn = Recorder(PdfSurface(pdf_canvas(), 400))
    for row in chart.rows:
        for bar in row.bars:
            draw_scale_bar(drawn, RISK_LOOK, bar, row.kind, chart.linear_ticks, False, row.parent_extent, 200)
    for entry in chart.legend:
        draw_legend_swatch(drawn, RISK_LOOK, entry.style, 30, 10)
    timeline = build_timeline(content.milestones, "en")
    draw_timeline(drawn, TIMELINE_LOOK, timeline, layout_timeline(drawn, TIMELINE_LOOK, timeline, 480))
    colours = set()
    for op in drawn.ops:
        for part in op[1:]:
            if isinstance(part, str) and part.startswith("#"):
                colours.add(part.upper())
            elif hasattr(part, "colour"):
                colours.add(part.colour.upper())
    values = {value for value in checked.values() if isinstance(value, str)}
    values |= {value for mapping in checked.values() if isinstance(mapping, dict) for value in mapping.values()}
    assert colours and colours <= values, colours - values


def _figure_id(check) -> str:
    return f"{check.id}={check.ratio:.2f}:1(min{check.minimum:g})"


@pytest.mark.parametrize("check", pc.contrast_checks(), ids=_figure_id)
def test_contrast(check, record_property):
    record_property("contrast_ratio", round(check.ratio, 2))
    print(f"{check.what}: {check.foreground} on {check.background} = {check.ratio:.2f}:1 (≥ {check.minimum:g})")
    assert check.ratio >= check.minimum, check.what


@pytest.mark.parametrize("check", pc.high_contrast_checks(), ids=_figure_id)
def test_high_contrast_text_is_at_least_7_to_1(check, record_property):
    record_property("contrast_ratio", round(check.ratio, 2))
    print(f"{check.what}: {check.ratio:.2f}:1")
    assert check.minimum == pc.TEXT_AAA and check.ratio >= 7.0, check.what


@pytest.mark.parametrize("check", pc.distinct_checks(),
                         ids=lambda c: f"{c.id}=dE76:{c.delta_e:.1f}/dE00:{c.delta_e2000:.1f}")
def test_distinguishable_under_colour_vision_deficiency(check, record_property):
    record_property("delta_e76", round(check.delta_e, 1))
    record_property("delta_e2000", round(check.delta_e2000, 1))
    print(f"{check.what} ({check.deficiency or 'normal'}): ΔE76 {check.delta_e:.1f}, ΔE00 {check.delta_e2000:.1f}")
    assert check.delta_e >= pc.DISTINCT, check.what


def test_the_published_table_is_up_to_date():
    table = (REPO / "docs" / "accessibility-checks.md").read_text(encoding="utf-8")
    assert table == pc.markdown_table(), "run: python -m consultaid.palette_check --write"


def test_the_table_script_runs_and_everything_passes(capsys):
    assert pc.main([]) == 0
    assert "| Risk chart: risk vs benefit bars | deuteranopia |" in capsys.readouterr().out


# --- the high-contrast look ----------------------------------------------------------------------------------


def test_high_contrast_look_and_back_to_the_default(qapp):
    from consultaid.ui.services import style

    try:
        style.apply_style(qapp, 1.5, high_contrast=True)
        sheet = qapp.styleSheet()
        assert "color: #000000" in sheet and "4px solid #000000" in sheet and "#0050A0" in sheet
        assert style.INK not in sheet and style.BORDER not in sheet
        assert "font-size: 16.5pt" in sheet
        assert qapp.palette().text().color().name() == "#000000"
        assert pc.relative_luminance(style.HIGH_CONTRAST["ACCENT"]) <= pc.relative_luminance("#0050A0")
        assert pc.contrast_ratio(style.HIGH_CONTRAST["ERROR_INK"], "#FFFFFF") >= pc.contrast_ratio("#8B0000",
                                                                                                     "#FFFFFF")
        style.apply_style(qapp)  # the old signature, the default look unchanged
        assert qapp.styleSheet() == style.STYLE_SHEET.replace("@SIZE@", "11").replace("@LARGE@", "15.95").replace(
            "@STYLE@", style.style_images_dir())
        assert f"border: 2px solid {style.ACCENT}" in qapp.styleSheet()
    finally:
        style.apply_style(qapp)


# --- accessible names -------------------------------------------------------------------------------------------

def unnamed_focusable_widgets(root, tag: str) -> set[str]:
    """Visible widgets the keyboard can reach that neither a person nor a screen reader can name."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLabel, QWidget

    buddies = {label.buddy(): label for label in root.window().findChildren(QLabel) if label.buddy() is not None}
    found = set()
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or not widget.isVisible():
            continue
        if isinstance(widget.parent(), (QAbstractSpinBox, QComboBox)):
            continue  # a spin box's or combo box's own editor: the box itself is checked
        label = buddies.get(widget)
        named = bool(widget.accessibleName().strip()
                     or (isinstance(widget, QAbstractButton) and widget.text().strip())
                     or (isinstance(widget, QLabel) and widget.text().strip())
                     or (label is not None and label.isVisible() and label.text().strip()))
        iface = QAccessible.queryAccessibleInterface(widget)
        spoken = iface is not None and bool(iface.text(QAccessible.Text.Name).strip())
        if not (named and spoken):
            found.add(f"{tag}: {type(widget).__name__} in {type(widget.parent()).__name__}")
    return found


@pytest.fixture
def walked(qtbot, qapp):
    """Every step's unnamed widgets: the library, the start form and the five consultation steps."""
    from consultaid.content.library import load_library
    from consultaid.ui.app import create_main_window
    from consultaid.ui.services.messages import messages
    from consultaid.ui.services.style import apply_style
    from tests.test_session import make

    apply_style(qapp)
    window = create_main_window(CONTENT)
    window.resize(1366, 768)
    with qtbot.waitExposed(window):
        window.show()
    found = {"library": unnamed_focusable_widgets(window, "library")}
    window.start_consultation()
    qtbot.waitUntil(lambda: window.start_dialog.isVisible())
    found["start"] = unnamed_focusable_widgets(window.start_dialog, "start")
    window.start_dialog.reject()
    window.open_consultation(make(load_library(CONTENT), language="en"))
    view = window.consultation_view
    for step in view.page_for:
        view.go_to(step)
        qapp.processEvents()
        found[step] = unnamed_focusable_widgets(view, step)
    yield found
    messages.answers = [True]
    window.close()
    window.deleteLater()


def test_every_reachable_widget_has_a_name(walked):
    assert len(walked) == 7
    unnamed = set().union(*walked.values())
    assert not unnamed, sorted(unnamed)


@pytest.mark.parametrize("high_contrast", [False, True])
def test_scroll_bars_are_drawn_flat_in_the_checked_colours(qapp, high_contrast):
    """The scroll bars the user sees are the ones checked above: a flat handle on a flat track, in each look.
    (Qt's own Fusion scroll bar, which the app drew before, took 1.5-2.5 ms to paint on every step switch.)"""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QScrollBar

    from consultaid.ui.services import style

    style.apply_style(qapp, high_contrast=high_contrast)
    try:
        colours = style.HIGH_CONTRAST if high_contrast else style.DEFAULT_COLOURS
        bar = QScrollBar(Qt.Orientation.Vertical)
        bar.setRange(0, 1000)
        bar.setPageStep(500)
        bar.resize(bar.sizeHint().width(), 300)
        image = bar.grab().toImage()
        middle = image.width() // 2
        handle = image.pixelColor(middle, 40).name().upper()      # the handle: the first third, at the top
        track = image.pixelColor(middle, 280).name().upper()      # the track below it
        assert (handle, track) == (colours["SCROLL_HANDLE"].upper(), colours["SCROLL_TRACK"].upper())
    finally:
        style.apply_style(qapp)
