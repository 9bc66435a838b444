"""One calm, high-legibility look for the whole app. Colours meet WCAG AA on their backgrounds."""

from __future__ import annotations

# The colours come from the one palette the charts and the summary PDF also draw with.
from consultaid.charts.palette import (  # noqa: F401 (re-exported: the widgets import them from here)
    ACCENT,
    BORDER,
    ERROR_INK,
    INK,
    MUTED,
    SUCCESS_INK,
    SURFACE,
    WARNING_BG,
    WARNING_INK,
)

BASE_POINT_SIZE = 11

# Placeholder text in the default look: 5.5:1 on white, 5.2:1 on SURFACE (Fusion's own grey was 3.1:1).
PLACEHOLDER = "#5E6A75"

DEFAULT_COLOURS = {
    "INK": INK, "MUTED": MUTED, "ACCENT": ACCENT, "WARNING_BG": WARNING_BG, "WARNING_INK": WARNING_INK,
    "ERROR_INK": ERROR_INK, "SUCCESS_INK": SUCCESS_INK, "BORDER": BORDER, "SURFACE": SURFACE,
    "BACKGROUND": "white", "ON_ACCENT": "white", "BANNER_BORDER": "#E0A458", "ITEM_RULE": "#EEF1F4",
    "SELECTED_BG": "#E3F0F9", "SELECTED_INK": INK, "FOCUS": ACCENT, "LINE": 1, "FOCUS_WIDTH": 2,
    # On controls filled with the accent (the primary button, a checked toggle or step) an accent focus
    # frame would not show: black changes those pixels by 4.0:1 (WCAG 2.2 asks 3:1 between the states).
    "FOCUS_ON_ACCENT": "#000000", "STRONG_FOCUS_WIDTH": 3, "INDICATORS": "",
    # The step on screen has a white ground framed in the accent: its focus frame is black in both looks
    # (the accent framed in white, as on filled controls, left a white frame on white: no focus to see).
    "CURRENT_STEP_FOCUS": "#000000",
    # The risks step's two panes: a frame as wide as the focus frame, so the content never covers the focus
    # frame (a 1 px frame left room for 1 px of a 2 px focus frame, and none of high contrast's 4 px).
    "PANE_BORDER": BORDER,
    # Scroll bars: a flat handle at 3.2:1 on its track (WCAG 2.2 asks 3:1 for a control's parts).
    "SCROLL_TRACK": "#EEF1F4", "SCROLL_HANDLE": "#7D8794", "SCROLL_HANDLE_HOVER": PLACEHOLDER,
}

# The high-contrast look: black text on white, pure black frames, a thicker focus outline, every text
# colour at least 7:1 on every background it sits on (WCAG 2.2 AAA; checked in tests/test_accessibility.py).
HIGH_CONTRAST = {
    "INK": "#000000", "MUTED": "#000000", "ACCENT": "#0050A0", "WARNING_BG": "#FFFFFF",
    "WARNING_INK": "#000000", "ERROR_INK": "#8B0000", "SUCCESS_INK": "#005A1E", "BORDER": "#000000",
    "SURFACE": "#FFFFFF", "BACKGROUND": "#FFFFFF", "ON_ACCENT": "#FFFFFF", "BANNER_BORDER": "#000000",
    "ITEM_RULE": "#000000", "SELECTED_BG": "#0050A0", "SELECTED_INK": "#FFFFFF", "FOCUS": "#000000",
    # The high-contrast accent is dark enough for white text at 7:1, so black beside it is only 2.7:1: a
    # focused accent control gets a white frame inside its edge instead (7.8:1 against the accent).
    "LINE": 2, "FOCUS_WIDTH": 4, "FOCUS_ON_ACCENT": "#FFFFFF", "STRONG_FOCUS_WIDTH": 4, "INDICATORS": "-hc",
    "PANE_BORDER": "#FFFFFF",  # black would not change when focused: the focus frame alone draws it
    "SCROLL_TRACK": "#FFFFFF", "SCROLL_HANDLE": "#000000", "SCROLL_HANDLE_HOVER": "#0050A0",
}

HC_PLACEHOLDER = "#3A3A3A"  # placeholder text in high contrast: 11:1 on white

