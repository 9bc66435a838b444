"""Reference for the cold start: a bare PySide6 script that shows one QWidget and reports its first paint."""

import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))

import _paint_probe  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

app = QApplication(sys.argv[:1])
_paint_probe.install()
window = QWidget()
window.setWindowTitle("bare")
window.resize(1180, 760)  # the size of the main window, so both paint the same area
window.show()
sys.exit(app.exec())
