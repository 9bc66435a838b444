"""Issue 13 item 1: a validated-pack cache edited on disk never reaches a patient, a signature or a seal.

The cache (content/pack_cache.py) is the real one, in its real folder; it is poisoned the way a hostile
tester did (one figure changed in the cached data file), then used by a real GUI consultation, by the
library and by the summary. The genuine figure, and the genuine fingerprint, must come out every time."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from consultaid.content import cache_seal
from consultaid.content.fingerprint import content_fingerprint
from consultaid.content.library import load_library
from tests.conftest import CONTENT
from tests.test_consultation_flow import fill_start_form, pdf_text, sign_and_finalize

PACK = "vertebroplasty"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CONSULTAID_CACHE_DIR", str(folder))
    monkeypatch.setenv("CONSULTAID_CONFIG_DIR", str(tmp_path / "config"))
    return folder


@pytest.fixture
def content(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    return root


def cached_data_file(cache_dir: Path, pack_id: str) -> Path:
    for path in cache_dir.rglob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data.get("pack"), dict) and data["pack"]["facts"]["id"] == pack_id:
            return path
    raise AssertionError(f"no cached data for {pack_id}")


def index_file(cache_dir: Path) -> Path:
    return next(cache_dir.rglob("index.json"))


def poison_pain_relief(cache_dir: Path, *, fix_fingerprint: bool = False) -> None:
    """98 % of patients with less pain becomes 3 %, in the cached data only (the pack is untouched).
    `fix_fingerprint`: the attacker also recomputes the data file's own fingerprint."""
    path = cached_data_file(cache_dir, PACK)
    data = json.loads(path.read_text(encoding="utf-8"))
    estimate = data["pack"]["facts"]["benefits"][0]["estimates"][0]
    assert estimate["value"] == 98 and estimate["unit"] == "percent"
    estimate["value"] = 3
    if fix_fingerprint:
        data["pack"]["fingerprint"] = content_fingerprint(data["pack"]["facts"], data["pack"]["texts"])
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def pain_relief_value(library) -> int:
    return library.get(PACK).benefits[0].estimates[0].value


@pytest.mark.parametrize("fix_fingerprint", [False, True])
def test_a_poisoned_data_file_is_not_used(content, cache_dir, fix_fingerprint):
    genuine = load_library(content, use_cache=False).get(PACK)
    load_library(content)  # fills the cache
    poison_pain_relief(cache_dir, fix_fingerprint=fix_fingerprint)
    library = load_library(content)
    assert library.listing(PACK) is not None and not library.broken
    assert library.get(PACK) == genuine and pain_relief_value(library) == 98


def test_a_poisoned_index_entry_with_its_fingerprint_is_validated_again(content, cache_dir):
    """The attacker rewrites everything the cache holds, consistently: data, fingerprint and picker text."""
    genuine = load_library(content, use_cache=False)
    load_library(content)
    poison_pain_relief(cache_dir, fix_fingerprint=True)
    forged = json.loads(cached_data_file(cache_dir, PACK).read_text(encoding="utf-8"))["pack"]["fingerprint"]
    index = json.loads(index_file(cache_dir).read_text(encoding="utf-8"))
    entry = index["packs"][PACK]
    entry["fingerprint"] = forged
    entry["summaries"]["en"] = entry["summaries"]["en"].replace("98", "3")
    index_file(cache_dir).write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    library = load_library(content)
    assert library.listing(PACK) == genuine.listing(PACK)
    assert library.get(PACK) == genuine.get(PACK) and pain_relief_value(library) == 98


