"""Step 5: everything that will go into the summary, with what was not discussed highlighted, and below it
the signatures and "Finalize summary" (consultaid/ui/widgets/signing_panel.py)."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget

from consultaid.consultation.review import ReviewItem, review_items
from consultaid.consultation.session import Consultation
from consultaid.i18n import _, ngettext
from consultaid.ui.services.style import ACCENT, BORDER, ERROR_INK, MUTED, SUCCESS_INK, WARNING_BG
from consultaid.ui.views.pages.common import escape, scrolled, vbox
from consultaid.ui.widgets.signing_panel import SigningPanel


class FittedBrowser(QTextBrowser):
    """A text browser exactly as tall as its text, so the page's own scroll area scrolls the review and the
    signatures below it as one (a second scroll bar inside the first would trap the wheel)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)

    def _fit(self, *_args) -> None:
        document = self.document()
        document.setTextWidth(self.viewport().width())
        margins = self.contentsMargins()
        height = math.ceil(document.size().height()) + margins.top() + margins.bottom()
        if height != self.height():
            self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()


class ReviewPage(QWidget):
    go_to_step = Signal(str)
    changed = Signal()

    def __init__(self, consultation: Consultation, parent=None):
        super().__init__(parent)
        self.consultation = consultation
        self._shown_html = None
        self.view = FittedBrowser()
        self.view.setOpenLinks(False)
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        self.view.setStyleSheet("QTextBrowser { border: none; }")   # it reads as part of the page
        self.view.setAccessibleName(_("Review of the consultation"))
        self.view.anchorClicked.connect(self._anchor_clicked)
        self.view.document().setDefaultStyleSheet(
            f"h1 {{ font-size: x-large; }} h2 {{ font-size: large; margin-top: 14px; }} a {{ color: {ACCENT}; }}")
        self.signing = SigningPanel(consultation)
        self.signing.changed.connect(self.changed)
        body = QWidget()
        column = vbox(body, margins=12, spacing=12)
        column.addWidget(self.view)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setStyleSheet(f"color: {BORDER};")
        column.addWidget(rule)
        column.addWidget(self.signing)
        column.addStretch(1)
        self.scroll = scrolled(body, _("Review and signatures"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)

    def on_shown(self) -> None:
        self.consultation.focus("review")
        self.refresh()

    def refresh(self) -> None:
        sections = review_items(self.consultation)
        parts = [f"<h1>{escape(_('Review before signing'))}</h1>"]
        missing = sum(1 for section in sections for item in section.items if item.discussed is False)
        if missing:
            warning = ngettext("{count} item not discussed yet: it is marked below.",
                               "{count} items not discussed yet: they are marked below.", missing).format(count=missing)
            parts.append(f"<p style='background:{WARNING_BG}; color:{ERROR_INK}; padding:6px'>"
                         f"\u26a0 {escape(warning)}</p>")
        else:
            parts.append(f"<p style='color:{SUCCESS_INK}'>\u2713 {escape(_('Everything has been discussed.'))}</p>")
        parts.append(f"<p style='color:{MUTED}'>{escape(_('The signatures are below the review.'))} "
                     f"<a href='signatures:'>{escape(_('Go to the signatures'))}</a></p>")
        for section in sections:
            link = (f" <span style='font-size: medium; font-weight: normal'>· <a href='step:{section.step}'>"
                    f"{escape(_('Go to this step'))}</a></span>") if section.step else ""
            parts.append(f"<h2>{escape(section.title)}{link}</h2>")
            if not section.items:
                parts.append(f"<p style='color:{MUTED}'>{escape(_('Nothing recorded.'))}</p>")
            parts.append("<ul>" + "".join(self._item_html(item) for item in section.items) + "</ul>")
        html = "".join(parts)
        if html != self._shown_html:  # laying the review out again costs more than building it
            self._shown_html = html
            self.view.setHtml(html)
        self.signing.refresh()

    @staticmethod
    def _item_html(item: ReviewItem) -> str:
        text = f"<b>{escape(item.label)}</b>"
        if item.detail:
            text += f" — {escape(item.detail)}"
        if item.discussed is True:
            return f"<li>\u2713 {text}</li>"
        if item.discussed is False:
            marker = escape(_("NOT DISCUSSED"))
            return f"<li style='color:{ERROR_INK}'>\u26a0 <b>{marker}</b>: {text}</li>"
        return f"<li>{text}</li>"

    @Slot()
    def show_signatures(self) -> None:
        """Scrolls the signatures into view and puts the keyboard on the first pad's name."""
        self.scroll.ensureWidgetVisible(self.signing, 0, 0)
        bar = self.scroll.verticalScrollBar()
        bar.setValue(min(bar.maximum(), self.signing.mapTo(self.scroll.widget(), self.signing.rect().topLeft()).y()))
        first = next(iter(self.signing.pads.values()))
        if not first.name.isReadOnly():
            first.name.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(QUrl)
    def _anchor_clicked(self, url: QUrl) -> None:
        target = url.toString()
        if target.startswith("step:"):
            self.go_to_step.emit(target.removeprefix("step:"))
        elif target.startswith("signatures:"):
            self.show_signatures()
