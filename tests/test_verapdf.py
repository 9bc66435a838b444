"""veraPDF, the reference validator, on every example summary as finalize stores it (rendered and tagged,
rewritten as PDF/A-3a with the record attached, then sealed), English and French, standard and large print;
and on the addenda as the addendum dialog stores them (confirmation on the day and withdrawal, English and
French, signed by both or with the patient's reason for not signing).

The PDF/A-3A profile (the tagged level the file claims; it includes every PDF/A-3B rule) and the PDF/UA-1
profile must both pass with zero failed rules (issue 18 items 3 and 4; docs/record.md, "Accessible PDF:
status"). Run with `-s` to see veraPDF's summary line for each file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from consultaid.consultation.addendum import KINDS
from consultaid.report import sealed_summary
from consultaid.report.addendum import sealed_addendum
from consultaid.report.seal import installation_seal
from tests.peers import verapdf
from tests.test_addendum_pdf import addendum_record
from tests.test_addendum_tagged import full_record

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


@pytest.fixture(scope="module")
def addenda(tmp_path_factory) -> list[Path]:
    why = verapdf.ensure_installed()
    if why:
        pytest.fail(f"veraPDF unavailable: {why}")
    folder = tmp_path_factory.mktemp("verapdf-addenda")
    seal = installation_seal(folder / "seal")
    paths = []
    for kind in KINDS:
        for language in ("en", "fr"):
            # Everything filled in and signed by both; and the patient not signing (a reason instead).
            for name, record in (("full", full_record(kind, language)), ("unsigned", addendum_record(kind, language))):
                path = folder / f"{kind}-{language}-{name}.pdf"
                path.write_bytes(sealed_addendum(record, seal))
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


@pytest.mark.parametrize(("profile", "name"), [(PDFA_3A, "PDF/A-3A validation profile"),
                                               (verapdf.PDFUA_1, "PDF/UA-1 validation profile")])
def test_every_sealed_addendum_is_pdfa_3a_and_pdf_ua_1_with_no_failed_rule(addenda, profile, name):
    reports = verapdf.validate(addenda, profile)
    assert set(reports) == set(addenda)
    for path, report in reports.items():
        print(report.summary_line(path.name))
        for failure in report.failures:
            print("   ", failure)
        assert report.profile == name
        assert report.compliant and report.failed_rules == 0, (path.name, report.failures)
        assert report.passed_rules > 100
