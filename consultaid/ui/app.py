"""Starts the GUI: QApplication, the content library, the main window."""

from __future__ import annotations

import gc
import logging
import sys
from pathlib import Path

from consultaid.i18n import _, interface_language


def create_main_window(content_dir: Path | None = None, data_dir: Path | None = None, store=None,
                       open_store_now: bool = True):
    """The window the app opens: the library is loaded here, so a broken pack is reported, never fatal.
    The record store opens in `data_dir` (default: the user data folder), and the idle lock starts, now
    or, with `open_store_now=False`, when the caller calls `attach_store` and `start_idle_lock` (the app
    does so right after the first paint); a store that cannot open is reported and the app runs without
    saving rather than not at all."""
    from consultaid.content.library import load_library
    from consultaid.paths import bundled_content_dir
    from consultaid.ui.views.main_window import MainWindow

    library = load_library(content_dir or bundled_content_dir())
    window = MainWindow(library, content_language=interface_language(), store=store)
    if open_store_now:
        window.start_idle_lock()
        if store is None:
            attach_store(window, data_dir)
        else:
            window.configure_outbox()
    return window


def open_app_store(data_dir: Path):
    """The record store Settings › Data chooses (server/opening.py): this workstation's SQLite file, or the
    clinic server with the SQLite file as its queue while the server is away."""
    from consultaid.server.opening import open_record_store

    return open_record_store(Path(data_dir), queue=True)


def attach_store(window, data_dir: Path | None = None) -> None:
    from consultaid.consultation.store import StoreError
    from consultaid.paths import user_data_dir
    from consultaid.ui.services.store_check import DailyStoreCheck

    data_dir = data_dir or user_data_dir()
    set_aside = None
    try:
        window.store = open_app_store(data_dir)
    except StoreError as error:
        set_aside = _start_an_empty_store(window, data_dir, error) if error.kind in ("empty", "damaged") else None
        if set_aside is None:
            window.statusBar().showMessage("\u26a0 " + str(error))
            window.show_whereabouts()   # "not being saved", in place of "opening…"
            return
    window.store_check = DailyStoreCheck(window, data_dir)
    window.store_check.start_if_due()
    # What finalize queues for the hospital record, and its sender: only now is there a store to queue in.
    window.configure_outbox()
    warning = getattr(window.store, "key_warning", None)
    if warning:
        # The key fallback (no keyring) is a weaker protection the user must know about: said once at
        # start, on stderr for the logs (a file path, no patient data) and in the status bar. The whole
        # warning (with the key file's path) is too long for the status bar: a short one, the whole on hover.
        logging.getLogger(__name__).warning("%s", warning)
        window.statusBar().setToolTip(warning)
        window.statusBar().showMessage("\u26a0 " + _(
            "No system keyring: the key of the records is kept in a file of this user account. Keep a copy of "
            "it apart (see the IT guide)."))
    window.show_whereabouts()
    if set_aside is not None:  # said last: what just happened to the records matters most now
        window.statusBar().showMessage(set_aside)


def _start_an_empty_store(window, data_dir: Path, error) -> str | None:
    """An empty or damaged database is never replaced on the app's own initiative: the user is told what
    happened and what IT can do, and chooses to work without saving (the database left as it is, for IT)
    or to set it aside under a dated name (nothing deleted) and start an empty one. Once a new store is
    attached, returns what to tell the user; None otherwise. Safe here: run_gui holds the data folder's
    lock, so no other ConsultAid uses the file."""
    from consultaid.consultation.store import StoreError, set_database_aside
    from consultaid.ui.services.messages import messages

    title = _("The records database is empty") if error.kind == "empty" else _("The records database is damaged")
    choice = messages.choose(window, title, str(error), [
        _("Work without saving (leave the database for IT)"), _("Set it aside and start an empty database")])
    if choice != 1:
        return None
    try:
        name = set_database_aside(data_dir)
        window.store = open_app_store(data_dir)
    except (StoreError, OSError) as failure:
        window.statusBar().showMessage("\u26a0 " + str(failure))
        return None
    try:
        window.store.log("database_set_aside", name)  # the new trail starts by saying where the old one went
    except StoreError:
        pass  # the move is done and said; a store that cannot write says so at the first save
    return _("The records database was set aside as {name} in {folder} (nothing was deleted); an empty one was "
             "started.").format(name=name, folder=data_dir)


