"""Tagged PDF from reportlab: every flowable's drawing becomes marked content of a structure element, and
everything else (page header and footer, rules, panels, table backgrounds) an artifact. No Qt.

reportlab (open-source 4.x/5.x) writes no marked content and no structure tree. This module adds both
without touching the summary's flowables one by one, so any flowable the summary uses, now or later,
is covered:

- `TaggedDocTemplate` (a BaseDocTemplate) gives its canvas a `Tagger`; `TaggingCanvas` (the canvas
  class to derive from) turns each page's recorded regions into `BDC`/`EMC` when the page is written.
- Every `Flowable.drawOn` on such a canvas goes through the tagger (a hook installed once on
  reportlab's Flowable and on its paragraph bullet; on any other canvas they behave exactly as
  before). The role comes from the flowable: a Paragraph's style name gives H1-H6 or P (`HEADING_RANKS`,
  heading levels never skip), a bulleted paragraph an item of a list (L > LI > Lbl + LBody), a Table
  with repeated header rows, or marked by `with_row_headers` (a panel of label: value rows), a table
  (Table > TR > TH/TD, header cells with Scope Column or Row, spans with ColSpan/RowSpan) through
  reportlab's own table render callback, a flowable with an
  `alternative_text` a Figure (charts, illustrations, signatures), and any other flowable a group whose
  own drawing is decoration while the paragraphs it draws are tagged.
- The drawing itself is never changed: regions are noted in the canvas's code stream as empty markers
  and replaced, when the page is written, by `/Role <</MCID n>> BDC ... EMC` around what paints
  (text, paths, images) and `/Artifact BMC ... EMC` around painting outside any content. A marked
  sequence never crosses a q/Q pair.

The record (`DocumentStructure`: elements in drawing order, which is the reading order, and the element
of each MCID of each page) is written into the archival PDF by `report/structure_tree.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Paragraph, Table
from reportlab.platypus import paragraph as paragraph_module

from consultaid.i18n import N_, translate
from consultaid.report.structure_tree import DocumentStructure, MarkedContentRef, StructureElement

# A paragraph style's name (before any "_suffix" of a clone) -> its heading rank; other styles are P.
HEADING_RANKS = {"title": 1, "h1": 2, "h2": 3, "h3": 4}
LIST_STYLES = ("bullet",)
# The pieces of one long paragraph the summary cuts for speed (SummaryDocument.flow) end in these.
CONTINUED_PIECES = ("_middle", "_last")
OPENING_PIECES = ("_first", "_middle")
SEAL_DESCRIPTION = N_("Electronic seal of this summary (see consultaid verify)")
# The attribute `with_row_headers` sets on a reportlab Table: how many of each row's first cells are headers.
HEADER_COLUMNS = "consultaid_header_columns"

# PDF operators that put marks on the page (ISO 32000-1, table 51 and 9.4): what must be tagged or
# marked as an artifact. A text object (BT ... ET) is one entry of reportlab's code list.
PAINTING = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "BI", "BT"})


class _Region:
    """Part of a page's drawing. A leaf's painting is its element's content; a group's own painting
    (outside the leaves inside it) is decoration, an artifact."""

    def __init__(self, element: StructureElement | None) -> None:
        self.element = element


class _Marker(str):
    """An empty entry of the canvas's code list that opens or closes a region (replaced at page end)."""

    region: _Region
    opens: bool


def _marker(region: _Region, opens: bool) -> _Marker:
    marker = _Marker("")
    marker.region, marker.opens = region, opens
    return marker


def with_row_headers(table: Table, columns: int = 1) -> Table:
    """`table`, marked as a data table whose first `columns` cells of each row are header cells for that row
    (TH with Scope Row): a panel of labels and values, such as an addendum's parties."""
    setattr(table, HEADER_COLUMNS, columns)
    return table


