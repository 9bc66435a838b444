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
    # QScrollArea makes its widget and viewport fill their own backgrounds; a page shown by the step
    # rail was then painted twice in one frame (every label, bar and box). The style sheet paints the
    # same white behind them (QWidget#PageBody, the area itself), so the filling adds nothing.
    widget.setAutoFillBackground(False)
    area.viewport().setAutoFillBackground(False)
    return area


def vbox(widget: QWidget, margins: int = 0, spacing: int = 8) -> QVBoxLayout:
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(margins, margins, margins, margins)
    layout.setSpacing(spacing)
    return layout


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")


def chain_tab_order(widgets) -> None:
    """Puts the keyboard focus chain in this order, the page's own from top to bottom. The first widget
    must already be where the chain should start. Qt's chain is the order widgets joined the window, so
    rows made later (a rebuilt chart, an added question) would otherwise come after everything else."""
    present = [widget for widget in widgets if widget is not None]
    for first, second in zip(present, present[1:], strict=False):
        QWidget.setTabOrder(first, second)


def order_tabs_by_position(area: QScrollArea) -> None:
    """Tab through a scrolled page from top to bottom, left to right, as it is laid out now: for pages
    whose rows can be added (a question, an alternative) after the controls that follow them."""
    body = area.widget()
    body.layout().activate()  # the rows just added get their place before they are sorted by it
    controls = [widget for widget in body.findChildren(QWidget)
                if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.focusProxy() is None
                and not widget.isWindow()]
    controls.sort(key=lambda widget: (widget.mapTo(body, widget.rect().topLeft()).y(),
                                      widget.mapTo(body, widget.rect().topLeft()).x()))
    chain_tab_order([area, *controls])
