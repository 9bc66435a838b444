"""The summary as it will be printed: the PDF's own pages, rendered by PDFium, with Print and Save.

Printing sends these same PDF bytes to the print system (consultaid/printing.py): the system print dialog
only picks the printer and the number of copies, nothing is drawn a second time, so paper, preview and
saved file are one document. The printer and save-path choosers are attributes, so tests (or another
front end) can replace the system dialogs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from consultaid import printing
from consultaid.files import write_atomically
from consultaid.i18n import _, ngettext
from consultaid.ui.services.style import BORDER
from consultaid.ui.widgets.status_note import show_note

log = logging.getLogger(__name__)

ZOOMS = (0.5, 0.67, 0.75, 0.9, 1.0, 1.25, 1.5, 2.0, 3.0)
PAGE_GAP = 16
POINTS_PER_INCH = 72.0

PrinterChooser = Callable[[QWidget, int], "tuple[str, int] | None"]
PathChooser = Callable[[QWidget, str], "str | None"]


def choose_printer_with_dialog(parent: QWidget, copies: int) -> tuple[str, int] | None:
    """The system print dialog, for the printer and the number of copies only: (printer, copies) or None."""
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setCopyCount(copies)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print the summary"))
    option = QAbstractPrintDialog.PrintDialogOption
    # The whole PDF is sent as it is: no page range, no selection, and "Save PDF…" is the way to a file.
    for unwanted in (option.PrintToFile, option.PrintSelection, option.PrintPageRange, option.PrintCurrentPage):
        dialog.setOption(unwanted, False)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    name = printer.printerName()
    if not name:
        return None
    return name, max(1, printer.copyCount())


def choose_save_path_with_dialog(parent: QWidget, suggested: str) -> str | None:
    path, _filter = QFileDialog.getSaveFileName(parent, _("Save the summary as PDF"), suggested,
                                                _("PDF documents (*.pdf)"))
    return path or None


def documents_folder() -> Path:
    """Where a Save dialog opens: the user's Documents folder, else their home."""
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
                or str(Path.home()))


def pdf_path(chosen: str) -> Path:
    """The file name chosen in a Save dialog, with ".pdf" added when it was left out."""
    path = Path(chosen)
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


def _qimage(bitmap) -> QImage:
    """A PDFium bitmap as a QImage that owns its pixels (no PIL or numpy needed)."""
    formats = {"BGRX": QImage.Format.Format_RGB32, "BGRA": QImage.Format.Format_ARGB32,
               "RGBX": QImage.Format.Format_RGBX8888, "RGBA": QImage.Format.Format_RGBA8888,
               "BGR": QImage.Format.Format_BGR888, "RGB": QImage.Format.Format_RGB888,
               "L": QImage.Format.Format_Grayscale8}
    image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, formats[bitmap.mode])
    return image.copy()   # detach from the Python bytes


