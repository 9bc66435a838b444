"""The hospital outbox in the app, clicked as a surgeon would: a consultation finalized with both destinations
configured reaches the real MLLP listener and the real FHIR server (read back by search, its hash checked)
through the background sender; the records list shows where each record stands; a refusal is shown and
sent again only with "Send again"; Settings › Hospital record keeps what is typed and tests the receivers."""

from __future__ import annotations

import base64
import hashlib

import pytest
from PySide6.QtCore import Qt

from consultaid.hospital.document import document_id
from consultaid.settings import HospitalRecord, Settings, load_settings, save_settings
from tests.conftest import CONTENT
from tests.outbox_peers import TOKEN, Listener
from tests.test_consultation_flow import choose_procedure, press_shortcut, sign_and_finalize
from tests.test_hospital_fhir import fhir_server, search  # noqa: F401 (the session's FHIR server)


@pytest.fixture
def listener():
    peer = Listener()
    yield peer
    peer.stop()


@pytest.fixture
def config_dir(tmp_path, monkeypatch):
    folder = tmp_path / "config"
    monkeypatch.setenv("CONSULTAID_CONFIG_DIR", str(folder))
    monkeypatch.setenv("CONSULTAID_FHIR_TOKEN", TOKEN)   # no keyring in the tests: the service's way
    return folder


def hospital(listener, fhir_base: str) -> HospitalRecord:
    return HospitalRecord(mllp_host="127.0.0.1", mllp_port=listener.port, fhir_base_url=fhir_base,
                          fhir_auth="bearer", sending_facility="CLINIQUE-PARC", receiving_application="EPR",
                          identifier_authority="CHU-IPP", identifier_system="urn:oid:1.2.250.1.999.1.1")


@pytest.fixture
def window(qtbot, qapp):
    """The main window as the app makes it (store attached, Settings read), created after the test's settings."""
    from consultaid.i18n import set_interface_language
    from consultaid.ui.app import create_main_window
    from consultaid.ui.services.messages import messages
    from consultaid.ui.services.style import apply_style

    made = []

    def make():
        apply_style(qapp)
        main = create_main_window(CONTENT)
        main.resize(1366, 768)
        with qtbot.waitExposed(main):
            main.show()
        made.append(main)
        return main

    yield make
    for main in made:
        messages.answers = [True] if main.consultation_view is not None else []
        main.close()
        main.deleteLater()
    set_interface_language("en")


def finalize_in_the_app(main, qtbot, tmp_path, identifier: str = "IPP 0099001") -> dict:
    from consultaid.ui.services.messages import messages

    choose_procedure(main, qtbot, "vertebroplasty")
    qtbot.mouseClick(main.start_button, Qt.MouseButton.LeftButton)
    dialog = main.start_dialog
    qtbot.keyClicks(dialog.surgeon_name, "Dr Test Surgeon")
    qtbot.keyClicks(dialog.patient_name, "Test Patient")
    qtbot.keyClicks(dialog.patient_identifier, identifier)
    qtbot.keyClicks(dialog.date_of_birth.edit, "12/03/1950")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    view = main.consultation_view
    assert view is not None, [e.text() for e in dialog.errors.values() if e.text()]
    press_shortcut(view, Qt.Key.Key_5)
    messages.answers = [True]    # "Finalize anyway": nothing was ticked as discussed in this short walk
    sign_and_finalize(view, qtbot, tmp_path / "summary.pdf")
    return view.consultation.to_record()


def sending_cell(main, qtbot) -> str:
    """The records list's "Hospital record" cell of the newest record (the finalized consultation closed):
    its word, and the details in its tooltip."""
    if main.consultation_view is not None:
        assert main.close_consultation()
    main.show_history()
    view = main.history_view
    qtbot.waitUntil(lambda: view.model.rowCount() > 0)
    cell = view.model.index(0, 6)
    return f"{cell.data()} | {cell.data(Qt.ItemDataRole.ToolTipRole)}"


def test_a_finalized_consultation_reaches_the_mllp_listener_and_the_fhir_server(
        window, qtbot, tmp_path, config_dir, listener, fhir_server):  # noqa: F811
    save_settings(Settings(hospital=hospital(listener, fhir_server)))
    main = window()
    qtbot.waitUntil(lambda: main.outbox_sender is not None and main.outbox_sender.isRunning())
    record = finalize_in_the_app(main, qtbot, tmp_path)
    qtbot.waitUntil(lambda: len(listener.state.received) == 1, timeout=30000)
    key = f"urn:ietf:rfc:3986|urn:uuid:{document_id(record['id'], 1)}"
    qtbot.waitUntil(lambda: len(search(fhir_server, f"DocumentReference?identifier={key}")) == 1, timeout=30000)
    stored_record, pdf = main.store.record(main.stored_record_id)
    received = listener.state.received[0]
    assert received.message is not None, received.problem
    assert received.message.txa.txa_12.ei_1.value == document_id(record["id"], 1)
    assert base64.b64decode(received.component(5)) == pdf
    [reference] = search(fhir_server, f"DocumentReference?identifier={key}")
    attachment = reference["content"][0]["attachment"]
    assert attachment["hash"] == base64.b64encode(hashlib.sha1(pdf).digest()).decode()
    assert attachment["size"] == len(pdf)
    qtbot.waitUntil(lambda: sending_cell(main, qtbot) == "Sent | HL7: sent; FHIR: sent", timeout=30000)


