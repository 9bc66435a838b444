"""The consultation screen: a step navigator that is always visible, and one page per step."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from consultaid.consultation.session import (
    DISCUSSED,
    FINALIZED,
    IN_PROGRESS,
    NOT_ALL_DISCUSSED,
    NOT_STARTED,
    STEPS,
    Consultation,
)
from consultaid.i18n import N_, _
from consultaid.ui.services.screen_fit import available_area

STEP_TITLES = {
    "procedure": N_("Procedure"),
    "benefits_risks": N_("Benefits & risks"),
    "recovery": N_("Recovery"),
    "alternatives_questions": N_("Alternatives & questions"),
    "review": N_("Review"),
}
STATUS_WORDS = {
    DISCUSSED: ("\u2713", N_("discussed")),
    IN_PROGRESS: ("\u25d0", N_("in progress")),
    NOT_STARTED: ("\u25cb", N_("not started")),
    NOT_ALL_DISCUSSED: ("\u25d0", N_("not all discussed")),
    FINALIZED: ("\u2713", N_("finalized")),
}


class StepNavigator(QFrame):
    """The five steps, in order, each with its status in words and a symbol; Ctrl+1…5 jump to them."""

    step_chosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("Navigator")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 12, 8, 12)
        layout.setSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        for number, step in enumerate(STEPS, start=1):
            button = QPushButton()
            button.setObjectName("StepButton")
            # Not checkable: a checkable button is announced as a check box ("check box, checked"), and a
            # step is a place to go, not an option. The current step is a style property and in the name.
            button.setProperty("current", False)
            button.clicked.connect(lambda _checked=False, step=step: self.step_chosen.emit(step))
            # A QShortcut, not button.setShortcut: setText() resets a button's own shortcut.
            QShortcut(QKeySequence(f"Ctrl+{number}"), self, activated=lambda step=step: self.step_chosen.emit(step),
                      context=Qt.ShortcutContext.WindowShortcut)
            self.buttons[step] = button
            layout.addWidget(button)
        layout.addStretch(1)
        self.compact = False
        self._last = None

    def full_width(self) -> int:
        metrics = self.fontMetrics()
        return max(metrics.horizontalAdvance(f"\u25cb  4. {_(title)}") for title in STEP_TITLES.values()) + 56

    def set_compact(self, compact: bool) -> None:
        """Compact: symbol and number only, for large presentation sizes on small screens; the full
        words stay in each button's tooltip and accessible name, and the page heading says the step."""
        self.compact = compact
        if self._last is not None:
            self.show_status(*self._last)

    def show_status(self, current: str, statuses: dict[str, str]) -> None:
        self._last = (current, statuses)
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("\u25cb 5") + 48 if self.compact
                           else self.full_width())
        for number, step in enumerate(STEPS, start=1):
            symbol, word = STATUS_WORDS[statuses[step]]
            button = self.buttons[step]
            title = _(STEP_TITLES[step]).replace("&", "&&")  # a lone & would become a keyboard mnemonic
            button.setText(f"{symbol} {number}" if self.compact else f"{symbol}  {number}. {title}\n      {_(word)}")
            # The name holds the visible words ("1. Procedure", then the status) without the status symbol,
            # which a screen reader would read out as "white circle" (WCAG 2.5.3: name contains the label).
            name = _("{number}. {title}, {status}").format(number=number, title=_(STEP_TITLES[step]),
                                                           status=_(word))
            if step == current:
                name += ", " + _("current step")
            button.setAccessibleName(name)
            button.setAccessibleDescription(_("Step {number} of {count}; Ctrl+{number}").format(
                number=number, count=len(STEPS)))
            button.setToolTip(f"{_(STEP_TITLES[step])} ({_(word)}), " + _("Ctrl+{number}").format(number=number))
            if button.property("current") != (step == current):
                button.setProperty("current", step == current)
                button.style().unpolish(button)
                button.style().polish(button)


