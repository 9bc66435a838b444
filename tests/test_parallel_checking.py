"""A library with many changed packs is validated on every core (content/checking.py): the picker gets the
same packs, the same broken ones with the same problems, and the same cache as when one process does it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from consultaid.content import checking
from consultaid.content.library import load_library
from consultaid.paths import bundled_content_dir


def _library(root: Path, copies: int) -> Path:
    """`copies` copies of each shipped pack under new ids; every seventh copy broken (a figure taken out)."""
    number = 0
    for pack in sorted(path for path in bundled_content_dir().iterdir() if (path / "pack.yaml").is_file()):
        for copy in range(copies):
            folder = root / f"{pack.name}-{copy:03d}"
            shutil.copytree(pack, folder)
            facts = folder / "pack.yaml"
            text = facts.read_text(encoding="utf-8").replace(f"id: {pack.name}\n", f"id: {folder.name}\n", 1)
            if number % 7 == 0:
                text = text.replace("format: 1\n", "format: one\n", 1)
            facts.write_text(text, encoding="utf-8")
            number += 1
    return root


def _summary(library):
    return ([(listing.id, listing.titles) for listing in library.in_language("en")],
            [(broken.folder.name, [str(problem) for problem in broken.problems]) for broken in library.broken])


@pytest.fixture
def many_packs(tmp_path):
    return _library(tmp_path / "library", 20)


def test_many_changed_packs_are_checked_in_workers_with_the_same_result(many_packs, tmp_path, monkeypatch):
    started = []
    real = checking.checked_in_order

    def counting(folders, workers=None):
        started.append(len(folders))
        return real(folders, workers=2)

    monkeypatch.setattr(checking, "checked_in_order", counting)
    parallel = load_library(many_packs)
    assert started == [60] and len(parallel.broken) == 9 and len(parallel.in_language("en")) == 51

    monkeypatch.setattr(checking, "PARALLEL_FROM", 10_000)   # one process
    serial = load_library(many_packs, use_cache=False)
    assert _summary(parallel) == _summary(serial)
    # The workers' results went into the cache: the next start lists everything without validating.
    monkeypatch.setattr(checking, "checked_in_order", lambda folders, workers=None: started.append(len(folders))
                        or real(folders))
    again = load_library(many_packs)
    assert started[-1] == 9 and _summary(again) == _summary(parallel)   # only the broken ones again
    assert again.get(again.in_language("en")[0].id) is not None


def test_a_script_without_a_main_guard_loads_a_large_library_once(many_packs, tmp_path):
    """The workers are not handed the caller's main script to run again."""
    import subprocess
    import sys

    script = tmp_path / "unguarded.py"
    script.write_text("from pathlib import Path\n"
                      "from consultaid.content.library import load_library\n"
                      f"library = load_library(Path({str(many_packs)!r}), use_cache=False)\n"
                      "print('listed', len(library.listings), 'broken', len(library.broken))\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines() == ["listed 51 broken 9"]


def test_the_parent_only_files_what_the_workers_made(many_packs, monkeypatch):
    """At the first start after the packs changed the parent shares the cores with the workers: it writes
    and seals what they made (picker entry, cache file text), and neither builds nor encodes a pack."""
    from consultaid.content import library as library_module
    from consultaid.content import pack_cache

    real = checking.checked_in_order
    monkeypatch.setattr(checking, "checked_in_order", lambda folders, workers=None: real(folders, workers=2))
    built, encoded = [], []
    real_build, real_text = library_module.pack_from_data, pack_cache.cache_text
    monkeypatch.setattr(library_module, "pack_from_data", lambda *args: built.append(args) or real_build(*args))
    monkeypatch.setattr(pack_cache, "cache_text", lambda data: encoded.append(data) or real_text(data))
    library = load_library(many_packs)
    assert len(library.in_language("en")) == 51 and len(library.broken) == 9
    assert built == [] and encoded == []
    # Each pack is still there, from the cache the workers' texts went into.
    pack = library.get(library.in_language("en")[0].id)
    assert pack is not None and len(built) == 1
