"""The user's settings (consultaid/settings.py), the Settings dialog, and the clinic logo on the summary."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from consultaid.settings import (
    Clinic,
    Settings,
    SurgeonProfile,
    load_settings,
    save_settings,
    settings_path,
    validate,
)
from tests.conftest import REPO


@pytest.fixture(autouse=True)
def own_config_dir(tmp_path, monkeypatch):
    folder = tmp_path / "config"
    monkeypatch.setenv("CONSULTAID_CONFIG_DIR", str(folder))
    return folder


def png(path: Path, size=(60, 20)) -> Path:
    from PIL import Image

    Image.new("RGB", size, (20, 90, 160)).save(path)
    return path


def full_settings(tmp_path) -> Settings:
    return Settings(
        profiles=[SurgeonProfile("Dr Émile Roux", "Chirurgien orthopédiste", "RPPS 10001234567",
                                 "J’atteste avoir donné ces informations."),
                  SurgeonProfile("Dr Ann Lee", "Spine surgeon", "GMC 7654321")],
        current_profile=1,
        clinic=Clinic("Clinique du Parc", "12 rue du Parc\n69006 Lyon", str(png(tmp_path / "logo.png"))),
        paper="letter", interface_language="fr", patient_language="fr",
        data_dir=str(tmp_path / "records"), printer="cups-pdf", copies=3,
    )


def test_the_config_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("CONSULTAID_CONFIG_DIR")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert settings_path() == tmp_path / "xdg" / "ConsultAid" / "settings.json"
    monkeypatch.setenv("CONSULTAID_CONFIG_DIR", str(tmp_path / "elsewhere"))
    assert settings_path() == tmp_path / "elsewhere" / "settings.json"


def test_first_start_gives_the_defaults():
    settings = load_settings()
    assert settings == Settings()
    assert (settings.paper, settings.interface_language, settings.patient_language, settings.copies) == \
        ("a4", "en", "en", 2)
    assert settings.profiles == [] and settings.current() is None and settings.problem == ""
    assert validate(settings) == {}


def test_round_trip(tmp_path):
    settings = full_settings(tmp_path)
    assert validate(settings) == {}
    path = save_settings(settings)
    assert path == settings_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]   # no temporary file left behind
    loaded = load_settings()
    assert loaded == settings and loaded.problem == ""
    assert loaded.current().name == "Dr Ann Lee"
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == 1


def test_a_broken_file_gives_the_defaults_and_is_kept_aside():
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text('{"copies": 3, "paper": "a4"', encoding="utf-8")
    settings = load_settings()
    assert settings == Settings()
    assert settings.problem
    kept = list(path.parent.glob("settings.json.broken-*"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == '{"copies": 3, "paper": "a4"'
    assert not path.exists()
    assert kept[0].name in settings.problem
    save_settings(settings)   # and the defaults can be saved again
    assert load_settings().problem == ""


def test_values_of_the_wrong_kind_fall_back_to_their_defaults():
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"copies": "three", "paper": "letter", "profiles": [{"name": 5}, "x"]}),
                    encoding="utf-8")
    settings = load_settings()
    assert settings.copies == 2 and settings.paper == "letter"
    assert "copies" in settings.problem


def test_invalid_values_are_rejected_with_messages(tmp_path):
    settings = full_settings(tmp_path)
    settings.copies = 0
    settings.clinic.logo_path = str(tmp_path / "missing.png")
    settings.data_dir = "records/here"
    settings.profiles[0].name = "  "
    settings.paper = "a3"
    settings.patient_language = "de"
    problems = validate(settings)
    assert set(problems) == {"copies", "clinic.logo_path", "data_dir", "profiles[0].name", "paper",
                             "patient_language"}
    assert all(isinstance(message, str) and message for message in problems.values())
    settings.copies = 100
    settings.current_profile = 2
    assert {"copies", "current_profile"} <= set(validate(settings))


def test_logo_must_be_a_small_png_or_jpeg(tmp_path):
    settings = Settings()
    text = tmp_path / "logo.png"
    text.write_text("not an image")
    settings.clinic.logo_path = str(text)
    assert "clinic.logo_path" in validate(settings)
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024))
    settings.clinic.logo_path = str(big)
    assert "clinic.logo_path" in validate(settings)
    settings.clinic.logo_path = str(png(tmp_path / "ok.png"))
    assert validate(settings) == {}
    settings.data_dir = str(tmp_path / "no" / "such" / "folder")
    assert "data_dir" in validate(settings)


# ---- The dialog ------------------------------------------------------------------------------------------------

def test_the_dialog_keeps_invalid_settings_open_then_accepts_the_typed_values(qtbot, tmp_path):
    from consultaid.ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings(), printers=["cups-pdf", "office"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.surgeons.add_profile_button, _left())
    qtbot.keyClicks(dialog.surgeons.profile_name, "Dr Ann Lee")
    qtbot.keyClicks(dialog.surgeons.profile_title, "Spine surgeon")
    qtbot.keyClicks(dialog.surgeons.profile_registration, "GMC 7654321")
    qtbot.keyClicks(dialog.surgeons.profile_meaning, "I gave this information.")
    dialog.tabs.setCurrentIndex(1)
    qtbot.keyClicks(dialog.clinic.clinic_name, "Riverside Clinic")
    logo = png(tmp_path / "logo.png")
    qtbot.keyClicks(dialog.clinic.logo_path, str(logo))
    assert dialog.clinic.logo_preview.pixmap() is not None and not dialog.clinic.logo_preview.pixmap().isNull()
    dialog.tabs.setCurrentIndex(2)
    dialog.printing.printer_combo.setCurrentIndex(dialog.printing.printer_combo.findData("office"))
    dialog.printing.copies_edit.clear()
    qtbot.keyClicks(dialog.printing.copies_edit, "0")
    dialog.tabs.setCurrentIndex(0)

    qtbot.mouseClick(dialog.ok_button, _left())
    error = dialog.errors["copies"]
    assert dialog.isVisible() and dialog.result() == 0 and dialog.result_settings is None
    assert error.isVisible() and error.text().startswith("\u26a0") and "99" in error.text()
    assert dialog.tabs.currentIndex() == 2   # the tab with the problem is brought forward

    dialog.printing.copies_edit.clear()
    qtbot.keyClicks(dialog.printing.copies_edit, "4")
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(dialog.ok_button, _left())
    result = dialog.result_settings
    assert result.copies == 4 and result.printer == "office"
    assert result.profiles == [SurgeonProfile("Dr Ann Lee", "Spine surgeon", "GMC 7654321",
                                              "I gave this information.")]
    assert result.current_profile == 0
    assert result.clinic == Clinic("Riverside Clinic", "", str(logo))
    assert not error.isVisible()


def test_the_dialog_shows_an_empty_profile_name_beside_the_field(qtbot, tmp_path):
    from consultaid.ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(full_settings(tmp_path), printers=None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.surgeons.profile_list.setCurrentRow(1)
    dialog.surgeons.profile_name.selectAll()
    qtbot.keyClicks(dialog.surgeons.profile_name, " ")
    dialog.tabs.setCurrentIndex(3)
    qtbot.mouseClick(dialog.ok_button, _left())
    assert dialog.result_settings is None and dialog.tabs.currentIndex() == 0
    assert dialog.errors["profile.name"].isVisible() and dialog.surgeons.profile_list.currentRow() == 1
    every_control = [w for w in dialog.findChildren(object)
                     if w.metaObject().className() in ("QLineEdit", "QPlainTextEdit", "QComboBox", "QPushButton",
                                                       "QListWidget")]
    assert every_control and all(w.accessibleName() for w in every_control)


def _left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


# ---- The clinic logo on the summary -------------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("pdfimages") is None, reason="needs poppler-utils")
def test_the_clinic_logo_is_the_one_image_on_the_summary(tmp_path):
    from consultaid.report import render_summary

    record = json.loads((REPO / "docs" / "examples" / "vertebroplasty-fr.json").read_text(encoding="utf-8"))
    logo = png(tmp_path / "logo.png", (90, 30))

    def images(data: bytes) -> list[str]:
        pdf = tmp_path / "summary.pdf"
        pdf.write_bytes(data)
        listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True)
        return listing.stdout.splitlines()[2:]

    with_logo = images(render_summary(record, logo_path=logo))
    assert len(with_logo) == 1 and with_logo[0].split()[0] == "1"   # on page 1
    assert images(render_summary(record)) == []
    broken = tmp_path / "broken.png"
    broken.write_text("not an image")
    assert images(render_summary(record, logo_path=broken)) == []       # skipped, the summary still made
    assert images(render_summary(record, logo_path=tmp_path / "missing.png")) == []


def test_the_dialog_sets_the_seal_certificate_and_keeps_its_passphrase_in_the_keyring(qtbot, tmp_path,
                                                                                         monkeypatch):
    from consultaid.report import seal
    from consultaid.ui.dialogs.settings_dialog import SettingsDialog

    kept = []
    monkeypatch.setattr(seal, "keep_passphrase", lambda path, passphrase: kept.append((path, passphrase)) or True)
    dialog = SettingsDialog(Settings(), printers=None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.data.seal_edit.parentWidget().parentWidget())
    qtbot.keyClicks(dialog.data.seal_edit, str(tmp_path / "missing.p12"))
    qtbot.mouseClick(dialog.ok_button, _left())
    assert dialog.result_settings is None and dialog.errors["seal_certificate"].isVisible()
    certificate = tmp_path / "clinic.p12"
    certificate.write_bytes(b"a PKCS#12 file")
    dialog.data.seal_edit.clear()
    qtbot.keyClicks(dialog.data.seal_edit, str(certificate))
    qtbot.keyClicks(dialog.data.seal_passphrase, "secret phrase")
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(dialog.ok_button, _left())
    assert dialog.result_settings.seal_certificate == str(certificate)
    assert kept == [(certificate, "secret phrase")]
    save_settings(dialog.result_settings)
    assert load_settings().seal_certificate == str(certificate)
