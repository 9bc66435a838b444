"""Focus is visible on every kind of control, and boundaries and placeholders have the contrast WCAG 2.2 asks.

Measured on the real rendering: each control is drawn without and with the keyboard focus, in the default
and the high-contrast look, and the pixels whose colour changes by 3:1 or more must cover at least one and a
half times the control's perimeter (a frame at least about 2 px thick all round, WCAG 2.4.13)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
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
from consultaid.ui import style


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
    count = 0
    for y in range(before.height()):
        for x in range(before.width()):
            a, b = before.pixelColor(x, y), after.pixelColor(x, y)
            if a != b and contrast_ratio(a.name(), b.name()) >= 3.0:
                count += 1
    return count


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
            perimeter = 2 * (control.width() + control.height())
            changed = _changed_by_3_to_1(before, after)
            if changed < 1.5 * perimeter:
                weak[name] = f"{changed} px for a perimeter of {perimeter}"
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
