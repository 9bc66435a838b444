"""“How to use ConsultAid”: a short page of help, opened with F1 beside the window (never modal).

Every heading and paragraph is one translatable string with no markup; the page's HTML is built here
around the translated, escaped text, and the key names are put in as {placeholders}, so a translator
never sees a tag and a shortcut cannot be mistranslated.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from consultaid.i18n import _
from consultaid.ui.services.screen_fit import fit_to_screen
from consultaid.ui.widgets.ink_canvas import shortcut_text

# The keys the page names: plain key names, as the main window's tooltips write them.
KEYS = {
    "new": "Ctrl+N",
    "first": "Ctrl+1",
    "last": "Ctrl+5",
    "previous": "Ctrl+PgUp",
    "next": "Ctrl+PgDown",
    "records": "Ctrl+H",
    "bigger": "Ctrl++",
    "smaller": "Ctrl+-",
    "reset": "Ctrl+0",
    "help": "F1",
    "find": "Ctrl+F",
    "lock": "Ctrl+L",
}


def _keys() -> dict[str, str]:
    keys = dict(KEYS)
    keys["undo"] = shortcut_text(QKeySequence.StandardKey.Undo) or "Ctrl+Z"
    keys["redo"] = shortcut_text(QKeySequence.StandardKey.Redo) or "Ctrl+Shift+Z"
    return keys


def _sections() -> list[tuple[str, list[str]]]:
    """(heading, paragraphs), translated, with {key} placeholders still in them."""
    return [
        (_("Starting a consultation"), [
            _("Choose the procedure in the list on the left ({find} searches it), then press {new} or the "
              "Start consultation… button."),
            _("Fill in the surgeon, the patient, the patient's language, and the planned surgery date if it "
              "is known. Type dates as DD/MM/YYYY. A problem is explained next to its field, and the "
              "consultation starts only when everything is right. The surgeon is remembered for next time."),
        ]),
        (_("The five steps"), [
            _("The steps are always listed on the left, each with its status: Procedure, Benefits & risks, "
              "Recovery, Alternatives & questions, Review."),
            _("Press {first} to {last} to go straight to a step, and {previous} or {next} to go to the "
              "previous or the next one."),
        ]),
        (_("Explaining the procedure"), [
            _("Each section is written in plain language. Tick “Discussed with the patient” when you have "
              "gone through it: the summary lists the sections that were not discussed."),
            _("You can draw on the illustration with a mouse, a pen or a finger, in four colours. {undo} "
              "undoes the last stroke and {redo} brings it back. The drawing goes into the summary."),
        ]),
        (_("Benefits and risks"), [
            _("Every benefit and risk is shown as a number out of 1000 people, on one scale for all rows. "
              "A range is a striped band, and “fewer than” is a bracket. When a source gives no figure, the "
              "row says “not known”. Each source's figure has its own line, with who it applies to and when."),
            _("Choose a row (click it, or press Enter or the arrow keys on it) to see its details beside the "
              "overview: 1000 people with the people it happens to grouped together, then each source's "
              "figure with a close-up of small numbers on a log scale."),
            _("Tick “Discussed” on each row you went through; a note for this patient goes under the row's "
              "details. “Add a risk specific to this patient” opens a form for a risk that applies to this "
              "patient only."),
        ]),
        (_("Recovery"), [
            _("The timeline shows what to expect from the day of surgery, from hours to months. With a "
              "planned surgery date, each item also shows its calendar date. People recover at different "
              "rates: the timeline is a guide."),
            _("When the surgery date is known, “Calendar file (.ics)…” saves the dates as a file the patient can "
              "add to their calendar."),
        ]),
        (_("Alternatives, questions and decision"), [
            _("Go through the alternatives, including no treatment and its foreseeable consequences, and add "
              "others if needed. Write down the patient's questions and the answers given."),
            _("Teach-back is optional: ask the patient to say the key points back in their own words. Then "
              "record the patient's decision."),
        ]),
        (_("Signing and finalizing"), [
            _("On the Review step, check everything that will go into the summary; what was not discussed is "
              "marked. Then each person signs in their own box and enters their printed name. An "
              "interpreter or a witness can sign too."),
            _("The surgeon must sign. If the patient does not sign now, choose or type the reason: it is "
              "printed instead of the signature."),
            _("Finalize summary makes the PDF and stores it with the record. After that, the signatures can "
              "no longer be changed."),
        ]),
        (_("Printing and saving"), [
            _("The preview shows the real pages of the PDF. Print… sends exactly these pages to the printer; "
              "two copies are usual, one for the patient and one for the record. Save PDF… keeps a copy as a "
              "file."),
        ]),
        (_("Records"), [
            _("Press {records} or Records… to find past consultations by name, identifier or date. You can "
              "resume a draft, show and reprint a signed summary, or export its PDF."),
            _("A signed summary can never be changed. Correct… makes a new version linked to the old one, "
              "which is kept."),
        ]),
        (_("Locking the screen"), [
            _("After some minutes without use (5 unless changed in Settings), ConsultAid saves the "
              "consultation and hides the patient's information on every window, the patient screen "
              "included. Press {lock} to lock at once when you step out."),
            _("To go on, type the surgeon's PIN and press Unlock: everything is as you left it. Each surgeon "
              "sets a PIN in Settings, under Surgeons. Without a PIN, the lock still hides the information, "
              "but anyone can unlock it."),
        ]),
        (_("Presentation size"), [
            _("Press {bigger} to make everything bigger for the patient, {smaller} to make it smaller, and "
              "{reset} to go back to the normal size."),
        ]),
        (_("When something is not saved"), [
            _("The consultation is saved within a second of every change; the status bar says when. If it "
              "says “Not saved”, your work is still on screen: keep going, it is saved again at the next "
              "change."),
            _("If the signed summary could not be stored, save the PDF from the preview before you close "
              "the consultation. If the computer stops, ConsultAid offers to resume the consultation when it "
              "starts again."),
            _("If the problem goes on, tell your IT support."),
        ]),
        (_("Help"), [
            _("Press {help} to open this page again."),
        ]),
    ]


def help_html() -> str:
    """The whole page: escaped translated text, key names in bold."""
    keys = {name: f"<b>{escape(key)}</b>" for name, key in _keys().items()}

    def text(paragraph: str) -> str:
        return escape(paragraph, quote=False).format(**keys)

    parts = [f"<h2>{escape(_('How to use ConsultAid'))}</h2>"]
    for heading, paragraphs in _sections():
        parts.append(f"<h3>{escape(heading)}</h3>")
        parts += [f"<p>{text(paragraph)}</p>" for paragraph in paragraphs]
    return "\n".join(parts)


class HelpDialog(QDialog):
    """The help page; closed with Close or Esc, and left open beside the window while working."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setModal(False)
        self.setWindowModality(Qt.WindowModality.NonModal)
        fit_to_screen(self, 640, 720)
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.buttons)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Words in the current interface language (it may have changed since the page was made)."""
        title = _("How to use ConsultAid")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.browser.setAccessibleName(_("Help text"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self.browser.setHtml(help_html())


_dialog: HelpDialog | None = None


def show_help(parent: QWidget | None = None) -> HelpDialog:
    """Show the help page without blocking the window; the same page is raised on every later call."""
    global _dialog
    from shiboken6 import isValid

    if _dialog is None or not isValid(_dialog) or (parent is not None and _dialog.parentWidget() is not parent):
        _dialog = HelpDialog(parent)
    else:
        _dialog.refresh()
    _dialog.show()
    _dialog.raise_()
    _dialog.activateWindow()
    return _dialog
