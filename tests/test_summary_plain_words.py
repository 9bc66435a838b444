"""Plain words (issue 18 item 5, design brief section 11): every passage the app itself writes on the patient's
summary reads at Flesch-Kincaid grade 8 or below in English, and its French sentences stay short.

The passages are the app's own words, not the packs' medical content: every translatable message of at least
six words that the summary's code writes (report/summary.py, report/charts_pdf.py, the charts it draws) or
that is printed in an example summary (signature meanings, decision and teach-back labels…). Headings and
labels are shorter than that and are not passages. The grade is textstat's (an established implementation of
the Flesch-Kincaid formula with the CMU pronouncing dictionary's syllables), placeholders read as "it".
"""

from __future__ import annotations

import json
import re
import string
import subprocess
from pathlib import Path

import pytest
import textstat

from consultaid.i18n import translate
from consultaid.report import render_summary, sealed_summary
from consultaid.report.seal import installation_seal
from tests.test_translations import marked_strings

REPO = Path(__file__).resolve().parent.parent
ENGLISH_EXAMPLES = sorted((REPO / "docs" / "examples").glob("*-en.json"))
WRITERS = ("consultaid/report/summary.py", "consultaid/report/charts_pdf.py", "consultaid/charts/")
MAX_GRADE = 8.0
MIN_WORDS = 6
MAX_FRENCH_SENTENCE = 25   # words: a French sentence longer than this is not a plain one


def plain(msgid: str) -> str:
    return re.sub(r"\{[^}]*\}", "it", msgid)


def grade(text: str) -> float:
    textstat.set_lang("en_US")
    return float(textstat.flesch_kincaid_grade(text))


def literal_parts(msgid: str) -> list[str]:
    return [" ".join(literal.split()) for literal, _name, _spec, _conv in string.Formatter().parse(msgid)
            if literal.strip()]


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> str:
    """The text of the English example summaries, sealed as stored, as drafts, unsigned and in large print."""
    seal = installation_seal(tmp_path_factory.mktemp("seal"))
    texts = []
    for path in ENGLISH_EXAMPLES:
        record = json.loads(path.read_text(encoding="utf-8"))
        unsigned = dict(record, finalized_at=None, signatures=[], patient_signature_missing_reason="")
        for data in (sealed_summary(record, seal=seal), render_summary(unsigned),
                     render_summary(dict(record, large_print=True))):
            text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
            texts.append(" ".join(text.decode().split()))
    return "\n".join(texts)


@pytest.fixture(scope="module")
def passages(printed) -> dict[str, str]:
    """msgid -> where it is written, for the app's patient-facing passages on the summary."""
    found = {}
    for msgid, where in marked_strings().items():
        if len(plain(msgid).split()) < MIN_WORDS:
            continue
        if where.startswith(WRITERS) or all(part in printed for part in literal_parts(msgid)):
            found[msgid] = where
    return found


def test_the_passages_found_are_the_summary_s_own_words(passages):
    """The selection itself: it holds the introduction, the chart's and the timeline's explanations and what
    each signature means, and no message of the program meant for IT or for the surgeon alone."""
    from consultaid.charts.timeline import CAPTION
    from consultaid.consultation.session import SIGNATURE_MEANINGS
    from consultaid.report.summary import CHART_INTRO, INTRO, SEAL_SELF_SIGNED

    for msgid in (INTRO, CHART_INTRO, CAPTION, SEAL_SELF_SIGNED, SIGNATURE_MEANINGS["patient"]):
        assert msgid in passages
    assert not [where for where in passages.values() if where.startswith(("consultaid/ui/", "consultaid/cli"))]


def test_every_passage_the_app_writes_on_the_summary_is_at_grade_8_or_below(passages):
    grades = {msgid: grade(plain(msgid)) for msgid in passages}
    for msgid, value in sorted(grades.items(), key=lambda item: -item[1])[:5]:
        print(f"grade {value:4.1f}  {passages[msgid]}  {msgid[:80]}")
    too_hard = {f"{passages[msgid]}: {msgid}": value for msgid, value in grades.items() if value > MAX_GRADE}
    assert not too_hard