class Tagger:
    """Builds the structure while the document draws, in drawing order. `seal_description` names the seal's
    form field for people (the summary's by default)."""

    def __init__(self, language: str, seal_description: str | None = None) -> None:
        description = translate(SEAL_DESCRIPTION, language) if seal_description is None else seal_description
        self.structure = DocumentStructure(language, seal_description=description)
        self.containers = [self.structure.root]   # where new elements go
        self.in_leaf = 0              # > 0 while a leaf draws: what it draws inside is its content
        # The open headings as (style rank, level): a heading closes those of its rank or lower, and goes one
        # level below the one it is under, so levels never skip and a document without an "h1" style (the
        # addendum: title, then h2 parts) still gets H1 > H2 > H3 > H2.
        self.open_headings: list[tuple[int, int]] = []
        self.pending_label: StructureElement | None = None   # the Lbl of the list item drawing now
        self.continued: StructureElement | None = None       # a paragraph whose next piece may follow
        self.continued_style: Any = None     # a split paragraph's style: its second part has the same
        self.last_table: tuple[StructureElement, list[Any]] | None = None   # a data table and its header cells

    # ---- regions --------------------------------------------------------------------------------------
    @contextmanager
    def region(self, canvas: Canvas, element: StructureElement | None, leaf: bool) -> Iterator[None]:
        region = _Region(element if leaf else None)
        canvas._code.append(_marker(region, True))
        self.in_leaf += leaf
        try:
            yield
        finally:
            self.in_leaf -= leaf
            canvas._code.append(_marker(region, False))

    @contextmanager
    def container(self, element: StructureElement | None) -> Iterator[None]:
        """New elements go into `element` (None: where they went before) while this lasts."""
        if element is None:
            yield
            return
        self.containers[-1].add(element)
        self.containers.append(element)
        try:
            yield
        finally:
            self.containers.pop()

    # ---- flowables ------------------------------------------------------------------------------------
    def draw(self, flowable: Flowable, canvas: Canvas, draw: Callable[[], None]) -> None:
        """Draws `flowable` (by `draw()`) inside the regions its role needs."""
        if isinstance(flowable, Paragraph):
            self.draw_paragraph(flowable, canvas, draw)
        elif isinstance(flowable, Table):
            self.draw_table(flowable, canvas, draw)
        elif isinstance(getattr(flowable, "alternative_text", None), str) and flowable.alternative_text.strip():
            figure = StructureElement("Figure", alt=" ".join(flowable.alternative_text.split()))
            self.containers[-1].add(figure)
            self.continued = None
            with self.region(canvas, figure, leaf=True):
                draw()
        else:
            with self.region(canvas, None, leaf=False):
                draw()

    def draw_paragraph(self, paragraph: Paragraph, canvas: Canvas, draw: Callable[[], None]) -> None:
        name = paragraph.style.name
        base = name.split("_", 1)[0]
        bullet = getattr(paragraph, "bulletText", None)
        if base in LIST_STYLES or bullet:
            item = StructureElement("LI")
            self.list_element().add(item)
            self.pending_label = item.add(StructureElement("Lbl")) if bullet else None
            element = item.add(StructureElement("LBody"))
        elif self.continued is not None and self.containers[-1].kids[-1:] == [self.continued] and (
                name.endswith(CONTINUED_PIECES) or paragraph.style is self.continued_style):
            element = self.continued     # the next piece of the same paragraph, or its part on the next page
        elif base in HEADING_RANKS:
            element = self.containers[-1].add(StructureElement(f"H{self.heading_level(HEADING_RANKS[base])}"))
        else:
            element = self.containers[-1].add(StructureElement("P"))
        # reportlab marks the first part of a paragraph it split between pages with _splitpara.
        split = bool(getattr(paragraph, "_splitpara", 0))
        self.continued = element if (name.endswith(OPENING_PIECES) or split) and element.role != "LBody" else None
        self.continued_style = paragraph.style if split else None
        try:
            with self.region(canvas, element, leaf=True):
                draw()
        finally:
            self.pending_label = None

    def heading_level(self, rank: int) -> int:
        """The level (1-6) of a heading of style rank `rank` coming next."""
        while self.open_headings and self.open_headings[-1][0] >= rank:
            self.open_headings.pop()
        level = min(6, self.open_headings[-1][1] + 1 if self.open_headings else 1)
        self.open_headings.append((rank, level))
        return level

    def list_element(self) -> StructureElement:
        """The list the next item belongs to: the one just before it, or a new one."""
        container = self.containers[-1]
        last = container.kids[-1] if container.kids else None
        if isinstance(last, StructureElement) and last.role == "L":
            return last
        return container.add(StructureElement("L"))

    def draw_bullet(self, canvas: Canvas, draw: Callable[[], float]) -> float:
        label, self.pending_label = self.pending_label, None
        if label is None:
            return draw()
        result = 0.0
        with self.region(canvas, label, leaf=True):
            result = draw()
        return result

    def draw_table(self, table: Table, canvas: Canvas, draw: Callable[[], None]) -> None:
        """A table with repeated header rows, or with row headers (`with_row_headers`), holds data: Table >
        TR > TH/TD. Any other table only places things side by side (the title page's panels, a signature
        beside its words, a legend): its cells' contents are tagged in reading order, row by row, with no
        table around them."""
        repeat = getattr(table, "repeatRows", 0)
        # reportlab also takes a list of row numbers to repeat; the summary never does, and such a table
        # is treated as placing only.
        data = repeat if isinstance(repeat, int) else 0
        header_columns = int(getattr(table, HEADER_COLUMNS, 0))
        self.continued = None
        header = [cell for row in table._cellvalues[:data] for cell in row]
        last = self.last_table
        # The part of a table reportlab continued on the next page, or the next block of a long table, has
        # the very same header cells: it continues the same Table, its repeated header is an artifact.
        repeated = bool(data and last is not None and self.containers[-1].kids[-1:] == [last[0]]
                        and len(header) == len(last[1]) and any(not isinstance(cell, str) for cell in header)
                        and all(cell is before for cell, before in zip(header, last[1], strict=True)))
        element = (last[0] if repeated and last is not None
                   else StructureElement("Table") if data or header_columns else None)
        cells = _TableCells(self, table, canvas, data, repeated, header_columns)
        table._renderCB = cells.callback   # reportlab's own hook around each row and cell
        if element is not None and repeated:
            self.containers.append(element)
        with self.container(None if repeated else element), self.region(canvas, None, leaf=False):
            draw()
        if element is not None and repeated:
            self.containers.pop()
        cells.finish()
        self.last_table = (element, header) if element is not None else None


