"""The addendum PDFs themselves: one or two pages, in the patient's language, the record attached, and the
same record giving the same bytes. Their tagging is checked in tests/test_addendum_tagged.py, and veraPDF's
PDF/A-3A (which holds every PDF/A-3B rule) and PDF/UA-1 verdicts in tests/test_verapdf.py."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from consultaid.consultation.addendum import CONFIRMATION, KINDS, WITHDRAWAL, Addendum, SummaryLink
from consultaid.consultation.ink import InkDrawing, InkPoint, Stroke
from consultaid.report.addendum import key_facts, render_addendum, sealed_addendum
from consultaid.report.archival import attached_record
from consultaid.report.seal import installation_seal

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = {"en": REPO / "docs" / "examples" / "cement-spine-surgery-en.json",
            "fr": REPO / "docs" / "examples" / "vertebroplasty-fr.json"}
INK = InkDrawing([Stroke("#1F2A36", 0.006, (InkPoint(0.1, 0.5), InkPoint(0.5, 0.3), InkPoint(0.9, 0.6)))],
                 aspect=2.8)
LINK = SummaryLink(7, 1, "5a" * 32)


def addendum_record(kind: str, language: str) -> dict:
    summary = json.loads(EXAMPLES[language].read_text(encoding="utf-8"))
    addendum = Addendum(kind, summary, LINK, key_facts(summary))
    addendum.clinician = "Dr Anne Martin"
    addendum.statement = "—" if kind == WITHDRAWAL else ""
    addendum.sign("clinician", "Dr Anne Martin", INK)
    addendum.patient_signature_missing_reason = "—"
    return addendum.to_record("ab" * 32)


@pytest.fixture(scope="module")
def sealed(tmp_path_factory) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("addenda")
    seal = installation_seal(folder / "seal")
    paths = {}
    for kind in KINDS:
        for language in EXAMPLES:
            path = folder / f"{kind}-{language}.pdf"
            path.write_bytes(sealed_addendum(addendum_record(kind, language), seal))
            paths[(kind, language)] = path
    return paths


def test_each_addendum_is_short_and_carries_its_record(sealed):
    for (kind, language), path in sealed.items():
        pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        count = int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")))
        assert 1 <= count <= 2, (kind, language, count)
        record, _raw = attached_record(path.read_bytes())
        assert record["kind"] == kind and record["language"] == language and record["follows"] == LINK.to_dict()
        assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0


def test_the_same_record_gives_the_same_pdf():
    record = addendum_record(CONFIRMATION, "fr")
    assert render_addendum(record) == render_addendum(json.loads(json.dumps(record)))
