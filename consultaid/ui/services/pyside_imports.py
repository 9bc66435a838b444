"""PySide6's import hook, kept from holding the source of every module in memory.

Importing PySide6 replaces Python's `__import__`. After every import it asks whether the new module uses
PySide's `__feature__` switches (snake_case, true_property) by searching the module's source for
"PySide6" (shibokensupport's `feature._mod_uses_pyside`, PYSIDE-2029). It gets that source through
`inspect.getsource`, i.e. `linecache`, which keeps every line of every module imported since: 2.5 MB at
the app's first paint and about 26 MB once a summary has been finalized, never read again. Here the same
question is answered by reading the file's bytes, and nothing is kept. ConsultAid uses no `__feature__`
switch; the answer is PySide's own for every module (tests/test_pyside_imports.py). If a PySide release
no longer has the function, nothing is changed.
"""

from __future__ import annotations

import sys
from typing import Any


def answer_without_keeping_sources() -> bool:
    """Install the replacement (once); True if PySide's hook was found and is now answered here."""
    import PySide6.QtCore  # noqa: F401 (the hook is in place once QtCore is imported)

    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None or getattr(original, "reads_bytes", False):
        return False

    def mod_uses_pyside(module: Any) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return bool(original(module))   # built in, compiled or frozen: PySide finds no source either
        try:
            with open(path, "rb") as handle:
                return b"PySide6" in handle.read()
        except OSError:
            return bool(original(module))

    mod_uses_pyside.reads_bytes = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = mod_uses_pyside  # type: ignore[union-attr]
    return True
