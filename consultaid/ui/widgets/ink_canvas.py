"""A surface to draw on with a mouse, a pen or a finger: over an illustration, or as a signature pad.

The drawing area is the illustration's own rectangle (aspect ratio kept, centred), not the widget, so
ink stays on the anatomy it was drawn on whatever shape the window takes; without an illustration it is
the whole pad. All three input devices feed one path (`_begin` / `_extend` / `_finish`) with points
normalised to that area.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QInputDevice,
    QKeySequence,
    QPainter,
    QPen,
    QPixmap,
    QPointingDevice,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QWidget

from consultaid.charts.draw_ink import draw_stroke, fit_area
from consultaid.charts.surface import Rect
from consultaid.consultation.ink import (
    NEUTRAL_PRESSURE,
    InkDrawing,
    InkPoint,
    Stroke,
    clamp_unit,
    pressure_width,
    simplify,
)
from consultaid.i18n import _
from consultaid.ui.services.style import ACCENT, BORDER, INK, MUTED
from consultaid.ui.widgets.qt_surface import QtSurface, qrect

log = logging.getLogger(__name__)

DEFAULT_COLOUR = INK
DEFAULT_WIDTH = 0.006      # of the area's width: ~5 px on an 800-px illustration
PADDING = 8                # px between the frame and the drawing area
BASELINE = 0.72            # the signature line, as a fraction of the pad's height
CLEAR_SHORTCUT = QKeySequence("Ctrl+Del")
# Mac keyboards have no forward-delete key: ⌘⌫ is what a Mac user presses to clear.
_CLEAR_KEYS = (CLEAR_SHORTCUT, QKeySequence("Ctrl+Backspace"))


def shortcut_text(sequence: QKeySequence | QKeySequence.StandardKey) -> str:
    """How the platform writes a shortcut (Ctrl+Z here, ⌘Z on a Mac), for tooltips and descriptions."""
    if isinstance(sequence, QKeySequence.StandardKey):
        bindings = QKeySequence.keyBindings(sequence)
        sequence = bindings[0] if bindings else QKeySequence()
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def fit_rect(bounds: QRectF, aspect: float) -> QRectF:
    """The largest rectangle of `aspect` (width / height) centred in `bounds` (as the PDF fits the ink)."""
    return qrect(fit_area(Rect(bounds.x(), bounds.y(), bounds.width(), bounds.height()), aspect))


MIN_LINE = 0.8   # px: the thinnest stroke that still shows on screen


def paint_stroke(painter: QPainter, points: tuple[InkPoint, ...], colour: str, width: float, tool: str,
                 area: QRectF) -> None:
    """One stroke, drawn by `consultaid.charts.draw_ink` (the PDF draws it with the same code)."""
    draw_stroke(QtSurface(painter), points, colour, width, tool,
                Rect(area.x(), area.y(), area.width(), area.height()), MIN_LINE)


class InkCanvas(QWidget):
    """Ink over an optional SVG illustration; a signature pad (baseline and `hint`) when there is none.

    `changed` is emitted after each finished stroke, undo, redo and clear — not while a stroke is drawn.
    """

    changed = Signal()

    def __init__(self, drawing: InkDrawing | None = None, background_svg: Path | None = None, hint: str = "",
                 parent=None):
        super().__init__(parent)
        self._drawing = drawing if drawing is not None else InkDrawing()
        self._hint = hint
        self._renderer: QSvgRenderer | None = None
        self._svg_missing = False
        if background_svg is not None:
            renderer = QSvgRenderer(str(background_svg))
            if renderer.isValid():
                self._renderer = renderer
            else:   # a consultation must go on without a picture rather than stop on an error
                log.warning("illustration could not be read: %s", background_svg)
                self._svg_missing = True
        self._colour = DEFAULT_COLOUR
        self._width = DEFAULT_WIDTH
        self._read_only = False
        self._live: list[InkPoint] | None = None   # the stroke being drawn, not yet in the drawing
        self._live_tool = "mouse"
        self._touch_id: int | None = None
        # Two caches, so nothing costly happens per pointer move: the rendered illustration (redone only
        # when the widget is resized), and the illustration with the finished ink on it.
        self._background: QPixmap | None = None
        self._ink_layer: QPixmap | None = None

        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setSizePolicy(self.sizePolicy().Policy.Expanding, self.sizePolicy().Policy.Expanding)
        self.setAccessibleName(hint or _("Drawing area"))
        self.setAccessibleDescription(
            _("Draw with a mouse, a pen or a finger. {undo} undoes the last stroke.").format(
                undo=shortcut_text(QKeySequence.StandardKey.Undo)))

    # ----- public API -------------------------------------------------------------------------------
    def drawing(self) -> InkDrawing:
        return self._drawing

    def set_drawing(self, drawing: InkDrawing) -> None:
        self._drawing = drawing
        self._live = None
        self._refresh_ink()
        self.changed.emit()

    def colour(self) -> str:
        return self._colour

    def set_colour(self, colour: str) -> None:
        if not QColor.isValidColorName(colour) or not colour.startswith("#") or len(colour) != 7:
            raise ValueError(f"colour must be #RRGGBB, got {colour!r}")
        self._colour = colour.upper()

    def pen_width(self) -> float:
        return self._width

    def set_pen_width(self, width: float) -> None:
        if not 0 < width <= 0.2:
            raise ValueError(f"pen width is a fraction of the area's width, got {width!r}")
        self._width = float(width)

    def is_read_only(self) -> bool:
        return self._read_only

    def show_missing_background(self) -> None:
        """Say "The illustration could not be shown" where the picture would be (the caller refused it)."""
        self._renderer, self._svg_missing = None, True
        self.update()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = bool(read_only)
        if self._read_only:
            self._cancel_live()
        self.setCursor(Qt.CursorShape.ArrowCursor if self._read_only else Qt.CursorShape.CrossCursor)

    def undo(self) -> bool:
        return self._edit(self._drawing.undo)

    def redo(self) -> bool:
        return self._edit(self._drawing.redo)

    def clear(self) -> bool:
        return self._edit(self._drawing.clear)

    def render_to_image(self, size: QSize) -> QImage:
        """The illustration (or signature line) and the ink at `size`, on white, without the frame or hint."""
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor("white"))
        with QPainter(image) as painter:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            area = self._area(QRectF(0, 0, size.width(), size.height()))
            self._paint_background(painter, area)
            for stroke in self._drawing.strokes:
                paint_stroke(painter, stroke.points, stroke.colour, stroke.width, stroke.tool, area)
        return image

    def sizeHint(self) -> QSize:
        return QSize(640, 480) if self._renderer else QSize(560, 200)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 160) if self._renderer else QSize(240, 100)

    # ----- geometry ---------------------------------------------------------------------------------
    def _area(self, bounds: QRectF | None = None) -> QRectF:
        if bounds is None:
            bounds = QRectF(self.rect()).adjusted(PADDING, PADDING, -PADDING, -PADDING)
        if self._renderer is not None:
            box = self._renderer.viewBoxF()
            if box.isEmpty():
                box = QRectF(QPointF(0, 0), self._renderer.defaultSize().toSizeF())
            if not box.isEmpty():
                return fit_rect(bounds, box.width() / box.height())
        return bounds

    def _normalised(self, position: QPointF, pressure: float) -> InkPoint:
        area = self._area()
        return InkPoint(clamp_unit((position.x() - area.x()) / max(area.width(), 1.0)),
                        clamp_unit((position.y() - area.y()) / max(area.height(), 1.0)),
                        clamp_unit(pressure))

    def _widget_point(self, point: InkPoint, area: QRectF) -> QPointF:
        return QPointF(area.x() + point.x * area.width(), area.y() + point.y * area.height())

    # ----- one stroke, from any device --------------------------------------------------------------
    def _begin(self, tool: str, position: QPointF, pressure: float) -> bool:
        if self._read_only or not self._area().contains(position):
            return False   # a stroke starts on the picture; it may then run past its edge
        self._live = [self._normalised(position, pressure)]
        self._live_tool = tool
        self._update_live_tail()
        return True

    def _extend(self, position: QPointF, pressure: float) -> None:
        if self._live is None:
            return
        point = self._normalised(position, pressure)
        if point != self._live[-1]:
            self._live.append(point)
            self._update_live_tail()

    def _finish(self, position: QPointF | None = None, pressure: float = NEUTRAL_PRESSURE) -> None:
        if self._live is None:
            return
        if position is not None:
            self._extend(position, pressure)
        stroke = Stroke(self._colour, self._width, simplify(self._live), self._live_tool)
        self._live = None
        area = self._area()
        if area.height() > 0:
            self._drawing.aspect = area.width() / area.height()
        self._drawing.add(stroke)
        if self._ink_layer is not None:   # add just this stroke to the cache instead of redrawing them all
            with self._layer_painter(self._ink_layer) as painter:
                paint_stroke(painter, stroke.points, stroke.colour, stroke.width, stroke.tool, area)
        self.update()
        self.changed.emit()

    def _cancel_live(self) -> None:
        if self._live is not None:
            self._live = None
            self.update()

    def _update_live_tail(self) -> None:
        """Repaints only around the newest piece of the stroke, which keeps drawing fast on big screens."""
        area = self._area()
        tail = [self._widget_point(p, area) for p in self._live[-3:]]
        margin = pressure_width(self._width, 1.0) * area.width() / 2 + 2
        xs, ys = [p.x() for p in tail], [p.y() for p in tail]
        self.update(QRectF(min(xs) - margin, min(ys) - margin, max(xs) - min(xs) + 2 * margin,
                           max(ys) - min(ys) + 2 * margin).toAlignedRect())

    def _edit(self, action) -> bool:
        if self._read_only or self._live is not None:
            return False
        done = bool(action())
        if done:
            self._refresh_ink()
            self.changed.emit()
        return done

    # ----- input ------------------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        # Mouse events Qt makes up from touch or a pen are skipped: those devices are handled directly.
        if (event.button() == Qt.MouseButton.LeftButton
                and event.source() == Qt.MouseEventSource.MouseEventNotSynthesized
                and self._live is None and self._begin("mouse", event.position(), NEUTRAL_PRESSURE)):
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._live is not None and self._live_tool == "mouse":
            self._extend(event.position(), NEUTRAL_PRESSURE)
            event.accept()
        else:
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._live is not None and self._live_tool == "mouse" and event.button() == Qt.MouseButton.LeftButton:
            self._finish(event.position(), NEUTRAL_PRESSURE)
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def tabletEvent(self, event) -> None:
        # Accepting every pen event, even the eraser's, stops Qt from replaying it as a mouse stroke.
        event.accept()
        if self._read_only or event.pointerType() == QPointingDevice.PointerType.Eraser:
            return
        device = event.pointingDevice()
        has_pressure = device is None or bool(device.capabilities() & QInputDevice.Capability.Pressure)
        pressure = event.pressure() if has_pressure else NEUTRAL_PRESSURE
        kind = event.type()
        if kind == QEvent.Type.TabletPress and self._live is None:
            self._begin("pen", event.position(), pressure)
        elif kind == QEvent.Type.TabletMove and self._live_tool == "pen":
            self._extend(event.position(), pressure)
        elif kind == QEvent.Type.TabletRelease and self._live_tool == "pen":
            # The release reports no pressure: end where the pen lifted, at the last pressure drawn.
            self._finish(event.position(), self._live[-1].pressure if self._live else pressure)

    def event(self, event) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                    QEvent.Type.TouchCancel):
            return self._touch_event(event)
        if kind == QEvent.Type.ShortcutOverride and self._is_edit_key(event):
            event.accept()   # while the canvas has focus, Ctrl+Z is ours, not a window-wide shortcut's
            return True
        return super().event(event)

    def _touch_event(self, event) -> bool:
        device = event.device()
        if device is not None and device.type() != QInputDevice.DeviceType.TouchScreen:
            event.ignore()   # a laptop touchpad moves the pointer; it does not draw
            return False
        kind = event.type()
        if kind == QEvent.Type.TouchCancel:
            self._touch_id = None
            self._cancel_live()
            return True
        if self._read_only:
            event.ignore()   # let a parent scroll instead
            return False
        # One finger draws; a second finger (a palm, a pinch) is ignored rather than starting a stroke.
        for point in event.points():
            if self._touch_id is None:
                if (point.state() == point.State.Pressed and self._live is None
                        and self._begin("touch", point.position(), NEUTRAL_PRESSURE)):
                    self._touch_id = point.id()
                break
            if point.id() == self._touch_id:
                if point.state() == point.State.Released:
                    self._finish(point.position(), NEUTRAL_PRESSURE)
                    self._touch_id = None
                else:
                    self._extend(point.position(), NEUTRAL_PRESSURE)
                break
        if kind == QEvent.Type.TouchEnd and self._touch_id is not None:
            self._finish()
            self._touch_id = None
        event.accept()
        return True

    @staticmethod
    def _is_edit_key(event) -> bool:
        if event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo):
            return True
        return QKeySequence(event.keyCombination()) in _CLEAR_KEYS

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo()
        elif event.matches(QKeySequence.StandardKey.Redo):
            self.redo()
        elif QKeySequence(event.keyCombination()) in _CLEAR_KEYS:
            self.clear()
        elif event.key() == Qt.Key.Key_Escape and self._live is not None:
            self._cancel_live()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # ----- painting ---------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        self._background = None
        self._ink_layer = None
        super().resizeEvent(event)

    def focusInEvent(self, event) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:
        self.update()
        super().focusOutEvent(event)

    def _new_layer(self) -> QPixmap:
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap((QSize(self.width(), self.height()).toSizeF() * ratio).toSize())
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        return pixmap

    @staticmethod
    def _layer_painter(pixmap: QPixmap) -> QPainter:
        """An antialiased painter on `pixmap`, for a `with` block (which ends it, even on an error)."""
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        return painter

    def _refresh_ink(self) -> None:
        self._ink_layer = None
        self.update()

    def _ensure_layers(self) -> None:
        area = self._area()
        if self._background is None:
            self._background = self._new_layer()
            with self._layer_painter(self._background) as painter:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor("white"))
                painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
                self._paint_background(painter, area)
        if self._ink_layer is None:
            self._ink_layer = QPixmap(self._background)
            with self._layer_painter(self._ink_layer) as painter:
                for stroke in self._drawing.strokes:
                    paint_stroke(painter, stroke.points, stroke.colour, stroke.width, stroke.tool, area)

    def _paint_background(self, painter: QPainter, area: QRectF) -> None:
        if self._renderer is not None:
            self._renderer.render(painter, area)
            return
        if self._svg_missing:
            painter.setPen(QColor(MUTED))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, _("The illustration could not be shown."))
            return
        # Signature pad: a line to sign on, with a small cross at its start as on a paper form.
        y = area.top() + area.height() * BASELINE
        left, right = area.left() + area.width() * 0.06, area.right() - area.width() * 0.06
        pen = QPen(QColor("#8A96A3"), 1.5)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawLine(QPointF(left, y), QPointF(right, y))
        size = max(5.0, min(9.0, area.height() * 0.04))
        cross_x, cross_y = left + size, y - size * 2.2
        painter.drawLine(QPointF(cross_x - size, cross_y - size), QPointF(cross_x + size, cross_y + size))
        painter.drawLine(QPointF(cross_x - size, cross_y + size), QPointF(cross_x + size, cross_y - size))

    def _paint_hint(self, painter: QPainter, area: QRectF) -> None:
        if not self._hint or self._renderer is not None or self._svg_missing:
            return
        font = QFont(self.font())
        font.setPointSizeF(max(8.0, font.pointSizeF() * 0.95))
        painter.setFont(font)
        painter.setPen(QColor(MUTED))
        left = area.left() + area.width() * 0.06
        top = area.top() + area.height() * BASELINE + 6
        painter.drawText(QRectF(left, top, area.width() * 0.88, area.bottom() - top),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                         self._hint)

    def paintEvent(self, event) -> None:
        self._ensure_layers()
        area = self._area()
        with QPainter(self) as painter:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.drawPixmap(0, 0, self._ink_layer)
            if self._drawing.is_empty and self._live is None:
                self._paint_hint(painter, area)
            if self._live:
                paint_stroke(painter, tuple(self._live), self._colour, self._width, self._live_tool, area)
            # The frame: grey at rest, a thicker accent ring when focused, as on the app's other controls.
            focused = self.hasFocus()
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor(ACCENT if focused else BORDER), 2 if focused else 1))
            inset = 1.0 if focused else 0.5
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(inset, inset, -inset, -inset), 6, 6)
