"""Step 5: everything that will go into the summary, with what was not discussed highlighted."""

from __future__ import annotations

from PySide6.QtCore import QUrl, Signal, Slot
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from consultaid.consultation.review import ReviewItem, review_items
from consultaid.consultation.session import Consultation
from consultaid.i18n import _
from consultaid.ui.pages.common import escape
from consultaid.ui.style import ACCENT, ERROR_INK, MUTED, SUCCESS_INK, WARNING_BG


class ReviewPage(QWidget):
    go_to_step = Signal(str)

    def __init__(self, consultation: Consultation, parent=None):
        super().__init__(parent)
        self.consultation = consultation
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.setAccessibleName(_("Review of the consultation"))
        self.view.anchorClicked.connect(self._anchor_clicked)
        self.view.document().setDefaultStyleSheet(
            f"h1 {{ font-size: x-large; }} h2 {{ font-size: large; margin-top: 14px; }} a {{ color: {ACCENT}; }}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def on_shown(self) -> None:
        self.consultation.focus("review")
        self.refresh()

    def refresh(self) -> None:
        parts = [f"<h1>{escape(_('Review before signing'))}</h1>"]
        missing = sum(1 for section in review_items(self.consultation) for item in section.items
                      if item.discussed is False)
        if missing:
            parts.append(f"<p style='background:{WARNING_BG}; color:{ERROR_INK}; padding:6px'>"
                         f"\u26a0 {escape(_('{count} item(s) not discussed yet: they are marked below.').format(count=missing))}"
                         "</p>")
        else:
            parts.append(f"<p style='color:{SUCCESS_INK}'>\u2713 {escape(_('Everything has been discussed.'))}</p>")
        for section in review_items(self.consultation):
            link = (f" <span style='font-size: medium; font-weight: normal'>· <a href='step:{section.step}'>"
                    f"{escape(_('Go to this step'))}</a></span>") if section.step else ""
            parts.append(f"<h2>{escape(section.title)}{link}</h2>")
            if not section.items:
                parts.append(f"<p style='color:{MUTED}'>{escape(_('Nothing recorded.'))}</p>")
            parts.append("<ul>" + "".join(self._item_html(item) for item in section.items) + "</ul>")
        self.view.setHtml("".join(parts))

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

    @Slot(QUrl)
    def _anchor_clicked(self, url: QUrl) -> None:
        target = url.toString()
        if target.startswith("step:"):
            self.go_to_step.emit(target.removeprefix("step:"))
