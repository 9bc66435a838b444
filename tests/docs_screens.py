"""Retakes docs/screens/: every step of a vertebroplasty consultation in French, as a user sees it in a real
window under a window manager (openbox on Xvfb), photographed from the X screen, frame included:

- fr/: a 1366x768 screen at 100 %;
- fr-200/: a 1920x1080 screen at desktop scaling 200 % (QT_SCALE_FACTOR=2, as Windows, GNOME or KDE set it);
- fr-high-contrast/: 1366x768, View › High contrast.

Run by hand, not by pytest: `python -m tests.docs_screens [FOLDER]` (default: docs/screens). It drives the
screen-reader test's app (tests/a11y_app.py) and prints what does not fit (see tests/test_screen_fit*.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from tests import screen_reader_session as session_module
from tests.readme_screenshots import shoot

SETS = {
    # folder: (screen width, height, Qt scale factor, commands after the consultation opens)
    "fr": (1366, 768, 1, []),
    "fr-200": (1920, 1080, 2, []),
    "fr-high-contrast": (1366, 768, 1, ["contrast"]),
}
STEPS = {
    # file: commands that show the step as it is explained to a patient
    "1-procedure.png": ["step procedure", "section 3", "draw"],
    "2-benefits_risks.png": ["step benefits_risks", "select cement_leakage"],
    "3-recovery.png": ["step recovery"],
    "4-alternatives_questions.png": ["step alternatives_questions"],
    "5-review.png": ["step review"],
}


def take(target: Path) -> list[str]:
    why = session_module.unavailable()
    if why:
        raise SystemExit(f"No X display to open real windows on: {why}")
    problems = []
    for folder, (width, height, scale, commands) in SETS.items():
        (target / folder).mkdir(parents=True, exist_ok=True)
        session = session_module.ScreenReaderSession(width, height)
        session.env.pop("QT_FONT_DPI", None)
        session.env["QT_SCALE_FACTOR"] = str(scale)
        try:
            session.start("fr", fitted=True, window_manager=True)
            for command in [*commands, "consultation vertebroplasty 2027-01-04"]:
                session.command(command)
            for name, step_commands in STEPS.items():
                for command in step_commands:
                    session.command(command)
                shoot(session, target / folder / name)
                problems += [f"{folder}/{name}: {problem}" for problem in session.command("fit")]
        finally:
            session.stop()
    return problems


if __name__ == "__main__":
    default = Path(__file__).resolve().parent.parent / "docs" / "screens"
    found = take(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
    print("\n".join(found) or "every screenshot fits")
