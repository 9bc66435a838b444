"""Cold start of ConsultAid: the real GUI start path (consultaid.ui.app.run_gui: the application, style,
translations, library, record store, main window, show, event loop), reporting the main window's first paint."""

import argparse
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))

import _paint_probe  # noqa: E402

# The probe needs no application: run_gui makes the QApplication as the app does.
_paint_probe.install()

from consultaid.ui.app import run_gui  # noqa: E402

sys.exit(run_gui(argparse.Namespace(content_dir=None, data_dir=None)))
