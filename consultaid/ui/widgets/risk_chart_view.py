"""The benefit and risk chart on screen: the widgets around the bars that `consultaid.charts.draw_risk`
draws (the same code draws the PDF's) from the Qt-free geometry in `consultaid.charts.risk_chart`.

Composition: one frame per top-level outcome (its nested outcomes inside it), one row per outcome, and
one sub-row per source with its words on the left, the 1000-people bar in the middle and the log-scale
close-up on the right. Every sub-row splits its width with the same stretch factors and nesting only
indents the words, so all bars share one x-position and one width: the common scale is real on screen.

The chart's words are in the patient's language (they come from the geometry); the surgeon's controls
("Discussed", the note, "Show 1000 people") are in the interface language.

Sizes follow the font (metrics, never pixel text sizes), so the app's presentation zoom scales it.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QPointF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from consultaid.charts import palette
from consultaid.charts.draw_risk import RiskLook, draw_legend_swatch, draw_scale_bar
from consultaid.charts.risk_chart import EstimateBar, RiskChart, RiskRow, Tick, build_chart
from consultaid.i18n import _
from consultaid.ui.services.style import ACCENT, BORDER, MUTED, chart_colours, high_contrast_on
from consultaid.ui.widgets.paint_cache import PaintCache
from consultaid.ui.widgets.qt_surface import QtSurface

STRETCH_WORDS, STRETCH_LINEAR, STRETCH_LOG = 9, 10, 6  # the three columns of every sub-row


def scaled_font(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    """The widget's own font (which the app's style and zoom set) scaled: never a pixel size."""
    font = QFont(widget.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    else:
        font.setPixelSize(max(1, round(font.pixelSize() * factor)))
    font.setBold(bold)
    return font


def risk_look(widget: QWidget) -> RiskLook:
    """The bars' sizes on screen, all from the widget's font, so the presentation zoom scales them."""
    line_height = QFontMetricsF(widget.font()).height()
    line = max(1.0, line_height / 18)
    return RiskLook(
        label_font=widget.font(), tick_font=scaled_font(widget, 0.85), line=line,
        track_top=max(3.0, line_height * 0.25), track_height=round(line_height * 1.35), side_slack=2.0,
        label_pad=line_height * 0.4, label_slack=1.0, label_box_inset=2.0, tick_width=line,
        hatch_spacing_min=4.0, hatch_width=max(1.5, line * 1.5), hatch_min_step=0.0, solid_min_width=0.0,
        bracket_width=max(2.0, line * 2), bracket_min_width=0.0, bracket_middle_min=1.0, bracket_middle_dash="dash",
        bracket_cap="square", track_dash="dash", parent_margin_min=2.0, parent_dash="dot",
        swatch_inset=(3.0, 3.0), swatch_parent_inset=(4.0, 4.0), colours=chart_colours())


class ScaleBar(QWidget):
    """One estimate on one scale: the track, its marked part, and the labelled ticks underneath."""

    def __init__(self, bar: EstimateBar, kind: str, ticks: tuple[Tick, ...], log_scale: bool,
                 parent_extent: float | None = None, parent=None):
        super().__init__(parent)
        self.bar, self.kind, self.ticks, self.log_scale = bar, kind, ticks, log_scale
        self.parent_extent = parent_extent
        self._paint_cache = PaintCache()
        # Width comes from the sub-row's stretch factors only, so every bar in the chart is the same width.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(bar.description())
        self.setToolTip(bar.description())

    def sizeHint(self) -> QSize:
        line_height = QFontMetricsF(self.font()).height()
        tick_metrics = QFontMetricsF(scaled_font(self, 0.85))
        height = max(3.0, line_height * 0.25) + round(line_height * 1.35) + 4
        if not self.bar.not_known:
            height += line_height * 0.3 + tick_metrics.height()
        return QSize(round(line_height * 16), round(height))

    def minimumSizeHint(self) -> QSize:
        hint = self.sizeHint()
        return QSize(0, hint.height())

    def paintEvent(self, _event) -> None:
        # A bar never changes once made (a new chart makes new bars): its drawing is kept.
        self._paint_cache.paint(self, high_contrast_on(), self._paint_bar)

    def _paint_bar(self, painter: QPainter) -> None:
        draw_scale_bar(QtSurface(painter), risk_look(self), self.bar, self.kind, self.ticks, self.log_scale,
                       self.parent_extent, self.width())


def rich(text: str) -> str:
    return escape(text).replace("\n", "<br>")


class EstimateRowWidget(QWidget):
    """One source's estimate: words | bar on the common scale | log close-up, then who / when / source."""

    def __init__(self, row: RiskRow, index: int, chart: RiskChart, indent: int, parent=None):
        super().__init__(parent)
        self.index = index
        bar = row.bars[index]
        colour = MUTED
        words = f"<b>{rich(bar.number_label)}</b>"
        if bar.verbal_text:
            words += f" <small><span style='color:{colour}'>{rich(bar.verbal_text)}</span></small>"
        if bar.frames_text:
            words += f"<br>{rich(bar.frames_text)}"
        self.words = QLabel(words)
        self.words.setTextFormat(Qt.TextFormat.RichText)
        self.words.setWordWrap(True)
        self.words.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.words.setContentsMargins(indent, 0, 8, 0)
        self.words.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.linear = ScaleBar(bar, row.kind, chart.linear_ticks, False, row.parent_extent)
        self.log = ScaleBar(bar, row.kind, chart.log_ticks, True, row.parent_log_extent)
        about = " · ".join(part for part in (bar.group_text, bar.window_text, bar.source_text) if part)
        self.about = QLabel(f"<small><span style='color:{MUTED}'>{rich(about)}</span></small>")
        self.about.setTextFormat(Qt.TextFormat.RichText)
        self.about.setWordWrap(True)
        self.about.setContentsMargins(indent, 0, 0, 0)

        columns = QHBoxLayout()
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(0)
        columns.addWidget(self.words, STRETCH_WORDS)
        columns.addWidget(self.linear, STRETCH_LINEAR, Qt.AlignmentFlag.AlignTop)
        columns.addWidget(self.log, STRETCH_LOG, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(2)
        layout.addLayout(columns)
        layout.addWidget(self.about)
        self.setAccessibleName(bar.description())


class RiskRowWidget(QFrame):
    """One outcome with its surgeon's controls, and one `EstimateRowWidget` per source."""

    discussed_changed = Signal(str, bool)
    note_changed = Signal(str, str)
    selected = Signal(str, int)  # outcome id, estimate index

    def __init__(self, row: RiskRow, chart: RiskChart, note: str = "", parent=None):
        super().__init__(parent)
        self.row = row
        self.setObjectName("RiskRow")
        self.setProperty("nested", row.depth > 0)
        self.setProperty("selectedRow", False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        line_height = self.fontMetrics().height()
        self.indent = round(line_height * 1.6) * row.depth

        self.title = QLabel(self._title_html())
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.title.setContentsMargins(self.indent, 0, 0, 0)

        # The estimate the icon array shows until one is clicked: the first with a figure.
        self.current_estimate = next((index for index, bar in enumerate(row.bars) if not bar.not_known), 0)
        self.show_people = QPushButton(_("Show 1000 people"))
        self.show_people.setAccessibleName(_("Show 1000 people: “{label}”").format(label=row.label))
        self.show_people.clicked.connect(lambda: self.select(self.current_estimate))
        # With no figure from any source there is nobody to mark: the button would only show an empty array.
        self.show_people.setVisible(any(not bar.not_known for bar in row.bars))
        self.note = QLineEdit(note)
        self.note.setPlaceholderText(_("Note for this patient…"))
        self.note.setAccessibleName(_("Note about “{label}”").format(label=row.label))
        self.note.setMinimumWidth(line_height * 12)
        self.note.textEdited.connect(lambda text: self.note_changed.emit(row.outcome_id, text))
        self.discussed = QCheckBox(_("Discussed"))
        self.discussed.setChecked(row.discussed)
        self.discussed.setAccessibleName(_("“{label}” was discussed").format(label=row.label))
        self.discussed.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        box = round(line_height * 0.8)  # the tick box grows with the text, for the presentation zoom
        self.discussed.setStyleSheet(f"QCheckBox::indicator {{ width: {box}px; height: {box}px; }}")
        self.discussed.toggled.connect(lambda checked: self.discussed_changed.emit(row.outcome_id, checked))

        # The title has the whole width on its own line: beside the controls, a long nested title in a
        # narrow column wrapped into a sliver and was clipped.
        header = QVBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.title)
        controls = QHBoxLayout()
        controls.setContentsMargins(self.indent, 0, 0, 0)
        controls.setSpacing(8)
        controls.addWidget(self.show_people)
        controls.addWidget(self.note, 1)
        controls.addWidget(self.discussed)
        header.addLayout(controls)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.setSpacing(2)
        layout.addLayout(header)
        details = [text for text in (row.detail, row.sources_differ_text) if text]
        if details:
            self.details = QLabel("<br>".join(rich(text) for text in details))
            self.details.setTextFormat(Qt.TextFormat.RichText)
            self.details.setWordWrap(True)
            self.details.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.details.setContentsMargins(self.indent, 0, 0, 2)
            self.details.setStyleSheet(f"color: {MUTED};")
            layout.addWidget(self.details)
        self.estimates = [EstimateRowWidget(row, index, chart, self.indent) for index in range(len(row.bars))]
        for estimate in self.estimates:
            layout.addWidget(estimate)
        # A screen reader reaches the row, not its labels: the row itself says every figure it shows,
        # each source's number, group, time window and source, and the notes under the title.
        self.setAccessibleName(" · ".join(text for text in (row.label, row.within_text, row.custom_text) if text))
        self.setAccessibleDescription(" ".join([bar.description() for bar in row.bars] + details))

    def _title_html(self) -> str:
        html = f"<b><big>{rich(self.row.label)}</big></b>"
        extras = [text for text in (self.row.within_text, self.row.custom_text) if text]
        if extras:
            html += f"<br><span style='color:{MUTED}'>{rich(' · '.join(extras))}</span>"
        return html

    def select(self, estimate_index: int = 0) -> None:
        self.current_estimate = estimate_index
        self.selected.emit(self.row.outcome_id, estimate_index)

    def set_selected(self, selected: bool) -> None:
        self.setProperty("selectedRow", selected)
        self.style().unpolish(self)
        self.style().polish(self)
        self.update()

    def mousePressEvent(self, event) -> None:
        child = self.childAt(event.position().toPoint())
        while child is not None and not isinstance(child, EstimateRowWidget) and child is not self:
            child = child.parentWidget()
        self.select(child.index if isinstance(child, EstimateRowWidget) else self.current_estimate)
        super().mousePressEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.select(self.current_estimate)
            return
        super().keyPressEvent(event)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.row.depth == 0:
            return
        # A connector from the parent, in the indent: "this is part of the outcome above".
        with QPainter(self) as painter:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(QColor(MUTED), max(1.0, self.fontMetrics().height() / 14)))
            x = 10 + self.indent - self.fontMetrics().height() * 0.9
            middle = self.title.geometry().top() + self.fontMetrics().height() * 0.75
            painter.drawLine(QPointF(x, 0), QPointF(x, middle))
            painter.drawLine(QPointF(x, middle), QPointF(x + self.fontMetrics().height() * 0.6, middle))


