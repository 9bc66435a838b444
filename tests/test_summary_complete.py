"""The take-home summary is complete (issue 18 item 1): every passage of patient text shown in a fully
discussed consultation is printed, in English and French, for every shipped pack: the procedure summary,
each section's full explanation (not only its key points) and its key points, each benefit's and risk's
explanation, each milestone's. Read back from the PDF with pdftotext, page bodies only, so a passage that
goes on over a page break is still found whole, and in content-stream order (-raw), so a text in a table
cell reads whole rather than interleaved with the cells beside it.
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime

import pytest

from consultaid.consultation.session import Consultation
from consultaid.consultation.setup import ConsultationSetup, Patient, Surgeon
from consultaid.consultation.shown_content import shown_content
from consultaid.content.library import load_library
from consultaid.report import render_summary
from tests.conftest import CONTENT
from tests.test_summary_pdf import PAGE_SIZES, run, words

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is needed")
LIBRARY = load_library(CONTENT)
CASES = [(pack.id, language) for pack in LIBRARY.packs for language in ("en", "fr")]


def fully_discussed_record(pack_id: str, language: str) -> dict:
    """A consultation in which the surgeon ticked every section, benefit, risk, milestone and alternative."""
    setup = ConsultationSetup(Surgeon("Dr A Surgeon", "Spine surgeon", "", "Clinic"),
                              Patient("A Patient", date(1950, 1, 2), "ID-1"), pack_id, language,
                              indication="Indication", surgery_date=date(2027, 1, 12))
    consultation = Consultation(setup, shown_content(LIBRARY.get(pack_id), language),
                                now=lambda: datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    for collection in ("sections", "benefits", "risks", "milestones", "alternatives"):
        for item_id in consultation.collection(collection):
            consultation.set_discussed(collection, item_id, True)
    consultation.end()
    return consultation.to_record()


def printed_text(pdf) -> str:
    """The page bodies' text in the order it was drawn, without running headers and footers."""
    width, height = PAGE_SIZES["a4"]
    top, bottom = 50, 66   # as tests/test_summary_pdf.body_text: the header and footer bands
    return words(run("pdftotext", "-raw", "-enc", "UTF-8", "-x", 0, "-y", top, "-W", round(width), "-H",
                     round(height - top - bottom), pdf, "-"))


def passages(content: dict) -> list[str]:
    """Every passage of patient text the screens showed, paragraph by paragraph."""
    texts = [content["summary"]]
    for section in content["sections"]:
        texts += [paragraph for paragraph in section["body"].split("\n") if paragraph.strip()]
        texts += section["key_points"]
    texts += [outcome["detail"] for outcome in (*content["benefits"], *content["risks"])]
    texts += [milestone["detail"] for milestone in content["milestones"]]
    texts += [alternative["detail"] for alternative in content["alternatives"]]
    return [words(text) for text in texts if text and text.strip()]


@pytest.mark.parametrize(("pack_id", "language"), CASES, ids=[f"{pack}-{lang}" for pack, lang in CASES])
def test_every_passage_shown_is_in_the_summary(pack_id, language, tmp_path):
    record = fully_discussed_record(pack_id, language)
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(render_summary(record))
    printed = printed_text(pdf)
    missing = [passage for passage in passages(record["content"]) if passage not in printed]
    assert not missing, f"{len(missing)} passages not printed, e.g. {missing[:3]}"
