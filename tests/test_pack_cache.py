"""The validated-pack cache (content/pack_cache.py) and the lazy library: a pack read from the cache is
exactly the pack validation builds, and any change to a pack's bytes or to the validator is seen."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from consultaid.content import pack_cache, yaml_source
from consultaid.content.library import load_library
from consultaid.content.wording import render

CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CONSULTAID_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def content(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    return root


def cache_files(cache_dir: Path) -> list[Path]:
    return sorted(path for path in cache_dir.rglob("*.json"))


def test_packs_from_the_cache_equal_freshly_validated_packs(content, cache_dir):
    fresh = load_library(content, use_cache=False)
    first = load_library(content)  # validates and fills the cache
    assert cache_files(cache_dir), "the first load must write the cache"
    second = load_library(content)  # lists from the cache, builds from the cached data
    assert second._built == {}, "nothing is built before it is asked for"
    for library in (first, second):
        assert [listing.id for listing in library.listings] == [listing.id for listing in fresh.listings]
        assert library.packs == fresh.packs  # every field of every pack, as dataclass equality
        assert library.listings == fresh.listings


def test_listing_shows_the_rendered_summary_and_every_title(content, cache_dir):
    load_library(content)
    library = load_library(content)
    for listing in library.listings:
        pack = library.get(listing.id)
        for language, texts in pack.texts.items():
            assert listing.title(language) == texts.title
            assert listing.summary(language) == render(pack, language, texts.summary)
            assert "{" not in listing.summary(language)


def test_a_changed_byte_is_seen_even_with_the_same_size_and_time(content, cache_dir):
    load_library(content)
    english = content / "vertebroplasty" / "en.yaml"
    stat = english.stat()
    text = english.read_text(encoding="utf-8")
    old_title = yaml.safe_load(text)["title"]
    # One letter of the title, so the same length; and the same modification time: only the bytes tell.
    changed = text.replace(f'title: "{old_title}"', f'title: "{old_title[:-1]}X"', 1)
    assert len(changed.encode()) == len(text.encode()) and changed != text
    english.write_text(changed, encoding="utf-8")
    os.utime(english, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    new_title = yaml.safe_load(changed)["title"]
    assert new_title != old_title
    library = load_library(content)
    assert library.listing("vertebroplasty").title("en") == new_title
    assert library.get("vertebroplasty").title("en") == new_title
    assert library.get("vertebroplasty") == load_library(content, use_cache=False).get("vertebroplasty")


def test_a_pack_broken_after_caching_is_reported_not_served(content, cache_dir):
    load_library(content)
    facts = content / "vertebroplasty" / "pack.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + "\nunknown_field: 1\n", encoding="utf-8")
    library = load_library(content)
    assert library.get("vertebroplasty") is None
    assert [broken.folder.name for broken in library.broken] == ["vertebroplasty"]
    assert any("unknown_field" in str(problem) for problem in library.broken[0].problems)


def test_a_removed_pack_leaves_the_index_and_its_data(content, cache_dir):
    load_library(content)
    before = cache_files(cache_dir)
    shutil.rmtree(content / "endoscopic-spine-surgery")
    library = load_library(content)
    assert library.listing("endoscopic-spine-surgery") is None
    after = cache_files(cache_dir)
    assert len(after) == len(before) - 1
    index = json.loads(next(path for path in after if path.name == "index.json").read_text(encoding="utf-8"))
    assert "endoscopic-spine-surgery" not in index["packs"]


@pytest.mark.parametrize("damage", ["garbage", "empty", "wrong format", "other json"])
def test_a_damaged_cache_only_means_validating_again(content, cache_dir, damage):
    expected = load_library(content, use_cache=False).packs
    load_library(content)
    for path in cache_files(cache_dir):
        path.write_text({"garbage": "\x00{not json", "empty": "", "wrong format": '{"format": 999, "packs": {}}',
                         "other json": "[1, 2, 3]"}[damage], encoding="utf-8")
    library = load_library(content)
    assert library.packs == expected and not library.broken
    assert load_library(content).packs == expected  # and the cache was rewritten sound


def test_missing_cached_data_is_rebuilt_by_validating(content, cache_dir):
    expected = load_library(content, use_cache=False).get("vertebroplasty")
    load_library(content)
    for path in cache_files(cache_dir):
        if path.name != "index.json":
            path.unlink()
    library = load_library(content)
    assert library.listing("vertebroplasty") is not None
    assert library.get("vertebroplasty") == expected


def test_a_cache_that_cannot_be_written_changes_nothing(content, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("CONSULTAID_CACHE_DIR", str(blocker))
    assert load_library(content).packs == load_library(content, use_cache=False).packs


def test_the_key_follows_the_validator_and_its_schemas(tmp_path, monkeypatch):
    from consultaid import paths

    before = pack_cache.validator_fingerprint()
    schemas = tmp_path / "schema"
    shutil.copytree(paths.schema_dir(), schemas)
    monkeypatch.setattr(paths, "schema_dir", lambda: schemas)
    assert pack_cache.validator_fingerprint() == before
    schema = next(schemas.glob("*.json"))
    schema.write_text(schema.read_text(encoding="utf-8").replace("{", "{ ", 1), encoding="utf-8")
    assert pack_cache.validator_fingerprint() != before
    folder = CONTENT / "vertebroplasty"
    assert pack_cache.folder_key(folder, "a") != pack_cache.folder_key(folder, "b")


def test_the_fast_yaml_parser_reads_every_shipped_file_as_the_pure_python_one(monkeypatch):
    files = sorted(CONTENT.glob("*/*.yaml"))
    assert files and yaml_source._FAST_LOADER is not None, "PyYAML is expected with libyaml here"
    fast = [yaml_source.load_yaml(path) for path in files]
    monkeypatch.setattr(yaml_source, "_FAST_LOADER", None)
    slow = [yaml_source.load_yaml(path) for path in files]
    for one, other in zip(fast, slow, strict=True):
        assert (one.data, one.lines, one.block_text_lines) == (other.data, other.lines, other.block_text_lines)


def test_an_index_entry_of_the_wrong_shape_is_validated_again(content, cache_dir):
    expected = load_library(content, use_cache=False).packs
    load_library(content)
    index = next(path for path in cache_files(cache_dir) if path.name == "index.json")
    data = json.loads(index.read_text(encoding="utf-8"))
    for number, entry in enumerate(data["packs"].values()):  # the key is right, the rest is not
        for name in ("id", "titles", "summaries", "languages")[number % 4:number % 4 + 1]:
            entry[name] = 7
    index.write_text(json.dumps(data), encoding="utf-8")
    library = load_library(content)
    assert library.packs == expected and not library.broken
