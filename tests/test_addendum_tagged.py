"""The addenda (confirmation on the day, withdrawal) as tagged PDFs, as accessible as the summary (issue 19,
with issue 18 items 3-4): sealed as the dialog stores them, read back by readers that are not ours (poppler's
pdfinfo and pdftotext, pyHanko's reader for the structure tree, PDFium for each marked-content sequence's text
and for every mark on the page). veraPDF's verdicts on the same files are in tests/test_verapdf.py."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from consultaid.consultation.addendum import CONFIRMATION, KIND_TITLES, KINDS, WITHDRAWAL, Addendum, SummaryLink
from consultaid.consultation.ink import InkDrawing, InkPoint, Stroke
from consultaid.consultation.session import QuestionAnswer
from consultaid.i18n import translate
from consultaid.report import addendum as addendum_module
from consultaid.report.ink_pdf import SIGNATURE_ALT
from consultaid.report.seal import installation_seal
from tests.test_tagged_pdf import PDFA_ID, PDFUA_ID, TaggedFile, read_pages, read_structure, words, xmp_value

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = {"en": REPO / "docs" / "examples" / "cement-spine-surgery-en.json",
            "fr": REPO / "docs" / "examples" / "vertebroplasty-fr.json"}
INK = InkDrawing([Stroke("#1F2A36", 0.006, (InkPoint(0.1, 0.5), InkPoint(0.5, 0.3), InkPoint(0.9, 0.6)))],
                 aspect=2.8)
LINK = SummaryLink(7, 1, "5a" * 32)
MOMENT = datetime(2026, 12, 4, 9, 30, tzinfo=timezone(timedelta(hours=1)))
CLINICIAN = "Dr Anne Martin"
QUESTION, ANSWER = "Can I eat before the procedure?", "Your team will tell you the time."
NEW_INFORMATION = "The anticoagulant was stopped as planned."
STATEMENT = "I have decided not to have the procedure."
FILES = [(kind, language) for kind in KINDS for language in EXAMPLES]
EACH = pytest.mark.parametrize(("kind", "language"), FILES)


def full_record(kind: str, language: str) -> dict:
    """An addendum with every part filled in: both signatures, a question, the kind's own text."""
    summary = json.loads(EXAMPLES[language].read_text(encoding="utf-8"))
    addendum = Addendum(kind, summary, LINK, addendum_module.key_facts(summary), now=lambda: MOMENT)
    addendum.clinician = CLINICIAN
    if kind == CONFIRMATION:
        addendum.new_information = NEW_INFORMATION
    else:
        addendum.statement = STATEMENT
    addendum.questions.append(QuestionAnswer(QUESTION, ANSWER))
    addendum.sign("patient", summary["setup"]["patient"]["name"], INK)
    addendum.sign("clinician", CLINICIAN, INK)
    return addendum.to_record("ab" * 32)


@pytest.fixture(scope="module")
def tagged(tmp_path_factory) -> dict[tuple[str, str], TaggedFile]:
    folder = tmp_path_factory.mktemp("tagged-addenda")
    seal = installation_seal(folder / "seal")
    files = {}
    for kind, language in FILES:
        record = full_record(kind, language)
        path = folder / f"{kind}-{language}.pdf"
        path.write_bytes(addendum_module.sealed_addendum(record, seal))
        root = read_structure(path)
        texts, marks = read_pages(path)
        for item in root.walk():
            item.own_text = " ".join(texts.get(key, "") for key in item.content).strip()
        files[kind, language] = TaggedFile(path, language, record, root, texts, marks)
    return files


def t(text: str, language: str, **values: str) -> str:
    words_ = translate(text, language)
    return words_.format(**values) if values else words_


@EACH
def test_pdfinfo_says_tagged_in_the_patients_language_pdf_ua_1_and_pdf_a_3a(tagged, kind, language):
    from pyhanko.pdf_utils.reader import PdfFileReader

    path = tagged[kind, language].path
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    metadata = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True).stdout
    assert xmp_value(metadata, PDFUA_ID, "part") == "1"
    assert (xmp_value(metadata, PDFA_ID, "part"), xmp_value(metadata, PDFA_ID, "conformance")) == ("3", "A")
    with open(path, "rb") as handle:
        root = PdfFileReader(handle).root
        assert str(root["/Lang"]) == language
        assert bool(root["/MarkInfo"]["/Marked"]) and bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


@EACH
def test_headings_give_the_outline_in_reading_order(tagged, kind, language):
    file = tagged[kind, language]
    headings = [(item.role, words(item.text)) for item in file.root.walk() if item.role in ("H1", "H2", "H3")]
    parts = ([addendum_module.KEY_FACTS, addendum_module.STILL_WISHES, addendum_module.NEW_INFORMATION]
             if kind == CONFIRMATION else [addendum_module.STATEMENT])
    assert headings == [("H1", t(KIND_TITLES[kind], language)),
                        *[("H2", t(text, language)) for text in parts],
                        ("H2", t(addendum_module.QUESTIONS, language)), ("H3", QUESTION),
                        ("H2", t(addendum_module.SIGNATURES, language))]


@EACH
def test_the_parties_panel_is_a_table_with_a_row_header_cell_on_each_row(tagged, kind, language):
    file = tagged[kind, language]
    [table] = [item for item in file.root.walk() if item.role == "Table"]
    assert table.kids and all(row.role == "TR" for row in table.kids)
    assert all([cell.role for cell in row.kids] == ["TH", "TD"] for row in table.kids)
    assert all(row.kids[0].attributes.get("/Scope") == "/Row" for row in table.kids)
    labels = [words(row.kids[0].text) for row in table.kids]
    assert labels == [t(label, language) for label in (
        addendum_module.PATIENT, addendum_module.PROCEDURE, addendum_module.SURGEON, addendum_module.CLINICIAN,
        addendum_module.WHEN, addendum_module.SUMMARY_LINK)]
    values = [words(row.kids[1].text) for row in table.kids]
    assert values[0].startswith(file.record["patient"]["name"]) and values[3] == CLINICIAN
    assert LINK.pdf_sha256[:32] in values[5].replace(" ", "")


