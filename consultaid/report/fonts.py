"""The summary's fonts: DejaVu Sans embedded from resources/fonts, plus system fallbacks for what it lacks.

Why DejaVu Sans: a free licence that allows embedding (resources/fonts/DejaVu-LICENSE.txt), and one
family that covers Latin with every accent, Greek, Cyrillic, Armenian, Georgian, Hebrew and Arabic
letters, so nearly any patient's or surgeon's name prints. It has no Chinese, Japanese or Korean,
and no Indic or Thai letters: for those, a font already installed on the workstation is used, run by
run, for just the characters DejaVu lacks (WenQuanYi Zen Hei, Droid Sans Fallback, AR PL UMing or
any TrueType font fontconfig offers for CJK). Noto Sans CJK is an OpenType/CFF font, which reportlab
cannot embed: it is tried and skipped. A character no font has prints as an empty box; it never
stops the summary from being made. `CONSULTAID_FALLBACK_FONTS` (font files separated by the path
separator; empty for none) replaces the search, for tests and for clinics that ship their own font.

Every font is embedded as a subset: the PDF never depends on the fonts of the machine that opens it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from consultaid.paths import resources_dir

if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

REGULAR = "ConsultAidSans"
BOLD = "ConsultAidSans-Bold"
ITALIC = "ConsultAidSans-Oblique"
FONT_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", ITALIC: "DejaVuSans-Oblique.ttf"}
# The regular face under a second name: for a character the bold or oblique face lacks but the
# regular one has (DejaVu's bold and oblique cover fewer scripts). A separate name, because mapping
# the regular font into a second family would rewrite reportlab's reverse mapping of it.
PLAIN_ALIAS = "ConsultAidSans-Plain"
FALLBACK_ENV = "CONSULTAID_FALLBACK_FONTS"
MAX_FALLBACKS = 4

# TrueType (glyf) fonts with CJK, at their Debian / Fedora / macOS / Windows places.
KNOWN_FALLBACKS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/unfonts-core/UnDotum.ttf",
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "C:/Windows/Fonts/msgothic.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/malgun.ttf",
)
FONTCONFIG_LANGUAGES = ("zh-cn", "ja", "ko", "zh-tw", "th", "hi")


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


@cache
def register_fonts() -> None:
    """Registers the embedded family once per process: <b> and <i> in paragraphs map onto it."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, file in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(fonts_dir() / file)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD)


@cache
def _coverage(font_name: str) -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    return frozenset(pdfmetrics.getFont(font_name).face.charToGlyph)


def _fontconfig_candidates() -> list[str]:
    """What fontconfig would use for CJK (and Thai, Hindi) here; fc-match answers even without a match."""
    if shutil.which("fc-match") is None:
        return []
    found = []
    for language in FONTCONFIG_LANGUAGES:
        try:
            result = subprocess.run(["fc-match", "-f", "%{file}", f":lang={language}"], capture_output=True,
                                    text=True, timeout=5)
        except (OSError, subprocess.SubprocessError):
            continue
        if result.returncode == 0 and result.stdout.strip():
            found.append(result.stdout.strip())
    return found


def _candidate_files() -> list[str]:
    override = os.environ.get(FALLBACK_ENV)
    if override is not None:
        return [part for part in override.split(os.pathsep) if part]
    return [path for path in KNOWN_FALLBACKS if os.path.isfile(path)] + _fontconfig_candidates()


def _register_family(name: str, font: TTFont) -> None:
    from reportlab.pdfbase import pdfmetrics

    pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)


@cache
def plain_alias() -> str:
    from reportlab.pdfbase.ttfonts import TTFont

    register_fonts()
    _register_family(PLAIN_ALIAS, TTFont(PLAIN_ALIAS, str(fonts_dir() / FONT_FILES[REGULAR])))
    return PLAIN_ALIAS


