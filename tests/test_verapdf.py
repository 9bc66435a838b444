"""veraPDF, the reference validator, on every example summary as finalize stores it (rendered and tagged,
rewritten as PDF/A-3a with the record attached, then sealed), English and French, standard and large print.

The PDF/A-3A profile (the tagged level the file claims; it includes every PDF/A-3B rule) and the PDF/UA-1
profile must both pass with zero failed rules (issue 18 items 3 and 4; docs/record.md, "Accessible PDF:
status"). Run with `-s` to see veraPDF's summary line for each file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from consultaid.report import sealed_summary
from consultaid.report.seal import installation_seal
from tests.peers import verapdf

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "docs" / "examples").glob("*.json"))

# veraPDF's profile for PDF/A-3 level A (tagged), which the summary claims.
PDFA_3A = "3a"


@pytest.fixture(scope="module")
def summaries(tmp_path_factory) -> list[Path]:
    why = verapdf.ensure_installed()
    if why:
        pytest.fail(f"veraPDF unavailable: {why}")
    folder = tmp_path_factory.mktemp("verapdf")
    seal = installation_seal(folder / "seal")
    paths = []
    for example in EXAMPLES:
        record = json.loads(example.read_text(encoding="utf-8"))
        for large_print in (False, True):   # the standard and the large-print summary (record's `large_print`)
            path = folder / f"{example.stem}{'-large-print' if large_print else ''}.pdf"
            path.write_bytes(sealed_summary(dict(record, large_print=large_print), seal=seal))
            paths.append(path)
    return paths


def test_the_examples_cover_english_and_french():
    languages = {json.loads(example.read_text(encoding="utf-8"))["content"]["language"] for example in EXAMPLES}
    assert {"en", "fr"} <= languages


def test_every_sealed_example_summary_is_pdfa_3a_with_no_failed_rule(summaries):
    reports = verapdf.validate(summaries, PDFA_3A)
    assert set(reports) == set(summaries)
    for path, report in reports.items():
        print(report.summary_line(path.name))
        assert report.profile == "PDF/A-3A validation profile"
        assert report.compliant and report.failed_rules == 0, (path.name, report.failures)
        assert report.passed_rules > 100


def test_every_sealed_example_summary_is_pdf_ua_1_with_no_failed_rule(summaries):
    reports = verapdf.validate(summaries, verapdf.PDFUA_1)
    assert set(reports) == set(summaries)
    for path, report in reports.items():
        print(report.summary_line(path.name))
        for failure in report.failures:
            print("   ", failure)
        assert report.profile == "PDF/UA-1 validation profile"
        assert report.compliant and report.failed_rules == 0, (path.name, report.failures)
        assert report.passed_rules > 100