_TEMPLATE = """
QWidget {{ color: {c[INK]}; font-size: @SIZE@pt; }}
QMainWindow, QDialog {{ background: {c[BACKGROUND]}; }}
QLabel#AppTitle {{ font-size: 18pt; font-weight: 600; color: {c[INK]}; }}
QLabel#AppTagline {{ color: {c[MUTED]}; }}
QLabel#SectionHeading {{ font-size: 10pt; font-weight: 600; color: {c[MUTED]}; letter-spacing: 0.5px; }}
QLabel#PackTitle {{ font-size: 16pt; font-weight: 600; }}
QLabel#Meta {{ color: {c[MUTED]}; }}
QFrame#Banner {{ background: {c[WARNING_BG]}; border: {c[LINE]}px solid {c[BANNER_BORDER]}; border-radius: 6px; }}
QFrame#Banner QLabel {{ color: {c[WARNING_INK]}; }}
QListWidget {{ border: {c[LINE]}px solid {c[BORDER]}; border-radius: 6px; background: {c[BACKGROUND]}; padding: 4px; }}
QListWidget::item {{ padding: 10px 8px; border-bottom: 1px solid {c[ITEM_RULE]}; }}
QListWidget::item:selected {{ background: {c[SELECTED_BG]}; color: {c[SELECTED_INK]};
    border-left: 4px solid {c[ACCENT]}; }}
QLineEdit {{ border: {c[LINE]}px solid {c[BORDER]}; border-radius: 6px; padding: 6px 8px; }}
QLineEdit:focus, QListWidget:focus {{ border: {c[FOCUS_WIDTH]}px solid {c[FOCUS]}; }}
QLineEdit:focus {{ padding: {c[FIELD_FOCUS_PAD]}; }}
QPushButton {{ border: {c[LINE]}px solid {c[BORDER]}; border-radius: 6px; padding: 6px 14px;
    background: {c[SURFACE]}; }}
QPushButton:checked {{ background: {c[ACCENT]}; color: {c[ON_ACCENT]}; border-color: {c[ACCENT]}; }}
QPushButton:focus {{ border: {c[FOCUS_WIDTH]}px solid {c[FOCUS]}; padding: {c[FOCUS_PAD]}; }}
QLabel#PageHeading {{ font-size: @LARGE@pt; font-weight: 600; }}
QLabel#SubHeading {{ font-weight: 600; color: {c[MUTED]}; }}
QFrame#Navigator {{ background: {c[SURFACE]}; border: {c[LINE]}px solid {c[BORDER]}; border-radius: 8px; }}
QPushButton#StepButton {{ text-align: left; padding: 8px 12px; border: {c[LINE]}px solid transparent;
    background: transparent; }}
QPushButton#StepButton[current="true"] {{ background: {c[BACKGROUND]}; color: {c[INK]};
    border: {c[LINE]}px solid {c[ACCENT]}; border-left: 5px solid {c[ACCENT]}; }}
QPushButton#PrimaryButton {{ background: {c[ACCENT]}; color: {c[ON_ACCENT]}; border-color: {c[ACCENT]};
    font-weight: 600; padding: 8px 18px; }}
QGroupBox {{ font-weight: 600; border: {c[LINE]}px solid {c[BORDER]}; border-radius: 8px; margin-top: 14px;
    padding: 10px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; }}
QPlainTextEdit, QTextBrowser {{ border: {c[LINE]}px solid {c[BORDER]}; border-radius: 6px;
    background: {c[BACKGROUND]}; }}
QScrollArea {{ border: {c[LINE]}px solid {c[BORDER]}; border-radius: 6px; background: {c[BACKGROUND]}; }}
QWidget#OverviewBody, QWidget#PageBody {{ background: {c[BACKGROUND]}; }}
QPushButton#PrimaryButton:focus, QPushButton:checked:focus {{
    border: {c[STRONG_FOCUS_WIDTH]}px solid {c[FOCUS_ON_ACCENT]}; padding: {c[CHECKED_FOCUS_PAD]}; }}
QPushButton#PrimaryButton:focus {{ padding: {c[PRIMARY_FOCUS_PAD]}; }}
QPushButton#StepButton:focus {{ border: {c[FOCUS_WIDTH]}px solid {c[INK]}; padding: {c[STEP_FOCUS_PAD]}; }}
QPushButton#StepButton[current="true"]:focus {{ border: {c[FOCUS_WIDTH]}px solid {c[CURRENT_STEP_FOCUS]};
    border-left: 5px solid {c[ACCENT]}; padding: {c[CURRENT_STEP_FOCUS_PAD]}; }}
QPlainTextEdit:focus, QTextBrowser:focus, QScrollArea:focus {{ border: {c[FOCUS_WIDTH]}px solid {c[FOCUS]}; }}
QScrollArea#RiskPane {{ border: {c[FOCUS_WIDTH]}px solid {c[PANE_BORDER]}; }}
QScrollArea#RiskPane:focus {{ border: {c[FOCUS_WIDTH]}px solid {c[FOCUS]}; }}
QComboBox, QAbstractSpinBox {{ border: {c[LINE]}px solid {c[BORDER]}; border-radius: 6px; padding: 4px 8px;
    background: {c[BACKGROUND]}; }}
QComboBox:focus, QAbstractSpinBox:focus {{ border: {c[FOCUS_WIDTH]}px solid {c[FOCUS]}; }}
QComboBox::drop-down {{ border: none; width: 1.6em; }}
QComboBox::down-arrow {{ image: url(@STYLE@/arrow-down{c[INDICATORS]}.svg); width: 0.8em; height: 0.8em; }}
QComboBox::down-arrow:disabled, QAbstractSpinBox::down-arrow:disabled {{ image: url(@STYLE@/arrow-down-disabled.svg); }}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{ border: none; width: 1.4em; }}
QAbstractSpinBox::up-arrow {{ image: url(@STYLE@/arrow-up{c[INDICATORS]}.svg); width: 0.7em; height: 0.7em; }}
QAbstractSpinBox::down-arrow {{ image: url(@STYLE@/arrow-down{c[INDICATORS]}.svg); width: 0.7em; height: 0.7em; }}
QAbstractSpinBox::up-arrow:disabled {{ image: url(@STYLE@/arrow-up-disabled.svg); }}
QCheckBox, QRadioButton {{ border: {c[FOCUS_WIDTH]}px solid transparent; border-radius: 4px; padding: 2px 4px; }}
QCheckBox:focus, QRadioButton:focus {{ border-color: {c[FOCUS]}; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 1.1em; height: 1.1em; }}
QCheckBox::indicator {{ image: url(@STYLE@/checkbox{c[INDICATORS]}.svg); }}
QCheckBox::indicator:checked {{ image: url(@STYLE@/checkbox-checked{c[INDICATORS]}.svg); }}
QCheckBox::indicator:disabled {{ image: url(@STYLE@/checkbox-disabled.svg); }}
QCheckBox::indicator:checked:disabled {{ image: url(@STYLE@/checkbox-checked-disabled.svg); }}
QRadioButton::indicator {{ image: url(@STYLE@/radio{c[INDICATORS]}.svg); }}
QRadioButton::indicator:checked {{ image: url(@STYLE@/radio-checked{c[INDICATORS]}.svg); }}
QRadioButton::indicator:disabled {{ image: url(@STYLE@/radio-disabled.svg); }}
QRadioButton::indicator:checked:disabled {{ image: url(@STYLE@/radio-checked-disabled.svg); }}
QScrollBar:vertical {{ background: {c[SCROLL_TRACK]}; width: 14px; margin: 0; border: none; }}
QScrollBar:horizontal {{ background: {c[SCROLL_TRACK]}; height: 14px; margin: 0; border: none; }}
QScrollBar::handle {{ background: {c[SCROLL_HANDLE]}; border-radius: 4px; margin: 3px; }}
QScrollBar::handle:vertical {{ min-height: 32px; }}
QScrollBar::handle:horizontal {{ min-width: 32px; }}
QScrollBar::handle:hover, QScrollBar::handle:pressed {{ background: {c[SCROLL_HANDLE_HOVER]}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; border: none; background: none; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
"""


