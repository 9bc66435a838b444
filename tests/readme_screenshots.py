"""Retakes the README's screenshots (docs/screenshot-*.png) the way a user sees the app: a real window under a
window manager (openbox on Xvfb) on a 1366x768 screen, photographed from the X screen, frame included.

Run by hand, not by pytest: `python -m tests.readme_screenshots [FOLDER]` (default: docs/). It drives the
screen-reader test's app (tests/a11y_app.py) with the same commands a test does."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests import screen_reader_session as session_module

SHOTS = {
    # file: (interface language, commands before the picture)
    "screenshot-library.png": ("en", []),
    "screenshot-procedure.png": ("en", ["consultation vertebroplasty", "section 3", "draw"]),
    "screenshot-risks.png": ("en", ["consultation vertebroplasty", "step benefits_risks", "select cement_leakage"]),
    "screenshot-risks-nested.png": ("en", ["consultation cement-spine-surgery", "step benefits_risks",
                                           "select cement_leakage"]),
    "screenshot-recovery-fr.png": ("fr", ["consultation vertebroplasty 2027-01-04", "step recovery"]),
    "screenshot-review.png": ("en", ["consultation vertebroplasty", "step review"]),
    # Three consultations left as drafts, then the records.
    "screenshot-history.png": ("en", ["consultation vertebroplasty", "close", "consultation cement-spine-surgery",
                                      "close", "consultation endoscopic-spine-surgery", "close", "records"]),
}


def has_title_bar(png: Path) -> bool:
    """Whether the window manager's title bar is in the picture (the screen behind the window is black)."""
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    return not image.isNull() and image.pixelColor(image.width() // 2, 29).name() != "#000000"


def shoot(session: session_module.ScreenReaderSession, png: Path) -> None:
    """The X screen into `png`, once openbox has drawn the window's frame, then made smaller (losslessly)."""
    for _attempt in range(6):
        session.command(f"shot {png}")
        if has_title_bar(png):
            break
        time.sleep(1.0)  # openbox had not drawn the window's frame yet
    optipng = shutil.which("optipng")
    if optipng:  # a quarter smaller than Pillow's own optimisation
        subprocess.run([optipng, "-quiet", "-o2", str(png)], check=True)
    else:
        from PIL import Image

        Image.open(png).save(png, optimize=True)


def take(folder: Path) -> list[str]:
    why = session_module.unavailable()
    if why:
        raise SystemExit(f"No X display to open real windows on: {why}")
    problems = []
    for name, (language, commands) in SHOTS.items():
        session = session_module.ScreenReaderSession(1366, 768)
        try:
            session.start(language, fitted=True, window_manager=True)
            for command in commands:
                session.command(command)
            shoot(session, folder / name)
            problems += [f"{name}: {problem}" for problem in session.command("fit")]
        finally:
            session.stop()
    return problems


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "docs")
    found = take(target)
    print("\n".join(found) or "every screenshot fits")
