"""What a locked ConsultAid shows: the lock screen over the main window, and a blank curtain over every
other window (patient screen, summary preview, a question…). Neither shows any patient data.

The widgets only show and ask; consultaid/ui/services/idle_lock.py decides when to lock and checks the PIN.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from consultaid.i18n import _
from consultaid.pin import MAX_DIGITS
from consultaid.ui.services.style import DEFAULT_COLOURS, HIGH_CONTRAST
from consultaid.ui.widgets.field_error import FieldError


def _colours() -> dict:
    """The look in use (normal or high contrast), read when the lock is built."""
    high = bool(QApplication.instance().property("consultaid_high_contrast"))
    return dict(DEFAULT_COLOURS, **(HIGH_CONTRAST if high else {}))


class Padlock(QWidget):
    """A closed padlock, drawn (no icon font or image to ship), sized from the text so it zooms with it."""

    def __init__(self, colour: str, parent=None):
        super().__init__(parent)
        self.colour = QColor(colour)
        size = round(self.fontMetrics().height() * 3.2)
        self.setFixedSize(size, size)
        self.setAccessibleName(_("Locked"))

    def paintEvent(self, _event) -> None:
        with QPainter(self) as painter:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            w, h = self.width(), self.height()
            stroke = max(3.0, w * 0.09)
            painter.setPen(QPen(self.colour, stroke, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            shackle = QRectF(w * 0.3, h * 0.08, w * 0.4, h * 0.5)
            painter.drawArc(shackle, 0, 180 * 16)
            painter.drawLine(shackle.left(), shackle.center().y(), shackle.left(), h * 0.45)
            painter.drawLine(shackle.right(), shackle.center().y(), shackle.right(), h * 0.45)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.colour)
            painter.drawRoundedRect(QRectF(w * 0.18, h * 0.42, w * 0.64, h * 0.5), w * 0.06, w * 0.06)
            painter.setBrush(QColor("white"))
            painter.drawEllipse(QRectF(w * 0.45, h * 0.56, w * 0.1, w * 0.1))
            painter.drawRect(QRectF(w * 0.475, h * 0.62, w * 0.05, h * 0.14))


class LockScreen(QWidget):
    """A window of its own, exactly over the main window and modal to the whole application: it takes
    every key and click even when a dialog (a question, the summary preview) was open under it.

    `unlock_requested(pin)` asks the IdleLock to check; it answers with `refuse()` or closes the lock."""

    unlock_requested = Signal(str)

    def __init__(self, surgeon: str | None, has_pin: bool, saved_note: str, parent=None):
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setObjectName("LockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle(_("ConsultAid (locked)"))
        self.setAccessibleName(_("ConsultAid is locked"))
        self.has_pin = has_pin
        c = _colours()
        self.setStyleSheet(
            f"QWidget#LockScreen {{ background: {c['SURFACE']}; }}"
            f"QFrame#LockCard {{ background: {c['BACKGROUND']}; border: {c['LINE']}px solid {c['BORDER']};"
            f" border-radius: 14px; }}"
            f"QFrame#LockCard QLabel {{ background: transparent; }}"
            f"QLabel#LockApp {{ color: {c['MUTED']}; font-weight: 600; letter-spacing: 1px; }}")

        self.padlock = Padlock(c["ACCENT"])
        app_name = QLabel(_("ConsultAid"))
        app_name.setObjectName("LockApp")
        heading = QLabel(_("Locked"))
        heading.setObjectName("PageHeading")
        if has_pin:
            text = _("The patient's information is hidden. Enter the PIN of {surgeon} to go on.").format(
                surgeon=surgeon)
        elif surgeon:
            text = _("The patient's information is hidden. No PIN is set for {surgeon}, so anyone can unlock: "
                     "set one in Settings, under Surgeons.").format(surgeon=surgeon)
        else:
            text = _("The patient's information is hidden. No surgeon has a PIN yet, so anyone can unlock: "
                     "set one in Settings, under Surgeons.")
        self.explanation = QLabel(text)
        self.explanation.setWordWrap(True)
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.saved = QLabel(saved_note)
        self.saved.setObjectName("Meta")
        self.saved.setWordWrap(True)
        self.saved.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.saved.setVisible(bool(saved_note))

        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(MAX_DIGITS)
        self.pin.setPlaceholderText(_("PIN"))
        self.pin.setAccessibleName(_("PIN"))
        self.pin.setAccessibleDescription(_("The surgeon's PIN, to unlock"))
        self.pin.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)
        self.pin.returnPressed.connect(self._submit)
        self.unlock_button = QPushButton(_("Unlock"))
        self.unlock_button.setObjectName("PrimaryButton")
        self.unlock_button.setAccessibleName(_("Unlock"))
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._submit)
        self.error = FieldError()

        entry = QHBoxLayout()
        entry.setSpacing(10)
        entry.addWidget(self.pin, 1)
        entry.addWidget(self.unlock_button)

        card = QFrame()
        card.setObjectName("LockCard")
        card.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum)
        em = self.fontMetrics().height()
        card.setFixedWidth(round(em * 24))
        column = QVBoxLayout(card)
        column.setContentsMargins(round(em * 1.8), round(em * 1.5), round(em * 1.8), round(em * 1.5))
        column.setSpacing(round(em * 0.6))
        column.addWidget(self.padlock, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(app_name, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(heading, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(self.explanation)
        column.addSpacing(round(em * 0.3))
        column.addLayout(entry)
        column.addWidget(self.error)
        column.addWidget(self.saved)

        # Centred by stretches, not an alignment flag: an aligned item loses its height-for-width, and
        # the wrapped explanation would be cut off.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        outer.addLayout(row)
        outer.addStretch(3)
        self.pin.setVisible(has_pin)   # once in its layout: before, showing it would open it as a window

        self._wait_left = 0
        self.wait_timer = QTimer(self)
        self.wait_timer.setInterval(1000)
        self.wait_timer.timeout.connect(self._tick)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.focus_entry()

    def focus_entry(self) -> None:
        (self.pin if self.has_pin and self.pin.isEnabled() else self.unlock_button).setFocus()

    def closeEvent(self, event) -> None:
        # Alt+F4 or the window system must not lift the lock: only the IdleLock closes it.
        if not getattr(self, "may_close", False):
            event.ignore()
            return
        super().closeEvent(event)

    @Slot()
    def _submit(self) -> None:
        if self._wait_left > 0:
            return
        if self.has_pin and not self.pin.text():
            self.error.show_message(_("Type the PIN first."))
            self.pin.setFocus()
            return
        self.unlock_requested.emit(self.pin.text())

    def refuse(self, wait_seconds: int = 0) -> None:
        """A wrong PIN: say so, clear the field; after several, wait `wait_seconds` before the next try."""
        self.pin.clear()
        if wait_seconds <= 0:
            self.error.show_message(_("This PIN is not right. Try again."))
            self.pin.setFocus()
            return
        self._wait_left = wait_seconds
        self.pin.setEnabled(False)
        self.unlock_button.setEnabled(False)
        self._show_wait()
        self.wait_timer.start()

    @property
    def waiting(self) -> bool:
        return self._wait_left > 0

    def _show_wait(self) -> None:
        self.error.show_message(_("Too many wrong PINs. You can try again in {seconds} seconds.").format(
            seconds=self._wait_left))

    @Slot()
    def _tick(self) -> None:
        self._wait_left -= 1
        if self._wait_left > 0:
            self._show_wait()
            return
        self.wait_timer.stop()
        self.pin.setEnabled(True)
        self.unlock_button.setEnabled(True)
        self.error.show_message(_("Type the PIN again."))
        self.pin.setFocus()


class Curtain(QWidget):
    """An opaque cover over a whole window (patient screen, dialog, the main window itself): its contents
    stay as they were underneath, unseen, and come back unchanged when the curtain goes."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        c = _colours()
        self.setObjectName("LockCurtain")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"QWidget#LockCurtain {{ background: {c['BACKGROUND']}; }}"
                           f"QLabel {{ color: {c['MUTED']}; }}")
        note = QLabel(_("ConsultAid is locked."))
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Follow the window's size, and stay above anything the window adds or raises later.
        if event.type() in (QEvent.Type.Resize, QEvent.Type.ChildAdded):
            self.setGeometry(watched.rect())
            self.raise_()
        return False


__all__ = ["Curtain", "LockScreen", "Padlock"]
