"""The benefit and risk chart on screen, painted from the Qt-free geometry in `consultaid.charts.risk_chart`.

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

from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
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

from consultaid.charts.risk_chart import (
    BRACKET,
    HATCHED,
    NOT_KNOWN,
    SOLID,
    BarSegment,
    EstimateBar,
    RiskChart,
    RiskRow,
    Tick,
    build_chart,
)
from consultaid.i18n import _
from consultaid.ui.style import ACCENT, BORDER, INK, MUTED, SURFACE
from consultaid.ui.widgets.paint_cache import PaintCache

# Colours: each at least 3:1 on white and on the track (white), text colours at least 4.5:1.
# Risks and benefits differ by colour AND by where they sit (their own headed section); within a bar the
# styles differ by pattern (filled / striped / bracket / dashed), so colour is never the only cue.
KIND_COLOURS = {"risk": QColor("#0072B2"),      # Okabe–Ito blue, 5.2:1 on white
                "benefit": QColor("#00704A")}   # dark bluish green, 6.2:1 on white
KIND_TINTS = {"risk": QColor("#D6E8F4"), "benefit": QColor("#D3EBE1")}  # behind the stripes only
TRACK_FILL = QColor("white")
TRACK_OUTLINE = QColor(MUTED)                   # 7.3:1 on white: the "all 1000 people" frame
LABEL_COLOUR = QColor(INK)
SELECTED_BACKGROUND = "#EAF3FA"                 # INK 13:1, MUTED 6.5:1 on it
NESTED_BACKGROUND = SURFACE

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


def draw_hatching(painter: QPainter, area: QRectF | QPainterPath, colour: QColor, spacing: float,
                  width: float) -> None:
    """Diagonal stripes clipped to `area`: the pattern of "somewhere in this range", legible in greyscale."""
    painter.save()
    if isinstance(area, QPainterPath):
        painter.setClipPath(area, Qt.ClipOperation.IntersectClip)
        bounds = area.boundingRect()
    else:
        painter.setClipRect(area, Qt.ClipOperation.IntersectClip)
        bounds = QRectF(area)
    painter.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
    lines = []  # drawn in one call: a Python call per line is what made painting slow
    x = bounds.left() - bounds.height()
    while x < bounds.right() + spacing:
        lines.append(QLineF(x, bounds.bottom(), x + bounds.height(), bounds.top()))
        x += spacing
    painter.drawLines(lines)
    painter.restore()


def draw_bracket(painter: QPainter, rect: QRectF, colour: QColor, width: float) -> None:
    """[ … ] from the bar's start to the bound: "somewhere in here", explicitly not a filled area."""
    serif = min(rect.height() * 0.3, rect.width() / 2)
    path = QPainterPath()
    path.moveTo(rect.left() + serif, rect.top())
    path.lineTo(rect.left(), rect.top())
    path.lineTo(rect.left(), rect.bottom())
    path.lineTo(rect.left() + serif, rect.bottom())
    path.moveTo(rect.right() - serif, rect.top())
    path.lineTo(rect.right(), rect.top())
    path.lineTo(rect.right(), rect.bottom())
    path.lineTo(rect.right() - serif, rect.bottom())
    painter.save()
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.SquareCap, Qt.PenJoinStyle.MiterJoin))
    painter.drawPath(path)
    painter.setPen(QPen(colour, max(1.0, width / 2), Qt.PenStyle.DashLine))
    middle = rect.center().y()
    painter.drawLine(QPointF(rect.left(), middle), QPointF(rect.right(), middle))
    painter.restore()


def draw_track(painter: QPainter, rect: QRectF, not_known: bool, line: float) -> None:
    """The whole 1000 people: a white bar with a dark frame; dashed when no figure is known."""
    style = Qt.PenStyle.DashLine if not_known else Qt.PenStyle.SolidLine
    painter.setPen(QPen(TRACK_OUTLINE, line, style))
    painter.setBrush(TRACK_FILL)
    painter.drawRect(rect)


def draw_segments(painter: QPainter, track: QRectF, segments, kind: str, line: float) -> None:
    colour, tint = KIND_COLOURS[kind], KIND_TINTS[kind]
    for segment in segments:
        left = track.left() + segment.start * track.width()
        right = track.left() + segment.end * track.width()
        area = QRectF(QPointF(left, track.top()), QPointF(right, track.bottom()))
        if segment.style == SOLID:
            painter.fillRect(area, colour)
        elif segment.style == HATCHED:
            painter.fillRect(area, tint)
            draw_hatching(painter, area, colour, spacing=max(4.0, track.height() / 3.5), width=max(1.5, line * 1.5))
            painter.setPen(QPen(colour, line))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(area)
        elif segment.style == BRACKET:
            draw_bracket(painter, area.adjusted(0, line, 0, -line), colour, max(2.0, line * 2))


