"""The consent journey reaches the hospital record, clicked as a surgeon would (issues 16 and 19): with both
destinations configured, a signed summary is confirmed on the day, then withdrawn, from the records view;
the app's background sender delivers the summary and both addenda to the real hl7apy MLLP listener (TXA-13
= the summary's document id) and the real FHIR server (DocumentReferences "appends", Consent states);
the records list says "Withdrawn on …" and where the whole chain stands in the hospital record."""

from __future__ import annotations

from PySide6.QtCore import Qt

from consultaid.hospital.document import addendum_document_id, document_id
from consultaid.settings import Settings, save_settings
from consultaid.ui.views.history_view import SENDING, STATUS
from tests.conftest import type_text
from tests.test_consent_journey import sign
from tests.test_consultation_flow import choose_procedure, sign_and_finalize, walk_alternatives_step
from tests.test_hospital_fhir import fhir_server, search  # noqa: F401 (the session's FHIR server)
from tests.test_outbox_addenda import consent_identifier
from tests.test_outbox_gui import config_dir, hospital, listener, window  # noqa: F401 (fixtures)

URI = "urn:ietf:rfc:3986"


def finalized_with_identifier(main, qtbot, tmp_path) -> dict:
    """Steps 4 and 5 of a consultation whose patient has a hospital identifier; decision "needs time"."""
    choose_procedure(main, qtbot, "vertebroplasty")
    qtbot.mouseClick(main.start_button, Qt.MouseButton.LeftButton)
    dialog = main.start_dialog
    dialog.surgeon_name.clear()
    type_text(dialog.surgeon_name, "Dr Émile Roux")
    type_text(dialog.patient_name, "Test Patient")
    type_text(dialog.patient_identifier, "IPP 0099002")
    qtbot.keyClicks(dialog.date_of_birth.edit, "12/03/1950")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    view = main.consultation_view
    walk_alternatives_step(view, qtbot)
    box = view.page_for["alternatives_questions"].understanding_box
    for row in box.rows.values():
        qtbot.mouseClick(row.understood, Qt.MouseButton.LeftButton)
    view.go_to("review")
    sign_and_finalize(view, qtbot, tmp_path / "summary.pdf")
    record = view.consultation.to_record()
    qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    return record


def make_addendum(qtbot, chain, button, statement: str = "") -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = chain.dialog
    if statement:
        type_text(dialog.statement, statement)
    type_text(dialog.pads["clinician"].name, "Dr Anne Martin")
    sign(qtbot, dialog.pads["patient"])
    sign(qtbot, dialog.pads["clinician"])
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=60000)   # sealed in a worker, then stored
    assert not dialog.problems.text()


def cells(main, row: int = 0) -> tuple[str, str, str]:
    model = main.history_view.model
    status, sending = model.index(row, STATUS), model.index(row, SENDING)
    return status.data(), sending.data(), sending.data(Qt.ItemDataRole.ToolTipRole) or ""


def test_confirmation_and_withdrawal_reach_the_hospital_record_from_the_app(
        window, qtbot, tmp_path, config_dir, listener, fhir_server):  # noqa: F811
    save_settings(Settings(hospital=hospital(listener, fhir_server)))
    main = window()
    qtbot.waitUntil(lambda: main.outbox_sender is not None and main.outbox_sender.isRunning())
    record = finalized_with_identifier(main, qtbot, tmp_path)
    qtbot.waitUntil(lambda: len(listener.state.received) == 1, timeout=30000)

    main.show_history()
    history = main.history_view
    [row] = [r for r in history.shown_rows() if not r.is_draft]
    history.select(row)
    chain = history.chain
    make_addendum(qtbot, chain, chain.confirm_button)
    qtbot.waitUntil(lambda: len(listener.state.received) == 2, timeout=30000)
    # The HL7 receiver goes away before the withdrawal: the list says the chain is waiting.
    listener.stop()
    make_addendum(qtbot, chain, chain.withdraw_button, "I have decided not to have the procedure.")
    confirmation, withdrawal = main.store.addenda(record["id"])
    qtbot.waitUntil(lambda: [e.state for e in main.store.outbox() if e.addendum_id == withdrawal.id
                             and e.destination == "mllp"] == ["waiting"], timeout=30000)
    history.refresh()
    status, sending, details = cells(main)
    assert status.startswith("Withdrawn on "), status
    assert sending == "Waiting", (sending, details)
    assert "Withdrawal (addendum 2), HL7: waiting" in details, details
    listener.start_again()     # the sender tries again after its back-off, by itself
    confirmed_record, _pdf = main.store.addendum(confirmation.id)
    withdrawn_record, withdrawn_pdf = main.store.addendum(withdrawal.id)

    summary_id = document_id(record["id"], 1)
    expected = [summary_id, addendum_document_id(confirmed_record["id"]), addendum_document_id(withdrawn_record["id"])]
    qtbot.waitUntil(lambda: listener.document_ids() == expected, timeout=60000)
    _summary, confirmed, withdrawn = listener.state.received
    for received in (confirmed, withdrawn):
        assert received.message is not None, received.problem
        assert received.message.txa.txa_13.ei_1.value == summary_id
    # Both inactive: the withdrawal's own Consent, and the confirmation's permit, which the withdrawal ended.
    for addendum, status in ((confirmed_record, "inactive"), (withdrawn_record, "inactive")):
        key = f"{URI}|urn:uuid:{addendum_document_id(addendum['id'])}"
        qtbot.waitUntil(lambda key=key: len(search(fhir_server, f"DocumentReference?identifier={key}")) == 1,
                        timeout=60000)
        [reference] = search(fhir_server, f"DocumentReference?identifier={key}")
        assert reference["relatesTo"] == [{"code": "appends", "target": {
            "identifier": {"system": URI, "value": f"urn:uuid:{summary_id}"}}}]
        [consent] = search(fhir_server, f"Consent?identifier={URI}|{consent_identifier(record, 1, addendum)}")
        assert consent["status"] == status

    # The records list reads the chain: the current state, and the hospital record of every document.
    main.show_history()
    qtbot.waitUntil(lambda: all(e.state == "sent" for e in main.store.outbox()) and len(main.store.outbox()) == 6,
                    timeout=60000)
    history.refresh()
    status, sending, details = cells(main)
    assert status.startswith("Withdrawn on "), status
    assert sending == "Sent", (sending, details)
    table = history.table   # the whole state is read, not elided
    assert table.columnWidth(STATUS) > table.fontMetrics().horizontalAdvance(status), status
    assert "Confirmation (addendum 1), FHIR: sent" in details and "Withdrawal (addendum 2), HL7: sent" in details
