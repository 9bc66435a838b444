"""The take-home summary is readable by an older patient (issue 18 item 2): nothing in it is set under 8 pt,
chart labels included, and most of its text (the body) is 10 pt or more. The sizes are read from the PDF
itself, character by character, with PDFium's text API (pypdfium2): the size a reader sees, i.e. the font
size scaled by the text matrix, so a chart label drawn small through a transform is caught too. Checked on
every example summary as finalize stores it (sealed), English and French.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest

from consultaid.report import sealed_summary
from consultaid.report.seal import installation_seal

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "docs" / "examples").glob("*.json"))
SMALLEST = 8.0
BODY = 10.0


def printed_sizes(data: bytes) -> Counter:
    """How many visible characters are printed at each size (in points, to 0.01 pt)."""
    sizes: Counter = Counter()
    document = pypdfium2.PdfDocument(data)
    matrix = pdfium_c.FS_MATRIX()
    for page in document:
        text = page.get_textpage()
        for index in range(pdfium_c.FPDFText_CountChars(text)):
            if chr(pdfium_c.FPDFText_GetUnicode(text, index)).isspace():
                continue
            pdfium_c.FPDFText_GetMatrix(text, index, matrix)
            scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
            sizes[round(pdfium_c.FPDFText_GetFontSize(text, index) * scale, 2)] += 1
    return sizes


@pytest.fixture(scope="module")
def sizes(tmp_path_factory) -> dict[str, Counter]:
    seal = installation_seal(tmp_path_factory.mktemp("seal"))
    return {example.stem: printed_sizes(sealed_summary(json.loads(example.read_text(encoding="utf-8")), seal=seal))
            for example in EXAMPLES}


@pytest.mark.parametrize("name", [example.stem for example in EXAMPLES])
def test_nothing_is_printed_under_8_pt(sizes, name):
    smallest = min(sizes[name])
    print(f"{name}: smallest font size {smallest} pt")
    assert smallest >= SMALLEST, {size: count for size, count in sizes[name].items() if size < SMALLEST}


@pytest.mark.parametrize("name", [example.stem for example in EXAMPLES])
def test_the_body_text_is_10_pt_or_more(sizes, name):
    body_size, _ = sizes[name].most_common(1)[0]
    assert body_size >= BODY, sizes[name].most_common(4)