class ConsultationView(QWidget):
    """Holds the running Consultation; every page edits it directly and says when it changed."""

    changed = Signal()
    finished = Signal()

    def __init__(self, consultation: Consultation, parent=None):
        super().__init__(parent)
        self.consultation = consultation
        setup = consultation.setup
        header = QHBoxLayout()
        title = QLabel(f"{consultation.content.title}")
        title.setObjectName("PageHeading")
        title.setWordWrap(True)
        title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        who = QLabel(_("Patient: {name}").format(name=setup.patient.name))
        who.setObjectName("Meta")
        self.patient_button = QPushButton(_("Patient screen"))
        self.patient_button.setCheckable(True)
        self.patient_button.setAccessibleName(self.patient_button.text())
        self.patient_button.setAccessibleDescription(_("Show the current step to the patient, on a second screen if "
                                                "there is one"))
        self.patient_button.setToolTip(_("Ctrl+P: large, without your notes and controls; it follows you"))
        self.patient_button.toggled.connect(self.toggle_patient_screen)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.patient_button.toggle)
        self.patient_screen = None
        self.close_button = QPushButton(_("Close consultation"))
        self.close_button.clicked.connect(self.finished)
        # Shown while an item is explained again from the check of understanding: the way back to its question.
        self.back_to_check = QPushButton(_("Back to the check of understanding"))
        self.back_to_check.setAccessibleName(self.back_to_check.text())
        self.back_to_check.clicked.connect(self.back_to_understanding)
        self.back_to_check.hide()
        header.addWidget(title, 1)
        header.addWidget(self.back_to_check)
        header.addWidget(who)
        header.addWidget(self.patient_button)
        header.addWidget(self.close_button)

        self.navigator = StepNavigator()
        self.navigator.step_chosen.connect(self.go_to)
        self.pages = QStackedWidget()
        self.page_for: dict[str, QWidget] = {}
        for step in STEPS:
            page = self._make_page(step)
            self.page_for[step] = page
            self.pages.addWidget(page)
            if hasattr(page, "changed"):
                page.changed.connect(self._page_changed)

        body = QHBoxLayout()
        body.addWidget(self.navigator)
        body.addWidget(self.pages, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.addLayout(header)
        outer.addLayout(body, 1)
        QShortcut(QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_PageDown), self, activated=self.next_step)
        QShortcut(QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_PageUp), self, activated=self.previous_step)
        self.current = STEPS[0]
        # Compact or not is decided now, for the width this view will have: left full until the first
        # resize, the rail's fixed width fixed the window's minimum width (1055 px on a 960 px screen at
        # desktop scaling 200 %), and the window grew past the screen before the rail went compact.
        self._choose_navigator_width(available_area(self).width())
        self.go_to(STEPS[0])

    @Slot(bool)
    def toggle_patient_screen(self, on: bool) -> None:
        from consultaid.ui.views.patient_screen import PatientScreenController

        if on:
            if self.patient_screen is None:
                self.patient_screen = PatientScreenController(self)
            if not self.patient_screen.show():
                self.window().statusBar().showMessage(_("No second screen: the patient screen is a window you "
                                                        "can move and enlarge."))
        elif self.patient_screen is not None:
            controller, self.patient_screen = self.patient_screen, None
            controller.close()

    def closeEvent(self, event) -> None:
        self.patient_button.setChecked(False)
        super().closeEvent(event)

    def confirm_close(self) -> bool:
        """Asked before the consultation closes (its Close button or the window's): when signatures were
        drawn but the summary was not finalized, closing leaves nothing signed, which the signers may not
        expect. True to go on closing; "go back" keeps everything, signatures included, on screen."""
        from consultaid.ui.services.messages import messages

        consultation = self.consultation
        if consultation.finalized_at is not None or not consultation.signatures:
            return True
        return messages.confirm(
            self, _("Close without finalizing?"),
            _("Signatures have been drawn, but the summary has not been finalized: nothing is signed until it "
              "is. Finalize it first to keep the signatures on the summary."),
            _("Close without finalizing"), _("Go back to the signatures"))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._choose_navigator_width(self.width())

    def _choose_navigator_width(self, width: int) -> None:
        # The full navigator may take at most a quarter of the width; beyond that, go compact.
        compact = self.navigator.full_width() > width / 4
        if compact != self.navigator.compact:
            self.navigator.set_compact(compact)

    def _make_page(self, step: str) -> QWidget:
        if step == "procedure":
            from consultaid.ui.views.pages.procedure_page import ProcedurePage

            return ProcedurePage(self.consultation)
        if step == "benefits_risks":
            from consultaid.ui.views.pages.risks_page import RisksPage

            return RisksPage(self.consultation)
        if step == "recovery":
            from consultaid.ui.views.pages.recovery_page import RecoveryPage

            return RecoveryPage(self.consultation)
        if step == "alternatives_questions":
            from consultaid.ui.views.pages.alternatives_page import AlternativesPage

            page = AlternativesPage(self.consultation)
            page.understanding_box.re_explain_requested.connect(self.re_explain)
            return page
        from consultaid.ui.views.pages.review_page import ReviewPage

        page = ReviewPage(self.consultation)
        page.go_to_step.connect(self.go_to)
        page.signing.finalized.connect(self.lock_after_finalizing)
        return page

    @Slot(str)
    def re_explain(self, ref: str) -> None:
        """Show the item <collection>.<id> again, on its step, with the way back to the question."""
        collection, _dot, item_id = ref.partition(".")
        step = {"sections": "procedure", "benefits": "benefits_risks", "risks": "benefits_risks",
                "milestones": "recovery", "alternatives": "alternatives_questions"}.get(collection)
        if step is None:
            return
        self.go_to(step)
        page = self.page_for[step]
        if collection == "sections":
            page.select_section(item_id)
        elif step == "benefits_risks" and item_id in page.chart.rows:
            page.chart.select(item_id)
            page.scroll.ensureWidgetVisible(page.chart.row_widget(item_id))
        self.back_to_check.show()
        self.back_to_check.setFocus()

    @Slot()
    def back_to_understanding(self) -> None:
        self.back_to_check.hide()
        self.go_to("alternatives_questions")
        page = self.page_for["alternatives_questions"]
        row = page.understanding_box.row_to_return_to()
        if row is not None:
            page.scroll.ensureWidgetVisible(row)
            row.understood.setFocus()

    @Slot()
    def lock_after_finalizing(self) -> None:
        """What was signed cannot change: the steps stay visible but no longer take input."""
        self._refresh_navigator()
        for step in STEPS[:-1]:
            page = self.page_for[step]
            page.setEnabled(False)
            page.setToolTip(_("The summary is finalized: this step can be read but not changed."))

    @Slot(str)
    def go_to(self, step: str) -> None:
        self.current = step
        page = self.page_for[step]
        self.pages.setCurrentWidget(page)
        page.on_shown()
        self._refresh_navigator()

    def next_step(self) -> None:
        self.go_to(STEPS[min(STEPS.index(self.current) + 1, len(STEPS) - 1)])

    def previous_step(self) -> None:
        self.go_to(STEPS[max(STEPS.index(self.current) - 1, 0)])

    def _refresh_navigator(self) -> None:
        self.navigator.show_status(self.current, {step: self.consultation.step_status(step) for step in STEPS})

    @Slot()
    def _page_changed(self) -> None:
        self._refresh_navigator()
        self.changed.emit()
