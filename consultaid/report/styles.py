"""The summary's typography: one calm family (DejaVu Sans), 10 pt body, clear headings, muted secondary text.
Nothing is set under 8 pt (issue 18: the patients who read it again at home are often in their seventies)."""

from __future__ import annotations

from functools import cache
from typing import Any

from consultaid.charts.palette import ACCENT, INK, MUTED
from consultaid.report.fonts import BOLD, ITALIC, REGULAR, register_fonts

BODY_SIZE = 10
BODY_LEADING = 14
SMALL_SIZE = 9.5
SMALL_LEADING = 12.5
TINY_SIZE = 9
TINY_LEADING = 11.5


@cache
def styles() -> dict[str, Any]:
    """Paragraph styles by name. splitLongWords and CJK-friendly wrapping keep any text inside the frame."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    ink, muted, accent = HexColor(INK), HexColor(MUTED), HexColor(ACCENT)
    base = ParagraphStyle("base", fontName=REGULAR, fontSize=BODY_SIZE, leading=BODY_LEADING, textColor=ink,
                          alignment=TA_LEFT, splitLongWords=1, allowWidows=0, allowOrphans=0,
                          wordWrap=None, spaceAfter=0, spaceBefore=0, bulletFontName=REGULAR,
                          bulletFontSize=BODY_SIZE)

    def style(name: str, **changes: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **changes)

    return {
        "body": style("body", spaceAfter=4),
        "body_tight": style("body_tight"),
        "answer": style("answer", spaceAfter=4, leftIndent=12),   # an answer, set in under its question
        "title": style("title", fontName=BOLD, fontSize=19, leading=24, spaceAfter=2),
        "subtitle": style("subtitle", fontSize=12.5, leading=17, textColor=accent, spaceAfter=8),
        "h1": style("h1", fontName=BOLD, fontSize=13.5, leading=18, spaceBefore=16, spaceAfter=6,
                    textColor=ink),
        "h2": style("h2", fontName=BOLD, fontSize=11, leading=15, spaceBefore=9, spaceAfter=3),
        "h3": style("h3", fontName=BOLD, fontSize=BODY_SIZE, leading=BODY_LEADING, spaceBefore=4, spaceAfter=1),
        "bullet": style("bullet", leftIndent=14, bulletIndent=3, spaceAfter=2),
        "small": style("small", fontSize=SMALL_SIZE, leading=SMALL_LEADING),
        "small_bold": style("small_bold", fontName=BOLD, fontSize=SMALL_SIZE, leading=SMALL_LEADING),
        "small_muted": style("small_muted", fontSize=SMALL_SIZE, leading=SMALL_LEADING, textColor=muted),
        "tiny": style("tiny", fontSize=TINY_SIZE, leading=TINY_LEADING),
        "tiny_muted": style("tiny_muted", fontSize=TINY_SIZE, leading=TINY_LEADING, textColor=muted),
        "label": style("label", fontSize=SMALL_SIZE, leading=SMALL_LEADING, textColor=muted),
        "value": style("value", fontSize=BODY_SIZE, leading=13),
        "box_heading": style("box_heading", fontName=BOLD, fontSize=SMALL_SIZE, leading=SMALL_LEADING,
                             textColor=accent),
        "note": style("note", fontName=ITALIC, fontSize=BODY_SIZE, leading=BODY_LEADING),
        "meaning": style("meaning", fontName=ITALIC, fontSize=BODY_SIZE, leading=BODY_LEADING),
        "caption": style("caption", fontSize=BODY_SIZE, leading=BODY_LEADING),
    }
