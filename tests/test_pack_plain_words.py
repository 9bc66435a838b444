"""Plain words in the packs (issue 18 item 5): every English passage a patient is shown from a shipped pack reads
at Flesch-Kincaid grade 8 or below, and every French sentence of the packs has at most 25 words.

The passages are the pack's patient text: every string of content/<pack>/<language>.yaml except the surgeon's
review notes and the numbered sources list (the same selection as the check on remarks about the sources).
As for the app's own words (tests/test_summary_plain_words.py), a passage has at least six words: shorter
labels and headings ("Infection", "Anaesthesia") are names, and the formula says nothing about them.
Placeholders such as {follow_up} read as "it".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.test_summary_plain_words import MAX_FRENCH_SENTENCE, MAX_GRADE, MIN_WORDS, grade, patient_texts, plain

CONTENT = Path(__file__).resolve().parent.parent / "content"
NOT_TEXT = {"/format", "/language"}


def passages(language: str) -> dict[str, str]:
    """'<pack>/<language>.yaml:/path' -> text, for every patient-facing passage of every shipped pack."""
    found = {}
    for path in sorted(CONTENT.glob(f"*/{language}.yaml")):
        texts = yaml.safe_load(path.read_text(encoding="utf-8"))
        for where, text in patient_texts(texts):
            if where not in NOT_TEXT and len(plain(text).split()) >= MIN_WORDS:
                found[f"{path.parent.name}/{path.name}:{where}"] = text
    return found


def test_every_shipped_pack_has_english_and_french_passages():
    packs = {path.parent.name for path in CONTENT.glob("*/pack.yaml")}
    for language in ("en", "fr"):
        assert {where.split("/")[0] for where in passages(language)} == packs


def test_every_english_passage_of_the_packs_is_at_grade_8_or_below():
    too_hard = {where: round(grade(plain(text)), 1) for where, text in passages("en").items()
                if grade(plain(text)) > MAX_GRADE}
    for where, value in sorted(too_hard.items(), key=lambda item: -item[1]):
        print(f"grade {value:4.1f}  {where}")
    assert too_hard == {}


def test_every_french_sentence_of_the_packs_is_short():
    long = {}
    for where, text in passages("fr").items():
        for sentence in re.split(r"(?<=[.!?])\s+|\s*;\s*|\s:\s", plain(text)):
            if len(sentence.split()) > MAX_FRENCH_SENTENCE:
                long[f"{where}: {sentence}"] = len(sentence.split())
    assert long == {}


@pytest.mark.parametrize("text, hard", [
    ("You go home the same day. A nurse comes to see you.", False),
    ("Percutaneous vertebroplasty necessitates intraoperative fluoroscopic visualisation of "
     "polymethylmethacrylate distribution within the vertebral body.", True),
])
def test_the_measure_tells_plain_from_hard(text, hard):
    assert (grade(plain(text)) > MAX_GRADE) is hard