def test_a_refusal_is_shown_in_the_records_and_sent_again_with_send_again(window, qtbot, tmp_path, config_dir,
                                                                         listener):
    save_settings(Settings(hospital=HospitalRecord(mllp_host="127.0.0.1", mllp_port=listener.port,
                                                   identifier_authority="CHU-IPP")))
    listener.state.mode = "error"
    listener.state.error_text = "Unknown patient identifier"
    main = window()
    qtbot.waitUntil(lambda: main.outbox_sender is not None)
    finalize_in_the_app(main, qtbot, tmp_path)
    qtbot.waitUntil(lambda: sending_cell(main, qtbot).startswith("Failed"), timeout=30000)
    view = main.history_view
    why = "HL7: failed (The HL7 receiver refused the document (AE): Unknown patient identifier)"
    assert sending_cell(main, qtbot) == "Failed | " + why
    view.table.selectRow(0)
    assert view.send_again_button.isEnabled()
    assert view.message.isVisible() and view.message.text() == "\u26a0 " + why   # the reason in full
    main.outbox_sender.wake()
    qtbot.wait(500)
    assert len(listener.state.received) == 1            # not retried by itself
    listener.state.mode = "accept"
    qtbot.mouseClick(view.send_again_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(listener.state.received) == 2, timeout=30000)
    qtbot.waitUntil(lambda: sending_cell(main, qtbot) == "Sent | HL7: sent", timeout=30000)
    assert not view.send_again_button.isEnabled()


def test_with_no_destination_no_sender_runs_and_records_say_not_sent(window, qtbot, tmp_path, config_dir):
    main = window()
    qtbot.wait(50)
    assert main.outbox_sender is None
    finalize_in_the_app(main, qtbot, tmp_path)
    assert main.store.outbox() == []
    assert sending_cell(main, qtbot) == "Not sent | not sent"


def test_the_app_start_sends_to_the_configured_receiver(qtbot, qapp, tmp_path, config_dir, listener):
    """The app's own start (ui/app.py: the store opens after the first paint), not the tests' window: the
    sender started only once Settings changed, so what the last session left in the outbox waited."""
    from consultaid.ui.app import show_main_window

    save_settings(Settings(hospital=HospitalRecord(mllp_host="127.0.0.1", mllp_port=listener.port,
                                                   identifier_authority="CHU-IPP")))
    main = show_main_window(CONTENT, tmp_path / "data")
    qtbot.addWidget(main)
    qtbot.waitUntil(lambda: main.outbox_sender is not None and main.outbox_sender.isRunning(), timeout=5000)
    assert main.store.outbox_destinations == ("mllp",)


def test_the_hospital_settings_page_keeps_what_is_typed_and_tests_the_receiver(window, qtbot, config_dir,
                                                                              listener):
    main = window()
    main.show_settings()
    dialog = main.settings_dialog
    page = dialog.hospital
    dialog.tabs.setCurrentWidget(page)
    qtbot.keyClicks(page.mllp_host, "127.0.0.1")
    page.mllp_port.clear()
    qtbot.keyClicks(page.mllp_port, str(listener.port))
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.test_button.isEnabled() and "HL7" in page.test_answer.text(), timeout=30000)
    assert page.test_answer.text() == "\u2714 HL7: The HL7 receiver accepted the test message (AA)."
    [received] = listener.state.received
    assert received.message is not None, received.problem
    assert received.message.msh.msh_11.to_er7() == "T"                     # marked as a test
    assert received.message.pid.pid_3.to_er7().startswith("CONSULTAID-CONNECTION-TEST")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()                                              # the assigning authority is missing
    assert page.errors["hospital.identifier_authority"].text()
    qtbot.keyClicks(page.identifier_authority, "CHU-IPP")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    kept = load_settings().hospital
    assert (kept.mllp_host, kept.mllp_port, kept.identifier_authority) == ("127.0.0.1", listener.port, "CHU-IPP")
    assert kept.destinations() == ("mllp",)
    qtbot.waitUntil(lambda: main.outbox_sender is not None and main.outbox_sender.isRunning())
    assert main.store.outbox_destinations == ("mllp",)
    assert page.mllp_host.accessibleName() == "HL7 receiver"