class _TableCells:
    """reportlab's render callback for one table: opens TR and TH/TD around each row and cell drawn."""

    def __init__(self, tagger: Tagger, table: Table, canvas: Canvas, header_rows: int, repeated: bool,
                 header_columns: int = 0) -> None:
        self.tagger, self.table, self.canvas, self.header_rows = tagger, table, canvas, header_rows
        self.header_columns = header_columns
        self.data = bool(header_rows or header_columns)   # else the table only places its cells
        self.repeated = repeated   # its header rows repeat those of the part before: artifacts
        self.open: list[Any] = []   # context managers entered for the current row and cell
        self.row = 0

    def skipped(self, row: int) -> bool:
        return self.repeated and row < self.header_rows

    def callback(self, table: Table, event: str, *args: Any) -> None:
        if event == "startRow" and self.data:
            self.row = int(args[0])
            if not self.skipped(self.row):
                self.enter(self.tagger.container(StructureElement("TR")))
        elif event == "endRow" and self.data:
            if not self.skipped(self.row):
                self.leave()
        elif event == "startCell":
            if self.data and self.skipped(int(args[0])):
                self.enter(self.tagger.region(self.canvas, None, leaf=True))   # drawn, but not read again
            else:
                self.start_cell(args[0], args[1], args[2])
        elif event == "endCell":
            self.leave()

    def start_cell(self, row: int, column: int, value: Any) -> None:
        text_cell = not isinstance(value, (list, tuple, Flowable))
        if not self.data:   # placing only: a cell's words are a paragraph of their own
            if text_cell and str(value).strip():
                element = self.tagger.containers[-1].add(StructureElement("P"))
                self.enter(self.tagger.region(self.canvas, element, leaf=True))
            else:
                self.enter(self.tagger.region(self.canvas, None, leaf=False))
            return
        column_header, row_header = row < self.header_rows, column < self.header_columns
        cell = StructureElement("TH" if column_header or row_header else "TD")
        if column_header or row_header:
            cell.table_attributes["Scope"] = "Column" if column_header else "Row"
        spans = getattr(self.table, "_spanRanges", None) or {}
        span = spans.get((column, row))
        if span is not None:
            first_column, first_row, last_column, last_row = span
            if last_column > first_column:
                cell.table_attributes["ColSpan"] = last_column - first_column + 1
            if last_row > first_row:
                cell.table_attributes["RowSpan"] = last_row - first_row + 1
        self.tagger.containers[-1].add(cell)
        if text_cell:
            self.enter(self.tagger.region(self.canvas, cell, leaf=True))
        else:
            self.tagger.containers.append(cell)
            self.open.append(_Pop(self.tagger))

    def enter(self, manager: Any) -> None:
        manager.__enter__()
        self.open.append(manager)

    def leave(self) -> None:
        if self.open:
            self.open.pop().__exit__(None, None, None)

    def finish(self) -> None:
        while self.open:
            self.leave()
        self.table._renderCB = None