class LegendSwatch(QWidget):
    """A small bar in one legend style, painted exactly as the chart paints it."""

    def __init__(self, style: str, parent=None):
        super().__init__(parent)
        self.style_name = style
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        height = self.fontMetrics().height()
        return QSize(round(height * 3), round(height * 1.1))

    def paintEvent(self, _event) -> None:
        with QPainter(self) as painter:
            draw_legend_swatch(QtSurface(painter), risk_look(self), self.style_name, self.width(), self.height())


class ChartHeader(QFrame):
    """The legend, then the two scale titles above their columns (same margins as the rows below)."""

    def __init__(self, chart: RiskChart, parent=None):
        super().__init__(parent)
        self.setObjectName("ChartHeader")
        legend = QGridLayout()
        legend.setHorizontalSpacing(8)
        legend.setVerticalSpacing(4)
        for position, entry in enumerate(chart.legend):
            row, column = divmod(position, 2)
            legend.addWidget(LegendSwatch(entry.style), row, column * 2)
            text = QLabel(rich(entry.text))
            text.setWordWrap(True)
            legend.addWidget(text, row, column * 2 + 1)
        legend.setColumnStretch(1, 1)
        legend.setColumnStretch(3, 1)
        titles = QHBoxLayout()
        titles.setSpacing(0)
        log_title = (f"<b>{rich(chart.log_axis_title)}</b><br><small>{rich(chart.log_axis_note)}</small>"
                     if chart.has_figures else "")
        for html, stretch in (("", STRETCH_WORDS), (f"<b>{rich(chart.linear_axis_title)}</b>", STRETCH_LINEAR),
                              (log_title, STRETCH_LOG)):
            label = QLabel(html)
            label.setWordWrap(True)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
            titles.addWidget(label, stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 0)  # the rows' margins, so the titles sit over their bars
        layout.setSpacing(10)
        layout.addLayout(legend)
        layout.addLayout(titles)


