"""Heading levels in the tagged PDFs (report/tagging.py): a heading goes one level below the heading it is
under, never deeper, and headings of the same style are siblings, whatever came between them. Before, the
level was "the style's rank, but at most one below the last heading", so in the summary the second and third
questions ("h3" right under the "h1" part heading) were read out as sub-headings of the first question."""

from __future__ import annotations

import json
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from consultaid.i18n import translate
from consultaid.report import summary as summary_module
from consultaid.report.archival import archival_pdf
from consultaid.report.summary import SummaryDocument
from tests.test_tagged_pdf import read_pages, read_structure, tagged_build, words

REPO = Path(__file__).resolve().parent.parent


def levels(*styles: str) -> list[str]:
    story = [Paragraph(f"{style} {index}", ParagraphStyle(style, fontSize=10, leading=14))
             for index, style in enumerate(styles)]
    _pdf, root = tagged_build(story)
    return [element.role for element in root.walk() if element.role != "Document"]


def test_a_heading_goes_one_level_below_the_one_it_is_under_and_same_styles_are_siblings():
    assert levels("title", "h1", "h3", "h3", "h1") == ["H1", "H2", "H3", "H3", "H2"]
    # A document with no "h1" style (an addendum: title, then h2 parts with h3 inside).
    assert levels("title", "h2", "h3", "h2") == ["H1", "H2", "H3", "H2"]
    assert levels("title", "h1", "h2", "h3", "h2", "h1") == ["H1", "H2", "H3", "H4", "H3", "H2"]
    assert levels("h2", "body", "h2") == ["H1", "P", "H1"]


def test_the_summarys_questions_are_sibling_headings(tmp_path):
    """Read back from the tagged file: after the part heading "Questions and answers", one H3 per question."""
    record = json.loads((REPO / "docs" / "examples" / "vertebroplasty-fr.json").read_text(encoding="utf-8"))
    document = SummaryDocument(record)
    path = tmp_path / "summary.pdf"
    path.write_bytes(archival_pdf(document.build(), record, document.structure))
    root = read_structure(path)
    texts, _marks = read_pages(path)
    headings = [(item.role, words(" ".join(texts.get(key, "") for key in item.content)))
                for item in root.walk() if item.role[:1] == "H"]
    asked = [qa["question"] for qa in record["questions"] if qa["question"].strip()]
    assert len(asked) >= 2
    start = headings.index(("H2", translate(summary_module.QUESTIONS, "fr")))
    following = headings[start + 1:start + 1 + len(asked)]
    assert [role for role, _text in following] == ["H3"] * len(asked), headings
    assert all(words(question) in text for question, (_role, text) in zip(asked, following, strict=True))
    assert headings[start + 1 + len(asked)][0] == "H2"
