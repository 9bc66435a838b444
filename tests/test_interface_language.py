"""Switching the interface language at run time: every visible string follows, nothing is lost."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QLineEdit

from consultaid.i18n import catalogue, interface_language, set_interface_language
from consultaid.ui.app import create_main_window
from tests.conftest import CONTENT


@pytest.fixture
def window(qtbot, qapp):
    main = create_main_window(CONTENT)
    main.resize(1366, 768)
    with qtbot.waitExposed(main):
        main.show()
    yield main
    set_interface_language("en")
    main.close()
    main.deleteLater()


def visible_texts(main) -> set[str]:
    texts = {main.windowTitle()}
    shown = main.stack.currentWidget()
    for widget in shown.findChildren(QLabel) + shown.findChildren(QAbstractButton) + shown.findChildren(QGroupBox):
        if widget.isVisible():
            texts.add(widget.title() if isinstance(widget, QGroupBox) else widget.text())
    for field in shown.findChildren(QLineEdit):
        if field.isVisible():
            texts.add(field.placeholderText())
    for menu_action in main.menuBar().actions():
        texts.add(menu_action.text())
        texts.update(action.text() for action in menu_action.menu().actions())
    return {text for text in texts if text}


def english_only() -> set[str]:
    return {english for english, french in catalogue("fr").items() if english != french}


def french_only() -> set[str]:
    return {french for english, french in catalogue("fr").items() if english != french}


def test_the_library_switches_to_french_and_back(window):
    assert "Start consultation…" in visible_texts(window)
    window.switch_interface_language("fr")
    french = visible_texts(window)
    assert interface_language() == "fr"
    assert "Commencer la consultation…" in french
    assert french & english_only() == set()
    window.switch_interface_language("en")
    assert visible_texts(window) & french_only() == set()


def test_a_running_consultation_switches_language_without_losing_anything(window, qtbot):
    from datetime import date

    from consultaid.consultation.session import Consultation
    from consultaid.consultation.setup import ConsultationSetup, Patient, Surgeon
    from consultaid.consultation.shown_content import shown_content

    pack = window.library.get("vertebroplasty")
    setup = ConsultationSetup(Surgeon("Dr A"), Patient("Jeanne Dupont", date(1950, 3, 12)), pack.id, "en")
    consultation = Consultation(setup, shown_content(pack, "en"))
    window.open_consultation(consultation)
    consultation.set_discussed("sections", "what_it_is", True)
    window.consultation_view.go_to("recovery")
    window.switch_interface_language("fr")
    view = window.consultation_view
    assert view.consultation is consultation and view.current == "recovery"
    assert view.page_for["procedure"].consultation.sections["what_it_is"].discussed
    texts = visible_texts(window)
    assert "Fermer la consultation" in texts and texts & english_only() == set()
    # The patient's content stays in the patient's language.
    assert view.consultation.content.language == "en"


def test_presentation_size_and_high_contrast_from_the_view_menu(window, qapp):
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    actions = {action.text(): action for action in view_menu.actions()}
    from consultaid.ui.services.style import BASE_POINT_SIZE as base

    actions["Larger"].trigger()
    actions["Larger"].trigger()
    assert qapp.font().pointSizeF() == pytest.approx(base * 1.5)
    assert actions["Larger"].shortcut().toString() == "Ctrl++"
    actions["High contrast"].trigger()
    assert window.high_contrast and actions["High contrast"].isChecked()
    assert "#000000" in qapp.styleSheet().upper() or "black" in qapp.styleSheet().lower()
    actions["Normal size"].trigger()
    actions["High contrast"].trigger()
    assert qapp.font().pointSizeF() == pytest.approx(base) and not window.high_contrast
