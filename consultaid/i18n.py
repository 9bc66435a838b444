"""Translation of the application's own words, shared by the Qt interface and the Qt-free layers.

Why gettext catalogues read with Babel: translators know `.po` files and their tools; Babel reads them
directly, so no compiled `.mo` file is generated or committed, and the same lookup serves the summary PDF,
which is written in the patient's language while the interface may be in the surgeon's. Message ids are
the English text, so English needs no catalogue.
"""

from __future__ import annotations

from functools import lru_cache

from consultaid.paths import resources_dir

SUPPORTED_LANGUAGES = ("en", "fr")
SOURCE_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}  # each language named in itself, never translated

_interface_language = SOURCE_LANGUAGE


def catalogue_path(language: str):
    return resources_dir() / "i18n" / f"{language}.po"


@lru_cache(maxsize=None)
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
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
    }


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


def N_(text: str) -> str:
    """Mark text for translation where it is defined; translate it later where it is shown."""
    return text
