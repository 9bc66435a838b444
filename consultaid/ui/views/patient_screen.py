"""The patient-facing screen: the current step, large and calm, on a second monitor turned to the patient.

It shows what the patient is meant to see and nothing of the surgeon's: no ticks, no notes, no buttons, no
signature pads. Its own words are in the patient's language (like the charts), which may differ from the
interface language, so they are marked with N_ and translated with the consultation's language.

`PatientScreenController` keeps it in step with a ConsultationView without changing that view: it follows
the page stack, the procedure's section list and the risk chart's "Show 1000 people", and `refresh()`
re-reads what the surgeon changed (ink, added risks and alternatives).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from consultaid.consultation.ink import InkDrawing
from consultaid.consultation.session import STEPS, Consultation
from consultaid.formatting import format_long_date
from consultaid.i18n import N_, _, translate
from consultaid.paths import resources_dir
from consultaid.ui.services.screen_fit import available_area, fit_to_screen
from consultaid.ui.services.style import ACCENT, BASE_POINT_SIZE, BORDER, INK, MUTED, SURFACE
from consultaid.ui.widgets.timeline_view import TimelineView

PATIENT_SCALE = 1.6   # the patient sits across the desk: everything ~1.6 times the app's own size
# The screen height (logical pixels) that holds a step at PATIENT_SCALE; on a lower one (540 at desktop
# scaling 200 % on 1920x1080) the type shrinks with it, never below the app's own size: at 1.6 times,
# step 1's key points were cut off at the bottom of the window.
FULL_SCALE_HEIGHT = 800

PATIENT_STYLE = """
QWidget#PatientScreen, QWidget#PatientBody {{ background: white; }}
QWidget {{ font-size: {size:g}pt; color: {ink}; }}
QLabel#PatientContext {{ font-size: {small:g}pt; color: {muted}; }}
QLabel#PatientTitle {{ font-size: {large:g}pt; font-weight: 600; color: {ink}; }}
QLabel#PatientBullet {{ color: {accent}; font-weight: 700; }}
QLabel#PatientMuted {{ color: {muted}; }}
QFrame#PatientCard {{ background: {surface}; border: 1px solid {border}; border-radius: 12px; }}
QFrame#PatientCard QLabel {{ background: transparent; }}
QScrollArea#PatientScroll {{ border: none; background: white; }}
QScrollArea#PatientScroll > QWidget > QWidget {{ background: white; }}
"""

# Surgeon's controls never shown to the patient, whatever step or widget they come from.
SURGEON_CONTROL_TYPES = (QCheckBox, QLineEdit, QPlainTextEdit, QPushButton)


def _t(text: str, language: str) -> str:
    return translate(text, language)


class PatientTimeline(TimelineView):
    """The recovery timeline without its "Discussed" ticks and without the column kept for them.

    TimelineView re-shows its ticks on every resize (`_place_checkboxes`), so hiding them from outside
    would not last: this one drops them and places nothing."""

    def __init__(self, milestones, language: str, surgery_date=None, parent=None):
        super().__init__(milestones, language, surgery_date, parent)
        for box in self.checkboxes.values():
            box.hide()
            box.deleteLater()
        self.checkboxes = {}
        self._relayout()

    def _place_checkboxes(self) -> None:
        return


def _label(text: str = "", name: str = "", rich: bool = False) -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def _scroll(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setObjectName("PatientScroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    # Nobody scrolls on the patient's side: no scroll bars; the screen scrolls itself to what is chosen.
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    return area


class PatientScreen(QWidget):
    """A top-level window showing one step for the patient. `show_step` switches, `refresh` re-reads."""

    def __init__(self, consultation: Consultation, parent=None):
        super().__init__(parent, Qt.WindowType.Window)
        self.consultation = consultation
        self.language = consultation.content.language
        self.step: str | None = None
        self.section_id: str | None = None
        self.icon_outcome: tuple[str, int] | None = None
        self.canvas = None            # the procedure step's read-only ink canvas
        self.chart = None             # the benefits step's RiskChartView
        self.icons = None             # the benefits step's IconArrayView, once a risk is chosen
        self.timeline = None          # the recovery step's timeline
        self._shown_key = None        # what the current page was built from (to rebuild only on change)
        self.setObjectName("PatientScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle(_("For the patient: {title}").format(title=consultation.content.title))
        self.setAccessibleName(_("Patient screen"))
        self._apply_size()

        self.context = _label(consultation.content.title, "PatientContext")
        self.body_holder = QVBoxLayout()
        self.body_holder.setContentsMargins(0, 0, 0, 0)
        self.body: QWidget | None = None
        outer = QVBoxLayout(self)
        self._space_out()
        outer.addWidget(self.context)
        outer.addLayout(self.body_holder, 1)
        # Shown as a window on the surgeon's screen when there is no second one: never past its edges.
        fit_to_screen(self, 1280, 800, centre=True)

    # --- look -------------------------------------------------------------------------------------
    def _apply_size(self) -> None:
        app = QApplication.instance()
        base = app.font().pointSizeF() if app is not None and app.font().pointSizeF() > 0 else BASE_POINT_SIZE
        room = min(1.0, available_area(self).height() / FULL_SCALE_HEIGHT)
        size = round(base * max(1.0, PATIENT_SCALE * room), 1)
        self.setStyleSheet(PATIENT_STYLE.format(size=size, small=round(size * 0.75, 1), large=round(size * 1.5, 1),
                                                ink=INK, muted=MUTED, accent=ACCENT, surface=SURFACE, border=BORDER))
        font = self.font()
        font.setPointSizeF(size)
        self.setFont(font)

    def t(self, text: str) -> str:
        """One of this screen's own words, in the patient's language."""
        return _t(text, self.language)

    # --- public API -------------------------------------------------------------------------------
    def fit_type_to_screen(self) -> None:
        """The type size again, for the screen the window is on now; the step is rebuilt in it."""
        before = self.font().pointSizeF()
        self._apply_size()
        if self.font().pointSizeF() != before:
            self._space_out()
            if self.step is not None:
                self._rebuild()

    def _space_out(self) -> None:
        """Margins and spacing in proportion to the type."""
        margin = round(self.fontMetrics().height() * 1.2)
        self.layout().setContentsMargins(margin * 2, margin, margin * 2, margin)
        self.layout().setSpacing(round(margin * 0.6))

    def show_step(self, step: str, section_id: str | None = None) -> None:
        """Shows `step` (on the procedure step, `section_id`, else the first section) for the patient."""
        if step not in STEPS:
            raise ValueError(f"unknown step {step!r}")
        if step == "procedure":
            sections = [section.id for section in self.consultation.content.sections]
            if section_id not in sections:
                section_id = sections[0] if sections else None
        else:
            section_id = None
        if step != self.step:
            self.icon_outcome = None   # a risk chosen earlier is not carried into a later visit
        self.step, self.section_id = step, section_id
        self._rebuild()

    def show_icon_array(self, outcome_id: str, estimate_index: int = 0) -> None:
        """Beside the chart, the 1000 people of one benefit or risk (the surgeon's "Show 1000 people")."""
        if self._outcome(outcome_id) is None:
            return
        self.icon_outcome = (outcome_id, estimate_index)
        if self.step == "benefits_risks":
            self._rebuild()

    def refresh(self) -> None:
        """Re-reads the consultation: new ink on the illustration, added risks or alternatives."""
        if self.step is None:
            return
        if self.step == "procedure" and self.canvas is not None and self._shown_key == self._key():
            drawing = self.consultation.ink.get(self.section_id) or InkDrawing()
            self.canvas.set_drawing(drawing)
            return
        if self._shown_key != self._key():
            self._rebuild()

    # --- building ---------------------------------------------------------------------------------
    def _key(self):
        """What the current page depends on, apart from the ink (which refresh() updates in place)."""
        consultation = self.consultation
        if self.step == "procedure":
            return (self.step, self.section_id)
        if self.step == "benefits_risks":
            return (self.step, self.icon_outcome,
                    tuple((r.id, r.label, r.unit, r.value, r.low, r.high, r.upper)
                          for r in consultation.patient_specific_risks))
        if self.step == "recovery":
            return (self.step, consultation.setup.surgery_date)
        if self.step == "alternatives_questions":
            return (self.step, tuple(other.label for other in consultation.other_alternatives))
        return (self.step,)

    def _rebuild(self) -> None:
        self.canvas = self.chart = self.icons = self.timeline = None
        if self.body is not None:
            self.body_holder.removeWidget(self.body)
            self.body.hide()
            self.body.deleteLater()
        builder = {"procedure": self._procedure, "benefits_risks": self._benefits_risks,
                   "recovery": self._recovery, "alternatives_questions": self._alternatives,
                   "review": self._review}[self.step]
        self.body = builder()
        self.body.setObjectName(self.body.objectName() or "PatientBody")
        self.body_holder.addWidget(self.body)
        self.body.show()   # now, not when the layout gets round to it: a follower must not lag a step
        for control in self.body.findChildren(QWidget):   # whatever a chart grows later, it stays hidden
            if isinstance(control, SURGEON_CONTROL_TYPES):
                control.hide()
        self._shown_key = self._key()

    def _page(self, title: str) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget()
        page.setObjectName("PatientBody")
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(round(self.fontMetrics().height() * 0.6))
        self.title = _label(title, "PatientTitle")
        self.title.setAccessibleName(title)
        column.addWidget(self.title)
        return page, column

    def _procedure(self) -> QWidget:
        sections = {section.id: section for section in self.consultation.content.sections}
        section = sections.get(self.section_id)
        page, column = self._page(section.title if section else self.consultation.content.title)
        if section is None:
            column.addStretch(1)
            return page
        row = QHBoxLayout()
        row.setSpacing(round(self.fontMetrics().height() * 1.5))
        points = QWidget()
        grid = QGridLayout(points)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(round(self.fontMetrics().height() * 0.5))
        grid.setVerticalSpacing(round(self.fontMetrics().height() * 0.8))
        self.key_points = []
        for index, point in enumerate(section.key_points):
            bullet = _label("\u25cf", "PatientBullet")
            bullet.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
            bullet.setAlignment(Qt.AlignmentFlag.AlignTop)
            text = _label(point)
            text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            grid.addWidget(bullet, index, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(text, index, 1)
            self.key_points.append(text)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(len(section.key_points), 1)
        if section.illustration is None:
            row.addWidget(points, 1)
        else:
            from consultaid.ui.widgets.ink_canvas import InkCanvas

            self.canvas = InkCanvas(self.consultation.ink.get(section.id),
                                    background_svg=resources_dir() / "illustrations" / section.illustration)
            self.canvas.set_read_only(True)
            self.canvas.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.canvas.setAccessibleName(self.t(N_("Illustration")))
            row.addWidget(points, 2)
            row.addWidget(self.canvas, 3)
        column.addLayout(row, 1)
        return page

    def _outcomes(self):
        """Benefits, risks and the risks added for this patient, without anything the surgeon wrote
        beside them (a patient-specific risk's note is the surgeon's)."""
        return [replace(outcome, detail="") if outcome.custom else outcome
                for outcome in self.consultation.outcomes().shown]

    def _outcome(self, outcome_id: str):
        return next((outcome for outcome in self._outcomes() if outcome.id == outcome_id), None)

    def _benefits_risks(self) -> QWidget:
        from consultaid.ui.widgets.risk_chart_view import RiskChartView

        page, column = self._page(self.t(N_("Benefits and risks")))
        self.chart = RiskChartView.from_outcomes(self._outcomes(), self.language)
        self.chart.setAccessibleName(self.t(N_("Benefits and risks, out of 1000 people")))
        for row in self.chart.rows.values():
            for control in (row.discussed, row.note, row.show_people):
                # The note keeps its room while hidden: with the whole controls line empty, the row's
                # layout gives its bars less than their height (they overlap their tick labels).
                policy = control.sizePolicy()
                policy.setRetainSizeWhenHidden(control is row.note)
                control.setSizePolicy(policy)
                control.hide()
            row.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row = QHBoxLayout()
        row.setSpacing(round(self.fontMetrics().height() * 1.2))
        scroll = _scroll(self.chart)
        row.addWidget(scroll, 3)
        if self.icon_outcome is not None:
            from consultaid.ui.widgets.icon_array_view import IconArrayView

            outcome_id, index = self.icon_outcome
            outcome = self._outcome(outcome_id)
            if index >= len(outcome.estimates):
                index = 0
            self.icons = IconArrayView.for_outcome(outcome, self.language, index)
            self.icons.setAccessibleName(self.t(N_("1000 people: how many it happens to")))
            row.addWidget(_scroll(self.icons), 2)
            chosen = self.chart.rows.get(outcome_id)
            if chosen is not None:   # highlighted, and scrolled to once the page is laid out
                chosen.set_selected(True)
                QTimer.singleShot(0, lambda: self._scroll_to(scroll, chosen))
        column.addLayout(row, 1)
        return page

    def _scroll_to(self, scroll: QScrollArea, row: QWidget) -> None:
        if self.chart is not None and row in self.chart.rows.values():
            scroll.verticalScrollBar().setValue(row.mapTo(self.chart, row.rect().topLeft()).y()
                                                - self.fontMetrics().height())

    def _recovery(self) -> QWidget:
        content = self.consultation.content
        page, column = self._page(self.t(N_("Expected recovery")))
        surgery_date = self.consultation.setup.surgery_date
        if surgery_date is not None:
            when = self.t(N_("Planned surgery date: {date}")).format(
                date=format_long_date(surgery_date, self.language))
            column.addWidget(_label(when, "PatientMuted"))
        self.timeline = PatientTimeline(list(content.milestones), self.language, surgery_date)
        self.timeline.setAccessibleName(self.t(N_("Recovery timeline")))
        column.addWidget(_scroll(self.timeline), 1)
        return page

    def _card(self, label: str, detail: str = "") -> QFrame:
        card = QFrame()
        card.setObjectName("PatientCard")
        layout = QVBoxLayout(card)
        padding = round(self.fontMetrics().height() * 0.7)
        layout.setContentsMargins(padding, padding, padding, padding)
        layout.setSpacing(round(padding * 0.4))
        heading = _label(f"<b>{_escape(label)}</b>", rich=True)
        layout.addWidget(heading)
        if detail:
            layout.addWidget(_label(detail, "PatientMuted"))
        return card

    def _alternatives(self) -> QWidget:
        page, column = self._page(self.t(N_("Other options")))
        column.addWidget(_label(self.t(N_("Besides this procedure, you can choose:")), "PatientMuted"))
        cards = QWidget()
        cards.setObjectName("PatientBody")
        stack = QVBoxLayout(cards)
        stack.setContentsMargins(0, 0, 0, 0)
        stack.setSpacing(round(self.fontMetrics().height() * 0.6))
        self.alternative_labels = []
        for item in self.consultation.content.alternatives:
            stack.addWidget(self._card(item.label, item.detail))
            self.alternative_labels.append(item.label)
        # No treatment and the surgeon's own: the label only (what was said about them is the surgeon's note).
        for other in self.consultation.other_alternatives:
            stack.addWidget(self._card(other.label))
            self.alternative_labels.append(other.label)
        stack.addStretch(1)
        column.addWidget(_scroll(cards), 1)
        return page

    def _review(self) -> QWidget:
        page, column = self._page("")
        self.title.hide()
        column.addStretch(2)
        thanks = _label(self.t(N_("Thank you")), "PatientTitle")
        thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = thanks
        summary = _label(self.t(N_("You will be given a written summary of what we discussed about {title}."))
                         .format(title=self.consultation.content.title))
        summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        ask = _label(self.t(N_("Take your time, and ask about anything that is not clear.")), "PatientMuted")
        ask.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(thanks)
        column.addWidget(summary)
        column.addWidget(ask)
        column.addStretch(3)
        return page


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def place_on_second_screen(widget: QWidget) -> bool:
    """Full screen on a screen other than the surgeon's. False (and nothing done) with only one screen:
    the caller then shows it as a normal window or tells the surgeon no second screen is attached."""
    screens = QGuiApplication.screens()
    if len(screens) < 2:
        return False
    parent = widget.parentWidget()
    surgeon_screen = parent.window().screen() if parent is not None else QGuiApplication.primaryScreen()
    others = [screen for screen in screens if screen is not surgeon_screen and screen != surgeon_screen]
    target = others[0] if others else next(s for s in screens if s != QGuiApplication.primaryScreen())
    if widget.isFullScreen():
        widget.showNormal()
    widget.setScreen(target)
    widget.move(target.geometry().topLeft())
    widget.showFullScreen()
    return True


class PatientScreenController(QObject):
    """Keeps a PatientScreen in step with a ConsultationView.

    Follows the view's page stack (so `go_to` needs no wiring, though `follow(step)` may be called too),
    the procedure's section list and the risk chart's "Show 1000 people"; `refresh()` (also connected to
    the view's `changed`) re-reads the ink and what the surgeon added."""

    def __init__(self, view, parent=None):
        super().__init__(parent if parent is not None else view)
        self.view = view
        self.screen = PatientScreen(view.consultation, parent=view)
        self._connections = []
        self._connect(view.pages.currentChanged, self._page_changed)
        self._connect(view.changed, self.refresh)
        procedure = view.page_for.get("procedure")
        if procedure is not None and hasattr(procedure, "section_list"):
            self._connect(procedure.section_list.currentItemChanged, self._section_changed)
        risks = view.page_for.get("benefits_risks")
        if risks is not None and hasattr(risks, "chart"):
            self._connect(risks.chart.estimate_selected, self.screen.show_icon_array)
        self.follow(view.current)

    def _connect(self, signal, slot) -> None:
        signal.connect(slot)
        self._connections.append((signal, slot))

    def _section_id(self, step: str) -> str | None:
        if step != "procedure":
            return None
        page = self.view.page_for.get("procedure")
        return page.current_section_id() if page is not None else None

    @Slot()
    def follow(self, step: str | None = None) -> None:
        """Shows `step` (the view's current step by default) on the patient screen."""
        step = step or self.view.current
        section_id = self._section_id(step)
        if (step, section_id) != (self.screen.step, self.screen.section_id):
            self.screen.show_step(step, section_id)
        else:
            self.screen.refresh()

    @Slot()
    def refresh(self) -> None:
        """After the view's `changed`: the same step, re-read (new ink, added risks or alternatives)."""
        self.follow(self.view.current)

    @Slot(int)
    def _page_changed(self, _index: int) -> None:
        self.follow(self.view.current)

    @Slot()
    def _section_changed(self, *_items) -> None:
        if self.view.current == "procedure":
            self.follow("procedure")

    def show(self) -> bool:
        """On the second screen, full screen (True); else as a normal window beside the app (False)."""
        if place_on_second_screen(self.screen):
            self.screen.fit_type_to_screen()   # its type was chosen for the surgeon's screen
            return True
        self.screen.showNormal()
        self.screen.raise_()
        return False

    def close(self) -> None:
        for signal, slot in self._connections:
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):
                pass   # the view (and its signals) may already be gone
        self._connections = []
        self.screen.close()
        self.screen.deleteLater()
