"""Cold start of ConsultAid: the real GUI start path (consultaid.ui.app.run_gui: style, translations,
library, record store, main window, show, event loop), reporting the main window's first paint."""

import argparse
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))

import _paint_probe  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

# run_gui reuses an existing QApplication, so the probe can be installed before it starts.
app = QApplication(sys.argv[:1])
_paint_probe.install(app)

from consultaid.ui.app import run_gui  # noqa: E402

sys.exit(run_gui(argparse.Namespace(content_dir=None, data_dir=None)))
