"""Starts the GUI: QApplication, the content library, the main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from consultaid.i18n import _, interface_language


def create_main_window(content_dir: Path | None = None, data_dir: Path | None = None, store=None):
    """The window the app opens: the library is loaded here, so a broken pack is reported, never fatal.
    The record store opens in `data_dir` (default: the user data folder); a store that cannot open is
    reported and the app runs without saving rather than not at all."""
    from consultaid.content.library import load_library
    from consultaid.paths import bundled_content_dir, user_data_dir
    from consultaid.ui.main_window import MainWindow

    library = load_library(content_dir or bundled_content_dir())
    problem = None
    if store is None:
        from consultaid.consultation.store import StoreError, open_store

        try:
            store = open_store(data_dir or user_data_dir())
        except StoreError as error:
            problem = str(error)
    window = MainWindow(library, content_language=interface_language(), store=store)
    warning = getattr(store, "key_warning", None)
    if warning and not problem:
        # The key fallback (no keyring) is a weaker protection the user must know about: said once at
        # start, on stderr for the logs (a file path, no patient data) and in the status bar.
        logging.getLogger(__name__).warning("%s", warning)
        # The whole warning (with the key file's path) is too long for the status bar: a short one, and
        # the whole one on hover.
        window.statusBar().setToolTip(warning)
        problem = _("No system keyring: the key of the records is kept in a file of this user account. "
                    "Keep a copy of it apart (see the IT guide).")
    if problem:
        window.statusBar().showMessage("\u26a0 " + problem)
    return window


def install_qt_translations(app, language: str) -> None:
    """Qt's own dialogs (file, print, message box buttons) in the interface language: qtbase_<lang>."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    for old in getattr(app, "_consultaid_translators", []):
        app.removeTranslator(old)
    app._consultaid_translators = []
    if language == "en":
        return
    translator = QTranslator(app)
    if translator.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
        app._consultaid_translators.append(translator)


def run_gui(args) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from consultaid.ui.style import apply_style

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ConsultAid")
    app.setOrganizationName("ConsultAid")
    apply_style(app)
    install_qt_translations(app, interface_language())
    window = create_main_window(args.content_dir, getattr(args, "data_dir", None))
    window.show()
    QTimer.singleShot(0, window.offer_recovery)
    return app.exec()