class SummaryPreview(QDialog):
    """Page by page, zoomable; Print… and Save PDF… act on the PDF bytes themselves."""

    handed_out = Signal(str)  # "print" or "export", after the PDF really left the app (for the audit)

    def __init__(self, pdf: bytes, copies: int = 2, title: str = printing.DEFAULT_TITLE,
                 suggested_name: str = "summary.pdf", parent=None):
        super().__init__(parent)
        import pypdfium2 as pdfium

        self.pdf = bytes(pdf)
        self.job_title = title
        self.suggested_name = suggested_name
        self.choose_printer: PrinterChooser = choose_printer_with_dialog
        self.choose_save_path: PathChooser = choose_save_path_with_dialog
        self.last_job: str | None = None
        self.saved_path: Path | None = None
        self._document = pdfium.PdfDocument(self.pdf)
        self.page_count = len(self._document)
        self._page_sizes = [self._document[index].get_size() for index in range(self.page_count)]
        self.zoom = 1.0
        self._drawn_at: tuple[float, float] | None = None   # (scale, device pixel ratio) of the page images
        self._to_draw: list[int] = []                        # pages whose image waits its turn
        self._draw_timer = QTimer(self)                      # one page a turn; dies with the dialog
        self._draw_timer.setSingleShot(True)
        self._draw_timer.setInterval(0)
        self._draw_timer.timeout.connect(self._draw_next_page)
        self._fit_width = True
        self._fit_limit = 1.0   # at first a page is shown at most life-size; "Fit width" lifts that

        self.setWindowTitle(_("Summary preview"))
        self.setAccessibleName(_("Summary preview"))
        self.setSizeGripEnabled(True)

        # --- toolbar: zoom on the left, the document's actions on the right ---
        self.zoom_out_button = QPushButton("\u2212")
        self.zoom_out_button.setAccessibleName(_("Zoom out"))
        self.zoom_out_button.setToolTip(
            _("Zoom out ({shortcut})").format(shortcut=_shortcut(QKeySequence.StandardKey.ZoomOut)))
        self.zoom_in_button = QPushButton("+")
        self.zoom_in_button.setAccessibleName(_("Zoom in"))
        self.zoom_in_button.setToolTip(
            _("Zoom in ({shortcut})").format(shortcut=_shortcut(QKeySequence.StandardKey.ZoomIn)))
        for button in (self.zoom_out_button, self.zoom_in_button):
            button.setFixedWidth(button.fontMetrics().horizontalAdvance("+") * 2 + 28)
        self.zoom_label = QLabel()
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("300 %") + 8)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fit_button = QPushButton(_("Fit width"))
        self.fit_button.setToolTip(_("Fit the page to the window's width ({shortcut})").format(shortcut="Ctrl+0"))
        self.zoom_out_button.clicked.connect(lambda: self.step_zoom(-1))
        self.zoom_in_button.clicked.connect(lambda: self.step_zoom(+1))
        self.fit_button.clicked.connect(self.fit_width)
        self.pages_label = QLabel(ngettext("{count} page", "{count} pages", self.page_count).format(
            count=self.page_count))
        self.pages_label.setObjectName("Meta")

        self.copies = QSpinBox()
        self.copies.setRange(1, printing.MAX_COPIES)
        self.copies.setValue(copies)
        self.copies.setAccessibleName(_("Number of copies"))
        self.copies.setToolTip(_("Usually two: one for the patient, one for the record"))
        copies_label = QLabel(_("Copies:"))
        copies_label.setBuddy(self.copies)
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setObjectName("PrimaryButton")
        self.print_button.setAccessibleName(self.print_button.text())
        self.print_button.setAccessibleDescription(_("Print the summary"))
        self.print_button.setToolTip(_shortcut(QKeySequence.StandardKey.Print))
        self.print_button.clicked.connect(self.print_summary)
        self.save_button = QPushButton(_("Save PDF…"))
        self.save_button.setAccessibleName(self.save_button.text())
        self.save_button.setAccessibleDescription(_("Save the summary as a PDF file"))
        self.save_button.setToolTip(_shortcut(QKeySequence.StandardKey.Save))
        self.save_button.clicked.connect(self.save_pdf)
        self.close_button = QPushButton(_("Close"))
        self.close_button.clicked.connect(self.reject)

        self.zoom_row = QHBoxLayout()
        self.zoom_row.setSpacing(8)
        self.zoom_row.addWidget(self.zoom_out_button)
        self.zoom_row.addWidget(self.zoom_label)
        self.zoom_row.addWidget(self.zoom_in_button)
        self.zoom_row.addWidget(self.fit_button)
        self.zoom_row.addSpacing(12)
        self.zoom_row.addWidget(self.pages_label)
        self.zoom_row.addStretch(1)
        self.action_row = QHBoxLayout()
        self.action_row.setSpacing(8)
        self.action_row.addStretch(1)
        self.action_row.addWidget(copies_label)
        self.action_row.addWidget(self.copies)
        self.action_row.addWidget(self.print_button)
        self.action_row.addWidget(self.save_button)
        self.action_row.addWidget(self.close_button)
        # One row when it fits, else the zoom above the actions (large presentation sizes, small screens).
        self.toolbar = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.toolbar.setSpacing(8)
        self.toolbar.addLayout(self.zoom_row, 1)
        self.toolbar.addLayout(self.action_row)

        # --- the pages ---
        self.pages_widget = QWidget()
        self.pages_widget.setObjectName("PreviewPages")
        self.pages_widget.setStyleSheet(f"QWidget#PreviewPages {{ background: #DDE2E7; }}"
                                        f"QLabel#PreviewPage {{ background: white; border: 1px solid {BORDER}; }}")
        pages_layout = QVBoxLayout(self.pages_widget)
        pages_layout.setContentsMargins(PAGE_GAP, PAGE_GAP, PAGE_GAP, PAGE_GAP)
        pages_layout.setSpacing(PAGE_GAP)
        self.page_labels: list[QLabel] = []
        for index in range(self.page_count):
            label = QLabel()
            label.setObjectName("PreviewPage")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            label.setAccessibleName(_("Page {number} of {count}").format(number=index + 1, count=self.page_count))
            self.page_labels.append(label)
            pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
        pages_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.pages_widget)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)   # arrow keys and Page Up/Down scroll
        self.scroll.setAccessibleName(_("Pages of the summary"))

        self.status = QLabel()
        self.status.setObjectName("PreviewStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(10)
        layout.addLayout(self.toolbar)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.status)

        QShortcut(QKeySequence.StandardKey.ZoomIn, self, activated=lambda: self.step_zoom(+1))
        QShortcut(QKeySequence("Ctrl+="), self, activated=lambda: self.step_zoom(+1))
        QShortcut(QKeySequence.StandardKey.ZoomOut, self, activated=lambda: self.step_zoom(-1))
        QShortcut(QKeySequence("Ctrl+0"), self, activated=self.fit_width)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_summary)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save_pdf)

        # The dialog may be narrower than the one-row toolbar: it then goes on two rows (resizeEvent).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.setMinimumSize(max(self.zoom_row.minimumSize().width(), self.action_row.minimumSize().width())
                            + layout.contentsMargins().left() + layout.contentsMargins().right(), 360)
        self._size_to_parent(parent)
        self._arrange_toolbar()
        self.print_button.setDefault(True)
        self.print_button.setFocus()
        self._render_pages()

    def _size_to_parent(self, parent) -> None:
        """Most of the window it opens over (a page needs height), never more than the screen."""
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        width, height = (parent.width(), parent.height()) if parent is not None else (screen.width(), screen.height())
        self.resize(min(1100, int(width * 0.9), screen.width()), min(int(height * 0.96), screen.height()))

    # --- pages ---------------------------------------------------------------------------------
    def _pixels_per_point(self) -> float:
        return self.logicalDpiX() / POINTS_PER_INCH

    def _fit_zoom(self) -> float:
        widest = max((w for w, _h in self._page_sizes), default=1.0)
        # The scroll area's whole width less the vertical scroll bar, which a page at full width always needs.
        frame = self.scroll.frameWidth() * 2
        available = self.scroll.width() - frame - self.scroll.verticalScrollBar().sizeHint().width() - 2 * PAGE_GAP - 4
        return max(ZOOMS[0], min(self._fit_limit, available / (widest * self._pixels_per_point())))

    def _render_pages(self) -> None:
        """Sizes every page at once (cheap) and draws their images one per turn of the event loop: a long
        summary's pages, drawn all at once, held the window for a few hundred milliseconds, and the same
        zoom at the same screen scale is never drawn twice (opening used to draw every page three times)."""
        if self._fit_width:
            self.zoom = self._fit_zoom()
        ratio = self.devicePixelRatioF()
        scale = self.zoom * self._pixels_per_point()
        for index, label in enumerate(self.page_labels):
            width, height = self._page_sizes[index]
            label.setFixedSize(round(width * scale) + 2, round(height * scale) + 2)
        self.zoom_label.setText(f"{round(self.zoom * 100)} %")
        self.zoom_label.setAccessibleName(_("Zoom: {percent} %").format(percent=round(self.zoom * 100)))
        self.zoom_out_button.setEnabled(self.zoom > ZOOMS[0] + 1e-6)
        self.zoom_in_button.setEnabled(self.zoom < ZOOMS[-1] - 1e-6)
        drawing = (round(scale, 4), ratio)
        if drawing == self._drawn_at:
            return
        self._drawn_at = drawing
        self._to_draw = list(range(self.page_count))
        self._draw_timer.start()

    @Slot()
    def _draw_next_page(self) -> None:
        if self._to_draw and self._document is not None:
            self._draw_page(self._to_draw.pop(0))
        if self._to_draw:
            self._draw_timer.start()

    def _draw_page(self, index: int) -> None:
        scale, ratio = self._drawn_at
        bitmap = self._document[index].render(scale=scale * ratio, prefer_bgrx=True)
        pixmap = QPixmap.fromImage(_qimage(bitmap))
        pixmap.setDevicePixelRatio(ratio)
        self.page_labels[index].setPixmap(pixmap)

    def page_images(self) -> list[QPixmap]:
        """Every page's image, the ones still waiting their turn drawn now."""
        while self._to_draw and self._document is not None:
            self._draw_page(self._to_draw.pop(0))
        return [label.pixmap() for label in self.page_labels]

    @Slot()
    def fit_width(self) -> None:
        self._fit_width = True
        self._fit_limit = 2.0
        self._render_pages()

    def set_zoom(self, zoom: float) -> None:
        self._fit_width = False
        self.zoom = max(ZOOMS[0], min(ZOOMS[-1], zoom))
        self._render_pages()

    def step_zoom(self, direction: int) -> None:
        if direction > 0:
            bigger = [z for z in ZOOMS if z > self.zoom + 1e-6]
            self.set_zoom(bigger[0] if bigger else ZOOMS[-1])
        else:
            smaller = [z for z in ZOOMS if z < self.zoom - 1e-6]
            self.set_zoom(smaller[-1] if smaller else ZOOMS[0])

    def _arrange_toolbar(self) -> None:
        margins = self.layout().contentsMargins()
        needed = (self.zoom_row.minimumSize().width() + self.action_row.minimumSize().width()
                  + self.toolbar.spacing() + margins.left() + margins.right())
        direction = (QBoxLayout.Direction.LeftToRight if self.width() >= needed
                     else QBoxLayout.Direction.TopToBottom)
        if self.toolbar.direction() != direction:
            self.toolbar.setDirection(direction)

    def resizeEvent(self, event) -> None:
        self._arrange_toolbar()
        super().resizeEvent(event)
        if self._fit_width and abs(self._fit_zoom() - self.zoom) > 0.01:
            self._render_pages()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._fit_width:
            self._render_pages()

    def done(self, result: int) -> None:
        super().done(result)
        # The pages stay drawn; only PDFium's handle on the document goes.
        if self._document is not None:
            self._document.close()
            self._document = None

    # --- status line ---------------------------------------------------------------------------
    def _report(self, text: str, error: bool = False) -> None:
        show_note(self.status, text, error)

    # --- print and save ------------------------------------------------------------------------
    @Slot()
    def print_summary(self) -> str | None:
        """Asks for the printer and copies, then sends the PDF itself to it; returns the job id."""
        try:
            printers = printing.list_printers()
        except printing.PrintingError as error:
            self._report(str(error) + " " + _("Save the PDF to print it from another computer."), error=True)
            return None
        if not printers:
            self._report(_("No printer is set up on this computer. Save the PDF to print it elsewhere."), error=True)
            return None
        choice = self.choose_printer(self, self.copies.value())
        if choice is None:
            return None
        printer, copies = choice
        self.copies.setValue(copies)
        try:
            job = printing.print_pdf(self.pdf, printer, copies=copies, title=self.job_title)
        except printing.PrintingError as error:
            self._report(_("Not printed: {error}").format(error=error), error=True)
            return None
        self.last_job = job
        self._report(ngettext("Sent to {printer}: {copies} copy, job {job}.",
                              "Sent to {printer}: {copies} copies, job {job}.", copies).format(
            printer=printer, copies=copies, job=job))
        self.handed_out.emit("print")
        return job

    @Slot()
    def save_pdf(self) -> Path | None:
        chosen = self.choose_save_path(self, str(documents_folder() / self.suggested_name))
        if not chosen:
            return None
        path = pdf_path(chosen)
        try:
            write_atomically(path, self.pdf, keep_mode=True)
        except OSError as error:
            # No path in the log: the file name chosen may name the patient.
            log.warning("the summary could not be saved (%s)", error.strerror or type(error).__name__)
            self._report(_("The summary was not saved to {path}: {error}").format(
                path=path, error=error.strerror or error), error=True)
            return None
        self.saved_path = path
        self._report(_("Saved to {path}.").format(path=path))
        self.handed_out.emit("export")
        return path


def _shortcut(key) -> str:
    from consultaid.ui.widgets.ink_canvas import shortcut_text

    return shortcut_text(key)