@pytest.mark.parametrize("language", list(EXAMPLES))
def test_the_key_facts_are_a_list_with_their_bullets_as_labels(tagged, language):
    file = tagged[CONFIRMATION, language]
    [found] = [item for item in file.root.walk() if item.role == "L"]
    assert all(item.role == "LI" and [kid.role for kid in item.kids] == ["Lbl", "LBody"] for item in found.kids)
    assert {item.kids[0].text for item in found.kids} == {"•"}
    bodies = [words(item.kids[1].text) for item in found.kids]
    with_figures = [fact for fact in file.record["key_facts"] if fact["figures"]]
    assert len(bodies) == len(with_figures) + (len(with_figures) < len(file.record["key_facts"]))
    for fact, body in zip(with_figures, bodies, strict=False):
        assert body.startswith(words(fact["label"])) and words(fact["figures"]) in body


@EACH
def test_the_signatures_are_figures_that_say_whose_they_are(tagged, kind, language):
    file = tagged[kind, language]
    figures = [item for item in file.root.walk() if item.role == "Figure"]
    names = [file.record["patient"]["name"], CLINICIAN]
    assert [words(item.alt) for item in figures] == [t(SIGNATURE_ALT, language, name=name) for name in names]
    assert all(item.content for item in figures)   # each owns the ink it draws


@EACH
def test_every_mark_is_tagged_content_or_an_artifact_and_the_footer_is_an_artifact(tagged, kind, language):
    file = tagged[kind, language]
    assert file.marks
    assert [mark for mark in file.marks if mark[2] != "Artifact" and mark[3] < 0] == []
    owned = [key for item in file.root.walk() for key in item.content]
    assert len(owned) == len(set(owned))
    assert {(page, mcid) for page, _type, name, mcid in file.marks if name != "Artifact"} <= set(owned)
    content = " ".join(file.texts.values())
    page_word = t(addendum_module.PAGE_OF, language, page="1", pages="1").split()[0]
    assert page_word not in content.split() and file.record["id"][:8] not in content
    assert any(name == "Artifact" for _page, _type, name, _mcid in file.marks)


@EACH
def test_the_seal_is_a_form_element_that_names_the_addendum(tagged, kind, language):
    from pyhanko.pdf_utils.reader import PdfFileReader

    file = tagged[kind, language]
    assert [item.role for item in file.root.kids][-1] == "Form"
    with open(file.path, "rb") as handle:
        reader = PdfFileReader(handle)
        assert reader.find_page_for_modification(0)[0].get_object()["/Tabs"] == "/S"
        form = reader.root["/StructTreeRoot"]["/K"][0]["/K"][-1]
        assert form["/K"]["/Obj"]["/FT"] == "/Sig"
        assert str(form["/Alt"]) == t(addendum_module.SEAL_DESCRIPTION, language)


def in_order(text: str, parts: list[str]) -> list[int]:
    """Where each of `parts` is found in `text`, each searched after the one before (-1: not found so)."""
    found, start = [], 0
    for part in parts:
        index = text.find(part, start)
        found.append(index)
        start = index + len(part) if index >= 0 else start
    return found


@EACH
def test_pdftotext_and_the_structure_read_in_the_order_of_the_page(tagged, kind, language):
    file = tagged[kind, language]
    record = file.record
    parts = [t(KIND_TITLES[kind], language), t(addendum_module.SUBTITLE, language),
             t(addendum_module.PATIENT, language), record["patient"]["name"],
             t(addendum_module.SUMMARY_LINK, language)]
    if kind == CONFIRMATION:
        parts += [t(addendum_module.KEY_FACTS, language), words(record["key_facts"][0]["label"]),
                  t(addendum_module.STILL_WISHES, language), NEW_INFORMATION]
    else:
        parts += [t(addendum_module.STATEMENT, language), STATEMENT]
    parts += [QUESTION, ANSWER, t(addendum_module.SIGNATURES, language), record["patient"]["name"], CLINICIAN]
    text = subprocess.run(["pdftotext", str(file.path), "-"], capture_output=True, text=True, check=True).stdout
    assert "`" not in text   # no markup shown to the patient (the seal line said `consultaid verify`)
    assert -1 not in in_order(words(text), parts), in_order(words(text), parts)
    structure = words(" ".join(item.own_text for item in file.root.walk() if item.own_text))
    assert -1 not in in_order(structure, parts), in_order(structure, parts)


def test_a_withdrawal_without_the_patients_signature_has_one_figure_and_says_why(tmp_path):
    """The empty place of a missing signature is drawn (the signature line) but is no figure."""
    record = full_record(WITHDRAWAL, "en")
    record["signatures"] = [s for s in record["signatures"] if s["role"] == "clinician"]
    record["patient_signature_missing_reason"] = "Told by telephone"
    path = tmp_path / "withdrawal.pdf"
    path.write_bytes(addendum_module.sealed_addendum(record, installation_seal(tmp_path / "seal")))
    root = read_structure(path)
    texts, marks = read_pages(path)
    assert [item.alt for item in root.walk() if item.role == "Figure"] == [f"Signature of {CLINICIAN}"]
    assert [mark for mark in marks if mark[2] != "Artifact" and mark[3] < 0] == []
    assert "Reason given: Told by telephone" in words(" ".join(texts.values()))
