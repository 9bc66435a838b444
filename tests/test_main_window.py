"""The app starts offscreen on the shipped content, and with a broken pack beside good ones."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt

from consultaid.ui.app import create_main_window
from consultaid.ui.services.style import apply_style
from tests.conftest import CONTENT


@pytest.fixture
def window(qtbot, qapp):
    apply_style(qapp)
    created = []

    def make(content_dir=CONTENT):
        main = create_main_window(content_dir)
        qtbot.addWidget(main)
        with qtbot.waitExposed(main):
            main.show()
        created.append(main)
        return main

    return make


def listed_titles(main):
    return [main.procedures.item(row).text() for row in range(main.procedures.count())]


def language_button(main, name):
    return next(button for button in main.language_buttons.buttons() if button.text() == name)


def test_lists_every_shipped_procedure_in_english_and_french(window, qtbot):
    main = window()
    assert main.banner is None
    assert len(listed_titles(main)) == 3
    assert "Endoscopic spine surgery" in listed_titles(main)
    qtbot.mouseClick(language_button(main, "Français"), Qt.MouseButton.LeftButton)
    assert "Chirurgie endoscopique du rachis" in listed_titles(main)
    assert len(listed_titles(main)) == 3


def test_search_filters_the_list_and_says_when_nothing_matches(window, qtbot):
    main = window()
    qtbot.keyClicks(main.search, "endosc")
    assert listed_titles(main) == ["Endoscopic spine surgery"]
    assert main.overview.title.text() == "Endoscopic spine surgery"
    main.search.clear()
    qtbot.keyClicks(main.search, "zzzz")
    assert listed_titles(main) == []
    assert main.empty_note.text() == "No procedure matches your search."


def test_selecting_a_procedure_shows_its_overview(window, qtbot):
    main = window()
    row = listed_titles(main).index("Vertebroplasty (vertebral cementoplasty)")
    rect = main.procedures.visualItemRect(main.procedures.item(row))
    qtbot.mouseClick(main.procedures.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert main.overview.title.text() == "Vertebroplasty (vertebral cementoplasty)"
    assert "version 1.2.0" in main.overview.meta.text()
    assert "002_8df9aa41cbf46354.txt" in main.overview.contents.text()


def test_a_broken_pack_is_named_and_the_others_still_load(window, tmp_path):
    for pack in CONTENT.iterdir():
        if pack.is_dir():
            shutil.copytree(pack, tmp_path / pack.name)
    broken = tmp_path / "broken-pack"
    shutil.copytree(CONTENT / "vertebroplasty", broken)
    (broken / "pack.yaml").write_text("format: 1\nid: [unclosed\n", encoding="utf-8")

    main = window(tmp_path)
    assert len(listed_titles(main)) == 3
    assert main.banner is not None and main.banner.isVisible()
    text = main.banner.message.text()
    assert "broken-pack" in text and "pack.yaml, line" in text
