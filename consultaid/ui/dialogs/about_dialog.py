"""Help › About ConsultAid: the version (the one in consultaid/__init__.py), and where this installation
keeps its content and records, which clinic IT asks for when something goes wrong."""

from __future__ import annotations

import html
import platform

from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from consultaid import __version__
from consultaid.i18n import _


def about_dialog(parent=None) -> QDialog:
    from consultaid.paths import bundled_content_dir, user_data_dir

    dialog = QDialog(parent)
    dialog.setWindowTitle(_("About ConsultAid"))
    layout = QVBoxLayout(dialog)
    title = QLabel(f"<h2>ConsultAid {html.escape(__version__)}</h2>")
    title.setAccessibleName(_("ConsultAid version {version}").format(version=__version__))
    layout.addWidget(title)
    layout.addWidget(QLabel(_("A consultation aid for surgeons and their patients.")))
    details = QLabel("<br>".join(html.escape(line) for line in (
        _("Version: {version}").format(version=__version__),
        _("Content: {path}").format(path=bundled_content_dir()),
        _("Records: {path}").format(path=user_data_dir()),
        f"Python {platform.python_version()}, Qt {qVersion()}",
    )))
    details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    layout.addWidget(details)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    buttons.accepted.connect(dialog.accept)
    layout.addWidget(buttons)
    return dialog


def show_about(parent=None) -> None:
    about_dialog(parent).exec()
