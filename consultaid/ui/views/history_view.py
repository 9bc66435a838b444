"""The consultation records view: every draft and every signed record, searchable, for a clinic with years
of them.

What is found comes from `consultation/record_search.py` (Qt-free, run in the store); this view only shows
it. A draft is resumed; a signed record opens as its stored PDF (`stored_record_preview.py`), the very bytes
kept when it was signed.
"""

from __future__ import annotations

import logging
from datetime import date
from itertools import pairwise
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from consultaid.consultation.record_search import (
    RESULT_LIMIT,
    HistoryQuery,
    HistoryRow,
    HistorySearch,
    summary_file_name,
)
from consultaid.consultation.store import DatabaseError, StoreError, name_key
from consultaid.files import write_atomically
from consultaid.formatting import format_long_date, format_short_date, format_short_moment
from consultaid.i18n import N_, _, interface_language, ngettext
from consultaid.ui.dialogs.stored_record_preview import StoredRecordPreview
from consultaid.ui.dialogs.summary_preview import PathChooser, PrinterChooser, documents_folder, pdf_path
from consultaid.ui.services.screen_fit import fits_screen_width, place_in_grid
from consultaid.ui.services.style import ACCENT, BORDER, ERROR_INK, INK, MUTED, SUCCESS_INK, SURFACE, WARNING_INK
from consultaid.ui.views.pages.common import scrolled
from consultaid.ui.widgets.date_field import DateField
from consultaid.ui.widgets.status_note import show_note

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 250   # typing pauses this long before the store is asked

ROW_ROLE = Qt.ItemDataRole.UserRole + 1    # the HistoryRow, on the first column
SORT_ROLE = Qt.ItemDataRole.UserRole + 2   # what the column sorts by

COLUMNS = (N_("Date"), N_("Patient"), N_("Identifier"), N_("Procedure"), N_("Status"), N_("Version"),
           N_("Hospital record"))
DATE, PATIENT, IDENTIFIER, PROCEDURE, STATUS, VERSION, SENDING = range(len(COLUMNS))
# The hospital outbox's state of a record (consultaid/hospital/outbox.py): its colour and sort order.
SENDING_INK = {"failed": ERROR_INK, "waiting": WARNING_INK, "sent": SUCCESS_INK, "not_sent": MUTED}
SENDING_ORDER = {"failed": 0, "waiting": 1, "not_sent": 2, "sent": 3}
# The cell says the state in a word; its tooltip, accessible description and (for a failure, once the
# record is selected) the message below the list say it per destination, with the receiver's reason.
SENDING_WORDS = {"failed": N_("Failed"), "waiting": N_("Waiting"), "not_sent": N_("Not sent"), "sent": N_("Sent")}

# What the status filter offers, and the store's statuses each one keeps.
STATUS_FILTERS = (
    ("all", N_("All")),
    ("draft", N_("Draft (in progress or set aside)")),
    ("finalized", N_("Finalized")),
    ("corrected", N_("Corrected")),
)
STATUS_WORDS = {
    "open": N_("In progress"),
    "set_aside": N_("Set aside"),
    "finalized": N_("Finalized"),
    "corrected": N_("Corrected"),
}
STATUS_INK = {"open": WARNING_INK, "set_aside": WARNING_INK, "finalized": SUCCESS_INK, "corrected": MUTED}
STATUS_ORDER = {"open": 0, "set_aside": 1, "finalized": 2, "corrected": 3}


def procedure_title(library, procedure_id: str, language: str | None = None) -> str:
    """The procedure's title in the interface language (or the pack's first), its id if the pack is unknown."""
    listing = library.listing(procedure_id) if library is not None else None
    if listing is None:
        return procedure_id
    language = language or interface_language()
    return listing.title(language if language in listing.titles else listing.languages[0])


