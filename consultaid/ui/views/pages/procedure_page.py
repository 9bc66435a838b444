"""Step 1: the procedure explained section by section, with an illustration the surgeon can draw on."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QListWidget, QListWidgetItem, QSplitter, QWidget

from consultaid.consultation.session import Consultation
from consultaid.i18n import _
from consultaid.paths import resources_dir
from consultaid.ui.views.pages.common import escape, heading, paragraph, scrolled, vbox

SECTION_ROLE = Qt.ItemDataRole.UserRole
TICK, NO_TICK = "\u2713", "\u25cb"


class ProcedurePage(QWidget):
    changed = Signal()

    def __init__(self, consultation: Consultation, parent=None):
        super().__init__(parent)
        self.consultation = consultation
        self.sections = {section.id: section for section in consultation.content.sections}
        self.panels: dict[str, QWidget] = {}

        self.section_list = QListWidget()
        self.section_list.setAccessibleName(_("Sections of the explanation"))
        self.section_list.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 18)
        self.section_list.setWordWrap(True)
        self.section_list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.section_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for section in consultation.content.sections:
            item = QListWidgetItem()
            item.setData(SECTION_ROLE, section.id)
            self.section_list.addItem(item)
        self.section_list.currentItemChanged.connect(self._show_current)

        reading = QWidget()
        column = vbox(reading, margins=8, spacing=10)
        self.title = heading("")
        self.body = paragraph()
        self.body.setObjectName("Body")
        self.key_points = paragraph()
        self.discussed = QCheckBox(_("Discussed with the patient"))
        self.discussed.toggled.connect(self._discussed_toggled)
        column.addWidget(self.title)
        column.addWidget(self.body)
        column.addWidget(heading(_("Key points"), level=2))
        column.addWidget(self.key_points)
        column.addWidget(self.discussed)
        column.addStretch(1)

        self.illustration_holder = QWidget()
        self.illustration_layout = vbox(self.illustration_holder)
        self.no_illustration = paragraph(_("No illustration for this section."), muted=True)
        self.no_illustration.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.illustration_layout.addWidget(self.no_illustration)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.section_list)
        splitter.addWidget(scrolled(reading, _("Explanation of the section")))
        splitter.addWidget(self.illustration_holder)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 3)
        splitter.setSizes([self.section_list.minimumWidth() + 20, 520, 520])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._refresh_list()
        self.section_list.setCurrentRow(0)

    def current_section_id(self) -> str | None:
        item = self.section_list.currentItem()
        return item.data(SECTION_ROLE) if item is not None else None

    def select_section(self, section_id: str) -> None:
        for row in range(self.section_list.count()):
            if self.section_list.item(row).data(SECTION_ROLE) == section_id:
                self.section_list.setCurrentRow(row)

    def _refresh_list(self) -> None:
        for row in range(self.section_list.count()):
            item = self.section_list.item(row)
            section_id = item.data(SECTION_ROLE)
            done = self.consultation.sections[section_id].discussed
            item.setText(f"{TICK if done else NO_TICK}  {self.sections[section_id].title}")
            item.setToolTip(_("Discussed") if done else _("Not yet discussed"))
            # Spoken without the tick symbol (a reader says "white circle"), the status in words instead.
            item.setData(Qt.ItemDataRole.AccessibleTextRole, _("{title}, {status}").format(
                title=self.sections[section_id].title, status=_("discussed") if done else _("not yet discussed")))

    @Slot()
    def _show_current(self, *_items) -> None:
        section_id = self.current_section_id()
        if section_id is None:
            return
        section = self.sections[section_id]
        self.consultation.focus("procedure", section_id)
        self.title.setText(section.title)
        self.body.setText(section.body)
        self.key_points.setText("<ul>" + "".join(f"<li>{escape(point)}</li>" for point in section.key_points)
                                + "</ul>")
        self.discussed.blockSignals(True)
        # Its visible label, then which section it ticks: one tick serves every section in turn.
        self.discussed.setAccessibleName(_("Discussed with the patient: {section}").format(section=section.title))
        self.discussed.setChecked(self.consultation.sections[section_id].discussed)
        self.discussed.blockSignals(False)
        self._show_illustration(section_id, section.illustration)

    def _show_illustration(self, section_id: str, name: str | None) -> None:
        for panel in self.panels.values():
            panel.hide()
        self.no_illustration.setVisible(name is None)
        if name is None:
            return
        if section_id not in self.panels:
            from consultaid.ui.widgets.illustration_panel import IllustrationPanel

            panel = IllustrationPanel(resources_dir() / "illustrations" / name,
                                      self.consultation.ink.get(section_id))
            panel.setAccessibleName(_("Illustration you can draw on"))
            panel.changed.connect(lambda section_id=section_id: self._ink_changed(section_id))
            self.panels[section_id] = panel
            self.illustration_layout.addWidget(panel)
        self.panels[section_id].show()

    def _ink_changed(self, section_id: str) -> None:
        self.consultation.ink[section_id] = self.panels[section_id].drawing()
        self.changed.emit()

    @Slot(bool)
    def _discussed_toggled(self, checked: bool) -> None:
        section_id = self.current_section_id()
        if section_id is not None:
            self.consultation.set_discussed("sections", section_id, checked)
            self._refresh_list()
            self.changed.emit()

    def on_shown(self) -> None:
        self.consultation.focus("procedure", self.current_section_id())
