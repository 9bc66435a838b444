"""Every screen fits a 1920x1080 screen at desktop scaling 200 % (issue 17 item 1, design.md §11), the way
Windows, GNOME or KDE set it: Qt's own scale factor, not the app's presentation size. The screen is then
960x540 logical pixels, and the window, every step of every shipped pack in English and French, the start
dialog, the settings, the records and the patient screen must fit it with no horizontal scroll bar and no
clipped text (tests/a11y_app.py's `fit` check, in a real window under openbox on Xvfb).

QT_SCALE_FACTOR=2 and QT_FONT_DPI=192 (what a 200 % desktop gives Qt on X11) are both tried: each makes
Qt's device pixel ratio 2. A screenshot of each screen goes to $CONSULTAID_SCREENSHOTS when set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import screen_reader_session as session_module

PACKS = ("vertebroplasty", "cement-spine-surgery", "endoscopic-spine-surgery")
STEPS = ("benefits_risks", "recovery", "alternatives_questions", "review")
SETTINGS_TABS = 8  # at least as many as the settings dialog has; a tab index past the last changes nothing


def screens_to_check() -> list[tuple[str, list[str]]]:
    """(name, commands) for each screen, in an order a user could follow without restarting."""
    screens = [("library", ["library"]), ("start", ["start"])]
    screens += [(f"settings-{tab}", (["close-dialog", "settings"] if tab == 0 else []) + [f"settings-tab {tab}"])
                for tab in range(SETTINGS_TABS)]
    screens.append(("records", ["close-dialog", "records"]))
    # The consent journey on a signed consultation: its Confirm and Withdrawal dialogs, then its chain.
    screens += [("records-confirmation", ["addendum confirmation"]),
                ("records-withdrawal", ["close-dialog", "addendum withdrawal"]), ("records-chain", ["close-dialog"])]
    for pack in PACKS:
        screens.append((f"{pack}-procedure", [f"consultation {pack}"]))
        screens.append((f"{pack}-procedure-section-3", ["section 3"]))
        screens += [(f"{pack}-{step}", [f"step {step}"]) for step in STEPS]
        if pack == PACKS[0]:  # a risk with two sources' figures: a choice of whose figure the people show
            screens.insert(-3, (f"{pack}-benefits_risks-two-sources", ["select cement_leakage"]))
        if pack == PACKS[0]:
            screens.append((f"{pack}-patient-screen", ["step procedure", "patient"]))
            screens.append((f"{pack}-after-patient-screen", ["close-dialog"]))
        screens[-1][1].append("close")
    return screens


@pytest.mark.parametrize("language, variable, value", [("en", "QT_SCALE_FACTOR", "2"), ("fr", "QT_SCALE_FACTOR", "2"),
                                                       ("fr", "QT_FONT_DPI", "192")])
def test_every_screen_fits_at_desktop_scaling_200(language, variable, value, tmp_path):
    why = session_module.unavailable()
    if why:
        pytest.skip(f"No X display to open real windows on: {why}")
    shots = Path(os.environ.get("CONSULTAID_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    session = session_module.ScreenReaderSession(1920, 1080)
    for name in ("QT_SCALE_FACTOR", "QT_FONT_DPI", "QT_SCREEN_SCALE_FACTORS", "QT_AUTO_SCREEN_SCALE_FACTOR"):
        session.env.pop(name, None)
    session.env[variable] = value
    problems = []
    try:
        session.start(language, fitted=True, window_manager=True)
        for name, commands in screens_to_check():
            for command in commands[:-1] if commands[-1] == "close" else commands:
                session.command(command)
            shot = shots / f"1920x1080-200pc-{variable}-{language}-{name}.png"
            session.command(f"shot {shot}")
            problems += [f"[{name}] {problem}" for problem in session.command("fit")]
            if commands[-1] == "close":
                session.command("close")
    finally:
        session.stop()
    assert problems == [], "\n".join(problems)
