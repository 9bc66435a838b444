"""The summary as a tagged PDF (issue 18 item 3; docs/record.md, "Accessible PDF: status").

The example summaries, English and French, are made as a user makes them (`consultaid render --seal`, in a
subprocess) and read back by readers that are not ours: poppler's pdfinfo, pyHanko's reader for the
structure tree, and PDFium (pypdfium2, the PDF engine of Chrome) for what each marked-content sequence
holds: its text, and whether every mark on a page belongs to the structure or is an artifact.
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest

from consultaid.charts.risk_chart import build_chart
from consultaid.charts.timeline import build_timeline
from consultaid.i18n import translate
from consultaid.report import summary as summary_module
from consultaid.report.ink_pdf import SIGNATURE_ALT
from consultaid.report.structure_tree import StructureElement
from consultaid.report.tagging import Tagger, mark_page

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = {"en": REPO / "docs" / "examples" / "cement-spine-surgery-en.json",
            "fr": REPO / "docs" / "examples" / "vertebroplasty-fr.json"}
SECTION_HEADINGS = (summary_module.PROCEDURE_EXPLAINED, summary_module.BENEFITS_AND_RISKS, summary_module.RECOVERY,
                    summary_module.ALTERNATIVES, summary_module.QUESTIONS, summary_module.DECISION,
                    summary_module.SIGNATURES)


@dataclass
class Element:
    """A structure element as read from the file, with the text PDFium finds in its marked content."""

    role: str
    alt: str
    attributes: dict[str, str]
    content: list[tuple[int, int]]      # (page, MCID) of its own marked content
    kids: list[Element] = field(default_factory=list)
    own_text: str = ""

    def walk(self) -> list[Element]:
        return [self, *(element for kid in self.kids for element in kid.walk())]

    @property
    def text(self) -> str:
        return " ".join(part for part in [self.own_text, *(kid.text for kid in self.kids)] if part).strip()


@dataclass
class TaggedFile:
    path: Path
    language: str
    record: dict
    root: Element
    texts: dict[tuple[int, int], str]        # (page, MCID) -> text, from PDFium
    marks: list[tuple[int, int, str, int]]   # every page object: (page, type, first mark's name, MCID)


def _name(mark) -> str:
    import pypdfium2.raw as raw

    size = ctypes.c_ulong()
    raw.FPDFPageObjMark_GetName(mark, None, 0, ctypes.byref(size))
    buffer = (ctypes.c_ushort * (size.value // 2 + 1))()
    raw.FPDFPageObjMark_GetName(mark, buffer, size.value, ctypes.byref(size))
    return bytes(buffer)[:size.value].decode("utf-16-le").rstrip("\0")


def read_pages(path: Path):
    """With PDFium: each page object's marks, and the text of each (page, MCID)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    document = pdfium.PdfDocument(str(path))
    texts: dict[tuple[int, int], list[str]] = defaultdict(list)
    marks = []
    for index in range(len(document)):
        page = document[index]
        text_page = page.get_textpage()
        for item in page.get_objects(max_depth=0):
            count = raw.FPDFPageObj_CountMarks(item.raw)
            first = _name(raw.FPDFPageObj_GetMark(item.raw, 0)) if count else ""
            mcid = raw.FPDFPageObj_GetMarkedContentID(item.raw)
            marks.append((index, item.type, first, mcid))
            if item.type == raw.FPDF_PAGEOBJ_TEXT and mcid >= 0:
                size = raw.FPDFTextObj_GetText(item.raw, text_page.raw, None, 0)
                buffer = (ctypes.c_ushort * (size // 2 + 1))()
                raw.FPDFTextObj_GetText(item.raw, text_page.raw, buffer, size)
                texts[index, mcid].append(bytes(buffer)[:size].decode("utf-16-le").rstrip("\0"))
    document.close()
    return {key: " ".join(parts) for key, parts in texts.items()}, marks


def read_structure(path: Path) -> Element:
    """The structure tree with pyHanko's reader: roles, /Alt, table attributes, marked-content references."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    with open(path, "rb") as handle:
        reader = PdfFileReader(handle)
        pages = {reader.find_page_for_modification(index)[0].idnum: index
                 for index in range(int(reader.root["/Pages"]["/Count"]))}

        def element(dictionary, page) -> Element:
            page = pages[dictionary.raw_get("/Pg").idnum] if "/Pg" in dictionary else page
            attributes = {key: str(value) for key, value in dictionary.get("/A", {}).items()}
            found = Element(str(dictionary["/S"])[1:], str(dictionary.get("/Alt", "")), attributes, [])
            kids = dictionary.get("/K", [])
            for kid in kids if isinstance(kids, list) else [kids]:
                kid = kid.get_object() if hasattr(kid, "get_object") else kid
                if isinstance(kid, int):
                    found.content.append((page, int(kid)))
                elif kid.get("/Type") == "/MCR":
                    found.content.append((pages[kid.raw_get("/Pg").idnum], int(kid["/MCID"])))
                elif "/S" in kid:
                    found.kids.append(element(kid, page))
            return found

        tree = reader.root["/StructTreeRoot"]
        documents = [element(kid.get_object(), None) for kid in tree["/K"]]
    assert len(documents) == 1
    return documents[0]


@pytest.fixture(scope="module")
def tagged(tmp_path_factory) -> dict[str, TaggedFile]:
    """Each example summary as `consultaid render --seal` writes it, read back."""
    folder = tmp_path_factory.mktemp("tagged")
    environment = {**os.environ, "CONSULTAID_DATA_DIR": str(folder / "data")}
    files = {}
    for language, example in EXAMPLES.items():
        path = folder / f"{example.stem}.pdf"
        result = subprocess.run([sys.executable, "-m", "consultaid", "render", str(example), "-o", str(path), "--seal"],
                                capture_output=True, text=True, timeout=180, env=environment, cwd=folder)
        assert result.returncode == 0, result.stderr
        root = read_structure(path)
        texts, marks = read_pages(path)
        for item in root.walk():
            item.own_text = " ".join(texts.get(key, "") for key in item.content).strip()
        record = json.loads(example.read_text(encoding="utf-8"))
        files[language] = TaggedFile(path, language, record, root, texts, marks)
    return files


LANGUAGES = pytest.mark.parametrize("language", list(EXAMPLES))


def words(text: str) -> str:
    return " ".join(text.split())


@LANGUAGES
def test_pdfinfo_says_tagged_and_the_file_claims_pdf_ua_1_and_pdf_a_3a(tagged, language):
    path = tagged[language].path
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    metadata = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True).stdout
    assert xmp_value(metadata, PDFUA_ID, "part") == "1"
    assert (xmp_value(metadata, PDFA_ID, "part"), xmp_value(metadata, PDFA_ID, "conformance")) == ("3", "A")


PDFUA_ID, PDFA_ID = "http://www.aiim.org/pdfua/ns/id/", "http://www.aiim.org/pdfa/ns/id/"


def xmp_value(xmp: str, namespace: str, name: str) -> str | None:
    """A simple XMP property, written as an attribute of rdf:Description or as an element (both are XMP)."""
    import xml.etree.ElementTree as ElementTree

    root = ElementTree.fromstring(xmp[xmp.index("<x:xmpmeta"):xmp.rindex("</x:xmpmeta>") + len("</x:xmpmeta>")])
    key = f"{{{namespace}}}{name}"
    for description in root.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description"):
        if key in description.attrib:
            return description.attrib[key]
        found = description.find(key)
        if found is not None:
            return found.text
    return None


@LANGUAGES
def test_headings_give_the_outline_in_reading_order_with_no_level_skipped(tagged, language):
    file = tagged[language]
    headings = [(int(item.role[1:]), words(item.text)) for item in file.root.walk()
                if item.role[:1] == "H" and item.role[1:].isdigit()]
    assert headings[0] == (1, translate(summary_module.TITLE, language))
    for (before, _), (after, text) in zip(headings, headings[1:], strict=False):
        assert after <= before + 1, (before, after, text)
    sections = [text for level, text in headings if level == 2]
    expected = [translate(text, language) for text in SECTION_HEADINGS]
    # In this order, among the H2 headings (others may come between them).
    positions = [sections.index(text) for text in expected]
    assert positions == sorted(positions), sections


@LANGUAGES
def test_key_points_are_list_items_with_their_bullet_as_label(tagged, language):
    file = tagged[language]
    lists = [item for item in file.root.walk() if item.role == "L"]
    assert lists
    for found in lists:
        assert found.kids and all(item.role == "LI" for item in found.kids)
        for item in found.kids:
            assert [kid.role for kid in item.kids] in (["Lbl", "LBody"], ["LBody"])
    bodies = {words(item.text) for item in file.root.walk() if item.role == "LBody"}
    labels = {item.text for item in file.root.walk() if item.role == "Lbl"}
    assert "•" in labels
    consultation = summary_module.load_consultation(file.record)
    section = next(section for section in consultation.content.sections
                   if section.key_points and section.id in consultation.sections
                   and consultation.sections[section.id].discussed)
    for point in section.key_points:
        assert words(point) in bodies


@LANGUAGES
def test_data_tables_have_column_header_cells_and_regular_rows(tagged, language):
    file = tagged[language]
    tables = [item for item in file.root.walk() if item.role == "Table" and not is_panel(item)]
    assert len(tables) >= 3   # the risk chart, the figures in detail, the recovery milestones
    for table in tables:
        rows = table.kids
        assert rows and all(row.role == "TR" for row in rows)
        header = rows[0].kids
        assert header and all(cell.role == "TH" and cell.attributes.get("/Scope") == "/Column" for cell in header)
        width = len(header)
        for row in rows[1:]:
            assert all(cell.role == "TD" for cell in row.kids)
            assert sum(int(cell.attributes.get("/ColSpan", 1)) for cell in row.kids) <= width
    # A table continued on the next page is one table (its header row drawn again is not read again).
    assert any(len({page for item in table.walk() for page, _mcid in item.content}) > 1 for table in tables)
    figures_header = [translate(text, language) for text in (
        summary_module.OUTCOME, summary_module.HOW_MANY, summary_module.WHO, summary_module.WHEN,
        summary_module.SOURCE, "Discussed")]
    assert any([words(cell.text) for cell in table.kids[0].kids] == figures_header for table in tables)


def is_panel(table: Element) -> bool:
    """A table of labels and values: each row after the first is headed by its label."""
    return any(cell.attributes.get("/Scope") == "/Row" for row in table.kids for cell in row.kids)


@LANGUAGES
def test_the_title_page_panels_are_tables_whose_labels_head_their_rows(tagged, language):
    """Patient, surgeon, consultation, procedure: read as "Name: Jeanne Dupont-Lefèvre" under "PATIENT", not
    as a run of loose words."""
    file = tagged[language]
    panels = [item for item in file.root.walk() if item.role == "Table" and is_panel(item)]
    names = [words(panel.kids[0].text) for panel in panels]
    assert names == [translate(name, language).upper() for name in (
        summary_module.PATIENT, summary_module.SURGEON, summary_module.CONSULTATION, summary_module.PROCEDURE)]
    for panel in panels:
        [name] = panel.kids[0].kids
        assert name.role == "TH" and name.attributes.get("/Scope") == "/Column" and name.attributes["/ColSpan"] == "2"
        assert all([cell.role for cell in row.kids] == ["TH", "TD"] and row.kids[0].attributes["/Scope"] == "/Row"
                   for row in panel.kids[1:])
    patient = {words(row.kids[0].text): words(row.kids[1].text) for row in panels[0].kids[1:]}
    assert patient[translate(summary_module.NAME, language)] == file.record["setup"]["patient"]["name"]


@LANGUAGES
def test_figures_say_in_words_what_the_charts_and_signatures_show(tagged, language):
    file = tagged[language]
    figures = [item for item in file.root.walk() if item.role == "Figure"]
    assert figures and all(item.alt.strip() for item in figures)
    alts = [words(item.alt) for item in figures]
    document = summary_module.SummaryDocument(file.record)
    chart = build_chart(document.outcomes(), language, document.discussed_outcomes())
    for row in chart.rows:
        for bar in row.bars:   # every figure of every row, with its outcome, in one bar's description
            assert any(words(row.label) in alt and words(bar.number_label) in alt for alt in alts), row.label
    timeline = build_timeline(document.content.milestones, language, document.setup.surgery_date)
    drawing = next(alt for alt in alts if words(timeline.caption) in alt)
    for item in timeline.items:
        assert words(item.label) in drawing and words(item.timing_text) in drawing
        if item.date_text:
            assert words(item.date_text) in drawing
    assert document.consultation.signatures
    for signature in document.consultation.signatures.values():
        assert translate(SIGNATURE_ALT, language).format(name=signature.name) in alts


@LANGUAGES
def test_every_mark_on_every_page_is_tagged_content_or_an_artifact(tagged, language):
    file = tagged[language]
    assert file.marks
    untagged = [mark for mark in file.marks if mark[2] != "Artifact" and mark[3] < 0]
    assert untagged == []
    # Each marked-content sequence belongs to exactly one element. (An element may own a sequence in which
    # PDFium finds no object: an empty table cell's empty string.)
    owned = [key for item in file.root.walk() for key in item.content]
    assert len(owned) == len(set(owned))
    in_pages = {(page, mcid) for page, _type, name, mcid in file.marks if name != "Artifact"}
    assert in_pages <= set(owned)


@LANGUAGES
def test_page_header_and_footer_are_artifacts_not_content(tagged, language):
    file = tagged[language]
    everything = " ".join(file.texts.values())
    footer = translate(summary_module.PAGE_OF, language).format(page=1, pages=1).split()[0]
    assert footer not in everything.split()      # "Page"/"Page": never read out as content
    assert any(name == "Artifact" for _page, _type, name, _mcid in file.marks)


@LANGUAGES
def test_the_seal_widget_is_a_form_element_and_pages_tab_in_structure_order(tagged, language):
    from pyhanko.pdf_utils.reader import PdfFileReader

    file = tagged[language]
    assert [item.role for item in file.root.kids][-1] == "Form"
    with open(file.path, "rb") as handle:
        reader = PdfFileReader(handle)
        for index in range(int(reader.root["/Pages"]["/Count"])):
            assert reader.find_page_for_modification(index)[0].get_object()["/Tabs"] == "/S"
        form = reader.root["/StructTreeRoot"]["/K"][0]["/K"][-1]
        widget = form["/K"]["/Obj"]
        assert widget["/FT"] == "/Sig" and str(widget["/TU"]) and form["/Alt"] == widget["/TU"]
        assert bool(reader.root["/MarkInfo"]["/Marked"])
        assert bool(reader.root["/ViewerPreferences"]["/DisplayDocTitle"])


def test_marked_content_nests_with_the_graphics_state_and_a_label_splits_its_body():
    """mark_page on a small page: one sequence per flowable from before its q to after its Q, painting
    outside any leaf as an artifact, and a list bullet (Lbl) drawn inside its body (LBody) making the
    body two sequences, so the label is read first and the body is whole."""
    canvas = SimpleNamespace(_code=[])
    tagger = Tagger("en")
    paragraph = StructureElement("P")
    body, label = StructureElement("LBody"), StructureElement("Lbl")
    with tagger.region(canvas, paragraph, leaf=True):
        canvas._code += ["q", "1 0 0 1 5 5 cm", "BT /F1 9 Tf (a) Tj ET", "BT /F1 9 Tf (b) Tj ET", "Q"]
    canvas._code += ["q", "0 0 10 10 re f", "Q"]          # a rule drawn by no leaf
    with tagger.region(canvas, body, leaf=True):
        canvas._code += ["q"]
        with tagger.region(canvas, label, leaf=True):
            canvas._code += ["BT (x) Tj ET"]
        canvas._code += ["BT (item) Tj ET", "Q"]
    out = mark_page(canvas._code, 0, tagger.structure)
    assert [entry for entry in out if entry] == [
        "/P <</MCID 0>> BDC", "q", "1 0 0 1 5 5 cm", "BT /F1 9 Tf (a) Tj ET", "BT /F1 9 Tf (b) Tj ET", "Q", "EMC",
        "/Artifact BMC", "q", "0 0 10 10 re f", "Q", "EMC",
        "q", "/Lbl <</MCID 1>> BDC", "BT (x) Tj ET", "EMC", "/LBody <</MCID 2>> BDC", "BT (item) Tj ET", "EMC", "Q"]
    assert [element.role for element in tagger.structure.page_parents[0]] == ["P", "Lbl", "LBody"]
    assert paragraph.marked_content()[0].mcid == 0 and body.marked_content()[0].mcid == 2


def tagged_build(story) -> tuple[bytes, StructureElement]:
    """A small document drawn with the tagging template: its bytes and its structure."""
    import io

    from reportlab.platypus import Frame, PageTemplate

    from consultaid.report.tagging import TaggedDocTemplate, TaggingCanvas

    buffer = io.BytesIO()
    document = TaggedDocTemplate(buffer, lang="en")
    document.addPageTemplates([PageTemplate(id="page", frames=[Frame(50, 50, 400, 300, id="body")])])
    document.build(story, canvasmaker=TaggingCanvas)
    document.structure.prune()
    return buffer.getvalue(), document.structure.root


def test_a_paragraph_and_a_table_continued_on_the_next_page_stay_one_element_each():
    """reportlab splits what does not fit into two flowables; a screen reader must still get one paragraph
    and one table, whose header row, drawn again on the next page, is not read twice."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table

    body = ParagraphStyle("body", fontSize=10, leading=14)
    long_text = " ".join(f"word{index}" for index in range(900))
    rows = [[Paragraph("Outcome", body), Paragraph("Figure", body)]]
    rows += [[Paragraph(f"row {index}", body), f"{index} in 1000"] for index in range(60)]
    _pdf, root = tagged_build([Paragraph(long_text, body), Table(rows, repeatRows=1)])
    paragraphs = [kid for kid in root.kids if kid.role == "P"]
    tables = [kid for kid in root.kids if kid.role == "Table"]
    assert len(paragraphs) == 1 and len({ref.page for ref in paragraphs[0].marked_content()}) >= 2
    assert len(tables) == 1 and len({ref.page for ref in tables[0].marked_content()}) >= 2
    table_rows = tables[0].kids
    assert [cell.role for cell in table_rows[0].kids] == ["TH", "TH"]
    assert all(cell.role == "TD" for row in table_rows[1:] for cell in row.kids)
    assert len(table_rows) == 61      # the header once, then every row once
