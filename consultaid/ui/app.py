"""Starts the GUI: QApplication, the content library, the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from consultaid.i18n import interface_language


def create_main_window(content_dir: Path | None = None):
    """The window the app opens: the library is loaded here, so a broken pack is reported, never fatal."""
    from consultaid.content.library import load_library
    from consultaid.paths import bundled_content_dir
    from consultaid.ui.main_window import MainWindow

    library = load_library(content_dir or bundled_content_dir())
    return MainWindow(library, content_language=interface_language())


def run_gui(args) -> int:
    from PySide6.QtWidgets import QApplication

    from consultaid.ui.style import apply_style

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ConsultAid")
    app.setOrganizationName("ConsultAid")
    apply_style(app)
    window = create_main_window(args.content_dir)
    window.show()
    return app.exec()
