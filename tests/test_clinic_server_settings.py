"""Settings › Data › Clinic server: where the shared records are, with TLS verification required on the
network and the password kept in the keyring, never in the settings file."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from consultaid.consultation.server_location import KEYRING_SERVICE, ServerLocation, location_from_url
from consultaid.settings import ClinicServer, Settings, load_settings, save_settings, settings_path, validate
from consultaid.ui.messages import messages
from tests.conftest import click_box, type_text
from tests.test_at_rest import memory_keyring  # noqa: F401 (a fixture)

SECRET = "Pw-Zebu-4411"


def test_a_network_server_needs_its_ca_and_a_socket_does_not(tmp_path):
    settings = Settings(record_store="server", server=ClinicServer(host="db.clinic.example", user="room2"))
    assert set(validate(settings)) == {"server.ca_certificate"}
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    settings.server.ca_certificate = str(ca)
    assert validate(settings) == {}
    keywords = settings.server.location().conninfo("secret")
    assert keywords["sslmode"] == "verify-full" and keywords["sslrootcert"] == str(ca)
    socket = ServerLocation(host="/run/postgresql", user="room2")
    assert socket.problems() == {} and "sslmode" not in socket.conninfo()
    with pytest.raises(ValueError, match="TLS"):
        ServerLocation(host="db.clinic.example", user="room2").conninfo("secret")


def test_the_workstation_store_needs_no_server_settings():
    assert validate(Settings(record_store="workstation", server=ClinicServer(host="", user=""))) == {}
    assert "record_store" in validate(Settings(record_store="cloud"))


def test_a_url_from_it_is_read_and_an_unverified_one_refused():
    location = location_from_url("postgresql://room%202:p%40ss@db.clinic:6543/records?sslrootcert=/etc/ca.pem")
    assert (location.host, location.port, location.database, location.user, location.password,
            location.ca_certificate) == ("db.clinic", 6543, "records", "room 2", "p@ss", "/etc/ca.pem")
    assert "p@ss" not in repr(location) and "p@ss" not in location.described()
    with pytest.raises(ValueError, match="verify-full"):
        location_from_url("postgresql://u@db.clinic/records?sslmode=require")
    with pytest.raises(ValueError, match="postgresql://"):
        location_from_url("mysql://u@db.clinic/records")
    assert location_from_url("postgresql://u@/records?host=/run/postgresql").is_local_socket


def test_server_settings_round_trip_without_a_password():
    settings = Settings(record_store="server",
                        server=ClinicServer(host="db.clinic", port=6543, database="records", user="room2",
                                            ca_certificate="/etc/ca.pem"))
    save_settings(settings)
    assert load_settings() == settings
    raw = json.loads(settings_path().read_text(encoding="utf-8"))
    raw["server"]["port"] = "not a number"
    settings_path().write_text(json.dumps(raw), encoding="utf-8")
    again = load_settings()
    assert again.server.port == 5432 and "server.port" in again.problem


def test_choosing_the_clinic_server_in_the_dialog(qtbot, tmp_path, memory_keyring):  # noqa: F811
    from consultaid.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings(), printers=[])
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentWidget(dialog.data)
    with qtbot.waitExposed(dialog):
        dialog.show()
    page = dialog.data
    assert page.on_workstation.isChecked() and not page.server_form.isEnabled()
    click_box(qtbot, page.on_server)
    assert page.server_form.isEnabled() and not page.workstation_form.isEnabled()
    type_text(page.server_host, "db.clinic.example")
    page.server_user.clear()
    type_text(page.server_user, "room2")
    type_text(page.server_password, SECRET)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result_settings is None  # no CA: refused, said beside the field
    assert "TLS" in dialog.errors["server.ca_certificate"].text()
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    type_text(page.server_ca, str(ca))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    chosen = dialog.result_settings
    assert chosen.record_store == "server" and chosen.server.host == "db.clinic.example"
    assert memory_keyring.get_password(KEYRING_SERVICE, chosen.server.location().keyring_user) == SECRET
    save_settings(chosen)
    assert SECRET not in settings_path().read_text(encoding="utf-8")


def test_without_a_keyring_the_password_is_not_kept_anywhere_and_the_user_is_told(qtbot, tmp_path):
    from consultaid.ui.settings_dialog import SettingsDialog

    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    dialog = SettingsDialog(Settings(record_store="server", server=ClinicServer(
        host="db.clinic.example", user="room2", ca_certificate=str(ca))), printers=[])
    qtbot.addWidget(dialog)
    type_text(dialog.data.server_password, SECRET)
    messages.answers = [True]
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result_settings is not None
    assert messages.asked[-1] == "The password was not kept"
    save_settings(dialog.result_settings)
    assert SECRET not in settings_path().read_text(encoding="utf-8")