def test_a_cache_sealed_with_another_key_is_not_used(content, cache_dir):
    """Everything rewritten consistently and sealed, but with a key that is not this installation's (the
    attacker's own installation, or a guess)."""
    genuine = load_library(content, use_cache=False).get(PACK)
    load_library(content)
    poison_pain_relief(cache_dir, fix_fingerprint=True)
    forged = json.loads(cached_data_file(cache_dir, PACK).read_text(encoding="utf-8"))["pack"]["fingerprint"]
    index = json.loads(index_file(cache_dir).read_text(encoding="utf-8"))
    entry = index["packs"][PACK]
    entry["fingerprint"] = forged
    body = json.dumps({k: v for k, v in entry.items() if k != "mac"}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    entry["mac"] = cache_seal.seal(bytes(32), f"index/{index_file(cache_dir).parent.name}/{PACK}", body)
    index_file(cache_dir).write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    library = load_library(content)
    assert library.get(PACK) == genuine and pain_relief_value(library) == 98


def test_without_a_key_there_is_no_cache_and_packs_are_validated(content, cache_dir, tmp_path, monkeypatch):
    blocker = tmp_path / "config-is-a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("CONSULTAID_CONFIG_DIR", str(blocker))
    assert cache_seal.cache_key() is None
    library = load_library(content)
    assert library.packs == load_library(content, use_cache=False).packs
    assert not list(cache_dir.rglob("*.json")), "nothing is cached that could not be proved later"


def test_the_key_is_owner_only_and_outside_the_cache(cache_dir):
    key = cache_seal.cache_key()
    assert key is not None and len(key) == 32 and cache_seal.cache_key() == key
    path = cache_seal.key_path()
    assert path.stat().st_mode & 0o777 == 0o600
    assert cache_dir not in path.parents


def labels_text(widget) -> str:
    return " ".join(label.text() for label in widget.findChildren(QLabel))


def test_a_gui_consultation_on_a_poisoned_cache_shows_signs_and_seals_the_genuine_figure(
        content, cache_dir, qtbot, qapp, tmp_path):
    from consultaid.i18n import set_interface_language
    from consultaid.ui.app import create_main_window
    from consultaid.ui.services.messages import messages
    from consultaid.ui.services.style import apply_style

    genuine = load_library(content, use_cache=False).get(PACK)
    load_library(content)  # a first start fills the cache
    poison_pain_relief(cache_dir)

    apply_style(qapp)
    window = create_main_window(content)  # the next start, on the poisoned cache
    window.resize(1366, 768)
    with qtbot.waitExposed(window):
        window.show()
    try:
        title = genuine.title("en")
        row = next(r for r in range(window.procedures.count()) if window.procedures.item(r).text() == title)
        rect = window.procedures.visualItemRect(window.procedures.item(row))
        qtbot.mouseClick(window.procedures.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
        fill_start_form(window.start_dialog, qtbot, "en")
        view = window.consultation_view
        assert view is not None
        qtbot.mouseClick(view.navigator.buttons["benefits_risks"], Qt.MouseButton.LeftButton)
        shown = labels_text(view.page_for["benefits_risks"].chart.row_widget("pain_relief"))
        assert "980 in 1000" in shown and "30 in 1000" not in shown, shown
        pdf = sign_and_finalize(view, qtbot, tmp_path / "summary.pdf")
        record = view.consultation.to_record()
        assert record["content"]["fingerprint"] == genuine.fingerprint
        text = " ".join(pdf_text(pdf).split())
        assert "980 in 1000" in text and "30 in 1000 have" not in text
    finally:
        messages.answers = [True] if window.consultation_view is not None else []
        window.close()
        window.deleteLater()
        set_interface_language("en")


@pytest.mark.parametrize("damage", ["", "not hex\n", "ab" * 31 + "\n"])
def test_a_damaged_key_file_is_made_again_and_the_cache_still_works(content, cache_dir, damage):
    path = cache_seal.key_path()
    path.parent.mkdir(parents=True)
    path.write_text(damage, encoding="ascii")
    key = cache_seal.cache_key()
    assert key is not None and len(key) == 32 and path.stat().st_mode & 0o777 == 0o600
    load_library(content)
    library = load_library(content)
    assert library._cache._fingerprints, "the second start lists every pack from the cache"
    assert library.packs == load_library(content, use_cache=False).packs
