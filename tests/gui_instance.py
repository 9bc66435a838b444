"""A real ConsultAid GUI process (`consultaid --data-dir DIR`, off screen) for the tests of one instance per
data folder (tests/test_instance_lock.py).

It answers the app's questions with the replies given on the command line, through the same message
service the in-process tests use, prints the title of every question asked, prints "consultation open"
once a consultation is on screen, and ends after the given seconds (or when the app returns) without the
questions of a normal close, as a crash would."""

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def main(data_dir: str, answers: str, seconds: float) -> None:
    app = QApplication(sys.argv[:1])
    from consultaid.cli import main as cli_main
    from consultaid.ui.services.messages import messages

    messages.answers = [int(answer) for answer in answers.split(",") if answer]

    def report(code) -> None:
        print("asked: " + " | ".join(messages.asked), flush=True)
        print(f"exit {code}", flush=True)
        os._exit(0 if code is None else code)

    def watch() -> None:
        if any(getattr(widget, "consultation_view", None) is not None for widget in app.topLevelWidgets()):
            print("consultation open", flush=True)
        else:
            QTimer.singleShot(20, watch)

    QTimer.singleShot(20, watch)
    QTimer.singleShot(int(seconds * 1000), lambda: report(None))
    report(cli_main(["--data-dir", data_dir]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]))
