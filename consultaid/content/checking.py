"""Validating many pack folders at once, for the library: on every core when there are many. No Qt.

The first start after the packs changed (a new release of the library, every pack edited) validates them
all before the picker can list them: about 7 ms a pack, so 7 s for 1,000 on one core. Validation is pure
Python, so threads would share one interpreter lock; worker processes each take a share. They are
started with "spawn" (a fresh interpreter, nothing inherited from a running Qt application) and only when
the work outweighs their start (a few tenths of a second each). What crosses back is plain data, and as
much of the filing as can be done in the worker is done there (the picker's entry, the cache file's text),
so the parent, which shares the cores, only writes and seals: a passed pack as a Validated, or the
pack's problems.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from consultaid.content.problems import Problem

# Below this many packs to validate, one process does it: starting workers would cost more than it saves.
PARALLEL_FROM = 48
MAX_WORKERS = 8


@dataclass(frozen=True)
class Validated:
    """A pack that passed validation, ready to be listed and cached."""

    listing: dict[str, Any]      # what the picker shows (library.PackListing.as_data)
    fingerprint: str             # the pack's content fingerprint
    # The cache file's text (pack_cache.cache_text), which JSON reads back as exactly the pack's data; None
    # if JSON cannot carry that data, which then travels as `data` (such a pack is not cached).
    cache_text: str | None
    data: dict[str, Any] | None = None

    def pack_data(self) -> dict[str, Any]:
        """What the pack's model is built from (library.pack_data)."""
        if self.data is not None:
            return self.data
        assert self.cache_text is not None   # one of the two is always given (check_folder)
        pack: dict[str, Any] = json.loads(self.cache_text)["pack"]
        return pack


Checked = tuple[Validated | None, tuple[Problem, ...]]


def check_folder(folder: Path) -> Checked:
    """One pack folder validated: (the pack ready to file, no problems) if it passed, else (None, its
    problems)."""
    from consultaid.content.library import PackListing, pack_data, pack_from_data
    from consultaid.content.pack_cache import cache_text
    from consultaid.content.validation import check_pack

    check = check_pack(folder)
    if not check.ok:
        return None, tuple(check.problems)
    data = pack_data(check)
    listing = PackListing.of(pack_from_data(folder, data)).as_data()
    text = cache_text(data)
    return Validated(listing, data["fingerprint"], text, data if text is None else None), ()


def checked_in_order(folders: list[Path], workers: int | None = None) -> Generator[tuple[Path, Checked]]:
    """(folder, what its validation found), in the order of `folders`, each as soon as it is known: the
    caller files the first packs (the cache, the listing) while the workers still validate the last. In
    worker processes when there are PARALLEL_FROM or more and more than one core; the result is the same
    either way (tests/test_parallel_checking.py)."""
    workers = workers or min(MAX_WORKERS, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                             else os.cpu_count() or 1)
    if len(folders) < PARALLEL_FROM or workers < 2:
        yield from ((folder, check_folder(folder)) for folder in folders)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, len(folders) // (workers * 4))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        with _main_script_hidden():   # every worker starts during map's submissions
            results = pool.map(check_folder, folders, chunksize=chunk)
        yield from zip(folders, results, strict=True)


@contextmanager
def _main_script_hidden() -> Iterator[None]:
    """The workers need consultaid's modules only. Without this, "spawn" runs the parent's main script again
    in each worker (as __mp_main__), and a script without an `if __name__ == "__main__"` guard (a
    benchmark, IT's own script around `load_library`) would start over in every worker."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved: dict[str, object] = {name: main.__dict__[name] for name in ("__spec__", "__file__")
                                if name in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)
