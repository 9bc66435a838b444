"""Focus is visible on every kind of control, and boundaries and placeholders have the contrast WCAG 2.2 asks.

Measured on the real rendering: each control is drawn without and with the keyboard focus, in the default
and the high-contrast look, and the pixels whose colour changes by 3:1 or more (the focus ring) must cover at
least one and a half times the control's perimeter (a frame at least about 2 px thick all round, WCAG
2.4.13). The ring must also stand out from what is around it (WCAG 1.4.11): at its edges, the first colour
met outside it (past pixels of its own colour, which are the same frame) is at least 3:1 from the ring's.
The same is measured along a keyboard walk of the risks step, on every control Tab reaches there."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QStyle,
    QStyleOptionButton,
    QVBoxLayout,
    QWidget,
)

from consultaid.palette_check import contrast_ratio
from consultaid.ui.services import style


def _controls() -> dict[str, QWidget]:
    primary = QPushButton("Finalize summary")
    primary.setObjectName("PrimaryButton")
    toggle = QPushButton("English")
    toggle.setCheckable(True)
    toggle.setChecked(True)
    step = QPushButton("2. Benefits & risks")
    step.setObjectName("StepButton")
    step.setProperty("current", False)
    current_step = QPushButton("1. Procedure")
    current_step.setObjectName("StepButton")
    current_step.setProperty("current", True)  # the step on screen: a style property, not a checked state
    combo = QComboBox()
    combo.addItems(["English", "Français"])
    scroll = QScrollArea()
    scroll.setWidget(QLabel("A long explanation"))
    scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    listing = QListWidget()
    listing.addItems(["Vertebroplasty", "Endoscopic spine surgery"])
    return {"primary button": primary, "button": QPushButton("Records…"), "checked toggle": toggle,
            "step": step, "current step": current_step, "line edit": QLineEdit(), "check box": QCheckBox("Discussed"),
            "radio button": QRadioButton("The patient wishes to go ahead"), "combo box": combo, "spin box": QSpinBox(),
            "scroll area": scroll, "list": listing, "text box": QPlainTextEdit()}


def _changed_by_3_to_1(before, after) -> int:
    return len(_ring(before, after))


def _ring(before, after) -> set[tuple[int, int]]:
    """The focus ring: the pixels whose colour changes by 3:1 or more when the control takes the focus."""
    ring = set()
    for y in range(before.height()):
        for x in range(before.width()):
            a, b = before.pixelColor(x, y), after.pixelColor(x, y)
            if a != b and contrast_ratio(a.name(), b.name()) >= 3.0:
                ring.add((x, y))
    return ring


DIRECTIONS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1))
SAME_COLOUR = 1.5  # closer than this to the ring's colour: the same frame going on (an unchanged border)


BAND = 10  # a focus frame lies within this many pixels of the grabbed area's edge (4 px around the control)


def ring_against_surroundings(before, after, reach: int = 6) -> tuple[int, list[tuple[int, int, str, float]]]:
    """(the ring's edge pixels, those under 3:1 against their surroundings): from each edge pixel, in every
    direction, the first pixel outside the ring that is not of the ring's own colour; the best of those must
    be 3:1 from it (a ring that contrasts with either its inside or its outside is seen). Only the band along
    the control's boundary is the ring: inside it, a field's text may be selected when Tab reaches it."""
    ring = _ring(before, after)
    width, height = after.width(), after.height()
    edge, weak = 0, []
    for x, y in ring:
        if min(x, y, width - 1 - x, height - 1 - y) > BAND:
            continue
        inside = [(x + dx, y + dy) for dx, dy in DIRECTIONS if 0 <= x + dx < width and 0 <= y + dy < height]
        if all(point in ring for point in inside):
            continue
        edge += 1
        colour = after.pixelColor(x, y).name()
        best = 1.0
        for dx, dy in DIRECTIONS:
            for step in range(1, reach + 1):
                px, py = x + dx * step, y + dy * step
                if not (0 <= px < width and 0 <= py < height):
                    break
                if (px, py) in ring:
                    continue
                ratio = contrast_ratio(colour, after.pixelColor(px, py).name())
                if ratio >= SAME_COLOUR:
                    best = max(best, ratio)
                    break
        if best < 3.0:
            weak.append((x, y, colour, round(best, 2)))
    return edge, weak


def ring_problem(before, after, control) -> str | None:
    """What is wrong with a control's focus ring, or None: too small a change, or too little contrast with
    its surroundings on more than 5 % of its edge (antialiased corners and text may fall short)."""
    perimeter = 2 * (control.width() + control.height())
    changed = _changed_by_3_to_1(before, after)
    if changed < 1.5 * perimeter:
        return f"{changed} px changed for a perimeter of {perimeter}"
    edge, weak = ring_against_surroundings(before, after)
    if len(weak) > 0.05 * edge:
        return f"{len(weak)} of {edge} edge pixels under 3:1 against the surroundings, e.g. {weak[:2]}"
    return None


@pytest.mark.parametrize("high_contrast", [False, True], ids=["default look", "high contrast"])
def test_the_focus_frame_of_every_control_changes_its_pixels_by_3_to_1(qapp, qtbot, high_contrast):
    style.apply_style(qapp, high_contrast=high_contrast)
    try:
        window = QWidget()
        window.setStyleSheet(f"QWidget#Holder {{ background: {style.SURFACE}; }}")  # the step rail's ground
        layout = QVBoxLayout(window)
        controls = _controls()
        for control in controls.values():
            control.setMaximumHeight(70)
            layout.addWidget(control)
        elsewhere = QLineEdit()
        layout.addWidget(elsewhere)
        qtbot.addWidget(window)
        window.resize(420, 800)
        with qtbot.waitExposed(window):
            window.show()
        weak = {}
        for name, control in controls.items():
            area = control.geometry().adjusted(-4, -4, 4, 4)
            elsewhere.setFocus(Qt.FocusReason.TabFocusReason)
            qtbot.waitUntil(elsewhere.hasFocus)
            before = window.grab(area).toImage()
            control.setFocus(Qt.FocusReason.TabFocusReason)
            qtbot.waitUntil(control.hasFocus)
            after = window.grab(area).toImage()
            problem = ring_problem(before, after, control)
            if problem:
                weak[name] = problem
        assert weak == {}
    finally:
        style.apply_style(qapp)


def test_placeholder_text_has_4_5_to_1_on_fields(qapp):
    style.apply_style(qapp)
    palette = qapp.palette()
    placeholder = palette.color(palette.ColorRole.PlaceholderText).name()
    assert contrast_ratio(placeholder, palette.color(palette.ColorRole.Base).name()) >= 4.5
    assert contrast_ratio(placeholder, style.SURFACE) >= 4.5


@pytest.mark.parametrize("kind", [QCheckBox, QRadioButton])
def test_check_box_and_radio_boundaries_have_3_to_1(qapp, qtbot, kind):
    """The darkest pixel of an empty indicator (its frame) against the window behind it (WCAG 1.4.11)."""
    style.apply_style(qapp)
    box = kind("Discussed with the patient")
    qtbot.addWidget(box)
    with qtbot.waitExposed(box):
        box.show()
    option = QStyleOptionButton()
    box.initStyleOption(option)
    element = (QStyle.SubElement.SE_CheckBoxIndicator if kind is QCheckBox
               else QStyle.SubElement.SE_RadioButtonIndicator)
    indicator = box.style().subElementRect(element, option, box)
    image = box.grab(indicator).toImage()
    colours = [image.pixelColor(x, y) for y in range(image.height()) for x in range(image.width())]
    frame = min(colours, key=lambda colour: colour.lightnessF())
    ground = box.palette().color(box.backgroundRole()).name()
    assert contrast_ratio(frame.name(), ground) >= 3.0


@pytest.mark.parametrize("high_contrast", [False, True], ids=["default look", "high contrast"])
def test_every_control_tab_reaches_on_the_risks_step_shows_a_ring_at_3_to_1(main, qtbot, high_contrast):
    """The keyboard walk of the risks step with the details and people shown and the form open: each
    control Tab reaches, grabbed from the window just before and just after the Tab that focuses it."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QApplication

    from tests.test_keyboard_walk import press
    from tests.test_risks_overview import CLIENT_AREA, open_consultation

    style.apply_style(QApplication.instance(), high_contrast=high_contrast)
    try:
        main.resize(*CLIENT_AREA)
        view, page = open_consultation(main, "vertebroplasty")
        qtbot.mouseClick(page.chart.row_widget("cement_leakage"), Qt.MouseButton.LeftButton, pos=QPoint(20, 8))
        qtbot.mouseClick(page.add_toggle, Qt.MouseButton.LeftButton)
        page.scroll.verticalScrollBar().setValue(0)
        view.navigator.buttons["benefits_risks"].setFocus(Qt.FocusReason.TabFocusReason)
        QApplication.processEvents()
        measured, problems = [], []
        order = [widget for widget in _tab_order(view.navigator.buttons["benefits_risks"]) if page.isAncestorOf(widget)]
        away = view.navigator.buttons["benefits_risks"]  # outside the page: no ring near any of its controls
        for target in order:
            for _ in range(60):
                if QApplication.focusWidget() is target:
                    break
                press(main, Qt.Key.Key_Tab)
            assert QApplication.focusWidget() is target
            QApplication.processEvents()
            place = target.mapTo(main, QPoint(0, 0))
            area = target.rect().translated(place).adjusted(-4, -4, 4, 4)
            after = main.grab(area).toImage()
            away.setFocus(Qt.FocusReason.OtherFocusReason)
            QApplication.processEvents()
            before = main.grab(area).toImage()
            target.setFocus(Qt.FocusReason.TabFocusReason)  # the walk goes on from here
            QApplication.processEvents()
            if target.mapTo(main, QPoint(0, 0)) != place:
                continue  # the page moved: before and after are not the same place
            problem = ring_problem(before, after, target)
            name = target.accessibleName() or type(target).__name__
            measured.append(name)
            if problem:
                problems.append(f"{type(target).__name__} {name!r}: {problem}")
        assert len(measured) >= 20, measured
        assert problems == [], "\n".join(problems)
    finally:
        style.apply_style(QApplication.instance())


def _tab_order(start) -> list:
    """The focus chain from `start`, as Tab follows it (visible, enabled, tab-focusable widgets only)."""
    chain, widget = [], start.nextInFocusChain()
    while widget is not start and len(chain) < 400:
        inner = widget.focusProxy() is not None or isinstance(widget.parentWidget(), QAbstractSpinBox)
        # In a group of radio buttons Tab stops at the checked one only (arrows move between them).
        inner = inner or (isinstance(widget, QRadioButton) and not widget.isChecked())
        if widget.isVisible() and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus and not inner:
            chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain
