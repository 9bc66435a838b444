"""Step 3: the recovery timeline, with calendar dates once the surgery date is known, and an .ics export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from consultaid.consultation.recovery_dates import to_ics
from consultaid.consultation.session import Consultation
from consultaid.formatting import format_long_date
from consultaid.i18n import _
from consultaid.ui.views.pages.common import heading, paragraph, scrolled
from consultaid.ui.widgets.timeline_view import TimelineView


class RecoveryPage(QWidget):
    changed = Signal()

    def __init__(self, consultation: Consultation, parent=None):
        super().__init__(parent)
        self.consultation = consultation
        content = consultation.content
        surgery_date = consultation.setup.surgery_date
        self.timeline = TimelineView(list(content.milestones), content.language, surgery_date)
        for milestone_id, progress in consultation.milestones.items():
            self.timeline.set_discussed(milestone_id, progress.discussed)
        self.timeline.discussed_changed.connect(self._discussed)

        top = QHBoxLayout()
        top.addWidget(heading(_("Expected recovery")), 1)
        self.export_button = QPushButton(_("Calendar file (.ics)…"))
        self.export_button.setToolTip(_("Save the dates for the patient's calendar"))
        self.export_button.setAccessibleName(self.export_button.text())
        self.export_button.setAccessibleDescription(_("Save the recovery dates as a calendar file"))
        self.export_button.clicked.connect(self.export_calendar)
        self.export_button.setEnabled(surgery_date is not None)
        top.addWidget(self.export_button)
        if surgery_date is None:
            note = _("No surgery date yet: times are counted from the day of surgery.")
        else:
            note = _("Planned surgery date: {date}").format(date=format_long_date(surgery_date, content.language))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(paragraph(note, muted=True))
        layout.addWidget(scrolled(self.timeline, _("Recovery timeline")), 1)

    def _discussed(self, milestone_id: str, checked: bool) -> None:
        self.consultation.set_discussed("milestones", milestone_id, checked)
        self.changed.emit()

    def calendar_text(self) -> str:
        content = self.consultation.content
        return to_ics(list(content.milestones), self.consultation.setup.surgery_date, content.language,
                      title_prefix=content.title + ": ", uid_seed=self.consultation.id)

    @Slot()
    def export_calendar(self, path: str | None = None) -> Path | None:
        if path is None:
            path, _filter = QFileDialog.getSaveFileName(self, _("Save the recovery dates"),
                                                        "recovery.ics", _("Calendar files (*.ics)"))
        if not path:
            return None
        target = Path(path)
        try:
            target.write_text(self.calendar_text(), encoding="utf-8", newline="")
        except OSError as error:
            from consultaid.ui.services.messages import messages

            messages.inform(self, _("Could not save the calendar file"),
                            _("The file could not be written: {reason}").format(reason=error.strerror or error))
            return None
        return target

    def on_shown(self) -> None:
        self.consultation.focus("recovery")