def draw_parent_frame(painter: QPainter, track: QRectF, extent: float, line: float) -> None:
    """The outcome this one is part of, as a dotted frame around the start of the bar: drawn nested."""
    margin = max(2.0, track.height() * 0.18)
    frame = QRectF(track.left() - margin, track.top() - margin, extent * track.width() + 2 * margin,
                   track.height() + 2 * margin)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(TRACK_OUTLINE, line, Qt.PenStyle.DotLine))
    painter.drawRect(frame)


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

    # Layout in font units, so the bar grows with the text.
    def _metrics(self):
        line_height = QFontMetricsF(self.font()).height()
        tick_font = scaled_font(self, 0.85)
        return line_height, tick_font, QFontMetricsF(tick_font)

    def _track_rect(self) -> QRectF:
        line_height, _font, tick_metrics = self._metrics()
        side = tick_metrics.horizontalAdvance("1000") / 2 + 2  # room for the end labels to centre on the ticks
        top = max(3.0, line_height * 0.25)
        return QRectF(side, top, max(10.0, self.width() - 2 * side), round(line_height * 1.35))

    def sizeHint(self) -> QSize:
        line_height, _font, tick_metrics = self._metrics()
        height = max(3.0, line_height * 0.25) + round(line_height * 1.35) + 4
        if not self.bar.not_known:
            height += line_height * 0.3 + tick_metrics.height()
        return QSize(round(line_height * 16), round(height))

    def minimumSizeHint(self) -> QSize:
        hint = self.sizeHint()
        return QSize(0, hint.height())

    def paintEvent(self, _event) -> None:
        # A bar never changes once made (a new chart makes new bars): its drawing is kept.
        self._paint_cache.paint(self, None, self._paint_bar)

    def _paint_bar(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        line = max(1.0, QFontMetricsF(self.font()).height() / 18)
        track = self._track_rect()
        line_height, tick_font, tick_metrics = self._metrics()
        if self.log_scale and self.bar.not_known:
            return  # nothing to zoom into: the linear bar already says "not known"
        draw_track(painter, track, self.bar.not_known, line)
        if self.parent_extent is not None:
            draw_parent_frame(painter, track, self.parent_extent, line)
        draw_segments(painter, track, self.bar.log_segments if self.log_scale else self.bar.segments, self.kind, line)
        if not self.log_scale:
            self._draw_label(painter, track, line_height)
        if not self.bar.not_known:  # an empty bar has nothing to read off a scale
            self._draw_ticks(painter, track, tick_font, tick_metrics, line)

    def _draw_label(self, painter: QPainter, track: QRectF, line_height: float) -> None:
        """The number on the bar itself: beside the marked part, or inside it in white if there is no room."""
        painter.setFont(self.font())
        metrics = QFontMetricsF(self.font())
        text = self.bar.number_text
        width = metrics.horizontalAdvance(text)
        pad = line_height * 0.4
        if self.bar.not_known:
            painter.setPen(QColor(MUTED))
            painter.drawText(track, Qt.AlignmentFlag.AlignCenter, text)
            return
        end = track.left() + (self.bar.outer_end or 0) * track.width()
        solid_end = track.left() + self.bar.solid_end * track.width()
        if end + pad + width <= track.right() - pad:  # in the white part, after the marked part
            painter.setPen(LABEL_COLOUR)
            area = QRectF(end + pad, track.top(), width + 1, track.height())
        elif solid_end - track.left() >= width + 2 * pad:  # inside the solid part: white on it is 5:1 or more
            painter.setPen(QColor("white"))
            area = QRectF(track.left() + pad, track.top(), width + 1, track.height())
        else:  # over stripes: on a white label box, never straight on the pattern
            area = QRectF(track.left() + pad, track.top(), width + 1, track.height())
            painter.fillRect(area.adjusted(-pad / 2, 2, pad / 2, -2), TRACK_FILL)
            painter.setPen(LABEL_COLOUR)
        painter.drawText(area, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)

    def _draw_ticks(self, painter: QPainter, track: QRectF, font: QFont, metrics: QFontMetricsF, line: float):
        painter.setFont(font)
        painter.setPen(QPen(QColor(MUTED), line))
        tick_length = track.height() * 0.2
        for tick in self.ticks:
            x = track.left() + tick.position * track.width()
            painter.drawLine(QPointF(x, track.bottom()), QPointF(x, track.bottom() + tick_length))
            if tick.label:
                width = metrics.horizontalAdvance(tick.label)
                painter.drawText(QRectF(x - width / 2 - 1, track.bottom() + tick_length, width + 2, metrics.height()),
                                 Qt.AlignmentFlag.AlignCenter, tick.label)


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
        self.show_people.setAccessibleName(_("Show “{label}” as 1000 people").format(label=row.label))
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
        self.setAccessibleName(row.label)

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
        painter = QPainter(self)
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
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        line = max(1.0, self.fontMetrics().height() / 18)
        track = QRectF(3, 3, self.width() - 6, self.height() - 6)
        if self.style_name == "parent":
            inner = track.adjusted(4, 4, -4, -4)
            draw_track(painter, inner, False, line)
            draw_parent_frame(painter, inner, 0.6, line)
            return
        draw_track(painter, track, self.style_name == NOT_KNOWN, line)
        segments = {SOLID: (BarSegment(0, 0.45, SOLID),),
                    HATCHED: (BarSegment(0, 0.25, SOLID), BarSegment(0.25, 0.6, HATCHED)),
                    BRACKET: (BarSegment(0, 0.45, BRACKET),)}.get(self.style_name, ())
        draw_segments(painter, track, segments, "risk", line)


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
QFrame#RiskRow[nested="true"] {{ background: {NESTED_BACKGROUND}; }}
QFrame#RiskRow[selectedRow="true"] {{ background: {SELECTED_BACKGROUND}; border-left: 4px solid {ACCENT}; }}
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
