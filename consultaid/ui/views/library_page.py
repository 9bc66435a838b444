"""The procedure library: the procedures in the chosen patient language, and any pack that failed to load."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from consultaid.content.library import ContentLibrary, PackListing
from consultaid.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, _, ngettext
from consultaid.ui.services.screen_fit import fit_to_screen

if TYPE_CHECKING:
    from consultaid.content.model import ProcedurePack

# Qt.ItemDataRole.UserRole. The first screen never touches PySide6's `Qt` namespace: building its
# hundred-odd enum classes costs about 15 ms, a tenth of a cold start (benchmarks/README.md).
PACK_ROLE = 256


class BrokenPacksBanner(QFrame):
    """Says which packs could not be loaded and why, without hiding the ones that did."""

    def __init__(self, library: ContentLibrary, parent=None):
        from PySide6.QtCore import Qt  # only when a pack is broken: see PACK_ROLE

        super().__init__(parent)
        self.setObjectName("Banner")
        self.library = library
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        names = ", ".join(broken.folder.name for broken in library.broken)
        first = library.broken[0].problems[0] if library.broken and library.broken[0].problems else None
        text = ngettext("{count} procedure pack could not be loaded and is not shown: {names}.",
                        "{count} procedure packs could not be loaded and are not shown: {names}.",
                        len(library.broken)).format(
            count=len(library.broken), names=names)
        if first is not None:
            text += " " + _("First problem: {file}, line {line}: {message}").format(
                file=first.file.name, line=first.line, message=first.message)
        self.message = QLabel(text)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        details = QPushButton(_("Details…"))
        details.setAccessibleName(_("Show every problem in the broken packs"))
        details.clicked.connect(self.show_details)
        layout.addWidget(self.message, 1)
        layout.addWidget(details, 0, Qt.AlignmentFlag.AlignTop)

    @Slot()
    def show_details(self) -> None:
        # Imported here: importing a PySide6 class builds its enum classes, and the first screen has no dialog.
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit

        dialog = QDialog(self)
        dialog.setWindowTitle(_("Packs that could not be loaded"))
        fit_to_screen(dialog, 820, 420)
        layout = QVBoxLayout(dialog)
        report = QPlainTextEdit(dialog)
        report.setReadOnly(True)
        report.setPlainText("\n".join(str(problem) for broken in self.library.broken for problem in broken.problems))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(report)
        layout.addWidget(buttons)
        dialog.open()


class PackOverview(QScrollArea):
    """What a procedure pack holds, in one language: enough to choose it (the consultation comes next)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName(_("About the selected procedure"))
        self.setWidgetResizable(True)
        body = QWidget()
        body.setObjectName("OverviewBody")
        self.layout_ = QVBoxLayout(body)
        self.layout_.setContentsMargins(24, 16, 24, 16)
        self.layout_.setSpacing(10)
        self.title = QLabel()
        self.title.setObjectName("PackTitle")
        self.title.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.meta = QLabel()
        self.meta.setObjectName("Meta")
        self.meta.setWordWrap(True)
        self.contents = QLabel()
        self.contents.setWordWrap(True)
        # Rich text is recognised from the leading <h3> (Qt.TextFormat.AutoText): see PACK_ROLE.
        for widget in (self.title, self.summary, self.meta, self.contents):
            self.layout_.addWidget(widget)
        self.layout_.addStretch(1)
        self.setWidget(body)

    def show_pack(self, listing: PackListing | None, language: str) -> None:
        """The overview of a listed pack, from its listing alone: no pack is built to be shown here."""
        if listing is None:
            self.title.setText(_("No procedure selected"))
            for label in (self.summary, self.meta, self.contents):
                label.clear()
            return
        about = listing.about[language]
        self.title.setText(listing.title(language))
        self.summary.setText(listing.summary(language))
        self.meta.setText(_("Content pack {id}, version {version}, fingerprint {fingerprint}").format(
            id=listing.id, version=listing.version, fingerprint=listing.short_fingerprint))
        sections = "".join(f"<li>{_escape(title)}</li>" for title in about["sections"])
        sources = "".join(f"<li>{_escape(text)} <i>({_escape(file)})</i></li>" for text, file in about["sources"])
        risks, benefits, milestones = listing.counts
        counts = _("{risks} risks, {benefits} benefits, {milestones} recovery milestones").format(
            risks=risks, benefits=benefits, milestones=milestones)
        html = f"<h3>{_escape(_('Explanation'))}</h3><ol>{sections}</ol><p>{_escape(counts)}</p>"
        if about["reviews"]:
            notes = "".join(f"<li>{_escape(note)}</li>" for note in about["reviews"])
            html += "<h3>{}</h3><p>{}</p><ul>{}</ul>".format(
                _escape(_("For the surgeon to review")),
                _escape(ngettext("{count} point where the sources disagree or look doubtful.",
                                 "{count} points where the sources disagree or look doubtful.",
                                 len(about["reviews"])).format(
                    count=len(about["reviews"]))), notes)
        html += f"<h3>{_escape(_('Sources'))}</h3><ul>{sources}</ul>"
        self.contents.setText(html)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class LibraryPage(QWidget):
    """Everything on the first screen. Built in the interface language of the moment: switching language
    builds a new one (all state lives in the library and the window, none in these widgets)."""

    start_requested = Signal()
    records_requested = Signal()

    def __init__(self, library: ContentLibrary, content_language: str, parent=None):
        super().__init__(parent)
        self.library = library
        self.content_language = content_language
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 16, 20, 16)
        outer.setSpacing(12)

        header = QHBoxLayout()
        titles = QVBoxLayout()
        title = QLabel(_("ConsultAid"))
        title.setObjectName("AppTitle")
        tagline = QLabel(_("Choose the procedure to discuss with your patient."))
        tagline.setObjectName("AppTagline")
        titles.addWidget(title)
        titles.addWidget(tagline)
        header.addLayout(titles, 1)
        header.addWidget(QLabel(_("Patient language:")))
        self.language_buttons = QButtonGroup(self)
        for language in SUPPORTED_LANGUAGES:
            button = QPushButton(LANGUAGE_NAMES[language])
            button.setCheckable(True)
            button.setAccessibleName(_("Show procedures in {language}").format(language=LANGUAGE_NAMES[language]))
            button.setProperty("language", language)
            button.setChecked(language == content_language)
            self.language_buttons.addButton(button)
            header.addWidget(button)
        self.language_buttons.buttonClicked.connect(self.on_language_clicked)
        outer.addLayout(header)

        self.banner = BrokenPacksBanner(library) if library.broken else None
        if self.banner is not None:
            outer.addWidget(self.banner)

        splitter = QSplitter()  # horizontal
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(_("PROCEDURES"))
        heading.setObjectName("SectionHeading")
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search procedures…"))
        self.search.setAccessibleName(_("Search procedures"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh_list)
        self.procedures = QListWidget()
        self.procedures.setAccessibleName(_("Procedures"))
        self.procedures.currentItemChanged.connect(self.on_current_changed)
        self.empty_note = QLabel()
        self.empty_note.setObjectName("Meta")
        self.empty_note.setWordWrap(True)
        left_layout.addWidget(heading)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.procedures, 1)
        left_layout.addWidget(self.empty_note)
        self.overview = PackOverview()
        splitter.addWidget(left)
        splitter.addWidget(self.overview)
        splitter.setSizes([380, 800])
        outer.addWidget(splitter, 1)
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.records_button = QPushButton(_("Records…"))
        self.records_button.setAccessibleName(self.records_button.text())
        self.records_button.setAccessibleDescription(_("Find past consultations, drafts and signed summaries"))
        self.records_button.setToolTip(_("Ctrl+H"))
        self.records_button.clicked.connect(self.records_requested)
        actions.addWidget(self.records_button)
        self.start_button = QPushButton(_("Start consultation…"))
        self.start_button.setObjectName("PrimaryButton")
        self.start_button.setAccessibleName(self.start_button.text())
        self.start_button.setAccessibleDescription(_("Start a consultation with the selected procedure"))
        self.start_button.setToolTip(_("Ctrl+N"))
        self.start_button.clicked.connect(self.start_requested)
        actions.addWidget(self.start_button)
        outer.addLayout(actions)
        self.refresh_list()

    @Slot(QPushButton)
    def on_language_clicked(self, button) -> None:
        self.set_content_language(button.property("language"))

    def set_content_language(self, language: str) -> None:
        self.content_language = language
        for button in self.language_buttons.buttons():
            button.setChecked(button.property("language") == language)
        self.refresh_list()

    @Slot()
    def refresh_list(self) -> None:
        wanted = self.search.text().strip().casefold()
        current = self.current_listing()
        self.procedures.clear()
        for pack in self.library.in_language(self.content_language):
            title, summary = pack.title(self.content_language), pack.summary(self.content_language)
            if wanted and wanted not in (title + " " + summary + " " + pack.id).casefold():
                continue
            item = QListWidgetItem(title)
            item.setData(PACK_ROLE, pack.id)
            item.setToolTip(summary)
            self.procedures.addItem(item)
            if current is not None and pack.id == current.id:
                self.procedures.setCurrentItem(item)
        if self.procedures.count() and self.procedures.currentItem() is None:
            self.procedures.setCurrentRow(0)
        if not self.procedures.count():
            self.overview.show_pack(None, self.content_language)
        self.empty_note.setText("" if self.procedures.count() else (
            _("No procedure matches your search.") if wanted else _("No procedure is available in this language.")))

    def current_listing(self) -> PackListing | None:
        item = self.procedures.currentItem()
        return self.library.listing(item.data(PACK_ROLE)) if item is not None else None

    def current_pack(self) -> ProcedurePack | None:
        """The selected pack, built (the first time it is asked for: when a consultation starts)."""
        listing = self.current_listing()
        return self.library.get(listing.id) if listing is not None else None

    @Slot()
    def on_current_changed(self, *_items) -> None:
        listing = self.current_listing()
        if listing is not None:
            self.overview.show_pack(listing, self.content_language)

    def wrap_long_titles(self) -> None:
        """Long titles wrap instead of a sideways scroll bar; called when the presentation size grows, not
        when the first screen is built (Qt's enum namespace costs a tenth of a cold start; see
        tests/test_startup_order.py)."""
        from PySide6.QtCore import Qt

        self.procedures.setWordWrap(True)
        self.procedures.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.procedures.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
