"""The records view's consent chain: the selected consultation's summary versions and addenda as a timeline
(summary → corrected → confirmed → withdrawn), each openable as its exact stored PDF, the current state in
words ("Withdrawn on …"), and the two actions that add an addendum (consultation/addendum.py).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from consultaid.consultation.addendum import (
    CONFIRMATION,
    WITHDRAWAL,
    Addendum,
    ChainEntry,
    SummaryLink,
    chain,
    current_state,
    entry_words,
    latest_summary,
    may_confirm,
    state_words,
)
from consultaid.consultation.record_search import HistoryRow
from consultaid.consultation.store import DatabaseError, StoreError
from consultaid.formatting import format_long_date, format_short_date
from consultaid.i18n import _, interface_language
from consultaid.ui.dialogs.summary_preview import SummaryPreview

log = logging.getLogger(__name__)


def _long_date(iso: str) -> str:
    return format_long_date(date.fromisoformat(iso[:10]), interface_language())


class AddendumPreview(SummaryPreview):
    """A stored addendum's exact PDF; printing and saving it are audited like a stored summary's."""

    def __init__(self, store: Any, entry: ChainEntry, consultation_id: str, pdf: bytes,
                 parent: QWidget | None = None):
        super().__init__(pdf, copies=1, title=f"ConsultAid addendum {consultation_id[:8]}",
                         suggested_name=f"consultaid-addendum-{entry.moment[:10]}-{consultation_id[:8]}-"
                                        f"{entry.number}.pdf", parent=parent)
        self.store = store
        self.subject = f"{consultation_id} addendum {entry.number}"
        self.setWindowTitle(_("Stored addendum: {what}").format(what=entry_words(entry)))
        note = QLabel(_("{what}, made on {date}: the exact PDF kept when it was sealed. It cannot be changed.")
                      .format(what=entry_words(entry), date=_long_date(entry.moment)))
        note.setWordWrap(True)
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(1, note)
        self.handed_out.connect(lambda action: self.store.log(action, self.subject))


class ConsentChain(QFrame):
    """Under the records list: the chain of the selected consultation, and Confirm… / Record a withdrawal…"""

    changed = Signal()     # an addendum was stored
    open_summary = Signal(object)   # a HistoryRow of the summary version to open

    def __init__(self, store: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ConsentChain")
        self.store = store
        self.row: HistoryRow | None = None
        self.entries: list[ChainEntry] = []
        self.summary: dict[str, Any] | None = None
        self.dialog: Any = None
        self.preview: AddendumPreview | None = None
        self.state = QLabel()
        self.state.setObjectName("ChainState")
        self.state.setStyleSheet("QLabel#ChainState { font-weight: 600; }")
        self.timeline = QHBoxLayout()
        self.timeline.setSpacing(4)
        self.entry_buttons: list[QPushButton] = []
        self.confirm_button = QPushButton(_("Confirm on the day…"))
        self.confirm_button.setAccessibleName(_("Confirm on the day…: the patient still wishes to go ahead; a "
                                                "sealed addendum"))
        self.confirm_button.clicked.connect(lambda: self.start(CONFIRMATION))
        self.withdraw_button = QPushButton(_("Record a withdrawal…"))
        self.withdraw_button.setAccessibleName(_("Record a withdrawal…: the patient withdraws; a sealed addendum"))
        self.withdraw_button.clicked.connect(lambda: self.start(WITHDRAWAL))
        top = QHBoxLayout()
        top.addWidget(self.state, 1)
        top.addWidget(self.confirm_button)
        top.addWidget(self.withdraw_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(self.timeline)
        self.hide()

    # --- what is shown ----------------------------------------------------------------------------
    def show_for(self, row: HistoryRow | None) -> None:
        self.row = row
        if row is None or row.is_draft or self.store is None:
            self.hide()
            return
        try:
            self.entries = chain(self.store.versions(row.consultation_id), self.store.addenda(row.consultation_id))
            latest = latest_summary(self.entries)
            self.summary = self.store.record(latest.record_id)[0] if latest is not None else None
        except (StoreError, DatabaseError, KeyError) as error:
            log.warning("the consent chain could not be read (%s)", type(error).__name__)
            self.hide()
            return
        self._fill()
        self.show()

    def _fill(self) -> None:
        while self.timeline.count():
            item = self.timeline.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.entry_buttons = []
        for position, entry in enumerate(self.entries):
            if position:
                arrow = QLabel("\u2192")
                arrow.setAccessibleName(_("then"))
                self.timeline.addWidget(arrow)
            text = f"{entry_words(entry)} · {format_short_date(entry.moment[:10], interface_language())}"
            button = QPushButton(text)
            button.setAccessibleName(_("Open {what}").format(what=text))
            button.setToolTip(_("Open its exact stored PDF"))
            button.clicked.connect(lambda _checked=False, entry=entry: self.open_entry(entry))
            self.entry_buttons.append(button)
            self.timeline.addWidget(button)
        self.timeline.addStretch(1)
        state = current_state(self.entries)
        words = state_words(state, _long_date) if state is not None else ""
        self.state.setText(_("Current state: {state}").format(state=words))
        self.state.setAccessibleName(self.state.text())
        withdrawn = state is not None and state.kind in (WITHDRAWAL, "declined")
        self.confirm_button.setEnabled(self.summary is not None and may_confirm(self.summary, self.entries))
        self.withdraw_button.setEnabled(self.summary is not None and not withdrawn)

    # --- opening -------------------------------------------------------------------------------------
    def open_entry(self, entry: ChainEntry) -> None:
        if self.row is None:
            return
        if entry.record_id is not None:
            versions = {row.id: row for row in self.store.versions(self.row.consultation_id)}
            self.open_summary.emit(HistoryRow.from_record(versions[entry.record_id]))
            return
        try:
            _record, pdf = self.store.addendum(entry.addendum_id)
        except (StoreError, KeyError) as error:
            self.state.setText(str(error))
            return
        if self.preview is not None:
            self.preview.close()
        self.preview = AddendumPreview(self.store, entry, self.row.consultation_id, pdf, parent=self.window())
        self.preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.preview.destroyed.connect(self._preview_gone)
        self.preview.open()

    @Slot()
    def _preview_gone(self) -> None:
        self.preview = None

    # --- adding ------------------------------------------------------------------------------------
    def start(self, kind: str) -> None:
        from consultaid.report.addendum import key_facts
        from consultaid.ui.dialogs.addendum_dialog import AddendumDialog

        latest = latest_summary(self.entries)
        if self.summary is None or latest is None or latest.version is None:
            return
        link = SummaryLink(latest.record_id or 0, latest.version, latest.pdf_sha256)
        addendum = Addendum(kind, self.summary, link, key_facts(self.summary))
        self.dialog = AddendumDialog(self.store, addendum, parent=self.window())
        self.dialog.made.connect(self._made)
        self.dialog.open()

    @Slot(int)
    def _made(self, _row_id: int) -> None:
        self.show_for(self.row)
        self.changed.emit()
