"""The summary's small building blocks (report/summary.py): headings kept with what follows, panels,
rules, an empty signature pad, long texts in pieces, the clinic's logo, and the sizes that keep long
content laid out (a table row or a paragraph taller than a page cannot be)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph

from consultaid.charts import palette

if TYPE_CHECKING:
    import os

    from reportlab.lib.styles import ParagraphStyle

LOGO_HEIGHT = 18 * mm         # the clinic's logo, top left of page 1

# Longer texts do not go into a table cell (a row taller than a page cannot be laid out): the cell shows
# their beginning and says so, and the whole text follows the table as ordinary paragraphs.
LONG_TEXT = 600
EXCERPT = 240
ESTIMATE_TEXTS = ("verbal", "group_text", "window_text", "source_title")   # an estimate's words, in table cells
TABLE_BLOCK = 40   # rows in one table of a long list (`tables`)
CHART_BLOCK = 20    # outcomes in one table of a long risk chart
TIMELINE_BLOCK = 40   # milestones in one drawing of a long recovery timeline
CHUNK = 1500   # characters in one paragraph piece of a long text (about a quarter of a page)


# ---- Small flowables ---------------------------------------------------------------------------------------

class Heading(Flowable):  # type: ignore[misc]  # reportlab has no type information
    """A section heading with a thin accent rule under it; always kept with what follows."""

    def __init__(self, text: str, style: ParagraphStyle, width: float) -> None:
        super().__init__()
        self.paragraph = Paragraph(text, style)
        self.style = style
        self.width = width
        self.keepWithNext = 1
        self.spaceBefore = style.spaceBefore
        self.spaceAfter = style.spaceAfter

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        _w, h = self.paragraph.wrap(available_width, available_height)
        self.height = h + 5
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        self.paragraph.drawOn(self.canv, 0, 5)
        self.canv.saveState()
        self.canv.setStrokeColor(HexColor(palette.ACCENT))
        self.canv.setLineWidth(1.2)
        self.canv.line(0, 1.5, min(self.width, 48), 1.5)
        self.canv.setStrokeColor(HexColor(palette.BORDER))
        self.canv.setLineWidth(0.5)
        self.canv.line(48, 1.5, self.width, 1.5)
        self.canv.restoreState()


class Callout(Flowable):  # type: ignore[misc]  # reportlab has no type information
    """Text on a light panel with an accent bar on its left (as the timeline's caption on screen)."""

    def __init__(self, text: str, style: ParagraphStyle, width: float, accent: bool = False) -> None:
        super().__init__()
        self.paragraph = Paragraph(text, style)
        self.width = width
        self.accent = accent

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        _w, h = self.paragraph.wrap(available_width - 22, available_height)
        self.height = h + 14
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        if self.height <= available_height:
            return []
        return [Paragraph(self.paragraph.text, self.paragraph.style)]   # too long for a panel: plain text

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(HexColor("#EAF3FA" if self.accent else palette.SURFACE))
        canvas.roundRect(0, 0, self.width, self.height, 3, stroke=0, fill=1)
        canvas.setFillColor(HexColor(palette.ACCENT))
        canvas.rect(0, 0, 3, self.height, stroke=0, fill=1)
        canvas.restoreState()
        self.paragraph.drawOn(canvas, 13, 7)


class Banner(Callout):
    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(HexColor(palette.WARNING_BG))
        canvas.setStrokeColor(HexColor(palette.WARNING_INK))
        canvas.setLineWidth(0.8)
        canvas.roundRect(0, 0, self.width, self.height, 3, stroke=1, fill=1)
        canvas.restoreState()
        self.paragraph.drawOn(canvas, 11, 7)


class Rule(Flowable):  # type: ignore[misc]  # reportlab has no type information
    """A thin line across the frame, between the entries of a large-print list."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, 6

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setStrokeColor(HexColor(palette.RULE))
        self.canv.setLineWidth(0.5)
        self.canv.line(0, 2, self.width, 2)
        self.canv.restoreState()


class EmptyPad(Flowable):  # type: ignore[misc]  # reportlab has no type information
    """Where a signature would be: the signature line only."""

    def __init__(self, width: float, height: float) -> None:
        super().__init__()
        self.width, self.height = width, height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setStrokeColor(HexColor(palette.BORDER))
        self.canv.setLineWidth(0.6)
        self.canv.setDash(3, 2)
        self.canv.line(0, self.height * 0.28, self.width, self.height * 0.28)
        self.canv.restoreState()


def chunks(text: str, size: int = CHUNK) -> list[str]:
    """`text` in consecutive pieces of at most `size` characters, for `SummaryDocument.flow`: lines are
    kept together while they fit; a longer line is cut after its last space within `size` (a sentence
    simply continues on the next line), or, in a text without spaces, after `size` characters."""
    if len(text) <= size:
        return [text]
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > size:
            cut = line.rfind(" ", size // 2, size) + 1 or size
            pieces += [current] if current else []
            current = ""
            pieces.append(line[:cut].rstrip(" "))
            line = line[cut:]
        if current and len(current) + 1 + len(line) > size:
            pieces.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    pieces += [current] if current else []
    return [piece for piece in pieces if piece.strip()] or [text[:size]]


def excerpt(text: str) -> str:
    """The beginning of a long text, cut at a word, with an ellipsis; a short text whole."""
    if len(text) <= EXCERPT:
        return text
    cut = text[:EXCERPT].rsplit(" ", 1)[0] if " " in text[:EXCERPT] else text[:EXCERPT]
    return f"{cut}…"


def attach_headings(story: list[Flowable]) -> list[Flowable]:
    """Moves each heading into the KeepTogether block that follows it. reportlab's keepWithNext does
    not reach into a KeepTogether, so without this a heading can be left alone at the foot of a page."""
    result: list[Flowable] = []
    pending: list[Flowable] = []
    for flowable in story:
        if getattr(flowable, "keepWithNext", 0) and not isinstance(flowable, KeepTogether):
            pending.append(flowable)
            continue
        if pending and isinstance(flowable, KeepTogether):
            flowable._content[:0] = pending
        else:
            result += pending
        pending = []
        result.append(flowable)
    return result + pending


def clinic_logo(logo_path: str | os.PathLike[str] | None, max_width: float,
                max_height: float = LOGO_HEIGHT) -> Flowable | None:
    """The clinic's logo image, its aspect kept, at most `max_height` high and `max_width` wide; None when
    there is no logo or it cannot be read (the summary is made without it)."""
    if not logo_path:
        return None
    try:
        with open(logo_path, "rb") as handle:
            data = handle.read()
        reader = ImageReader(io.BytesIO(data))
        pixels_w, pixels_h = reader.getSize()
        reader.getRGBData()   # decoded whole now: a damaged image must fail here, not halfway through the PDF
        if pixels_w <= 0 or pixels_h <= 0:
            return None
        scale = min(max_height / pixels_h, max_width / pixels_w)
        logo = Image(io.BytesIO(data), width=pixels_w * scale, height=pixels_h * scale)
        logo.hAlign = "LEFT"
        return logo
    except Exception:   # missing, unreadable or not an image: the summary matters more than the logo
        return None
