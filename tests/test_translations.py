"""Every user-visible string of the application has a French translation with the same placeholders."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from consultaid.i18n import catalogue, translate
from tests.conftest import REPO

MARKERS = {"_", "N_"}


def marked_strings() -> dict[str, str]:
    """msgid -> where it is used, for every _("…") and N_("…") in the package."""
    found = {}
    for path in sorted((REPO / "consultaid").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.setdefault(node.args[0].value, f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def fields(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_the_scan_finds_the_interface_strings():
    assert len(marked_strings()) > 50


def test_every_marked_string_has_a_french_translation():
    french = catalogue("fr")
    missing = [f"{where}: {text!r}" for text, where in marked_strings().items() if not french.get(text)]
    assert missing == []


@pytest.mark.parametrize("text", sorted(marked_strings()))
def test_french_keeps_the_placeholders(text):
    assert fields(translate(text, "fr")) == fields(text)


def test_french_catalogue_has_no_stale_entries():
    assert set(catalogue("fr")) - set(marked_strings()) == set()


def test_english_is_the_source_language():
    assert translate("Sources", "en") == "Sources"
