"""Test isolation: no test reads or writes the real user config or data, and Qt never needs a display."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# Set before anything imports Qt or resolves a user directory, and inherited by every subprocess.
_SANDBOX = Path(tempfile.mkdtemp(prefix="consultaid-tests-"))
for variable, folder in {
    "HOME": "home",
    "XDG_CONFIG_HOME": "config",
    "XDG_DATA_HOME": "data",
    "XDG_CACHE_HOME": "cache",
    "XDG_RUNTIME_DIR": "runtime",
    "CONSULTAID_DATA_DIR": "consultaid-data",
}.items():
    path = _SANDBOX / folder
    path.mkdir(mode=0o700)
    os.environ[variable] = str(path)
os.environ["QT_QPA_PLATFORM"] = "offscreen"
# Never the real OS keyring: the database key goes to the fallback file in the sandboxed config folder
# (tests of the keyring path install an in-memory backend of their own).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
os.environ.pop("CONSULTAID_KEY_STORE", None)
os.environ.pop("CONSULTAID_CONTENT_DIR", None)

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
SEEDS = REPO.parent / "shared" / "seeds"


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_SANDBOX, ignore_errors=True)


@pytest.fixture(autouse=True)
def own_data_dir(tmp_path, monkeypatch):
    """Each test its own record store: drafts of one test never show up as crashes in the next."""
    folder = tmp_path / "consultaid-data"
    monkeypatch.setenv("CONSULTAID_DATA_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def no_modal_questions():
    """A question the test did not expect fails it instead of waiting forever for a click."""
    from consultaid.ui.services.messages import messages

    messages.answers = []
    yield messages
    messages.answers = None


@pytest.fixture
def main(qtbot, qapp):
    """The app's main window at 1366×768 on the shipped content, with its own record store.

    Closed here rather than by qtbot.addWidget: pytest-qt closes its widgets before fixtures tear down,
    and closing with an open consultation asks a question that must be answered first."""
    from consultaid.i18n import set_interface_language
    from consultaid.ui.app import create_main_window
    from consultaid.ui.services.messages import messages
    from consultaid.ui.services.style import apply_style

    apply_style(qapp)
    window = create_main_window(CONTENT)
    window.resize(1366, 768)
    with qtbot.waitExposed(window):
        window.show()
    yield window
    messages.answers = [True] if window.consultation_view is not None else []
    window.close()
    window.deleteLater()
    set_interface_language("en")


@pytest.fixture
def run_cli(tmp_path):
    """Runs the real `consultaid` command line in a subprocess; returns the CompletedProcess."""
    import subprocess

    def run(*arguments, cwd=None, timeout=120):
        return subprocess.run([sys.executable, "-m", "consultaid", *map(str, arguments)], cwd=cwd or tmp_path,
                              capture_output=True, text=True, timeout=timeout)

    return run


def type_text(widget, text: str) -> None:
    """Type any Unicode text into a widget through real key events (QTest only knows Latin-1 keys)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for character in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier,
                                                     character))


def click_box(qtbot, box) -> None:
    """Click a check box or radio button on its indicator, where a user clicks (a wide box's centre may be
    blank space beyond its text, which Qt rightly ignores)."""
    from PySide6.QtCore import QPoint, Qt

    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def send_mouse(widget, kind, point, button, buttons):
    """One mouse event with the buttons held, as a real device sends it."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    at = QPointF(*point)
    QApplication.sendEvent(widget, QMouseEvent(kind, at, widget.mapToGlobal(at), button, buttons,
                                               Qt.KeyboardModifier.NoModifier))


def drag(widget, *points):
    """Press, move with the left button held (qtbot.mouseMove carries no buttons), release."""
    from PySide6.QtCore import QEvent, Qt

    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    send_mouse(widget, QEvent.Type.MouseButtonPress, points[0], left, left)
    for point in points[1:]:
        send_mouse(widget, QEvent.Type.MouseMove, point, none, left)
    send_mouse(widget, QEvent.Type.MouseButtonRelease, points[-1], left, none)
