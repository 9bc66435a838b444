"""Translation of the application's own words, shared by the Qt interface and the Qt-free layers.

Why gettext catalogues read with Babel: translators know `.po` files and their tools; Babel reads them
directly, so no compiled `.mo` file is generated or committed, and the same lookup serves the summary PDF,
which is written in the patient's language while the interface may be in the surgeon's. Message ids are
the English text, so English needs no catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from consultaid.paths import resources_dir

SUPPORTED_LANGUAGES = ("en", "fr")
SOURCE_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}  # each language named in itself, never translated

_interface_language = SOURCE_LANGUAGE


def catalogue_path(language: str) -> Path:
    return resources_dir() / "i18n" / f"{language}.po"


@cache
def catalogue(language: str) -> dict[str, str]:
    """msgid -> msgstr for one language; untranslated and fuzzy entries are left out."""
    if language == SOURCE_LANGUAGE:
        return {}
    from babel.messages.pofile import read_po  # only when a translation is first needed

    with open(catalogue_path(language), "rb") as handle:
        parsed = read_po(handle, locale=language)
    return {
        message.id: message.string
        for message in parsed
        if message.id and isinstance(message.id, str) and isinstance(message.string, str) and message.string
        and not message.fuzzy
    }


@cache
def plural_catalogue(language: str) -> tuple[dict[str, tuple[str, ...]], Callable[[int], int]]:
    """singular msgid -> its translated forms, and the language's rule choosing a form for a count (the
    catalogue's own Plural-Forms expression: French uses the singular for 0 and 1, English only for 1)."""
    if language == SOURCE_LANGUAGE:
        return {}, _english_plural
    import gettext

    from babel.messages.pofile import read_po

    with open(catalogue_path(language), "rb") as handle:
        parsed = read_po(handle, locale=language)
    forms = {
        message.id[0]: tuple(message.string)
        for message in parsed
        if isinstance(message.id, tuple) and isinstance(message.string, (tuple, list)) and all(message.string)
        and not message.fuzzy
    }
    return forms, gettext.c2py(parsed.plural_expr)


def _english_plural(count: int) -> int:
    return 0 if count == 1 else 1


def translate_plural(singular: str, plural: str, count: int, language: str) -> str:
    """The form of a message that fits `count` in `language` (the English forms when it has no entry)."""
    forms, rule = plural_catalogue(language)
    chosen = forms.get(singular)
    if not chosen:
        return singular if _english_plural(count) == 0 else plural
    return chosen[min(rule(count), len(chosen) - 1)]


def translate(text: str, language: str) -> str:
    return catalogue(language).get(text, text)


def set_interface_language(language: str) -> None:
    global _interface_language
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language: {language!r}")
    _interface_language = language


def interface_language() -> str:
    return _interface_language


def _(text: str) -> str:
    """Translate into the interface language."""
    return translate(text, _interface_language)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Translate a message with a number into the interface language, in the form that number needs:
    "1 page" / "7 pages", "0 page" / "2 pages" in French. The caller still formats {count} in."""
    return translate_plural(singular, plural, count, _interface_language)


def N_(text: str) -> str:
    """Mark text for translation where it is defined; translate it later where it is shown."""
    return text