def style_sheet(colours: dict | None = None) -> str:
    """The style sheet for a set of colours (sizes left as @SIZE@ / @LARGE@ for apply_style)."""
    c = dict(DEFAULT_COLOURS, **(colours or {}))
    # A focus frame wider than the border takes its extra width from the padding, not from the text: the
    # text keeps its place, and a focused "Écran du patient" kept the accent of its É (cut off before).
    extra, strong = c["FOCUS_WIDTH"] - c["LINE"], c["STRONG_FOCUS_WIDTH"] - c["LINE"]
    c.update(FOCUS_PAD=f"{6 - extra}px {14 - extra}px", FIELD_FOCUS_PAD=f"{6 - extra}px {8 - extra}px",
             PRIMARY_FOCUS_PAD=f"{8 - strong}px {18 - strong}px", CHECKED_FOCUS_PAD=f"{6 - strong}px {14 - strong}px",
             STEP_FOCUS_PAD=f"{8 - extra}px {12 - extra}px", CURRENT_STEP_FOCUS_PAD=f"{8 - extra}px {12 - extra}px "
             f"{8 - extra}px 12px")
    return (_TEMPLATE.format(c=c).replace("{{", "{").replace("}}", "}"))


STYLE_SHEET = style_sheet()


# An application property: its style is Fusion already, so apply_style does not set it (again).
FUSION_SET = "consultaid_fusion"


