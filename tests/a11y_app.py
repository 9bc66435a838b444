"""The real ConsultAid window for the screen-reader walk (tests/test_screen_reader.py), run in its own process
on a real X display with Qt's AT-SPI bridge switched on.

It opens the main window on the shipped content, then obeys one command a line on stdin:
`library` shows the procedures, `consultation` opens a vertebroplasty consultation, `step NAME` goes to a
step, `contrast` switches high contrast, `people` chooses the first row with a figure, `quit` ends. After each command it prints `ready`
and, on the next line, what a sighted user sees of
each control the keyboard can reach, as JSON: its visible label and where it is on the screen. The screen
reader's side is read through the accessibility bus by tests/atspi_walk.py, never from here."""

import json
import sys
from datetime import date

from PySide6.QtCore import QSocketNotifier, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)


def visible_label(widget: QWidget) -> str:
    """The text a sighted user reads as this control's label: its own text, or the label whose buddy it is."""
    if isinstance(widget, QAbstractButton):
        return widget.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    for label in widget.window().findChildren(QLabel):
        if label.buddy() is widget and label.isVisible():
            return label.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    return ""


def focusable_controls(app: QApplication) -> list[dict]:
    controls = []
    for window in app.topLevelWidgets():
        if not window.isVisible():
            continue
        for widget in window.findChildren(QWidget):
            if not (widget.isVisible() and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
                continue
            if widget.focusProxy() is not None:
                continue
            top_left = widget.mapToGlobal(widget.rect().topLeft())
            kind = ("button" if isinstance(widget, QAbstractButton) else "combo" if isinstance(widget, QComboBox)
                    else "field" if isinstance(widget, (QLineEdit, QTextEdit, QPlainTextEdit)) else "other")
            controls.append({"class": type(widget).__name__, "object": widget.objectName(), "kind": kind,
                             "label": visible_label(widget),
                             "x": top_left.x(), "y": top_left.y(), "w": widget.width(), "h": widget.height()})
    return controls


def fit_problems(app: QApplication) -> list[str]:
    """What does not fit, as a user sees it: a window past the screen's available area, a visible
    horizontal scroll bar, a label or button whose text needs more room than it has."""
    from PySide6.QtWidgets import QAbstractScrollArea

    area = app.primaryScreen().availableGeometry()
    problems = []
    for window in app.topLevelWidgets():
        if not window.isVisible() or window.windowType() in (Qt.WindowType.ToolTip, Qt.WindowType.Popup):
            continue
        frame = window.frameGeometry()
        if not area.contains(frame):
            problems.append(f"window {window.windowTitle()!r} {frame.getRect()} is past the screen {area.getRect()}")
        for scroller in window.findChildren(QAbstractScrollArea):
            bar = scroller.horizontalScrollBar()
            if scroller.isVisible() and bar.isVisible() and bar.maximum() > 0:
                problems.append(f"horizontal scroll bar on {scroller.accessibleName() or type(scroller).__name__}")
        for widget in window.findChildren(QWidget):
            if not widget.isVisible() or widget.width() <= 0:
                continue
            text = widget.text() if isinstance(widget, (QLabel, QAbstractButton)) else ""
            if not text.strip() or (isinstance(widget, QLabel) and widget.pixmap() is not None
                                    and not widget.pixmap().isNull()):
                continue
            hint = widget.sizeHint()
            if isinstance(widget, QLabel) and widget.wordWrap():
                clipped = widget.heightForWidth(widget.width()) > widget.height() + 1
            else:
                clipped = hint.width() > widget.width() + 1 or hint.height() > widget.height() + 1
            if clipped:
                problems.append(f"{type(widget).__name__} {text[:60]!r} needs {hint.width()}x{hint.height()}, "
                                f"has {widget.width()}x{widget.height()}")
    return problems


def main() -> None:
    app = QApplication(sys.argv[:1])
    from consultaid.consultation.session import Consultation
    from consultaid.consultation.setup import ConsultationSetup, Patient, Surgeon
    from consultaid.consultation.shown_content import shown_content
    from consultaid.i18n import set_interface_language
    from consultaid.ui.app import create_main_window
    from consultaid.ui.style import apply_style
    from tests.conftest import CONTENT

    language = sys.argv[1] if len(sys.argv) > 1 else "en"
    set_interface_language(language)
    apply_style(app)
    window = create_main_window(CONTENT)
    if len(sys.argv) > 2 and sys.argv[2] == "fitted":
        pass  # the size the app chooses for this screen
    else:
        window.setGeometry(0, 0, 1366, 768)
    window.show()

    def settle_then_report() -> None:
        QTimer.singleShot(400, lambda: print("ready\n" + json.dumps(focusable_controls(app)), flush=True))

    def obey() -> None:
        line = sys.stdin.readline().strip()
        if line in ("", "quit"):
            app.quit()
            return
        if line == "consultation":
            pack = window.library.get("vertebroplasty")
            setup = ConsultationSetup(Surgeon("Dr A"), Patient("Jeanne Dupont", date(1950, 3, 12)), pack.id,
                                      language)
            window.open_consultation(Consultation(setup, shown_content(pack, language)))
        elif line == "people":  # the first row with a figure chosen: its details and people show
            chart = window.consultation_view.page_for["benefits_risks"].chart
            next(row for row in chart.rows.values() if row.item.first_figure is not None).select()
        elif line == "start":
            window.start_consultation()
        elif line == "close-dialog":
            for widget in app.topLevelWidgets():
                if widget is not window and widget.isVisible():
                    widget.close()
        elif line == "contrast":  # View › High contrast
            window.high_contrast_action.trigger()
        elif line.startswith("zoom "):
            window.zoom(float(line.split()[1]) - window.zoom_factor)
        elif line == "fit":
            print("ready\n" + json.dumps(fit_problems(app)), flush=True)
            return
        elif line.startswith("shot "):
            app.primaryScreen().grabWindow(0).save(line.split(" ", 1)[1])
        elif line.startswith("step "):
            window.consultation_view.go_to(line.split()[1])
        settle_then_report()

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(obey)
    settle_then_report()
    app.exec()


if __name__ == "__main__":
    main()