STYLE = f"""
QWidget#RiskChartView {{ background: white; }}
QFrame#OutcomeGroup {{ background: white; border: 1px solid {BORDER}; border-radius: 8px; }}
QFrame#ChartHeader {{ border: 1px solid transparent; }}
QFrame#RiskRow {{ background: transparent; border: none; border-left: 4px solid transparent; }}
QFrame#RiskRow[nested="true"] {{ background: {palette.NESTED_BACKGROUND}; }}
QFrame#RiskRow[selectedRow="true"] {{ background: {palette.SELECTED_BACKGROUND}; border-left: 4px solid {ACCENT}; }}
QFrame#RiskRow:focus {{ border-left: 4px solid {ACCENT}; }}
"""


class RiskChartView(QWidget):
    """Benefits and risks on one common scale, with the surgeon's controls on every row.

    Put it in a QScrollArea (it has a height for every width). Signals carry the outcome id.
    """

    discussed_changed = Signal(str, bool)
    note_changed = Signal(str, str)
    selected = Signal(str)
    estimate_selected = Signal(str, int)  # outcome id, index of the source's estimate (for the icon array)

    def __init__(self, chart: RiskChart | None = None, notes: dict[str, str] | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("RiskChartView")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self.chart: RiskChart | None = None
        self.rows: dict[str, RiskRowWidget] = {}
        self._selected_id: str | None = None
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(10)
        if chart is not None:
            self.set_chart(chart, notes)

    @classmethod
    def from_outcomes(cls, outcomes, language: str, discussed=frozenset(), notes=None, parent=None):
        return cls(build_chart(outcomes, language, discussed), notes, parent)

    def set_chart(self, chart: RiskChart, notes: dict[str, str] | None = None) -> None:
        notes = notes or {}
        while self.layout_.count():
            item = self.layout_.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.chart, self.rows, self._selected_id = chart, {}, None
        self.layout_.addWidget(ChartHeader(chart))
        group_layout = None
        previous_kind = None
        for row in chart.rows:
            if row.kind != previous_kind and len({r.kind for r in chart.rows}) > 1:
                heading = QLabel(f"<b><big>{rich(chart.heading(row.kind))}</big></b>")
                heading.setContentsMargins(2, 8, 0, 0)
                self.layout_.addWidget(heading)
            previous_kind = row.kind
            if row.depth == 0 or group_layout is None:
                group = QFrame()
                group.setObjectName("OutcomeGroup")
                group_layout = QVBoxLayout(group)
                group_layout.setContentsMargins(0, 0, 0, 0)  # so the rows keep the header's margins
                group_layout.setSpacing(0)
                self.layout_.addWidget(group)
            widget = RiskRowWidget(row, chart, notes.get(row.outcome_id, ""))
            widget.discussed_changed.connect(self.discussed_changed)
            widget.note_changed.connect(self.note_changed)
            widget.selected.connect(self._row_selected)
            group_layout.addWidget(widget)
            self.rows[row.outcome_id] = widget
        self.layout_.addStretch(1)

    # ---- The page's side -------------------------------------------------------------------------------

    def row_widget(self, outcome_id: str) -> RiskRowWidget:
        return self.rows[outcome_id]

    def set_discussed(self, outcome_id: str, discussed: bool) -> None:
        """Restores a saved tick without echoing it back as a change."""
        box = self.rows[outcome_id].discussed
        box.blockSignals(True)
        box.setChecked(discussed)
        box.blockSignals(False)

    def discussed_ids(self) -> set[str]:
        return {outcome_id for outcome_id, row in self.rows.items() if row.discussed.isChecked()}

    def set_note(self, outcome_id: str, text: str) -> None:
        self.rows[outcome_id].note.setText(text)  # setText does not emit textEdited: no echo

    def notes(self) -> dict[str, str]:
        return {outcome_id: row.note.text() for outcome_id, row in self.rows.items() if row.note.text()}

    def select(self, outcome_id: str, estimate_index: int = 0) -> None:
        self.rows[outcome_id].select(estimate_index)

    def selected_id(self) -> str | None:
        return self._selected_id

    @Slot(str, int)
    def _row_selected(self, outcome_id: str, estimate_index: int) -> None:
        if self._selected_id in self.rows:
            self.rows[self._selected_id].set_selected(False)
        self._selected_id = outcome_id
        self.rows[outcome_id].set_selected(True)
        self.selected.emit(outcome_id)
        self.estimate_selected.emit(outcome_id, estimate_index)
