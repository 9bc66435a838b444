"""The summary's typography: one calm family (DejaVu Sans), clear headings, muted secondary text, in two sizes.

Standard print: body 10 pt, nothing under 8 pt (issue 18: the patients who read it again at home are often
in their seventies). Large print (issue 18 item 2, chosen per consultation): body and chart words 16 pt,
headings larger, scale labels, legends and table headers 14 pt, the footer's reference lines 12 pt; the same
paragraphs set bigger, reflowed, not a page scaled up (a scaled page would keep the standard line length and
print off the paper).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from consultaid.charts.palette import ACCENT, INK, MUTED
from consultaid.report.fonts import BOLD, ITALIC, REGULAR, register_fonts


@dataclass(frozen=True)
class Typography:
    """The sizes (points) of one print size. `small` and `tiny` are table, legend and chart text; `footer` the
    page's reference lines (document id, page X of Y, content pack)."""

    body: float
    leading: float
    small: float
    small_leading: float
    tiny: float
    tiny_leading: float
    title: float
    title_leading: float
    subtitle: float
    subtitle_leading: float
    h1: float
    h1_leading: float
    h2: float
    h2_leading: float
    footer: float
    status: float      # "✓ Discussed" after a title


STANDARD = Typography(body=10, leading=14, small=9.5, small_leading=12.5, tiny=10, tiny_leading=12.5, title=19,
                      title_leading=24, subtitle=12.5, subtitle_leading=17, h1=13.5, h1_leading=18, h2=11,
                      h2_leading=15, footer=8.0, status=9)
LARGE = Typography(body=16, leading=22, small=16, small_leading=22, tiny=14, tiny_leading=19, title=28,
                   title_leading=34, subtitle=19, subtitle_leading=25, h1=21, h1_leading=27, h2=18, h2_leading=24,
                   footer=12.0, status=14)

# Kept for the callers that name the standard sizes.
BODY_SIZE, BODY_LEADING = STANDARD.body, STANDARD.leading
SMALL_SIZE, SMALL_LEADING = STANDARD.small, STANDARD.small_leading
TINY_SIZE, TINY_LEADING = STANDARD.tiny, STANDARD.tiny_leading


def typography(large: bool = False) -> Typography:
    return LARGE if large else STANDARD


@cache
def styles(large: bool = False) -> dict[str, Any]:
    """Paragraph styles by name, standard or large print. splitLongWords and CJK-friendly wrapping keep any
    text inside the frame."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    t = typography(large)
    gap = t.body / 10   # the standard spacings, grown with the type
    ink, muted, accent = HexColor(INK), HexColor(MUTED), HexColor(ACCENT)
    base = ParagraphStyle("base", fontName=REGULAR, fontSize=t.body, leading=t.leading, textColor=ink,
                          alignment=TA_LEFT, splitLongWords=1, allowWidows=0, allowOrphans=0,
                          wordWrap=None, spaceAfter=0, spaceBefore=0, bulletFontName=REGULAR,
                          bulletFontSize=t.body)

    def style(name: str, **changes: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **changes)

    return {
        "body": style("body", spaceAfter=4 * gap),
        "body_tight": style("body_tight"),
        "answer": style("answer", spaceAfter=4 * gap, leftIndent=12 * gap),   # an answer, under its question
        "title": style("title", fontName=BOLD, fontSize=t.title, leading=t.title_leading, spaceAfter=2 * gap),
        "subtitle": style("subtitle", fontSize=t.subtitle, leading=t.subtitle_leading, textColor=accent,
                          spaceAfter=8 * gap),
        "h1": style("h1", fontName=BOLD, fontSize=t.h1, leading=t.h1_leading, spaceBefore=16 * gap,
                    spaceAfter=6 * gap, textColor=ink),
        "h2": style("h2", fontName=BOLD, fontSize=t.h2, leading=t.h2_leading, spaceBefore=9 * gap,
                    spaceAfter=3 * gap),
        "h3": style("h3", fontName=BOLD, fontSize=t.body, leading=t.leading, spaceBefore=4 * gap,
                    spaceAfter=1 * gap),
        "bullet": style("bullet", leftIndent=14 * gap, bulletIndent=3 * gap, spaceAfter=2 * gap),
        "small": style("small", fontSize=t.small, leading=t.small_leading),
        "small_bold": style("small_bold", fontName=BOLD, fontSize=t.small, leading=t.small_leading),
        "small_muted": style("small_muted", fontSize=t.small, leading=t.small_leading, textColor=muted),
        "tiny": style("tiny", fontSize=t.tiny, leading=t.tiny_leading),
        "tiny_muted": style("tiny_muted", fontSize=t.tiny, leading=t.tiny_leading, textColor=muted),
        "label": style("label", fontSize=t.small, leading=t.small_leading, textColor=muted),
        "value": style("value", fontSize=t.body, leading=t.leading - 1),
        "box_heading": style("box_heading", fontName=BOLD, fontSize=t.small, leading=t.small_leading,
                             textColor=accent),
        "note": style("note", fontName=ITALIC, fontSize=t.body, leading=t.leading),
        "meaning": style("meaning", fontName=ITALIC, fontSize=t.body, leading=t.leading),
        "caption": style("caption", fontSize=t.body, leading=t.leading),
    }
