"""Language-neutral numbers become words in each language, the same way on screen and on paper."""

from __future__ import annotations

import pytest

from consultaid.content.durations import Duration
from consultaid.content.library import load_library
from consultaid.content.wording import render
from consultaid.formatting import format_amount, format_duration
from tests.conftest import CONTENT


@pytest.fixture(scope="module")
def library():
    return load_library(CONTENT)


@pytest.mark.parametrize("pack_id, text, english, french", [
    ("cement-spine-surgery", "{physiotherapy.start}", "1\u00a0month", "1\u00a0mois"),
    ("cement-spine-surgery", "{physiotherapy.lasts}", "1–3\u00a0months", "1–3\u00a0mois"),
    ("cement-spine-surgery", "{physio_session_length}", "30–60\u00a0minutes", "30–60\u00a0minutes"),
    ("cement-spine-surgery", "{physio_sessions_per_week}", "2–3\u00a0sessions", "2–3\u00a0séances"),
    ("cement-spine-surgery", "{return_to_work}", "1–2\u00a0months", "1–2\u00a0mois"),
    ("endoscopic-spine-surgery", "{incision_length}", "1\u00a0cm", "1\u00a0cm"),
    ("endoscopic-spine-surgery", "{first_checkup}", "7–10\u00a0hours", "7–10\u00a0heures"),
    ("vertebroplasty", "{stand_up}", "12\u00a0hours", "12\u00a0heures"),
    ("vertebroplasty", "{seed-003}", "003_5a065552f51a491e.txt", "003_5a065552f51a491e.txt"),
])
def test_placeholders_render_in_both_languages(library, pack_id, text, english, french):
    pack = library.get(pack_id)
    assert render(pack, "en", text) == english
    assert render(pack, "fr", text) == french


def test_no_placeholder_is_left_in_any_shipped_text(library):
    for pack in library.packs:
        for language, texts in pack.texts.items():
            stack = [texts.data]
            while stack:
                node = stack.pop()
                if isinstance(node, dict):
                    stack.extend(node.values())
                elif isinstance(node, list):
                    stack.extend(node)
                elif isinstance(node, str):
                    assert "{" not in render(pack, language, node), (pack.id, language, node)


def test_french_numbers_use_a_decimal_comma_and_singular_below_two():
    assert format_amount(1.5, None, "hour", "fr") == "1,5\u00a0heure"
    assert format_amount(1.5, None, "hour", "en") == "1.5\u00a0hours"
    assert format_amount(5, None, "percent", "fr") == "5\u00a0%"
    assert format_duration(Duration.parse("1 day"), "en") == "1\u00a0day"


def test_dates_follow_the_language():
    from datetime import date

    from consultaid.formatting import format_long_date

    assert format_long_date(date(2027, 3, 12), "fr") == "12 mars 2027"
    assert format_long_date(date(2027, 3, 12), "en") == "12 March 2027"
