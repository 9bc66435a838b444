"""The bundled procedure packs: valid, bilingual, and faithful to the seed documents they cite."""

from __future__ import annotations

import re

import pytest

from consultaid.content.library import load_library, pack_folders
from consultaid.content.validation import check_pack
from tests.conftest import CONTENT, SEEDS

EXPECTED_PACKS = {"vertebroplasty", "endoscopic-spine-surgery", "cement-spine-surgery"}
PACK_FOLDERS = pack_folders(CONTENT)


@pytest.fixture(scope="module")
def library():
    return load_library(CONTENT)


def test_every_seed_procedure_has_a_pack(library):
    assert not library.broken, [str(problem) for broken in library.broken for problem in broken.problems]
    assert {pack.id for pack in library.packs} == EXPECTED_PACKS


@pytest.mark.parametrize("folder", PACK_FOLDERS, ids=lambda folder: folder.name)
def test_pack_validates_against_the_seed_folder(folder):
    sources = SEEDS if SEEDS.is_dir() else None
    check = check_pack(folder, sources)
    assert check.problems == []


def test_validate_command_accepts_the_bundled_content(run_cli):
    result = run_cli("validate", CONTENT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 packs valid" in result.stderr


@pytest.mark.parametrize("folder", PACK_FOLDERS, ids=lambda folder: folder.name)
def test_english_and_french_hold_the_same_ids(folder):
    check = check_pack(folder)
    english, french = check.texts["en"].data, check.texts["fr"].data

    def keys(data):
        return {(collection, key) for collection, value in data.items() if isinstance(value, dict) for key in value}

    assert keys(english) == keys(french)


def test_every_estimate_and_milestone_cites_a_listed_source(library):
    for pack in library.packs:
        listed = {source.id for source in pack.sources}
        for outcome in pack.benefits + pack.risks:
            assert outcome.estimates, (pack.id, outcome.id)
            for estimate in outcome.estimates:
                assert estimate.source in listed, (pack.id, outcome.id)
        for milestone in pack.milestones:
            assert milestone.sources and set(milestone.sources) <= listed, (pack.id, milestone.id)


def _numbers_in(text: str) -> set[float]:
    return {float(number.replace(",", ".")) for number in re.findall(r"\d+(?:[.,]\d+)?", text)}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not beside this checkout")
def test_every_figure_appears_in_the_seed_it_cites(library):
    """No invented figure: each risk, benefit and quoted number is written in its cited seed."""
    for pack in library.packs:
        seed_numbers = {source.id: _numbers_in((SEEDS / source.file).read_text(encoding="utf-8"))
                        for source in pack.sources}
        for outcome in pack.benefits + pack.risks:
            for estimate in outcome.estimates:
                for figure in (estimate.value, estimate.low, estimate.high, estimate.upper):
                    if figure is not None:
                        assert figure in seed_numbers[estimate.source], (pack.id, outcome.id, figure)
        for value in pack.values.values():
            for figure in (value.value, value.low, value.high):
                if figure is not None:
                    assert figure in seed_numbers[value.source], (pack.id, value.name, figure)


def test_nested_outcomes_point_inside_their_pack(library):
    vertebroplasty = library.get("vertebroplasty")
    cement = library.get("cement-spine-surgery")
    assert {r.id: r.within for r in cement.risks}["symptomatic_leakage"] == "cement_leakage"
    assert {r.id: r.within for r in vertebroplasty.risks}["leakage_near_nerves"] == "cement_leakage"


def test_disagreeing_sources_are_all_kept(library):
    leakage = {r.id: r for r in library.get("vertebroplasty").risks}["cement_leakage"]
    by_source = {estimate.source: estimate for estimate in leakage.estimates}
    assert set(by_source) == {"seed-002", "seed-003", "seed-004"}
    assert by_source["seed-002"].kind == "not_known" and by_source["seed-002"].verbal == "extremely_rare"
    assert (by_source["seed-003"].low, by_source["seed-003"].high) == (1, 5)


def test_the_doubtful_check_up_time_is_kept_and_flagged(library):
    pack = library.get("endoscopic-spine-surgery")
    checkup = {m.id: m for m in pack.milestones}["first_checkup"]
    assert (str(checkup.start), str(checkup.end)) == ("7 hours", "10 hours")
    assert "milestones.first_checkup" in {review.about for review in pack.reviews}


def test_fingerprint_is_stable_and_follows_the_words(tmp_path, library):
    import shutil

    original = library.get("vertebroplasty")
    copy = tmp_path / "vertebroplasty"
    shutil.copytree(original.folder, copy)
    (copy / "pack.yaml").write_text("# a comment changes nothing\n" + (copy / "pack.yaml").read_text("utf-8"),
                                    encoding="utf-8")
    assert load_library(tmp_path).packs[0].fingerprint == original.fingerprint
    english = (copy / "en.yaml").read_text("utf-8")
    assert "\ntitle: " in english
    (copy / "en.yaml").write_text(english.replace("\ntitle: ", "\ntitle: Edited ", 1), encoding="utf-8")
    assert load_library(tmp_path).packs[0].fingerprint != original.fingerprint
