"""Every user-visible string of the application has a French translation with the same placeholders."""

from __future__ import annotations

import ast
import string

import pytest

from consultaid.i18n import catalogue, plural_catalogue, translate, translate_plural
from tests.conftest import REPO

MARKERS = {"_", "N_"}
PLURAL_MARKERS = {"ngettext", "translate_plural"}


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


def marked_plurals() -> dict[tuple[str, str], str]:
    """(singular, plural) -> where it is used, for every ngettext("…", "…", n) in the package."""
    found = {}
    for path in sorted((REPO / "consultaid").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in PLURAL_MARKERS
                    and len(node.args) >= 2 and all(isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                                                    for arg in node.args[:2])):
                found.setdefault((node.args[0].value, node.args[1].value), f"{path.relative_to(REPO)}:{node.lineno}")
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


def test_the_scan_finds_the_plural_messages():
    assert len(marked_plurals()) >= 5


def test_every_plural_message_has_both_french_forms_with_the_same_placeholders():
    forms, _rule = plural_catalogue("fr")
    for (singular, plural), where in marked_plurals().items():
        assert len(forms.get(singular, ())) == 2, f"{where}: {singular!r}"
        assert all(fields(form) == fields(plural) for form in forms[singular]), where


def test_french_plural_entries_are_all_in_use():
    forms, _rule = plural_catalogue("fr")
    assert set(forms) - {singular for singular, _plural in marked_plurals()} == set()


def test_no_message_hides_its_plural_behind_parentheses():
    """ "4 point(s)" reads as a program talking: every count takes its real plural form in both languages."""
    texts = list(marked_strings()) + [form for pair in marked_plurals() for form in pair]
    assert [text for text in texts if "(s)" in text or "(ies)" in text] == []


@pytest.mark.parametrize(("count", "english", "french"), [
    (0, "0 pages", "0 page"), (1, "1 page", "1 page"), (2, "2 pages", "2 pages"), (7, "7 pages", "7 pages")])
def test_plural_forms_follow_each_language(count, english, french):
    assert translate_plural("{count} page", "{count} pages", count, "en").format(count=count) == english
    assert translate_plural("{count} page", "{count} pages", count, "fr").format(count=count) == french
