"""The details of the outcome selected in the risks overview, in the space beside it (issue 17 item 2):
its label and notes, every source's estimate (number first, the common scale and the log close-up, who /
when / source), the surgeon's note, and its 1000 people, large enough to tell each marking apart.

The people are laid out in cells 1.6 times as high as wide (people are taller than wide), so each person
is about 12 px high or more in a panel under 500 px wide, where square cells gave 7 px people.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QFrame, QLabel, QLineEdit, QRadioButton, QVBoxLayout, QWidget

from consultaid.charts.icon_array import IconArray
from consultaid.charts.risk_chart import RiskChart
from consultaid.charts.risk_overview import OverviewRow
from consultaid.i18n import _
from consultaid.ui.services.style import MUTED
from consultaid.ui.widgets.field_error import FieldError
from consultaid.ui.widgets.icon_array_view import IconArrayView
from consultaid.ui.widgets.reflow_row import ReflowRow
from consultaid.ui.widgets.risk_chart_view import EstimateRowWidget

PEOPLE_ASPECT = 1.6  # a person's cell: this many times as high as wide (see the module's docstring)


class RiskDetails(QWidget):
    """One outcome at a time; `show_row` fills it, `show_people` shows the chosen estimate as people."""

    note_changed = Signal(str, str)       # outcome id, text
    estimate_chosen = Signal(str, int)    # outcome id, estimate index: show these people

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("RiskDetails")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("QWidget#RiskDetails { background: white; }")  # white like the overview beside it
        self.item: OverviewRow | None = None
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(4, 4, 4, 4)
        self.layout_.setSpacing(6)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setStyleSheet(f"color: {MUTED};")
        self.estimates_box = QVBoxLayout()
        self.estimates_box.setSpacing(0)
        self.estimates: list[EstimateRowWidget] = []
        # One button per source; one under the other where they do not fit side by side (two French
        # figures at desktop scaling 200 % pushed the panel, and the people in it, past its right edge).
        self.choices = ReflowRow(spacing=12)
        self.choice_group = QButtonGroup(self)
        self.choice_buttons: dict[int, QRadioButton] = {}
        self.note = QLineEdit()
        self.note.setPlaceholderText(_("Note for this patient…"))
        self.note.textEdited.connect(self._note_edited)
        self.note_error = FieldError()  # a note that cannot be kept is explained here
        self.people = IconArrayView()
        self.people.setAccessibleName(_("1000 people: how many it happens to"))
        self.no_people = QLabel()
        self.no_people.setWordWrap(True)
        self.no_people.setObjectName("Meta")
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setStyleSheet(f"color: {MUTED};")
        # The people first, where the eye lands when a row is chosen; then each source's figure with its
        # close-up of small numbers and who / when / source; then the surgeon's note.
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.choices)
        self.layout_.addWidget(self.people)
        self.layout_.addWidget(self.no_people)
        self.layout_.addWidget(rule)
        self.layout_.addLayout(self.estimates_box)
        self.layout_.addWidget(self.about)
        self.layout_.addWidget(self.note)
        self.layout_.addWidget(self.note_error)
        self.layout_.addStretch(1)

    def show_row(self, item: OverviewRow, chart: RiskChart, note: str) -> None:
        """Fill the panel for `item` (a row of the overview of `chart`) with its saved `note`."""
        self.item = item
        row = item.row
        extras = [text for text in (row.within_text, row.custom_text) if text]
        self.title.setText(f"<b><big>{escape(row.label)}</big></b>"
                           + (f"<br><span style='color:{MUTED}'>{escape(' · '.join(extras))}</span>" if extras else ""))
        details = [text for text in (row.detail, row.sources_differ_text) if text]
        self.about.setText("\n".join(details))
        self.about.setVisible(bool(details))
        for widget in self.estimates:
            widget.hide()  # at once: deleted only at the next turn of the event loop
            widget.deleteLater()
        self.estimates = [EstimateRowWidget(row, index, chart, 0) for index in range(len(row.bars))]
        for widget in self.estimates:
            self.estimates_box.addWidget(widget)
        self.note.setText(note)
        self.note.setAccessibleName(_("Note about “{label}”").format(label=row.label))
        self.note_error.show_message(None)
        self._make_choices(item)

    def _make_choices(self, item: OverviewRow) -> None:
        """One button per source with a figure, when there are two or more: whose figure the people show."""
        for button in self.choice_buttons.values():
            self.choice_group.removeButton(button)
            button.hide()
            button.deleteLater()
        self.choice_buttons = {}
        self.choices.clear()
        figures = [line for line in item.lines if not line.bar.not_known]
        if len(figures) < 2:
            return
        for line in figures:
            index = line.estimate_indexes[0]
            button = QRadioButton(f"{line.bar.number_label} {line.reference_text}")
            button.toggled.connect(lambda checked, index=index: checked and self._choose(index))
            self.choice_group.addButton(button)
            self.choices.add(button)
            self.choice_buttons[index] = button

    def _choose(self, index: int) -> None:
        if self.item is not None:
            self.estimate_chosen.emit(self.item.row.outcome_id, index)

    def _note_edited(self, text: str) -> None:
        if self.item is not None:
            self.note_changed.emit(self.item.row.outcome_id, text)

    def show_people(self, icon_array: IconArray, estimate_index: int) -> None:
        button = self.choice_buttons.get(estimate_index)
        if button is not None and not button.isChecked():
            button.blockSignals(True)
            button.setChecked(True)
            button.blockSignals(False)
        if icon_array.not_known:
            self.people.hide()
            self.no_people.setText(icon_array.legend[0].text if icon_array.legend else "")
            self.no_people.show()
            return
        self.no_people.hide()
        self.people.set_icon_array(icon_array)
        self.people.show()

    def focus_chain(self) -> list[QWidget]:
        """The panel's controls from top to bottom, for the page's Tab order."""
        shown = not self.people.isHidden() and self.people.grid is not None
        return [*self.choice_buttons.values(), *([self.people.grid] if shown else []), self.note]


__all__ = ["PEOPLE_ASPECT", "RiskDetails"]
