"""Settings › Data › Clinic server: where the shared records are, with TLS verification required on the
network and the password kept in the keyring, never in the settings file."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from consultaid.server.connection import KEYRING_SERVICE, checked_conninfo, keyring_account
from consultaid.server.location import ServerLocation
from consultaid.settings import ClinicServer, Settings, load_settings, save_settings, settings_path, validate
from consultaid.ui.services.messages import messages
from tests.conftest import click_box, type_text
from tests.test_at_rest import memory_keyring  # noqa: F401 (a fixture)

SECRET = "Pw-Zebu-4411"


@pytest.fixture(autouse=True)
def own_settings_file(tmp_path, monkeypatch):
    """The settings these tests save (the clinic server chosen) stay theirs: since the app follows
    Settings' record_store, a file left in the session's config folder would put every later window on
    an unreachable server."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def test_a_network_server_needs_its_ca_and_a_socket_does_not(tmp_path):
    settings = Settings(record_store="server", server=ClinicServer(host="db.clinic.example", user="room2"))
    assert set(validate(settings)) == {"server.ca_certificate"}
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    settings.server.ca_certificate = str(ca)
    assert validate(settings) == {}
    from psycopg.conninfo import conninfo_to_dict

    # What the connection will use, as libpq reads it, after the same check every connection goes through.
    parts = conninfo_to_dict(checked_conninfo(settings.server.location().conninfo()))
    assert parts["sslmode"] == "verify-full" and parts["sslrootcert"] == str(ca)
    assert parts["host"] == "db.clinic.example" and parts["user"] == "room2" and "password" not in parts
    socket = ServerLocation(host="/run/postgresql", user="room2")
    assert socket.problems() == {} and "sslmode" not in conninfo_to_dict(checked_conninfo(socket.conninfo()))


def test_a_ca_path_with_spaces_and_quotes_reaches_libpq_whole(tmp_path):
    from psycopg.conninfo import conninfo_to_dict

    folder = tmp_path / "Clinic CA's folder"
    folder.mkdir()
    ca = folder / "ca root.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    location = ServerLocation(host="db.clinic.example", user="room2", ca_certificate=str(ca))
    assert conninfo_to_dict(location.conninfo())["sslrootcert"] == str(ca)


def test_the_workstation_store_needs_no_server_settings():
    assert validate(Settings(record_store="workstation", server=ClinicServer(host="", user=""))) == {}
    assert "record_store" in validate(Settings(record_store="cloud"))


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
    from consultaid.ui.dialogs.settings_dialog import SettingsDialog

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
    account = keyring_account(chosen.server.location().keyring_parts())
    assert memory_keyring.get_password(KEYRING_SERVICE, account) == SECRET
    save_settings(chosen)
    assert SECRET not in settings_path().read_text(encoding="utf-8")


def test_without_a_keyring_the_password_is_not_kept_anywhere_and_the_user_is_told(qtbot, tmp_path):
    from consultaid.ui.dialogs.settings_dialog import SettingsDialog

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
