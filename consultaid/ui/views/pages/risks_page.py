"""Step 2: every benefit and risk at a glance on one "N in 1000 people" scale, the details and the 1000
people of the one selected beside them, and risks the surgeon adds for this patient."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from consultaid.consultation import text_rules
from consultaid.consultation.session import Consultation
from consultaid.i18n import _
from consultaid.ui.views.pages.common import chain_tab_order, scrolled, vbox
from consultaid.ui.widgets.field_error import FieldError
from consultaid.ui.widgets.risk_details import PEOPLE_ASPECT, RiskDetails
from consultaid.ui.widgets.risk_overview import RiskOverviewView

ESTIMATE_KINDS = ("range", "value", "upper")
UNITS = ("percent", "per_1000")


class PatientRiskForm(QGroupBox):
    """Label, estimate (a figure, a range, or "fewer than"), unit and note of a patient-specific risk."""

    added = Signal(str, dict, str)  # label, estimate fields, note

    def __init__(self, parent=None):
        super().__init__(_("Add a risk specific to this patient"), parent)
        grid = QGridLayout(self)
        self.label = QLineEdit()
        self.label.setPlaceholderText(_("What may happen, in the patient's language"))
        self.label.setAccessibleName(_("Patient-specific risk"))
        self.kind = QComboBox()
        for kind, text in zip(ESTIMATE_KINDS, (_("between"), _("about"), _("fewer than")), strict=True):
            self.kind.addItem(text, kind)
        self.kind.setAccessibleName(_("Kind of estimate"))
        self.low = self._number(_("Lower figure"))
        self.high = self._number(_("Higher figure"))
        self.unit = QComboBox()
        for unit, text in zip(UNITS, (_("percent"), _("in 1000")), strict=True):
            self.unit.addItem(text, unit)
        self.unit.setAccessibleName(_("Unit of the estimate"))
        self.note = QLineEdit()
        self.note.setPlaceholderText(_("Why it applies to this patient (optional)"))
        self.note.setAccessibleName(_("Note on the patient-specific risk"))
        self.add_button = QPushButton(_("Add risk"))
        self.add_button.clicked.connect(self.submit)
        self.error = FieldError()
        # Visible labels, each the buddy of its list: a screen reader names a combo box by the label it is
        # "labelled by" (its own name is its current value, "between"), and sighted users see the same words.
        kind_label = QLabel(_("Estimate:"))
        kind_label.setBuddy(self.kind)
        unit_label = QLabel(_("Unit:"))
        unit_label.setBuddy(self.unit)
        # The unit on a line of its own: the form fits the chart's column on a 1366 px screen.
        figures, units = QHBoxLayout(), QHBoxLayout()
        for widget in (kind_label, self.kind, self.low, self.high):
            figures.addWidget(widget)
        figures.addStretch(1)
        units.addWidget(unit_label)
        units.addWidget(self.unit)
        units.addStretch(1)
        grid.addWidget(self.label, 0, 0, 1, 2)
        grid.addLayout(figures, 1, 0, 1, 2)
        grid.addLayout(units, 2, 0, 1, 2)
        grid.addWidget(self.note, 3, 0)
        grid.addWidget(self.add_button, 3, 1)
        grid.addWidget(self.error, 4, 0, 1, 2)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        for field in (self.label, self.note):  # a pasted text that could not be kept is explained at once
            field.textChanged.connect(lambda _text: self.error.show_message(self._text_problem()))

    def _text_problem(self) -> str | None:
        return (text_rules.LABEL.problem(self.label.text().strip())
                or text_rules.NOTE.problem(self.note.text().strip()))

    @staticmethod
    def _number(accessible: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(0, 1000)
        box.setDecimals(1)
        box.setAccessibleName(accessible)
        return box

    @Slot()
    def _kind_changed(self) -> None:
        self.high.setVisible(self.kind.currentData() == "range")

    @Slot()
    def submit(self) -> None:
        label = self.label.text().strip()
        unit = self.unit.currentData()
        kind = self.kind.currentData()
        low, high = self.low.value(), self.high.value()
        limit = 100 if unit == "percent" else 1000
        if not label:
            self.error.show_message(_("Say what the risk is."))
            return
        if self._text_problem():
            self.error.show_message(self._text_problem())
            return
        if max(low, high if kind == "range" else low) > limit:
            self.error.show_message(_("A percentage is at most 100."))
            return
        if kind == "range" and low > high:
            self.error.show_message(_("The lower figure is above the higher one."))
            return
        estimate = {"unit": unit, **({"low": low, "high": high} if kind == "range" else {kind: low})}
        self.error.show_message(None)
        self.added.emit(label, estimate, self.note.text().strip())
        self.label.clear()
        self.note.clear()


class RisksPage(QWidget):
    """Every outcome at a glance on the left (compact rows on one scale, a tick each), the selected one's
    details and its 1000 people on the right, and the form for a risk specific to this patient under a
    button, so the overview of the largest pack fits a 1366x768 screen without scrolling."""

    changed = Signal()

    def __init__(self, consultation: Consultation, parent=None):
        super().__init__(parent)
        self.consultation = consultation
        self.language = consultation.content.language
        self.chart = RiskOverviewView()
        self.chart.setAccessibleName(_("Benefits and risks, out of 1000 people"))
        self.chart.discussed_changed.connect(self._discussed)
        self.chart.estimate_selected.connect(self._show_details)
        self.details = RiskDetails()
        self.details.note_changed.connect(self._note)
        self.details.estimate_chosen.connect(self._show_people)
        self.note_error = self.details.note_error
        self.icons = self.details.people
        self.form = PatientRiskForm()
        self.form.added.connect(self._add_patient_risk)
        self.form.hide()
        self.add_toggle = QPushButton(_("Add a risk specific to this patient"))
        self.add_toggle.setCheckable(True)
        self.add_toggle.toggled.connect(self._toggle_form)

        left = QWidget()
        column = vbox(left, spacing=6)
        column.addWidget(self.chart)
        toggle_row = QHBoxLayout()
        toggle_row.addWidget(self.add_toggle)
        toggle_row.addStretch(1)
        column.addLayout(toggle_row)
        column.addWidget(self.form)
        column.addStretch(1)
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal)
        self.scroll = scrolled(left, _("Benefits and risks"))
        self.details_scroll = scrolled(self.details, _("Details of the chosen benefit or risk"))
        self.details_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Framed as wide as the focus frame, so the focus frame is seen when the keyboard scrolls either side
        # (the content covered it: 1 px of it was seen in the default look, none in high contrast).
        for area in (self.scroll, self.details_scroll):
            area.setFrameShape(QFrame.Shape.StyledPanel)
            area.setObjectName("RiskPane")  # its frame: ui/services/style.py
        splitter.addWidget(self.scroll)
        splitter.addWidget(self.details_scroll)
        splitter.setStretchFactor(0, 11)
        splitter.setStretchFactor(1, 9)
        splitter.setChildrenCollapsible(False)
        self._sized = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.rebuild()

    def outcomes(self):
        return self.consultation.outcomes().shown

    def _progress(self, outcome_id: str):
        """The ticked/note state of an outcome id, wherever it lives."""
        for collection in (self.consultation.benefits, self.consultation.risks):
            if outcome_id in collection:
                return collection[outcome_id]
        return next(risk for risk in self.consultation.patient_specific_risks if risk.id == outcome_id)

    def rebuild(self, select: str | None = None) -> None:
        """The overview again (after a risk is added), with `select` (or the one shown, or the first) shown."""
        outcomes = self.consultation.outcomes()
        from consultaid.charts.risk_chart import build_chart

        shown = select or self.chart.selected_id()
        # The page's heading sits in the overview's header, beside its scale: one line less.
        self.chart.set_chart(build_chart(outcomes.shown, self.language, outcomes.discussed), _("Benefits and risks"))
        # The details are never empty: the first outcome is shown until another is chosen.
        if self.chart.rows:
            self.chart.select(shown if shown in self.chart.rows else next(iter(self.chart.rows)))
        self._order_tabs()

    def _order_tabs(self) -> None:
        """Tab follows the page: the rows from the top (each row, then its tick), the button and form under
        them, then the details on the right. The rows are made after the form, so without this Tab went to
        the form first."""
        form = self.form
        chain_tab_order([self, self.scroll,
                         *(widget for row in self.chart.rows.values() for widget in (row, row.discussed)),
                         self.add_toggle, form.label, form.kind, form.low, form.high, form.unit, form.note,
                         form.add_button, self.details_scroll, *self.details.focus_chain()])

    def _toggle_form(self, shown: bool) -> None:
        self.form.setVisible(shown)
        if shown:
            self.form.label.setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll.ensureWidgetVisible(self.form)

    def _discussed(self, outcome_id: str, checked: bool) -> None:
        self._progress(outcome_id).discussed = checked
        self.changed.emit()

    def _note(self, outcome_id: str, text: str) -> None:
        problem = text_rules.NOTE.problem(text)
        self.note_error.show_message(problem)
        if problem is None:  # otherwise the record keeps the last note that could be kept
            self._progress(outcome_id).note = text
            self.changed.emit()

    def _show_details(self, outcome_id: str, estimate_index: int) -> None:
        overview = self.chart.overview
        assert overview is not None
        item = next(row for row in overview.rows if row.row.outcome_id == outcome_id)
        self.details.show_row(item, overview.chart, self._progress(outcome_id).note or "")
        self._show_people(outcome_id, estimate_index)

    def _show_people(self, outcome_id: str, estimate_index: int) -> None:
        outcome = next(o for o in self.outcomes() if o.id == outcome_id)
        from consultaid.charts.icon_array import icon_array_for

        self.details.show_people(icon_array_for(outcome, self.language, estimate_index, aspect=PEOPLE_ASPECT),
                                 estimate_index)
        self.chart.rows[outcome_id].current_estimate = estimate_index
        self._order_tabs()

    def _add_patient_risk(self, label: str, estimate: dict, note: str) -> None:
        self.consultation.add_patient_specific_risk(label, note=note, **estimate)
        self.rebuild(select=self.consultation.patient_specific_risks[-1].id)
        self.changed.emit()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._sized:  # the overview gets the room its columns need, the people the rest
            self._sized = True
            total = self.splitter.width()
            self.splitter.setSizes([round(total * 0.55), round(total * 0.45)])

    def on_shown(self) -> None:
        self.consultation.focus("benefits_risks")
