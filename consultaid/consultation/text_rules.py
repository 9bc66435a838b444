"""What a text typed or pasted into the consultation may hold, and how long it may be. No Qt.

Every text of a consultation ends up in the sealed PDF/A summary (its XMP metadata is XML) and in the
JSON record. XML cannot hold Unicode noncharacters (U+FFFE, U+FFFF, U+FDD0..U+FDEF, the last two code
points of every plane) nor lone surrogates, and control characters have no printed form: one pasted
U+FFFF in a patient name made finalizing impossible. And a text far longer than any consultation needs
(an 8,000-character risk label, a megabyte note) cannot be laid out, or takes minutes to.

The limits are well above what a real consultation writes, so they only stop pasted accidents:
- a person's name: 200 characters (the longest names of civil registers are under 150);
- an identifier (hospital number, registration number): 100 (real ones are under 30);
- a short label (title, clinic, side/level, indication, interpreter's language, an alternative, a
  patient-specific risk): 300, two full lines of the summary;
- a question: 1,000 (a long spoken question is a few sentences);
- a note or an answer: 5,000, about a whole printed page.

The start form, the consultation pages and the record loader (render) all apply these rules, so a text
the app accepts is always one it can seal.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from consultaid.i18n import _


@dataclass(frozen=True)
class TextRule:
    limit: int
    multiline: bool = False   # newlines (and tabs) allowed: notes and answers

    def problem(self, text: str) -> str | None:
        """What is wrong with `text` for this kind of field, worded for the user; None when it is fine."""
        if len(text) > self.limit:  # first: a pasted megabyte is not read character by character
            return _("Too long: at most {limit} characters (now {count}).").format(limit=self.limit, count=len(text))
        for character in text:
            message = _character_problem(character, self.multiline)
            if message:
                return message
        return None

    def accepts(self, text: str) -> bool:
        return self.problem(text) is None


NAME = TextRule(200)
IDENTIFIER = TextRule(100)
LABEL = TextRule(300)
QUESTION = TextRule(1000)
NOTE = TextRule(5000, multiline=True)


def is_noncharacter(code: int) -> bool:
    """U+FDD0..U+FDEF and U+xFFFE / U+xFFFF of every plane: never text, refused by XML."""
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _character_problem(character: str, multiline: bool) -> str | None:
    code = ord(character)
    if 0xD800 <= code <= 0xDFFF or is_noncharacter(code):
        return _("Contains a character that is not text (U+{code:04X}): type or paste the text again.").format(
            code=code)
    if unicodedata.category(character) == "Cc" and not (multiline and character in "\n\t"):
        if character in "\n\r":
            return _("Only one line here: remove the line break.")
        return _("Contains an invisible control character (U+{code:04X}): type or paste the text again.").format(
            code=code)
    return None
