"""Right-to-left text (Arabic, Hebrew) for a left-to-right page: letters joined and runs in visual order.

reportlab lays text out left to right, one character after another, and without its optional
shaping libraries (uharfbuzz, rlbidi) an Arabic name would print as separate letters in reverse
order. For the names, places and short notes a summary may hold, two steps are enough:

- Arabic letters take their joined forms (initial, medial, final, isolated: Unicode's presentation
  forms, which DejaVu Sans has), with the lam-alef ligatures;
- each run of right-to-left text is reversed into visual order; numbers inside it keep their own
  left-to-right order.

The page's direction stays left to right (the summary is in English or French). A right-to-left run
longer than a line still wraps from its visual end: a known limit of this simple approach, fine for
names and short phrases. Text without right-to-left letters is returned unchanged.
"""

from __future__ import annotations

import re

# Base letter -> first presentation form, and how many forms it has: 4 (isolated, final, initial,
# medial: joins on both sides), 2 (isolated, final: joins only to the letter before it), 1 (never joins).
_FORMS = {
    0x0621: (0xFE80, 1), 0x0622: (0xFE81, 2), 0x0623: (0xFE83, 2), 0x0624: (0xFE85, 2), 0x0625: (0xFE87, 2),
    0x0626: (0xFE89, 4), 0x0627: (0xFE8D, 2), 0x0628: (0xFE8F, 4), 0x0629: (0xFE93, 2), 0x062A: (0xFE95, 4),
    0x062B: (0xFE99, 4), 0x062C: (0xFE9D, 4), 0x062D: (0xFEA1, 4), 0x062E: (0xFEA5, 4), 0x062F: (0xFEA9, 2),
    0x0630: (0xFEAB, 2), 0x0631: (0xFEAD, 2), 0x0632: (0xFEAF, 2), 0x0633: (0xFEB1, 4), 0x0634: (0xFEB5, 4),
    0x0635: (0xFEB9, 4), 0x0636: (0xFEBD, 4), 0x0637: (0xFEC1, 4), 0x0638: (0xFEC5, 4), 0x0639: (0xFEC9, 4),
    0x063A: (0xFECD, 4), 0x0641: (0xFED1, 4), 0x0642: (0xFED5, 4), 0x0643: (0xFED9, 4), 0x0644: (0xFEDD, 4),
    0x0645: (0xFEE1, 4), 0x0646: (0xFEE5, 4), 0x0647: (0xFEE9, 4), 0x0648: (0xFEED, 2), 0x0649: (0xFEEF, 2),
    0x064A: (0xFEF1, 4),
}
_LAM = 0x0644
_LAM_ALEF = {0x0622: 0xFEF5, 0x0623: 0xFEF7, 0x0625: 0xFEF9, 0x0627: 0xFEFB}   # isolated; +1 is final
_TATWEEL = 0x0640


def _transparent(code: int) -> bool:
    """Vowel marks sit on a letter and do not break its joining."""
    return 0x064B <= code <= 0x065F or code == 0x0670 or 0x06D6 <= code <= 0x06ED


def _joins_after(code: int | None) -> bool:
    """Can this letter join to the letter that follows it (on its left)?"""
    return code == _TATWEEL or (code in _FORMS and _FORMS[code][1] == 4)


def _joins_before(code: int | None) -> bool:
    return code == _TATWEEL or (code in _FORMS and _FORMS[code][1] >= 2)


def shape_arabic(text: str) -> str:
    """Arabic letters in their joined presentation forms (logical order kept)."""
    codes = [ord(ch) for ch in text]
    letters = [i for i, code in enumerate(codes) if not _transparent(code)]
    result = list(text)
    skip: set[int] = set()
    for position, index in enumerate(letters):
        code = codes[index]
        if code not in _FORMS or index in skip:
            continue
        before = codes[letters[position - 1]] if position > 0 else None
        after = codes[letters[position + 1]] if position + 1 < len(letters) else None
        joined_before = _joins_after(before) and _joins_before(code)
        if code == _LAM and after in _LAM_ALEF:
            ligature = _LAM_ALEF[after] + (1 if joined_before else 0)
            result[index] = chr(ligature)
            result[letters[position + 1]] = ""
            skip.add(letters[position + 1])
            continue
        joined_after = _joins_after(code) and _joins_before(after)
        first, count = _FORMS[code]
        if count == 4 and joined_before and joined_after:
            form = first + 3
        elif count == 4 and joined_after:
            form = first + 2
        elif count >= 2 and joined_before:
            form = first + 1
        else:
            form = first
        result[index] = chr(form)
    return "".join(result)


_RTL_CHARS = "\u0590-\u05FF\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF"
_HAS_RTL = re.compile(f"[{_RTL_CHARS}]")
# A right-to-left run: right-to-left letters, with the spaces, digits and light punctuation between them.
# Numbers right after it belong to it too (the Unicode bidi algorithm puts them at its left).
_RUN = re.compile(f"\\(?[{_RTL_CHARS}](?:[{_RTL_CHARS}0-9 \u00a0.,:;'\"()\\-–]*[{_RTL_CHARS}])?\\)?"
                  "(?:[ \u00a0]+[0-9]+(?:[.,:][0-9]+)*)*")
_NUMBER = re.compile(r"[0-9]+(?:[.,:][0-9]+)*")


def _mirror(ch: str) -> str:
    return {"(": ")", ")": "("}.get(ch, ch)


def _visual_run(run: str) -> str:
    """A right-to-left run reversed into visual order; its numbers still read left to right."""
    pieces = []
    position = 0
    for number in _NUMBER.finditer(run):
        pieces += [_mirror(ch) for ch in run[position:number.start()]]
        pieces.append(number.group())
        position = number.end()
    pieces += [_mirror(ch) for ch in run[position:]]
    return "".join(reversed(pieces))


def visual(text: str) -> str:
    """`text` (one paragraph, logical order) ready for a left-to-right layout engine."""
    if not _HAS_RTL.search(text):
        return text
    lines = []
    for line in text.split("\n"):
        shaped = shape_arabic(line)
        lines.append(_RUN.sub(lambda match: _visual_run(match.group()), shaped))
    return "\n".join(lines)