def claim_data_folder(data_dir: Path):
    """The data folder's lock (consultaid/instance_lock.py), held for as long as the app runs: two windows
    on one folder would each take the other's live consultation for an interrupted one, and both finalize
    it. None when another ConsultAid holds it, after saying so; a folder where no lock can be made is left
    to the store, which reports what is wrong with it."""
    from consultaid.instance_lock import InstanceLock
    from consultaid.ui.services.messages import messages

    lock = InstanceLock(data_dir)
    try:
        held = lock.acquire()
    except OSError:
        return lock
    if held:
        return lock
    logging.getLogger(__name__).warning("another ConsultAid holds the data folder %s: not started", data_dir)
    messages.choose(None, _("ConsultAid is already open"), _(
        "ConsultAid is already open on the data folder {folder}, in another window or another session of this "
        "user. Use that window: one ConsultAid at a time keeps each consultation in one place. This one will "
        "close.").format(folder=data_dir), [_("Close")])
    return None


def install_qt_translations(app, language: str) -> None:
    """Qt's own dialogs (file, print, message box buttons) in the interface language: qtbase_<lang>."""
    for old in getattr(app, "_consultaid_translators", []):
        app.removeTranslator(old)
    app._consultaid_translators = []
    if language == "en":
        return
    from PySide6.QtCore import QLibraryInfo, QTranslator

    translator = QTranslator(app)
    if translator.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
        app._consultaid_translators.append(translator)


def run_gui(args) -> int:
    from PySide6.QtWidgets import QApplication

    from consultaid.ui.services.style import apply_style, new_application

    # No garbage collection until the first paint (show_main_window turns it back on): the start makes
    # thousands of objects that all stay, and the collector walked them about 18 times, some 4 ms.
    gc.disable()
    app = QApplication.instance() or new_application(sys.argv[0])
    app.setApplicationName("ConsultAid")
    app.setOrganizationName("ConsultAid")
    from consultaid.paths import user_data_dir

    apply_style(app)
    install_qt_translations(app, interface_language())
    data_dir = getattr(args, "data_dir", None) or user_data_dir()
    lock = claim_data_folder(Path(data_dir))
    if lock is None:
        gc.enable()
        return 1
    window = show_main_window(args.content_dir, data_dir)
    crash_handler = install_crash_handler(window, Path(data_dir))
    code = app.exec()
    crash_handler.uninstall()
    del window  # held until here: a parentless window whose wrapper is collected is closed by PySide
    lock.release()
    return code


def install_crash_handler(window, data_dir: Path | None = None):
    """From here on an exception nobody caught saves the draft, is logged without patient data and is
    explained to the user (ui/services/crash_handler.py) instead of leaving a half-updated window."""
    from consultaid.paths import user_data_dir
    from consultaid.ui.services.crash_handler import CrashHandler

    handler = CrashHandler(data_dir or user_data_dir(), lambda: window)
    handler.install()
    return handler


def show_main_window(content_dir: Path | None = None, data_dir: Path | None = None):
    """The start of the app: the window is shown and painted first; opening the record store (key,
    integrity check of what opening relies on) and looking for an interrupted consultation follow in the
    event loop's next turn, milliseconds later."""
    window = create_main_window(content_dir, data_dir, open_store_now=False)

    def after_first_paint() -> None:
        # The start's objects (modules, classes, the first screen) live as long as the app: out of every
        # later collection, whose pauses then walk only what the consultation makes (see run_gui).
        gc.freeze()
        gc.enable()
        window.start_idle_lock()
        attach_store(window, data_dir)
        window.offer_recovery()

    when_painted(window, after_first_paint)
    window.show()
    return window


def when_painted(window, callback, at_the_latest_ms: int = 2000) -> None:
    """Run `callback` once, just after the window's first paint (or after `at_the_latest_ms` if it is never
    painted, e.g. started minimised): the surgeon sees the window at once, and what can wait a moment
    (looking for an interrupted consultation in the store) comes right after."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        done = False

        def run(self) -> None:
            if not self.done:
                self.done = True
                window.removeEventFilter(self)
                callback()

        def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                QTimer.singleShot(0, self.run)
            return False

    watcher = FirstPaint(window)
    window.installEventFilter(watcher)
    QTimer.singleShot(at_the_latest_ms, watcher.run)
