"""A focus frame never clips a control's text (issue 17 item 1, "nothing clipped"). The focus frame is wider
than the border it replaces; it used to take its width from the text's room, so a focused "Écran du patient"
lost the accent of its É (seen on the 1366x768 screenshots of the French risks step)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from consultaid.ui.services.style import apply_style


def text_area(widget: QWidget, inset: int) -> QImage:
    """The widget as painted, less `inset` pixels on each side (where the frames are)."""
    image = widget.grab().toImage()
    return image.copy(QRect(inset, inset, image.width() - 2 * inset, image.height() - 2 * inset))


@pytest.mark.parametrize("high_contrast", [False, True])
@pytest.mark.parametrize("kind", ["button", "primary", "toggle", "step", "field"])
def test_the_focused_text_is_painted_as_the_unfocused_text(qapp, qtbot, kind, high_contrast):
    apply_style(qapp, high_contrast=high_contrast)
    try:
        holder = QWidget()
        row = QHBoxLayout(holder)
        pair = []
        for _index in range(2):
            control = QLineEdit("Écran Âge") if kind == "field" else QPushButton("Écran du patient")
            if kind == "field":
                control.setReadOnly(True)  # no blinking text cursor to tell the two apart
            if kind == "primary":
                control.setObjectName("PrimaryButton")
            if kind == "step":
                control.setObjectName("StepButton")
            if kind == "toggle":
                control.setCheckable(True)
                control.setChecked(True)
            row.addWidget(control)
            pair.append(control)
        qtbot.addWidget(holder)
        holder.show()
        qtbot.waitExposed(holder)
        holder.activateWindow()
        pair[1].setFocus()
        qtbot.waitUntil(pair[1].hasFocus)
        qtbot.wait(50)  # the focused style repainted
        assert pair[0].size() == pair[1].size()
        inset = 6  # wider than any frame: the widest focus frame is 4 px
        assert text_area(pair[1], inset) == text_area(pair[0], inset), "the focus frame moved or clipped the text"
    finally:
        apply_style(qapp)