# --- the view --------------------------------------------------------------------------------------
class HistoryTable(QTableView):
    """Enter or Return opens the current row (whatever the style does with activation). On a narrow screen
    the columns in `preferred_widths` give up width in proportion, so the stretching ones (patient,
    procedure) keep `stretch_minimum` and no sideways scroll bar shows (at desktop scaling 200 % they were
    2 letters wide beside a scroll bar); with room again each has its own width back. The date and the
    version keep theirs."""

    open_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.preferred_widths: dict[int, int] = {}   # column -> its width when there is room
        self.stretch_minimum = 0
        self.kept_width = 0   # the columns that never shrink, together

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        head = self.horizontalHeader()
        stretching = sum(head.sectionResizeMode(column) == QHeaderView.ResizeMode.Stretch
                         for column in range(head.count()))
        room = self.viewport().width() - self.kept_width - stretching * self.stretch_minimum
        # Each column keeps at least its heading (and the sort arrow); the width above that is shared out.
        floors = {column: min(width, self.heading_width(column)) for column, width in self.preferred_widths.items()}
        extra = sum(self.preferred_widths.values()) - sum(floors.values())
        share = max(0.0, min(1.0, (room - sum(floors.values())) / extra)) if extra else 1.0
        for column, width in self.preferred_widths.items():
            self.setColumnWidth(column, floors[column] + int((width - floors[column]) * share))

    def heading_width(self, column: int) -> int:
        text = str(self.model().headerData(column, Qt.Orientation.Horizontal))
        return self.horizontalHeader().fontMetrics().horizontalAdvance(text) + 40

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class HistoryView(QWidget):
    """The records page: filters on top, the list, and what can be done with the selected row."""

    back_requested = Signal()
    resume_requested = Signal(object)   # a Consultation, taken up again from its draft
    read_only_requested = Signal(object, str)  # a Consultation another workstation has open, and which one
    correction_requested = Signal(int)  # the stored record (latest version) to correct
    preview_opened = Signal(object)     # the StoredRecordPreview just opened
    send_again_requested = Signal()     # a failed document is due again: the sender should look now

    def __init__(self, store, library=None, parent=None):
        super().__init__(parent)
        self.setObjectName("HistoryView")
        self.store = store
        self.library = library
        self.searcher = HistorySearch(store) if store is not None else None
        self.rows: list[HistoryRow] = []
        self.sending: dict[int, list] = {}   # record id -> its hospital outbox entries
        self.sending_note = ""               # the refusal shown below the list for the selected record
        self.limit_reached = False
        self.preview: StoredRecordPreview | None = None
        # The system dialogs; tests (or another front end) replace them, and an opened preview gets them too.
        from consultaid.ui.dialogs.summary_preview import choose_printer_with_dialog, choose_save_path_with_dialog

        self.choose_save_path: PathChooser = choose_save_path_with_dialog
        self.choose_printer: PrinterChooser = choose_printer_with_dialog

        self.setStyleSheet(self._style())
        # The page scrolls as a whole where the screen is too low for it (1920x1080 at desktop scaling
        # 200 % is 540 logical pixels): the window grew past the screen's bottom edge, Open record with it.
        body = QWidget()
        outer = QVBoxLayout(body)
        outer.setContentsMargins(20, 16, 20, 16)
        outer.setSpacing(12)

        # --- heading ---
        header = QHBoxLayout()
        header.setSpacing(16)
        self.back_button = QPushButton("\u2190 " + _("Procedures"))
        self.back_button.setAccessibleName(_("Back to the procedures"))
        self.back_button.setToolTip(_("Back to the procedures (Esc)"))
        self.back_button.clicked.connect(self.back_requested.emit)
        titles = QVBoxLayout()
        titles.setSpacing(2)
        title = QLabel(_("Consultation records"))
        title.setObjectName("AppTitle")
        tagline = QLabel(_("Consultations in progress and signed summaries, newest first."))
        tagline.setObjectName("AppTagline")
        titles.addWidget(title)
        titles.addWidget(tagline)
        header.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(titles, 1)
        outer.addLayout(header)

        # --- filters ---
        filters = QFrame()
        filters.setObjectName("HistoryFilters")
        grid = QGridLayout(filters)
        grid.setContentsMargins(14, 12, 14, 12)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Patient's name (its beginning) or exact identifier"))
        self.search.setAccessibleName(_("Search the records by patient name or identifier"))
        self.search.setClearButtonEnabled(True)
        self.search.installEventFilter(self)
        self.date_from = DateField()
        self.date_from.edit.setAccessibleName(_("Consultations from this date (DD/MM/YYYY)"))
        self.date_to = DateField()
        self.date_to.edit.setAccessibleName(_("Consultations up to this date (DD/MM/YYYY)"))
        for field in (self.date_from, self.date_to):
            # Room for a date in words without making the window wider than a small laptop's screen.
            field.in_words.setMinimumWidth(field.fontMetrics().horizontalAdvance("30 Sept. 2026"))
        self.procedure = QComboBox()
        self.procedure.setAccessibleName(_("Procedure"))
        self.procedure.addItem(_("All procedures"), None)
        language = interface_language()
        packs = sorted(library.listings if library is not None else [],
                       key=lambda pack: procedure_title(library, pack.id, language).casefold())
        for pack in packs:
            self.procedure.addItem(procedure_title(library, pack.id, language), pack.id)
        self.procedure.setMinimumContentsLength(24)
        self.procedure.currentIndexChanged.connect(lambda _index: self.procedure.setToolTip(
            self.procedure.currentText()))
        self.procedure.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.status = QComboBox()
        self.status.setAccessibleName(_("Status"))
        for key, words in STATUS_FILTERS:
            self.status.addItem(_(words), key)
        self.clear_button = QPushButton(_("Clear filters"))
        self.clear_button.setAccessibleName(_("Clear the search and every filter"))
        self.clear_button.clicked.connect(self.clear_filters)

        for combo in (self.procedure, self.status):   # as tall as the fields beside them
            combo.setMinimumHeight(self.search.sizeHint().height())

        def label(text: str, buddy: QWidget) -> QLabel:
            shown = QLabel(text)
            shown.setBuddy(buddy)
            return shown

        search, procedure = label(_("&Search:"), self.search), label(_("&Procedure:"), self.procedure)
        start, end = label(_("F&rom:"), self.date_from.edit), label(_("&To:"), self.date_to.edit)
        status = label(_("St&atus:"), self.status)
        # (widget, row, column, columns spanned): two rows of filters, or four where two do not fit.
        wide = [(search, 0, 0, 1), (self.search, 0, 1, 3), (procedure, 0, 4, 1), (self.procedure, 0, 5, 1),
                (self.clear_button, 0, 6, 1), (start, 1, 0, 1), (self.date_from, 1, 1, 1), (end, 1, 2, 1),
                (self.date_to, 1, 3, 1), (status, 1, 4, 1), (self.status, 1, 5, 1)]
        narrow = [(search, 0, 0, 1), (self.search, 0, 1, 3), (start, 1, 0, 1), (self.date_from, 1, 1, 1),
                  (end, 1, 2, 1), (self.date_to, 1, 3, 1), (procedure, 2, 0, 1), (self.procedure, 2, 1, 3),
                  (status, 3, 0, 1), (self.status, 3, 1, 1), (self.clear_button, 3, 2, 2)]
        place_in_grid(grid, wide)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.setColumnStretch(5, 1)
        if not fits_screen_width(filters, 2 * 20):  # in one row, the window was 1179 px on a 960 px screen
            place_in_grid(grid, narrow)
            grid.setColumnStretch(5, 0)
        outer.addWidget(filters)

        # --- count, then the list (or what to say when it is empty) ---
        self.count_label = QLabel()
        self.count_label.setObjectName("Meta")
        outer.addWidget(self.count_label)

        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels([_(name) for name in COLUMNS])
        self.model.setSortRole(SORT_ROLE)
        self.table = HistoryTable()
        self.table.setObjectName("HistoryTable")
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Consultations found"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        row_height = self.fontMetrics().height() + 18
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        self.table.setMinimumHeight(4 * row_height)   # the header and three rows, however low the screen
        head = self.table.horizontalHeader()
        head.setHighlightSections(False)
        head.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        digits = self.fontMetrics().horizontalAdvance("00/00/00000")
        for column, mode, width in ((DATE, QHeaderView.ResizeMode.Interactive, digits + 40),
                                    (PATIENT, QHeaderView.ResizeMode.Stretch, 0),
                                    (IDENTIFIER, QHeaderView.ResizeMode.Interactive, digits + 80),
                                    (PROCEDURE, QHeaderView.ResizeMode.Stretch, 0),
                                    (STATUS, QHeaderView.ResizeMode.Interactive, self._status_width()),
                                    (VERSION, QHeaderView.ResizeMode.Fixed, digits - 10),
                                    (SENDING, QHeaderView.ResizeMode.Interactive,
                                     self.fontMetrics().horizontalAdvance(_("Hospital record")) + 56)):
            head.setSectionResizeMode(column, mode)
            if width:
                self.table.setColumnWidth(column, width)
            if column in (DATE, VERSION):
                self.table.kept_width += width
            elif width:
                self.table.preferred_widths[column] = width
        self.table.stretch_minimum = max(self.fontMetrics().horizontalAdvance("Jeanne Dupont"),
                                         *(self.table.heading_width(column) for column in (PATIENT, PROCEDURE)))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(DATE, Qt.SortOrder.DescendingOrder)
        self.table.activated.connect(self.open_selected)
        self.table.open_requested.connect(self.open_selected)
        self.table.selectionModel().currentRowChanged.connect(self._update_actions)

        self.empty = QWidget()
        self.empty.setObjectName("HistoryEmpty")
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.addStretch(1)
        self.empty_title = QLabel()
        self.empty_title.setObjectName("EmptyTitle")
        self.empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint = QLabel()
        self.empty_hint.setObjectName("Meta")
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)
        self.retry_button = QPushButton(_("Try again"))
        self.retry_button.setAccessibleName(_("Search the records again"))
        self.retry_button.clicked.connect(self.refresh)
        self.retry_button.hide()
        empty_layout.addWidget(self.empty_title)
        empty_layout.addWidget(self.empty_hint)
        empty_layout.addSpacing(8)
        empty_layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(2)
        self.results = QStackedWidget()
        self.results.addWidget(self.table)
        self.results.addWidget(self.empty)
        outer.addWidget(self.results, 1)
        # The selected consultation's summaries and addenda, its current state, Confirm… and withdrawal.
        from consultaid.ui.widgets.consent_chain import ConsentChain

        self.chain = ConsentChain(store)
        self.chain.open_summary.connect(self.open_record)
        self.chain.changed.connect(self._addendum_stored)
        outer.addWidget(self.chain)

        # --- message and actions ---
        bottom = QHBoxLayout()
        bottom.setSpacing(8)
        self.message = QLabel()
        self.message.setObjectName("HistoryMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.export_button = QPushButton(_("Export PDF…"))
        self.export_button.setAccessibleName(_("Save the selected record's signed PDF as a file"))
        self.export_button.clicked.connect(self.export_selected)
        self.correct_button = QPushButton(_("Correct…"))
        self.correct_button.setAccessibleName(_("Make a corrected version of the selected record; the signed "
                                                "one is kept"))
        self.correct_button.clicked.connect(self.correct_selected)
        self.resume_button = QPushButton(_("Resume consultation"))
        self.resume_button.setAccessibleName(_("Take up the selected consultation where it was left"))
        self.resume_button.clicked.connect(self.resume_selected)
        self.send_again_button = QPushButton(_("Send again"))
        self.send_again_button.setAccessibleName(_("Send again: the selected record's documents the hospital "
                                                   "record refused"))
        self.send_again_button.clicked.connect(self.send_again_selected)
        self.open_button = QPushButton(_("Open record"))
        self.open_button.setObjectName("PrimaryButton")
        self.open_button.setAccessibleName(_("Show the selected record's signed PDF"))
        self.open_button.setToolTip(_("Enter"))
        self.open_button.clicked.connect(self.open_selected)
        bottom.addWidget(self.message, 10)
        bottom.addStretch(1)   # keeps the buttons their own size while there is no message
        bottom.addWidget(self.send_again_button)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.correct_button)
        bottom.addWidget(self.resume_button)
        bottom.addWidget(self.open_button)
        outer.addLayout(bottom)
        page = QVBoxLayout(self)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(scrolled(body, title.text()))

        # --- when to search: as the surgeon types (after a short pause), at once for the lists ---
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self.timer.start())
        self.search.returnPressed.connect(self._search_now)
        self.date_from.changed.connect(lambda: self.timer.start())
        self.date_to.changed.connect(lambda: self.timer.start())
        self.procedure.currentIndexChanged.connect(lambda _index: self.refresh())
        self.status.currentIndexChanged.connect(lambda _index: self.refresh())
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.back_requested.emit)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        # Tab goes through the filters row by row, then to the list and its actions.
        order = (self.back_button, self.search, self.procedure, self.date_from.edit, self.date_to.edit, self.status,
                 self.clear_button, self.table, self.send_again_button, self.export_button, self.correct_button,
                 self.resume_button, self.open_button)
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

        if store is None:
            for widget in (self.search, self.date_from, self.date_to, self.procedure, self.status,
                           self.clear_button):
                widget.setEnabled(False)
            self.show_message(_("The records cannot be shown: the record store did not open."), error=True)
        self._update_actions()

    @staticmethod
    def _style() -> str:
        return f"""
        QFrame#HistoryFilters {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 8px; }}
        QFrame#HistoryFilters QLabel {{ background: transparent; }}
        QTableView#HistoryTable {{ border: 1px solid {BORDER}; border-radius: 6px; background: white;
            alternate-background-color: #F8FAFC; selection-background-color: #D5E8F5; selection-color: {INK}; }}
        QTableView#HistoryTable:focus {{ border: 2px solid {ACCENT}; }}
        QTableView#HistoryTable::item {{ padding: 0 8px; border-bottom: 1px solid #EEF1F4; }}
        QHeaderView::section {{ background: {SURFACE}; color: {MUTED}; font-weight: 600; padding: 8px 8px 8px 11px;
            border: none; border-bottom: 1px solid {BORDER}; }}
        QWidget#HistoryEmpty {{ background: white; border: 1px solid {BORDER}; border-radius: 6px; }}
        QLabel#EmptyTitle {{ font-size: 14pt; font-weight: 600; color: {INK}; }}
        QPushButton:disabled {{ color: #8A96A3; background: {SURFACE}; border-color: {BORDER}; }}
        QPushButton#PrimaryButton:disabled {{ color: white; background: #9BBBD3; border-color: #9BBBD3; }}
        """

    # --- filters ------------------------------------------------------------------------------
    def query(self) -> HistoryQuery:
        """The filters as typed; raises ValueError with a message when a date cannot be read."""
        try:
            date_from = self.date_from.value()
        except ValueError:
            raise ValueError(_("The “from” date is not a date: type it as DD/MM/YYYY.")) from None
        try:
            date_to = self.date_to.value()
        except ValueError:
            raise ValueError(_("The “to” date is not a date: type it as DD/MM/YYYY.")) from None
        if date_from and date_to and date_from > date_to:
            raise ValueError(_("The “from” date is after the “to” date."))
        return HistoryQuery(self.search.text(), date_from, date_to, self.procedure.currentData(),
                            self.status.currentData())

    @Slot()
    def clear_filters(self) -> None:
        for widget in (self.search, self.date_from, self.date_to, self.procedure, self.status):
            widget.blockSignals(True)
        self.search.clear()
        self.date_from.edit.clear()
        self.date_to.edit.clear()
        self.date_from.in_words.clear()
        self.date_to.in_words.clear()
        self.procedure.setCurrentIndex(0)
        self.status.setCurrentIndex(0)
        for widget in (self.search, self.date_from, self.date_to, self.procedure, self.status):
            widget.blockSignals(False)
        self.refresh()
        self.search.setFocus()

    @Slot()
    def _search_now(self) -> None:
        """Enter in the search field: search at once, then go to the list, ready for Enter to open."""
        self.refresh()
        if self.rows:
            self.table.setFocus()

    def eventFilter(self, watched, event) -> bool:
        # Down arrow from the search field goes to the list, as in any search box.
        if (watched is self.search and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Down and self.rows):
            self.table.setFocus()
            return True
        return super().eventFilter(watched, event)

    # --- results ------------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Searches the store with the current filters and shows what it found."""
        self.timer.stop()
        if self.searcher is None:
            return
        try:
            query = self.query()
        except ValueError as error:
            self.show_message(str(error), error=True)
            return
        selected = self.selected_row()
        try:
            rows, more = self.searcher.find(query)
        except StoreError as error:
            log.warning("the records could not be searched (%s)", getattr(error, "kind", type(error).__name__))
            self.rows, self.limit_reached = [], False
            self.model.removeRows(0, self.model.rowCount())
            self._show_empty(_("The records could not be read."), str(error), error=True)
            self.count_label.clear()
            self.hide_message()
            self._update_actions()
            return
        self.hide_message()
        self.rows, self.limit_reached = rows, more
        self._fill(rows, selected)
        if rows:
            self.results.setCurrentWidget(self.table)
        elif query.is_empty:
            self._show_empty(_("No consultation has been recorded yet."),
                             _("Consultations appear here from the moment they start."))
        else:
            self._show_empty(_("No consultation matches."),
                             _("Check the spelling of the name, type the whole identifier, or widen the dates."))
        if more:
            self.count_label.setText(_("Showing the {limit} most recent consultations found; there are more. "
                                       "Narrow the search to see the others.").format(limit=RESULT_LIMIT))
        else:
            found = ngettext("{count} consultation found", "{count} consultations found", len(rows))
            self.count_label.setText(found.format(count=len(rows)) if rows else "")
        self.count_label.setAccessibleName(self.count_label.text())

    def _addendum_stored(self) -> None:
        """A new addendum changes the row's state and its hospital record: the list reads them again."""
        self.refresh()
        self.show_message(_("The addendum is sealed and stored."))

    def _show_empty(self, title: str, hint: str, error: bool = False) -> None:
        """What stands in place of the list when it is empty, or when the store could not be read."""
        self.empty_title.setText(("\u26a0 " if error else "") + title)
        self.empty_title.setStyleSheet(f"color: {ERROR_INK};" if error else "")
        self.empty_hint.setText(hint)
        self.empty.setAccessibleName(title + " " + hint)
        self.retry_button.setVisible(error)
        self.results.setCurrentWidget(self.empty)

    def _sending(self, rows: list[HistoryRow]) -> dict[int, list]:
        """Each shown record's hospital outbox entries; none when they cannot be read (said in the cell). The
        current version of a consultation ("finalized") covers its whole chain: every version's and every
        addendum's documents (an addendum's entries name the version it follows)."""
        from consultaid.hospital.outbox import by_record

        record_ids = [row.record_id for row in rows if row.record_id is not None]
        if not record_ids:
            return {}
        try:
            entries = self.store.outbox(record_ids)
        except StoreError as error:
            log.warning("the hospital outbox could not be read (%s)", error.kind)
            return {}
        sending = by_record(entries)
        for row in rows:
            if row.record_id is not None and row.status == "finalized":
                sending[row.record_id] = [entry for entry in entries if entry.consultation_id == row.consultation_id]
        return sending

    def _status_width(self) -> int:
        """Room for the longest status the cell says: a withdrawal with a long date, in this language."""
        from consultaid.consultation.addendum import STATE_WORDS, WITHDRAWAL

        longest = _(STATE_WORDS[WITHDRAWAL]).format(date=format_long_date(date(2026, 9, 30), interface_language()))
        return self.fontMetrics().horizontalAdvance(longest) + 28

    def _status(self, row: HistoryRow) -> tuple[str, str]:
        """The Status cell's words and its ink: where the patient stands after the addenda ("Withdrawn on
        3 December 2026", "Confirmed on …"), else the row's status ("Finalized", "Corrected", …)."""
        from consultaid.consultation.addendum import WITHDRAWAL, chain, current_state, state_words

        words = _(STATUS_WORDS.get(row.status, row.status)), STATUS_INK.get(row.status, INK)
        if row.status != "finalized":
            return words
        try:
            addenda = self.store.addenda(row.consultation_id)
        except StoreError as error:
            log.warning("the addenda could not be read (%s)", error.kind)
            return words
        state = current_state(chain([], addenda))
        if state is None:
            return words
        ink = WARNING_INK if state.kind in (WITHDRAWAL, "declined") else SUCCESS_INK
        return state_words(state, lambda day: format_long_date(date.fromisoformat(day), interface_language())), ink

    def _fill(self, rows: list[HistoryRow], keep: HistoryRow | None) -> None:
        from consultaid.hospital.outbox import describe, record_state

        language = interface_language()
        self.model.removeRows(0, self.model.rowCount())
        self.sending = self._sending(rows)
        for row in rows:
            if row.is_draft:
                saved_date, saved_time = format_short_moment(row.moment, interface_language())
                tip = _("Not signed yet. Last saved on {date} at {time}.").format(date=saved_date, time=saved_time)
            else:
                signed_date, signed_time = format_short_moment(row.moment, interface_language())
                tip = _("Finalized on {date} at {time}.").format(date=signed_date, time=signed_time)
                if row.status == "corrected":
                    tip += " " + _("A later version corrects this record.")
            title = procedure_title(self.library, row.procedure_id, language)
            status_words, status_ink = self._status(row)
            cells = (
                (format_short_date(row.day, interface_language()), f"{row.day} {int(row.is_draft)} {row.moment}"),
                (row.patient_name, name_key(row.patient_name)),
                (row.identifier, row.identifier.casefold()),
                (title, title.casefold()),
                (status_words, STATUS_ORDER.get(row.status, 9)),
                ("\u2013" if row.version is None else str(row.version), row.version or 0),
                ("\u2013", 9) if row.record_id is None else
                (_(SENDING_WORDS[record_state(self.sending.get(row.record_id, []))]),
                 SENDING_ORDER[record_state(self.sending.get(row.record_id, []))]),
            )
            items = []
            for column, (text, sort_key) in enumerate(cells):
                item = QStandardItem(text)
                item.setData(sort_key, SORT_ROLE)
                # A narrow list elides the name and the procedure: their tooltip says them whole.
                item.setToolTip(f"{text}\n{tip}" if column in (PATIENT, PROCEDURE) else tip)
                item.setEditable(False)
                items.append(item)
            items[DATE].setData(row, ROW_ROLE)
            items[STATUS].setForeground(QColor(status_ink))
            items[VERSION].setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            if row.record_id is not None:
                state = record_state(self.sending.get(row.record_id, []))
                items[SENDING].setForeground(QColor(SENDING_INK[state]))
                items[SENDING].setToolTip(describe(self.sending.get(row.record_id, [])))
                items[SENDING].setAccessibleDescription(items[SENDING].toolTip())
            if row.is_draft:
                items[VERSION].setAccessibleText(_("not signed yet"))
            self.model.appendRow(items)
        head = self.table.horizontalHeader()
        self.table.sortByColumn(head.sortIndicatorSection(), head.sortIndicatorOrder())
        target = 0
        if keep is not None:
            for position in range(self.model.rowCount()):
                if self._row_at(position) == keep:
                    target = position
                    break
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(target, 0))
            self.table.selectRow(target)
        self._update_actions()

    def _row_at(self, position: int) -> HistoryRow | None:
        index = self.model.index(position, 0)
        return index.data(ROW_ROLE) if index.isValid() else None

    def shown_rows(self) -> list[HistoryRow]:
        """The rows in the order the list shows them."""
        return [self._row_at(position) for position in range(self.model.rowCount())]

    @Slot()
    def correct_selected(self) -> None:
        row = self.selected_row()
        if row is not None and not row.is_draft and row.status == "finalized":
            self.correction_requested.emit(row.record_id)

    def selected_row(self) -> HistoryRow | None:
        index = self.table.currentIndex()
        return self._row_at(index.row()) if index.isValid() else None

    def select(self, row: HistoryRow) -> None:
        for position in range(self.model.rowCount()):
            if self._row_at(position) == row:
                self.table.setCurrentIndex(self.model.index(position, 0))
                self.table.selectRow(position)
                return
        raise LookupError(row)

    @Slot()
    def _update_actions(self, *_args) -> None:
        row = self.selected_row()
        self.chain.show_for(row)
        self.open_button.setEnabled(row is not None and not row.is_draft)
        self.export_button.setEnabled(row is not None and not row.is_draft)
        # Only the latest version is corrected, so versions form one line: v1 → v2 → v3.
        self.correct_button.setEnabled(row is not None and not row.is_draft and row.status == "finalized")
        self.resume_button.setEnabled(row is not None and row.is_draft)
        failed = row is not None and row.record_id is not None and any(
            entry.state == "failed" for entry in self.sending.get(row.record_id, []))
        self.send_again_button.setEnabled(failed)
        if failed:   # why the hospital refused it, in full (the cell has room for one word)
            from consultaid.hospital.outbox import describe

            self.show_message(describe(self.sending[row.record_id]), error=True)
            self.sending_note = self.message.text()
        elif self.sending_note and self.message.text() == self.sending_note:
            self.hide_message()
        # The primary action follows the row: Enter resumes a draft or opens a record.
        self.resume_button.setObjectName("PrimaryButton" if row is not None and row.is_draft else "")
        self.open_button.setObjectName("" if row is not None and row.is_draft else "PrimaryButton")
        for button in (self.resume_button, self.open_button):
            button.style().unpolish(button)
            button.style().polish(button)

    @Slot()
    def send_again_selected(self) -> None:
        """The user's "Send again" for a record the hospital refused: due now, audited, then sent."""
        from consultaid.hospital.outbox import retry_record

        row = self.selected_row()
        if row is None or row.record_id is None:
            return
        try:
            count = retry_record(self.store, row.record_id)
        except StoreError as error:
            self.show_message(str(error), error=True)
            return
        self.refresh()
        if count:
            self.show_message(_("The record will be sent to the hospital again."))
            self.send_again_requested.emit()

    # --- messages -----------------------------------------------------------------------------
    def show_message(self, text: str, error: bool = False) -> None:
        show_note(self.message, text, error)

    def hide_message(self) -> None:
        self.message.clear()
        self.message.hide()

    # --- actions ------------------------------------------------------------------------------
    @Slot()
    def open_selected(self, *_args) -> None:
        """Enter, a double click or the button: resume a draft, open a signed record."""
        row = self.selected_row()
        if row is None:
            return
        if row.is_draft:
            self.resume_selected()
        else:
            self.open_record(row)

    def _stored_pdf(self, row: HistoryRow) -> bytes | None:
        try:
            _record, pdf = self.store.record(row.record_id)
        except KeyError:
            self.show_message(_("This record is no longer in the store."), error=True)
            return None
        except StoreError as error:
            self.show_message(str(error), error=True)
            return None
        except DatabaseError as error:
            self.show_message(_("The records could not be read: {reason}").format(reason=error), error=True)
            return None
        return pdf

    def open_record(self, row: HistoryRow) -> StoredRecordPreview | None:
        """The stored PDF, exactly as kept, in the preview (read-only: it only prints and saves)."""
        pdf = self._stored_pdf(row)
        if pdf is None:
            return None
        try:
            preview = StoredRecordPreview(self.store, row, pdf, parent=self.window())
        except Exception as error:   # PDFium could not read it: say so, keep the list
            log.warning("a stored PDF could not be shown (%s)", type(error).__name__)
            self.show_message(_("The stored PDF could not be shown: {reason}").format(reason=error), error=True)
            return None
        if self.preview is not None:
            self.preview.close()   # one preview at a time
        preview.choose_save_path = self.choose_save_path
        preview.choose_printer = self.choose_printer
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        preview.destroyed.connect(self._preview_gone)
        self.preview = preview
        self.hide_message()
        preview.open()
        self.preview_opened.emit(preview)
        return preview

    @Slot()
    def _preview_gone(self) -> None:
        self.preview = None

    @Slot()
    def export_selected(self) -> Path | None:
        """Export PDF… from the list: the stored bytes to a file, then an "export" audit entry."""
        row = self.selected_row()
        if row is None or row.is_draft:
            return None
        pdf = self._stored_pdf(row)
        if pdf is None:
            return None
        chosen = self.choose_save_path(self, str(documents_folder() / summary_file_name(row)))
        if not chosen:
            return None
        path = pdf_path(chosen)
        try:
            write_atomically(path, pdf, keep_mode=True)
        except OSError as error:
            log.warning("a stored record could not be exported (%s)", error.strerror or type(error).__name__)
            self.show_message(_("The summary was not saved to {path}: {error}").format(
                path=path, error=error.strerror or error), error=True)
            return None
        try:
            self.store.log("export", row.audit_subject)
        except StoreError as error:
            self.show_message(_("Saved to {path}, but the audit trail could not record it: {reason}").format(
                path=path, reason=error), error=True)
            return path
        self.show_message(_("Saved to {path}.").format(path=path))
        return path

    @Slot()
    def resume_selected(self) -> None:
        """Takes the draft up again where it was left; the window opens it."""
        from consultaid.consultation.session import Consultation
        from consultaid.ui.dialogs.open_elsewhere import READ_ONLY, TAKE_OVER, ask_about_lease

        row = self.selected_row()
        if row is None or not row.is_draft:
            return
        try:
            # Another room may have it open (clinic server): who, and read-only or take it over.
            choice = ask_about_lease(self.window(), self.store, row.consultation_id, row.patient_name)
            if choice not in (None, READ_ONLY, TAKE_OVER):
                return
            if choice == READ_ONLY:
                holder = self.store.draft_lease(row.consultation_id)
                record = self.store.load_draft(row.consultation_id)
            elif choice == TAKE_OVER:
                record = self.store.take_over_draft(row.consultation_id)
            else:
                record = self.store.resume_draft(row.consultation_id)
        except KeyError:
            self.refresh()
            self.show_message(_("This consultation is no longer among the drafts: it may have been signed "
                                "meanwhile."), error=True)
            return
        except StoreError as error:
            self.show_message(str(error), error=True)
            return
        try:
            consultation = Consultation.from_record(record)
        except (KeyError, ValueError, TypeError) as error:
            log.warning("a draft could not be resumed (%s)", type(error).__name__)  # its text may quote the record
            self.show_message(_("This consultation cannot be resumed: its saved data could not be read "
                                "({reason}).").format(reason=error), error=True)
            return
        self.hide_message()
        if choice == READ_ONLY:
            self.read_only_requested.emit(consultation, holder.workstation if holder else "")
            return
        self.resume_requested.emit(consultation)
