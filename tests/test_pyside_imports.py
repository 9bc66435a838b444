"""PySide6's import hook no longer keeps every imported module's source in memory (ui/services/pyside_imports.py),
and still gives PySide's own answer. In a new process: the hook sees every import from the moment PySide6 is
imported, as in the app. (The hook notes the module a `from … import` statement names.)"""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import inspect, linecache, sys
import PySide6.QtWidgets
feature = sys.modules["shibokensupport.feature"]
pyside_answer = feature._mod_uses_pyside
import consultaid.ui   # the interface package installs it first thing
from consultaid.ui.services.pyside_imports import answer_without_keeping_sources
print("installed", getattr(feature._mod_uses_pyside, "reads_bytes", False), answer_without_keeping_sources())
linecache.clearcache()
from consultaid.ui.views.main_window import MainWindow
from consultaid.content.model import ProcedurePack
from email.message import Message
from _csv import reader
kept = [name for name in linecache.cache if "consultaid" in name or "email" in name]
print("kept", len(kept))
names = ["consultaid.ui.views.main_window", "consultaid.content.model", "email.message", "_csv"]
pysides = [0 if pyside_answer(sys.modules[name]) else -1 for name in names]
print("same", [feature.pyside_feature_dict[name] for name in names] == pysides)
print("uses", [feature.pyside_feature_dict[name] for name in names])
"""


def test_imports_keep_no_source_and_get_pysides_answer():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert result.stdout.splitlines() == ["installed True False", "kept 0", "same True", "uses [0, -1, -1, -1]"], (
        result.stdout + result.stderr)
