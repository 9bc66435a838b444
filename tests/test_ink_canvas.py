"""The ink canvas, driven through its real event handlers: mouse, pen, touch and keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QSize, Qt
from PySide6.QtGui import QColor, QInputDevice, QKeySequence, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from consultaid.consultation.ink import InkDrawing
from consultaid.paths import resources_dir
from consultaid.ui.services.style import apply_style
from consultaid.ui.widgets.illustration_panel import IllustrationPanel
from consultaid.ui.widgets.ink_canvas import PADDING, InkCanvas
from consultaid.ui.widgets.ink_toolbar import InkToolbar
from tests.conftest import drag, send_mouse

SVG = resources_dir() / "illustrations" / "vertebra-needle.svg"   # 800 x 600




def shown(qtbot, widget):
    with qtbot.waitExposed(widget):   # a context manager: a bare call would not wait
        widget.show()


@pytest.fixture
def stylus():
    return QPointingDevice("test stylus", 4242, QInputDevice.DeviceType.Stylus, QPointingDevice.PointerType.Pen,
                           QInputDevice.Capability.Position | QInputDevice.Capability.Pressure, 1, 2)


def pen_stroke(widget, device, *points):
    """(x, y, pressure) points as a stylus press, moves and release."""
    for index, (x, y, pressure) in enumerate(points):
        kind = (QEvent.Type.TabletPress if index == 0 else
                QEvent.Type.TabletRelease if index == len(points) - 1 else QEvent.Type.TabletMove)
        held = Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease else Qt.MouseButton.LeftButton
        at = QPointF(x, y)
        event = QTabletEvent(kind, device, at, widget.mapToGlobal(at), pressure, 0, 0, 0, 0, 0,
                             Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton, held)
        QApplication.sendEvent(widget, event)
        assert event.isAccepted()


@pytest.fixture
def pad(qtbot, qapp):
    """A signature-style canvas of 416 x 216, so its drawing area is 400 x 200 at (8, 8)."""
    apply_style(qapp)
    canvas = InkCanvas(hint="Sign here")
    qtbot.addWidget(canvas)
    canvas.resize(400 + 2 * PADDING, 200 + 2 * PADDING)
    shown(qtbot, canvas)
    return canvas


def test_a_mouse_drag_becomes_one_stroke_in_normalised_coordinates(pad, qtbot):
    with qtbot.waitSignal(pad.changed, timeout=1000):
        drag(pad, (8, 8), (108, 58), (208, 108), (408, 208))
    [stroke] = pad.drawing().strokes
    assert stroke.tool == "mouse" and stroke.colour == "#1B2631" and stroke.width == pytest.approx(0.006)
    coordinates = [(round(p.x, 3), round(p.y, 3)) for p in stroke.points]
    assert coordinates == [(0.0, 0.0), (0.25, 0.25), (0.5, 0.5), (1.0, 1.0)]
    assert pad.drawing().aspect == pytest.approx(2.0)


def test_changed_comes_once_per_finished_stroke_not_per_move(pad, qtbot):
    seen = []
    pad.changed.connect(lambda: seen.append(len(pad.drawing())))
    drag(pad, (50, 50), (60, 60), (70, 65), (80, 90))
    drag(pad, (150, 50), (160, 80))
    assert seen == [1, 2]


def test_a_stroke_dragged_past_the_edge_is_pinned_to_it_and_a_right_click_draws_nothing(pad):
    drag(pad, (200, 100), (600, 100), (200, -50))
    assert all(0.0 <= p.x <= 1.0 and 0.0 <= p.y <= 1.0 for p in pad.drawing().strokes[0].points)
    assert {round(p.x, 3) for p in pad.drawing().strokes[0].points} >= {1.0}
    right = Qt.MouseButton.RightButton
    send_mouse(pad, QEvent.Type.MouseButtonPress, (100, 100), right, right)
    send_mouse(pad, QEvent.Type.MouseButtonRelease, (120, 120), right, Qt.MouseButton.NoButton)
    assert len(pad.drawing()) == 1


def test_ctrl_z_undoes_in_the_focused_canvas_and_redo_brings_it_back(pad, qtbot):
    drag(pad, (20, 20), (60, 60))
    drag(pad, (120, 20), (160, 60))
    pad.setFocus()
    qtbot.waitUntil(pad.hasFocus)
    with qtbot.waitSignal(pad.changed, timeout=1000):
        qtbot.keyClick(pad, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(pad.drawing()) == 1
    redo = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)[0][0]
    qtbot.keyClick(pad, redo.key(), redo.keyboardModifiers())
    assert len(pad.drawing()) == 2


def test_toolbar_colour_button_colours_the_next_stroke_and_clear_empties_undoably(pad, qtbot):
    toolbar = InkToolbar(pad)
    qtbot.addWidget(toolbar)
    toolbar.show()
    assert toolbar.colour_buttons["#1B2631"].isChecked()
    assert not toolbar.undo_button.isEnabled() and not toolbar.clear_button.isEnabled()
    drag(pad, (20, 20), (60, 60))
    vermillion = toolbar.colour_buttons["#D55E00"]
    assert "Vermillion" in vermillion.accessibleName() and "Vermillion" in vermillion.toolTip()
    qtbot.mouseClick(vermillion, Qt.MouseButton.LeftButton)
    assert vermillion.isChecked() and not toolbar.colour_buttons["#1B2631"].isChecked()
    drag(pad, (120, 20), (160, 60))
    assert [s.colour for s in pad.drawing().strokes] == ["#1B2631", "#D55E00"]
    assert toolbar.undo_button.isEnabled() and toolbar.clear_button.isEnabled()
    assert "Ctrl+Z" in toolbar.undo_button.toolTip()
    with qtbot.waitSignal(pad.changed, timeout=1000):
        qtbot.mouseClick(toolbar.clear_button, Qt.MouseButton.LeftButton)
    assert pad.drawing().is_empty and not toolbar.clear_button.isEnabled()
    qtbot.mouseClick(toolbar.undo_button, Qt.MouseButton.LeftButton)
    assert len(pad.drawing()) == 2 and toolbar.redo_button.isEnabled()


def test_a_read_only_canvas_takes_no_ink(pad):
    drag(pad, (20, 20), (60, 60))
    pad.set_read_only(True)
    drag(pad, (120, 20), (160, 60))
    assert not pad.undo() and not pad.clear()
    assert len(pad.drawing()) == 1


def test_a_pen_stroke_records_its_pressure(pad, stylus):
    pen_stroke(pad, stylus, (58, 108, 0.2), (108, 108, 0.5), (158, 108, 0.9), (208, 108, 0.9))
    [stroke] = pad.drawing().strokes
    assert stroke.tool == "pen"
    assert [round(p.pressure, 2) for p in stroke.points] == [0.2, 0.5, 0.9, 0.9]
    assert stroke.points[0].x == pytest.approx(0.125) and stroke.points[0].y == pytest.approx(0.5)


def test_a_finger_draws_through_touch_events(pad):
    touchscreen = QTest.createTouchDevice()
    QTest.touchEvent(pad, touchscreen).press(0, QPoint(108, 58), pad).commit()
    QTest.touchEvent(pad, touchscreen).move(0, QPoint(208, 108), pad).commit()
    QTest.touchEvent(pad, touchscreen).move(0, QPoint(308, 158), pad).commit()
    QTest.touchEvent(pad, touchscreen).release(0, QPoint(308, 158), pad).commit()
    [stroke] = pad.drawing().strokes
    assert stroke.tool == "touch"
    assert [(round(p.x, 3), round(p.y, 3)) for p in stroke.points] == [(0.25, 0.25), (0.5, 0.5), (0.75, 0.75)]


def test_ink_shows_in_the_preview_image(pad):
    blank = pad.render_to_image(QSize(800, 400))
    drag(pad, (8, 58), (408, 58))   # a horizontal line a quarter of the way down
    image = pad.render_to_image(QSize(800, 400))
    assert image.size() == QSize(800, 400)
    assert QColor(blank.pixel(400, 100)) == QColor("white")
    assert QColor(image.pixel(400, 100)) == QColor("#1B2631")


def test_the_illustration_is_rendered_once_per_size_not_per_move(qtbot, qapp):
    canvas = InkCanvas(background_svg=SVG)
    qtbot.addWidget(canvas)
    renders = []
    original = canvas._paint_background
    canvas._paint_background = lambda painter, area: (renders.append(area), original(painter, area))
    canvas.resize(600, 400)
    shown(qtbot, canvas)
    send_mouse(canvas, QEvent.Type.MouseButtonPress, (300, 200), Qt.MouseButton.LeftButton,
               Qt.MouseButton.LeftButton)
    for step in range(20):
        send_mouse(canvas, QEvent.Type.MouseMove, (300 + step * 5, 200), Qt.MouseButton.NoButton,
                   Qt.MouseButton.LeftButton)
        canvas.repaint()
    assert len(renders) == 1
    canvas.resize(700, 500)
    canvas.repaint()
    assert len(renders) == 2


def test_ink_is_normalised_to_the_illustration_not_to_the_widget(qtbot):
    canvas = InkCanvas(background_svg=SVG)
    qtbot.addWidget(canvas)
    canvas.resize(1000, 400)   # inside the padding: 984 x 384, so the 4:3 picture is 512 x 384 at (244, 8)
    shown(qtbot, canvas)
    drag(canvas, (100, 200), (150, 220))   # in the blank margin beside the picture: no stroke
    assert canvas.drawing().is_empty
    drag(canvas, (500, 200), (756, 392))
    points = canvas.drawing().strokes[0].points
    assert (round(points[0].x, 3), round(points[0].y, 3)) == (0.5, 0.5)
    assert (round(points[-1].x, 3), round(points[-1].y, 3)) == (1.0, 1.0)
    assert canvas.drawing().aspect == pytest.approx(4 / 3)


def test_illustration_panel_puts_the_tools_above_the_picture_and_relays_changes(qtbot, qapp):
    apply_style(qapp)
    drawing = InkDrawing()
    panel = IllustrationPanel(SVG, drawing)
    qtbot.addWidget(panel)
    panel.resize(900, 650)
    shown(qtbot, panel)
    assert panel.drawing() is drawing
    assert panel.toolbar.geometry().bottom() < panel.canvas.geometry().top()
    assert panel.canvas.height() > 0.85 * panel.height()
    assert panel.canvas.accessibleName()
    area = panel.canvas._area()
    with qtbot.waitSignal(panel.changed, timeout=1000):
        drag(panel.canvas, (area.center().x(), area.center().y()), (area.center().x() + 50, area.center().y()))
    assert len(drawing) == 1 and drawing.strokes[0].colour == "#0072B2"
    panel.set_read_only(True)
    assert not panel.toolbar.undo_button.isEnabled()


def test_a_canvas_without_svg_has_a_default_accessible_name(qtbot):
    canvas = InkCanvas()
    qtbot.addWidget(canvas)
    assert canvas.accessibleName() == "Drawing area"
    assert "Ctrl+Z" in canvas.accessibleDescription()
    assert canvas.testAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)


def test_a_missing_illustration_leaves_a_usable_canvas(qtbot, tmp_path):
    broken = tmp_path / "broken.svg"
    broken.write_text("<svg", encoding="utf-8")
    canvas = InkCanvas(background_svg=broken)
    qtbot.addWidget(canvas)
    canvas.resize(300, 200)
    shown(qtbot, canvas)
    drag(canvas, (50, 50), (100, 100))
    assert len(canvas.drawing()) == 1
