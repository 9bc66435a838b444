"""A signed record's stored PDF, read-only: the very bytes kept when it was signed, never drawn again.

Print and Save PDF… hand on exactly those bytes, and each success leaves an entry in the audit trail.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QLabel

from consultaid.consultation.record_search import HistoryRow, summary_file_name
from consultaid.consultation.store import StoreError
from consultaid.formatting import format_short_date, format_short_moment
from consultaid.i18n import _, interface_language
from consultaid.ui.dialogs.summary_preview import SummaryPreview
from consultaid.ui.services.style import BORDER, INK, SURFACE, WARNING_BG, WARNING_INK


class StoredRecordPreview(SummaryPreview):
    """A signed record's stored PDF. Print and Save PDF… act on those bytes (SummaryPreview never draws a
    page again) and each success is written to the audit trail as "print" or "export"."""

    printed = Signal(str)    # print job id
    exported = Signal(str)   # path of the file written

    def __init__(self, store, row: HistoryRow, pdf: bytes, parent=None):
        super().__init__(pdf, copies=1, title=f"ConsultAid summary {row.consultation_id[:8]}",
                         suggested_name=summary_file_name(row), parent=parent)
        self.store = store
        self.row = row
        self.audit_problem: str | None = None
        self.setWindowTitle(_("Stored record: {patient}, {date}").format(
            patient=row.patient_name, date=format_short_date(row.day, interface_language())))
        self.copies.setToolTip(_("How many copies to print"))
        signed_date, signed_time = format_short_moment(row.moment, interface_language())
        text = _("Stored record, version {version}, finalized on {date} at {time}: the exact PDF kept when it "
                 "was signed. It cannot be changed.").format(version=row.version, date=signed_date, time=signed_time)
        colour, background = INK, SURFACE
        if row.status == "corrected":
            text += " " + _("A later version corrects this record.")
            colour, background = WARNING_INK, WARNING_BG
        self.record_note = QLabel(("\u26a0 " if row.status == "corrected" else "") + text)
        self.record_note.setObjectName("RecordNote")
        self.record_note.setWordWrap(True)
        self.record_note.setAccessibleName(text)
        self.record_note.setStyleSheet(f"QLabel#RecordNote {{ color: {colour}; background: {background}; "
                                       f"border: 1px solid {BORDER}; border-radius: 6px; padding: 6px 10px; }}")
        self.layout().insertWidget(1, self.record_note)

    def _audit(self, action: str) -> None:
        try:
            self.store.log(action, self.row.audit_subject)
        except StoreError as error:
            self.audit_problem = str(error)
            self._report(_("Done, but the audit trail could not record it: {reason}").format(reason=error),
                         error=True)
        else:
            self.audit_problem = None

    @Slot()
    def print_summary(self) -> str | None:
        job = super().print_summary()
        if job is not None:
            self._audit("print")
            self.printed.emit(job)
        return job

    @Slot()
    def save_pdf(self) -> Path | None:
        path = super().save_pdf()
        if path is not None:
            self._audit("export")
            self.exported.emit(str(path))
        return path
