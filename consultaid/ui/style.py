"""One calm, high-legibility look for the whole app. Colours meet WCAG AA on their backgrounds."""

from __future__ import annotations

INK = "#1B2631"          # body text: 15.4:1 on white
MUTED = "#4A5866"         # secondary text: 7.3:1 on white
ACCENT = "#0072B2"        # Okabe–Ito blue: 5.1:1 on white
WARNING_BG = "#FFF4E5"
WARNING_INK = "#7A3E00"   # 8.6:1 on WARNING_BG
ERROR_INK = "#B00020"      # 6.4:1 on white; always with a warning sign, never colour alone
SUCCESS_INK = "#1E6B35"   # 6.6:1 on white
BORDER = "#C9D1D9"
SURFACE = "#F5F7FA"

BASE_POINT_SIZE = 11

STYLE_SHEET = f"""
QWidget {{ color: {INK}; font-size: @SIZE@pt; }}
QMainWindow, QDialog {{ background: white; }}
QLabel#AppTitle {{ font-size: 18pt; font-weight: 600; color: {INK}; }}
QLabel#AppTagline {{ color: {MUTED}; }}
QLabel#SectionHeading {{ font-size: 10pt; font-weight: 600; color: {MUTED}; letter-spacing: 0.5px; }}
QLabel#PackTitle {{ font-size: 16pt; font-weight: 600; }}
QLabel#Meta {{ color: {MUTED}; }}
QFrame#Banner {{ background: {WARNING_BG}; border: 1px solid #E0A458; border-radius: 6px; }}
QFrame#Banner QLabel {{ color: {WARNING_INK}; }}
QListWidget {{ border: 1px solid {BORDER}; border-radius: 6px; background: white; padding: 4px; }}
QListWidget::item {{ padding: 10px 8px; border-bottom: 1px solid #EEF1F4; }}
QListWidget::item:selected {{ background: #E3F0F9; color: {INK}; border-left: 4px solid {ACCENT}; }}
QLineEdit {{ border: 1px solid {BORDER}; border-radius: 6px; padding: 6px 8px; }}
QLineEdit:focus, QListWidget:focus {{ border: 2px solid {ACCENT}; }}
QPushButton {{ border: 1px solid {BORDER}; border-radius: 6px; padding: 6px 14px; background: {SURFACE}; }}
QPushButton:checked {{ background: {ACCENT}; color: white; border-color: {ACCENT}; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; }}
QLabel#PageHeading {{ font-size: @LARGE@pt; font-weight: 600; }}
QLabel#SubHeading {{ font-weight: 600; color: {MUTED}; }}
QFrame#Navigator {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 8px; }}
QPushButton#StepButton {{ text-align: left; padding: 8px 12px; border: 1px solid transparent; background: transparent; }}
QPushButton#StepButton:checked {{ background: white; color: {INK}; border: 1px solid {ACCENT}; border-left: 5px solid {ACCENT}; }}
QPushButton#PrimaryButton {{ background: {ACCENT}; color: white; border-color: {ACCENT}; font-weight: 600; padding: 8px 18px; }}
QGroupBox {{ font-weight: 600; border: 1px solid {BORDER}; border-radius: 8px; margin-top: 14px; padding: 10px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; }}
QPlainTextEdit, QTextBrowser {{ border: 1px solid {BORDER}; border-radius: 6px; background: white; }}
QScrollArea {{ border: 1px solid {BORDER}; border-radius: 6px; background: white; }}
QWidget#OverviewBody, QWidget#PageBody {{ background: white; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 1.1em; height: 1.1em; }}
"""


def apply_style(app, zoom: float = 1.0) -> None:
    """The look, at a presentation size from 100 % to 200 % (every size follows the font)."""
    app.setStyle("Fusion")
    font = app.font()
    font.setPointSizeF(BASE_POINT_SIZE * zoom)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET.replace("@SIZE@", f"{BASE_POINT_SIZE * zoom:g}")
                      .replace("@LARGE@", f"{BASE_POINT_SIZE * zoom * 1.45:g}"))