class _Pop:
    """Ends a table cell that holds flowables: new elements go back to the row."""

    def __init__(self, tagger: Tagger) -> None:
        self.tagger = tagger

    def __exit__(self, *exception: object) -> None:
        self.tagger.containers.pop()


# ---- the page's code: regions -> marked content ---------------------------------------------------------

def _operators(entry: str) -> tuple[bool, int]:
    """Whether a code entry paints, and how many graphics states it restores (Q) beyond those it saves (q).
    A text object paints and never holds q or Q (its strings might hold the letters)."""
    if entry == "q":
        return False, -1
    if entry == "Q":
        return False, 1
    if entry.lstrip().startswith("BT"):
        return True, 0
    tokens = entry.split()
    return not PAINTING.isdisjoint(tokens), tokens.count("Q") - tokens.count("q")


def mark_page(code: list[str], page: int, structure: DocumentStructure) -> list[str]:
    """`code` (one page, reportlab's entries) with the region markers replaced by marked content: what
    paints inside a leaf region in its element's `BDC`/`EMC` (MCIDs from 0 in page order, noted in the
    element and in `structure.page_parents`), any other painting in `/Artifact BMC`/`EMC`.

    A sequence starts where its stretch of drawing starts (at the marker, before the flowable's q and
    cm), so one flowable is one sequence however many shapes it draws; it is closed at the next marker,
    or before a Q that would end the graphics state it was opened in (marked content and q/Q must nest)."""
    out: list[str] = []
    regions: list[_Region] = []
    parents: list[StructureElement] = []
    depth = 0
    open_depth = -1          # -1: no sequence open; else the q depth it was opened at
    start, start_depth = 0, 0   # where a sequence for the current stretch would begin in `out`

    def close() -> None:
        nonlocal open_depth, start, start_depth
        if open_depth >= 0:
            out.append("EMC")
        open_depth = -1
        start, start_depth = len(out), depth

    def open_sequence() -> None:
        nonlocal open_depth
        element = regions[-1].element if regions else None
        if element is None:
            operator = "/Artifact BMC"
        else:
            mcid = len(parents)
            parents.append(element)
            element.kids.append(MarkedContentRef(page, mcid))
            operator = f"/{element.role} <</MCID {mcid}>> BDC"
        out.insert(start, operator)
        open_depth = start_depth

    for entry in code:
        if isinstance(entry, _Marker):
            if entry.opens:
                regions.append(entry.region)
            else:
                regions.pop()
            close()
            continue
        paints, restores = _operators(entry)
        if open_depth >= 0 and restores > 0 and depth - restores < open_depth:
            close()
        if open_depth < 0 and paints:
            open_sequence()
        out.append(entry)
        depth -= restores
        if open_depth < 0 and restores > 0:
            start, start_depth = len(out), depth
    close()
    structure.page_parents.append(parents)
    return out


class TaggingCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type information
    """A canvas that writes each page's regions as marked content (derive the document's canvas from it)."""

    tagger: Tagger | None = None
    _code: list[str]    # reportlab's list of the current page's content-stream entries

    def showPage(self) -> None:   # noqa: N802 - reportlab's name
        if self.tagger is not None:
            self._code = mark_page(self._code, len(self.tagger.structure.page_parents), self.tagger.structure)
        super().showPage()


class TaggedDocTemplate(BaseDocTemplate):  # type: ignore[misc]
    """A BaseDocTemplate that tags what it draws; after `build`, `structure` holds the record. Its canvas
    maker must make a TaggingCanvas."""

    canv: Any   # reportlab's: the canvas while it builds

    def __init__(self, *args: Any, seal_description: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tagger = Tagger(getattr(self, "lang", None) or "en", seal_description)

    def _startBuild(self, filename: Any = None, canvasmaker: Any = Canvas) -> None:  # noqa: N802 - reportlab's
        super()._startBuild(filename, canvasmaker)
        if not isinstance(self.canv, TaggingCanvas):
            raise TypeError("a TaggedDocTemplate draws on a TaggingCanvas")
        self.canv.tagger = self.tagger

    @property
    def structure(self) -> DocumentStructure:
        return self.tagger.structure

    def detach(self) -> DocumentStructure:
        """After `build`: the structure, with the template and its canvas no longer naming it or any of
        ours, and the template out of the cycle reportlab makes of it (it names itself in its namespace).
        The canvas stays in reportlab's own cycles (each text object names it and keeps a bound method of
        itself). Whatever those cycles named (the structure tree, the document being drawn: thousands of
        objects) waited for the garbage collector's next full pass, which then held the interpreter for
        tens of milliseconds while the window waited. `structure` is empty afterwards."""
        structure = self.tagger.structure
        self.tagger = Tagger(structure.language)
        canvas = self.canv
        if canvas is not None:
            canvas.tagger = canvas._doctemplate = None
        self.canv = None
        self._nameSpace: dict[str, Any] = {}   # reportlab's {"doc": self}, for docEval flowables: done with
        return structure


# ---- the hooks on reportlab -------------------------------------------------------------------------------

def _tagger(canvas: Any) -> Tagger | None:
    tagger = getattr(canvas, "tagger", None)
    return tagger if isinstance(tagger, Tagger) else None


def _install_hooks() -> None:
    """Routes Flowable.drawOn and the paragraph bullet through the canvas's tagger, when it has one. Once
    per process; on any other canvas both do exactly what reportlab does."""
    if getattr(Flowable.drawOn, "_consultaid_tagging", False):
        return
    draw_on = Flowable.drawOn
    draw_bullet = paragraph_module._drawBullet

    def tagged_draw_on(self: Flowable, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N803
        tagger = _tagger(canvas)
        if tagger is None or tagger.in_leaf:
            draw_on(self, canvas, x, y, _sW)
            return
        tagger.draw(self, canvas, lambda: draw_on(self, canvas, x, y, _sW))

    def tagged_bullet(canvas: Any, *args: Any, **kwargs: Any) -> float:
        tagger = _tagger(canvas)
        if tagger is None:
            return float(draw_bullet(canvas, *args, **kwargs))
        return tagger.draw_bullet(canvas, lambda: float(draw_bullet(canvas, *args, **kwargs)))

    tagged_draw_on._consultaid_tagging = True  # type: ignore[attr-defined]
    Flowable.drawOn = tagged_draw_on
    paragraph_module._drawBullet = tagged_bullet


_install_hooks()

__all__ = ["HEADING_RANKS", "TaggedDocTemplate", "Tagger", "TaggingCanvas", "mark_page", "with_row_headers"]