@cache
def fallback_fonts() -> tuple[str, ...]:
    """The system fonts used for characters DejaVu lacks, registered on first need (searching costs a
    few subprocess calls, so a summary written entirely in DejaVu's scripts never searches)."""
    from reportlab.pdfbase.ttfonts import TTFont

    register_fonts()
    embedded = {os.path.realpath(fonts_dir() / file) for file in FONT_FILES.values()}
    names: list[str] = []
    seen: set[str] = set()
    for path in _candidate_files():
        real = os.path.realpath(path)
        if real in seen or real in embedded or "dejavu" in os.path.basename(real).lower():
            continue
        seen.add(real)
        name = f"ConsultAidFallback{len(names) + 1}"
        try:
            # PostScript-outline fonts (Noto CJK .otf/.ttc) are refused here: reportlab embeds only TrueType.
            _register_family(name, TTFont(name, path, subfontIndex=0))
        except Exception:  # noqa: BLE001 - any unreadable or unsupported font is simply not used
            continue
        names.append(name)
        if len(names) >= MAX_FALLBACKS:
            break
    return tuple(names)


def font_for(character: str, font_name: str) -> str:
    """The font that draws `character` in text set in `font_name`: that font if it has the glyph, else
    the regular face, else the first fallback that has it, else `font_name` (an empty box)."""
    code = ord(character)
    if code in _coverage(font_name):
        return font_name
    if font_name != REGULAR and code in _coverage(REGULAR):
        return plain_alias()
    for name in fallback_fonts():
        if code in _coverage(name):
            return name
    return font_name


def runs(text: str, font_name: str = REGULAR) -> list[tuple[str, str]]:
    """`text` cut into (font, chunk) runs, each chunk drawable in its font."""
    register_fonts()
    covered = _coverage(font_name)
    result: list[tuple[str, str]] = []
    for character in text:
        name = font_name if ord(character) in covered or character in " \n" else font_for(character, font_name)
        if result and result[-1][0] == name:
            result[-1] = (name, result[-1][1] + character)
        else:
            result.append((name, character))
    return result


def clean(text: str | None) -> str:
    """Text as a paragraph can take it: no control characters but line breaks; tabs become spaces."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or (ord(ch) >= 32 and not 0x7F <= ord(ch) < 0xA0)
                   and not 0xD800 <= ord(ch) <= 0xDFFF and ch not in "\uFFFE\uFFFF")


def prepare(text: str | None) -> str:
    """Cleaned text with right-to-left runs joined and in visual order (see rtl.py)."""
    from consultaid.report.rtl import visual

    return visual(clean(text))


def markup(text: str | None, font_name: str = REGULAR) -> str:
    """Paragraph markup for plain `text` set in `font_name`: escaped, line breaks kept, and each run of
    characters the font lacks wrapped in the font that has them."""
    parts = []
    for name, chunk in runs(prepare(text), font_name):
        escaped = escape(chunk).replace("\n", "<br/>")
        parts.append(escaped if name == font_name else f'<font face="{name}">{escaped}</font>')
    return "".join(parts)


def text_width(text: str, font_name: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width: float = sum(stringWidth(chunk, name, size) for name, chunk in runs(prepare(text), font_name))
    return width


def draw_text(canvas: Canvas, x: float, y: float, text: str, font_name: str, size: float, align: str = "left") -> float:
    """Draws one line on a canvas, switching fonts per run; `align` is left, centre or right of x.
    Returns the width drawn."""
    width = text_width(text, font_name, size)
    text = prepare(text).replace("\n", " ")
    if align == "right":
        x -= width
    elif align == "centre":
        x -= width / 2
    from reportlab.pdfbase.pdfmetrics import stringWidth

    for name, chunk in runs(text, font_name):
        canvas.setFont(name, size)
        canvas.drawString(x, y, chunk)
        x += stringWidth(chunk, name, size)
    return width


def fit_text(text: str, font_name: str, size: float, width: float) -> str:
    """`text` cut with an ellipsis to fit `width` (for running headers only; the body always wraps)."""
    text = clean(text).replace("\n", " ")
    if text_width(text, font_name, size) <= width:
        return text
    # The longest prefix that fits with its ellipsis, found by doubling then halving: each width costs a
    # pass over the prefix, so trimming one character at a time was quadratic (55 s for a 5,000-character
    # name), and doubling first keeps a huge text from being measured far beyond what a line can hold.
    def fits_with_ellipsis(length: int) -> bool:
        return text_width(text[:length] + "…", font_name, size) <= width

    fits, too_long = 0, 1
    while too_long < len(text) and fits_with_ellipsis(too_long):
        fits, too_long = too_long, min(2 * too_long, len(text))
    while too_long - fits > 1:
        middle = (fits + too_long) // 2
        if fits_with_ellipsis(middle):
            fits = middle
        else:
            too_long = middle
    return text[:fits].rstrip() + "…"
