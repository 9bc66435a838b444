"""Building blocks shared by the step pages."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget


def heading(text: str, level: int = 1) -> QLabel:
    label = QLabel(text)
    label.setObjectName("PageHeading" if level == 1 else "SubHeading")
    label.setWordWrap(True)
    label.setAccessibleName(text)
    # Wraps instead of widening the page: long French titles at 200 % must not push the window wider.
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def paragraph(text: str = "", muted: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if muted:
        label.setObjectName("Meta")
    return label


def scrolled(widget: QWidget, name: str) -> QScrollArea:
    """A white, frameless scroll area; `name` is what a screen reader says when it takes the focus."""
    widget.setObjectName(widget.objectName() or "PageBody")
    area = QScrollArea()
    area.setAccessibleName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


def vbox(widget: QWidget, margins: int = 0, spacing: int = 8) -> QVBoxLayout:
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(margins, margins, margins, margins)
    layout.setSpacing(spacing)
    return layout


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