def new_application(program: str):
    """The app's QApplication, started in Fusion by Qt's own `-style` argument: no QStyle object reaches
    Python at the start (setStyle returns one, and PySide6 then builds QStyle's eleven enum classes,
    about 5 ms of a cold start)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication([program, "-style", "Fusion"])
    app.setProperty(FUSION_SET, True)
    return app


def apply_style(app, zoom: float = 1.0, high_contrast: bool = False) -> None:
    """The look, at a presentation size from 100 % to 200 % (every size follows the font); with
    high_contrast, black on white with black frames and a thick focus outline."""
    from PySide6.QtGui import QColor

    if app.property(FUSION_SET) is not True:
        # Once only: setStyle deletes the style every live widget paints with and builds another under
        # them, which Qt's style sheet machinery has been known to survive badly. A change of size or look
        # needs only the new sheet and palette.
        app.setStyle("Fusion")
        app.setProperty(FUSION_SET, True)
    font = app.font()
    font.setPointSizeF(BASE_POINT_SIZE * zoom)
    app.setFont(font)
    sheet = style_sheet(HIGH_CONTRAST) if high_contrast else STYLE_SHEET
    if high_contrast:
        app.setPalette(high_contrast_palette(app.style().standardPalette()))
    elif app.property("consultaid_high_contrast"):
        app.setPalette(app.style().standardPalette())  # back from high contrast: the default look again
    app.setProperty("consultaid_high_contrast", bool(high_contrast))
    if not high_contrast:
        palette = app.palette()
        palette.setColor(palette.ColorGroup.All, palette.ColorRole.PlaceholderText, QColor(PLACEHOLDER))
        app.setPalette(palette)
    app.setStyleSheet(sheet.replace("@SIZE@", f"{BASE_POINT_SIZE * zoom:g}")
                      .replace("@LARGE@", f"{BASE_POINT_SIZE * zoom * 1.45:g}")
                      .replace("@STYLE@", style_images_dir()))


def style_images_dir() -> str:
    """The indicator images' folder, as the style sheet's url() wants it (forward slashes on Windows too)."""
    from consultaid.paths import resources_dir

    return (resources_dir() / "style").as_posix()


def high_contrast_palette(palette):
    """Fusion's own painting (check boxes, focus frames, selections) in the high-contrast colours."""
    from PySide6.QtGui import QColor, QPalette

    h = HIGH_CONTRAST
    role = QPalette.ColorRole
    for name, colour in ((role.WindowText, h["INK"]), (role.Text, h["INK"]), (role.ButtonText, h["INK"]),
                         (role.Window, h["BACKGROUND"]), (role.Base, h["BACKGROUND"]),
                         (role.Button, h["BACKGROUND"]), (role.Highlight, h["SELECTED_BG"]),
                         (role.HighlightedText, h["SELECTED_INK"]), (role.Link, h["ACCENT"]),
                         (role.PlaceholderText, HC_PLACEHOLDER), (role.Mid, h["BORDER"]), (role.Dark, h["BORDER"])):
        palette.setColor(QPalette.ColorGroup.All, name, QColor(colour))
    return palette


def _current_colours() -> dict:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    return HIGH_CONTRAST if app is not None and app.property("consultaid_high_contrast") else DEFAULT_COLOURS


def focus_colour() -> str:
    """The focus ring's colour in the look in use, for widgets that paint their own ring."""
    return _current_colours()["FOCUS"]


def focus_width() -> int:
    return _current_colours()["FOCUS_WIDTH"]


def high_contrast_on() -> bool:
    """Whether the app is in its high-contrast look now (View › High contrast)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    return bool(app is not None and app.property("consultaid_high_contrast"))


def chart_colours():
    """The charts' colours for the look in use: the risk chart, icon array and timeline recolour with it."""
    from consultaid.charts import palette

    return palette.HIGH_CONTRAST_CHART if high_contrast_on() else palette.STANDARD_CHART
