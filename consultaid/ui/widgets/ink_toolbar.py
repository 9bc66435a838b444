"""Ink colours, Undo, Redo and Clear for one InkCanvas."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Slot
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QAbstractButton, QButtonGroup, QFrame, QHBoxLayout, QPushButton, QWidget

from consultaid.i18n import N_, _
from consultaid.ui.services.style import ACCENT, BORDER, INK, SURFACE
from consultaid.ui.widgets.ink_canvas import CLEAR_SHORTCUT, InkCanvas, shortcut_text
from consultaid.ui.widgets.reflow_row import ReflowRow

# Okabe–Ito colours, distinguishable with the common colour-vision deficiencies, each dark enough to
# show on the pale anatomy and to carry a white tick.
INK_COLOURS = (
    ("#1B2631", N_("Black")),
    ("#0072B2", N_("Blue")),
    ("#D55E00", N_("Vermillion")),
    ("#00704A", N_("Dark green")),
)


DISABLED_INK = "#7D8894"   # still 3.6:1 on white: legible, yet plainly greyed out


class ColourSwatch(QAbstractButton):
    """A round colour button. Checked shows a ring and a tick, so the choice is not told by colour alone."""

    SIZE = 40   # a comfortable target for a finger on a tablet

    def __init__(self, colour: str, name: str, parent=None):
        super().__init__(parent)
        self.colour = colour
        self.setCheckable(True)
        self.setFixedSize(self.SIZE, self.SIZE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # Tab reaches it, but a click leaves the focus on the canvas, where Ctrl+Z works.
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        label = _("Ink colour: {name}").format(name=name)
        self.setAccessibleName(label)
        self.setToolTip(label)

    def sizeHint(self) -> QSize:
        return QSize(self.SIZE, self.SIZE)

    def paintEvent(self, event) -> None:
        with QPainter(self) as painter:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            centre = QPointF(self.width() / 2, self.height() / 2)
            if self.underMouse() and not self.isChecked():
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(SURFACE))
                painter.drawEllipse(centre, 18, 18)
            if self.isChecked():
                painter.setPen(QPen(QColor(INK), 2.5))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(centre, 17, 17)
            colour = QColor(self.colour)
            if not self.isEnabled():
                colour.setAlphaF(0.35)
            painter.setPen(QPen(colour.darker(130), 1))
            painter.setBrush(colour)
            painter.drawEllipse(centre, 12.5, 12.5)
            if self.isChecked():
                tick = QPainterPath(centre + QPointF(-5.5, 0.5))
                tick.lineTo(centre + QPointF(-1.5, 4.5))
                tick.lineTo(centre + QPointF(5.5, -4))
                pen = QPen(QColor("white"), 2.6)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                painter.setPen(pen)
                painter.drawPath(tick)
            if self.hasFocus():
                painter.setPen(QPen(QColor(ACCENT), 2, Qt.PenStyle.DotLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 8, 8)


class InkToolbar(QWidget):
    """Buttons bound to one canvas; they follow its state (Undo greys out when there is nothing to undo)."""

    def __init__(self, canvas: InkCanvas, parent=None):
        super().__init__(parent)
        self.canvas = canvas
        self.setAccessibleName(_("Drawing tools"))
        # The app style does not mark disabled buttons; here "nothing to undo" must be seen at a glance.
        self.setStyleSheet(f"QPushButton:disabled {{ color: {DISABLED_INK}; background: white; "
                           f"border-color: #E3E8ED; }}")
        # Two groups, side by side when there is room and one above the other when not: in one row they
        # need 424 px, which at desktop scaling 200 % made step 1 wider than a 960 px (logical) screen.
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.groups = ReflowRow(spacing=8)
        layout.addWidget(self.groups)
        self.colour_group = QButtonGroup(self)
        self.colour_group.setExclusive(True)
        self.colour_buttons: dict[str, ColourSwatch] = {}
        for colour, name in INK_COLOURS:
            swatch = ColourSwatch(colour, _(name), self)
            swatch.setChecked(colour == canvas.colour())
            swatch.clicked.connect(lambda _checked=False, chosen=colour: self.choose_colour(chosen))
            self.colour_group.addButton(swatch)
            self.colour_buttons[colour] = swatch
        self.colours = _row(self, list(self.colour_buttons.values()))

        self.divider = QFrame(self)
        self.divider.setFrameShape(QFrame.Shape.VLine)
        self.divider.setStyleSheet(f"color: {BORDER};")
        self.divider.setFixedHeight(26)

        undo_keys = shortcut_text(QKeySequence.StandardKey.Undo)
        redo_keys = shortcut_text(QKeySequence.StandardKey.Redo)
        self.undo_button = self._button(_("Undo"), _("Undo the last stroke ({shortcut})").format(
            shortcut=undo_keys), canvas.undo)
        self.redo_button = self._button(_("Redo"), _("Redo the stroke you undid ({shortcut})").format(
            shortcut=redo_keys), canvas.redo)
        self.clear_button = self._button(_("Clear"), _("Clear the whole drawing ({shortcut}); Undo brings it "
                                                      "back").format(shortcut=shortcut_text(CLEAR_SHORTCUT)),
                                         canvas.clear)
        self.actions = _row(self, [self.undo_button, self.redo_button, 8, self.clear_button])

        self.groups.add(self.colours)
        self.groups.add(self.divider, in_row_only=True)
        self.groups.add(self.actions)

        canvas.changed.connect(self.refresh)
        self.refresh()

    def _button(self, text: str, tip: str, action) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        button.setAccessibleDescription(tip)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.clicked.connect(action)
        return button

    @Slot(str)
    def choose_colour(self, colour: str) -> None:
        self.canvas.set_colour(colour)
        button = self.colour_buttons.get(colour.upper())
        if button is not None and not button.isChecked():
            button.setChecked(True)

    @Slot()
    def refresh(self) -> None:
        """Enables only what would do something, and nothing at all on a read-only canvas."""
        editable = not self.canvas.is_read_only()
        drawing = self.canvas.drawing()
        for button in self.colour_buttons.values():
            button.setEnabled(editable)
        self.undo_button.setEnabled(editable and drawing.can_undo)
        self.redo_button.setEnabled(editable and drawing.can_redo)
        self.clear_button.setEnabled(editable and not drawing.is_empty)


def _row(parent: QWidget, tools: list[QWidget | int]) -> QWidget:
    """A left-aligned row of tools (a number is extra space between two of them), one group of the toolbar."""
    group = QWidget(parent)
    row = QHBoxLayout(group)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(4)
    for tool in tools:
        if isinstance(tool, int):
            row.addSpacing(tool)
        else:
            row.addWidget(tool)
    row.addStretch(1)
    return group