def test_french_passages_are_short_sentences(passages):
    long = {}
    for msgid, where in passages.items():
        french = translate(msgid, "fr")
        for sentence in re.split(r"(?<=[.!?])\s+|\s*;\s*|\s:\s", plain(french)):
            if len(sentence.split()) > MAX_FRENCH_SENTENCE:
                long[f"{where}: {sentence}"] = len(sentence.split())
    assert not long


def test_the_grade_measure_tells_plain_from_hard_words():
    """The measure itself: a plain sentence passes, a long clinical one does not."""
    assert grade("Keep it: you can read it again at home.") <= MAX_GRADE
    assert grade("Percutaneous vertebroplasty necessitates intraoperative fluoroscopic visualisation of "
                 "polymethylmethacrylate distribution within the vertebral body.") > MAX_GRADE


# ---- the packs: remarks about the sources belong to the surgeon, not in the patient's sentences -----------

CONTENT = REPO / "content"
SOURCE_REMARKS = {"en": re.compile(r"information sheets?", re.IGNORECASE),
                  "fr": re.compile(r"documents? d.information", re.IGNORECASE)}
NOT_COVERED = {"en": "This part is not covered here.", "fr": "Cette partie n'est pas traitée ici."}
SURGEON_ONLY = {"reviews", "sources"}   # the surgeon's review notes and the numbered sources list


def patient_texts(node, path: str = ""):
    """(path, text) for every text of a pack's language file the patient is shown."""
    if isinstance(node, dict):
        for key, value in node.items():
            if not path and key in SURGEON_ONLY:
                continue
            yield from patient_texts(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from patient_texts(value, f"{path}/{index}")
    elif isinstance(node, str):
        yield path, node


def language_files():
    return sorted(CONTENT.glob("*/[ef][nr].yaml"))


@pytest.mark.parametrize("path", language_files(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_no_patient_sentence_talks_about_the_information_sheets(path):
    import yaml

    texts = yaml.safe_load(path.read_text(encoding="utf-8"))
    remark = SOURCE_REMARKS[texts["language"]]
    assert len(list(patient_texts(texts))) > 30
    assert [where for where, text in patient_texts(texts) if remark.search(text)] == []
    # The remarks moved to the surgeon's review notes: they are still there, for the surgeon.
    assert texts["reviews"] and all("{seed-" in note for note in texts["reviews"].values())


@pytest.mark.parametrize("path", language_files(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_a_section_the_seeds_do_not_cover_says_so_once_plainly(path):
    import yaml

    texts = yaml.safe_load(path.read_text(encoding="utf-8"))
    phrase = NOT_COVERED[texts["language"]]
    for section_id, section in texts["sections"].items():
        said = section["body"].count(phrase) + sum(point.count(phrase) for point in section["key_points"])
        assert said <= 1, section_id
        if said:
            assert any("seed-" in note for note in texts["reviews"].values())


def test_what_was_said_about_the_sources_is_kept_for_the_surgeon():
    """The remarks taken out of the patients' sentences are in the review notes the surgeon reads."""
    import yaml

    def reviews(pack: str, language: str) -> str:
        return " ".join(yaml.safe_load((CONTENT / pack / f"{language}.yaml").read_text(encoding="utf-8"))
                        ["reviews"].values())

    assert "swelling" in reviews("endoscopic-spine-surgery", "en")   # the seed's word for hypoesthesia
    assert "gonflement" in reviews("endoscopic-spine-surgery", "fr")
    assert "disc that may be damaged" in reviews("endoscopic-spine-surgery", "en")
    assert "usual medical treatments" in reviews("vertebroplasty", "en")
    assert "outpatient" in reviews("vertebroplasty", "en")            # the sources disagree on going home
    assert "does not give the name" in reviews("cement-spine-surgery", "en")
