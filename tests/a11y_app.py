"""The real ConsultAid window for the screen-reader walk (tests/test_screen_reader.py), run in its own process
on a real X display with Qt's AT-SPI bridge switched on.

It opens the main window on the shipped content, then obeys one command a line on stdin: `library` shows
the procedures, `consultation [PACK [DATE]]` opens a consultation (vertebroplasty by default), `close`
closes it, `records` opens the records, `select ID` chooses a row of the risks overview, `section N` shows
a section of step 1 and `draw` draws on its illustration, `step NAME` goes to a step, `contrast` switches
high contrast, `settings` opens the settings (`settings-tab N` shows one of its tabs), `patient` shows the
patient screen, `people` chooses the first row with a figure, `hidden-rows` lists the overview's rows out of
view, `quit` ends. After each command it prints `ready` and, on the next line, what a sighted user
sees of each control the keyboard can reach, as JSON: its visible label and where it is on the screen. The screen
reader's side is read through the accessibility bus by tests/atspi_walk.py, never from here."""

import json
import math
import sys
from datetime import date

from PySide6.QtCore import QSocketNotifier, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMainWindow,
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


def wait_for_frames(app: QApplication) -> None:
    """Until every window shown has its frame from the window manager (a dialog just opened may have none
    yet: an empty frame, which is not a window past the screen), for at most two seconds."""
    import time

    for _attempt in range(20):
        if not any(window.isVisible() and window.frameGeometry().isEmpty() for window in app.topLevelWidgets()
                   if window.windowType() not in (Qt.WindowType.ToolTip, Qt.WindowType.Popup)):
            return
        app.processEvents()
        time.sleep(0.1)


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
        elif isinstance(window, QMainWindow) and frame.top() - area.top() > 2:
            # The window opens fitted to the screen: room left above it is room taken from every step.
            problems.append(f"main window {frame.getRect()} leaves {frame.top() - area.top()} px unused above it")
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


def open_addendum_dialog(window, kind: str, language: str) -> None:
    """The records view with a finalized example consultation (stored once, the way finalize stores it) and
    its Confirm or Withdrawal dialog open, as the buttons under the list open it."""
    from tests.peers.records import example_record, small_pdf

    if not window.store.search(""):
        name = "vertebroplasty-fr.json" if language == "fr" else "cement-spine-surgery-en.json"
        window.store.finalize(example_record(name), small_pdf())
    window.show_history()
    history = window.history_view
    history.select(next(row for row in history.shown_rows() if not row.is_draft))
    chain = history.chain
    (chain.confirm_button if kind == "confirmation" else chain.withdraw_button).click()


def main() -> None:
    app = QApplication(sys.argv[:1])
    from consultaid.consultation.session import Consultation
    from consultaid.consultation.setup import ConsultationSetup, Patient, Surgeon
    from consultaid.consultation.shown_content import shown_content
    from consultaid.i18n import set_interface_language
    from consultaid.ui.app import create_main_window
    from consultaid.ui.services.style import apply_style
    from tests.conftest import CONTENT

    PATIENTS = (Patient("Jeanne Dupont", date(1950, 3, 12)), Patient("Marc Leroy", date(1947, 11, 2)),
                Patient("Amina Diallo", date(1961, 6, 25)))
    opened = [0]
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
        if line.split()[0] == "consultation":  # consultation [PACK [SURGERY-DATE]]
            words = line.split()
            pack = window.library.get(words[1] if len(words) > 1 else "vertebroplasty")
            surgery = date.fromisoformat(words[2]) if len(words) > 2 else None
            patient = PATIENTS[opened[0] % len(PATIENTS)]  # fictional patients, one after the other
            opened[0] += 1
            setup = ConsultationSetup(Surgeon("Dr A"), patient, pack.id, language, surgery_date=surgery)
            window.open_consultation(Consultation(setup, shown_content(pack, language)))
        elif line == "close":  # close the consultation, answering yes to its question
            from consultaid.ui.services.messages import messages

            messages.answers = [True, True]
            window.close_consultation()
            messages.answers = None
        elif line == "records":  # Consultation › Records… (Ctrl+H)
            window.show_history()
        elif line.startswith("addendum "):  # addendum confirmation|withdrawal: its dialog, from the records
            open_addendum_dialog(window, line.split()[1], language)
        elif line.startswith("select "):  # a row of the risks overview, as a click does
            window.consultation_view.page_for["benefits_risks"].chart.select(line.split()[1])
        elif line.startswith("section "):  # a section of step 1
            window.consultation_view.page_for["procedure"].section_list.setCurrentRow(int(line.split()[1]))
        elif line == "draw":  # a few strokes on the illustration shown, as a mouse draws them
            from tests.conftest import drag

            page = window.consultation_view.page_for["procedure"]
            canvas = page.panels[page.current_section_id()].canvas
            w, h = canvas.width(), canvas.height()
            drag(canvas, *[(w * (0.45 + 0.08 * math.cos(a / 6)), h * (0.45 + 0.08 * math.sin(a / 6)))
                           for a in range(0, 40)])
            drag(canvas, (w * 0.25, h * 0.7), (w * 0.33, h * 0.62), (w * 0.4, h * 0.55))
        elif line == "people":  # the first row with a figure chosen: its details and people show
            chart = window.consultation_view.page_for["benefits_risks"].chart
            next(row for row in chart.rows.values() if row.item.first_figure is not None).select()
        elif line == "start":
            window.start_consultation()
        elif line == "settings":  # Tools › Settings…
            window.show_settings()
        elif line.startswith("settings-tab "):  # a tab of the open settings dialog
            window.settings_dialog.tabs.setCurrentIndex(int(line.split()[1]))
        elif line == "patient":  # the Patient screen button: a window beside the app on one screen
            window.consultation_view.patient_button.setChecked(True)
        elif line == "close-dialog":
            for widget in app.topLevelWidgets():
                if widget is not window and widget.isVisible():
                    widget.close()
        elif line == "contrast":  # View › High contrast
            window.high_contrast_action.trigger()
        elif line.startswith("zoom "):
            window.zoom(float(line.split()[1]) - window.zoom_factor)
        elif line == "hidden-rows":  # rows of the risks overview not in view without scrolling
            page = window.consultation_view.page_for["benefits_risks"]
            viewport = page.scroll.viewport()
            hidden = [outcome_id for outcome_id, row in page.chart.rows.items()
                      if row.mapTo(viewport, row.rect().bottomLeft()).y() >= viewport.height()
                      or page.scroll.verticalScrollBar().value() != 0]
            print("ready\n" + json.dumps(hidden), flush=True)
            return
        elif line == "fit":
            wait_for_frames(app)
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
