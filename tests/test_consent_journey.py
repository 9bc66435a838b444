"""The consent journey (issue 19), clicked as a surgeon would: a consultation with the check of understanding
(one item re-explained) is signed; from the records view it is confirmed on the day with new signatures,
then the patient withdraws. Each addendum is a sealed PDF/A linked to the summary it follows, audited, shown
as a timeline with the current state, listed by `consultaid records show`, and checked by pdftotext, qpdf,
pdfsig and `consultaid verify`."""

from __future__ import annotations

import subprocess

import pytest
from PySide6.QtCore import Qt

from consultaid.consultation.addendum import ADDENDUM_FORMAT, CONFIRMATION, WITHDRAWAL
from tests.conftest import drag, type_text
from tests.test_consultation_flow import choose_procedure, fill_start_form, sign_and_finalize, walk_alternatives_step

WORDS = {
    "en": {"confirmation": "Confirmation on the day of the procedure", "withdrawal": "Withdrawal",
           "yes": "Yes: the patient still wishes to go ahead.",
           "meaning": "I confirm that this information was given to me again today",
           "follows": "This addendum follows version 1 of the summary"},
    "fr": {"confirmation": "Attestation d’information le jour de l’intervention",
           "withdrawal": "Renoncement à l’intervention",
           "yes": "Oui : le patient souhaite toujours l’intervention.",
           "meaning": "J’atteste que ces informations m’ont été données à nouveau ce jour",
           "follows": "Ce complément fait suite à la version 1 de la synthèse"},
}


def pdf_text(path) -> str:
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(result.stdout.split())


def sign(qtbot, pad) -> None:
    canvas = pad.canvas
    w, h = canvas.width(), canvas.height()
    drag(canvas, (w * 0.2, h * 0.6), (w * 0.4, h * 0.4), (w * 0.6, h * 0.65), (w * 0.8, h * 0.45))


def finalized_consultation(main, qtbot, tmp_path, language):
    """Steps 4 and 5 only: a check of understanding with one item re-explained, the decision, signatures."""
    choose_procedure(main, qtbot, "vertebroplasty")
    qtbot.mouseClick(main.start_button, Qt.MouseButton.LeftButton)
    fill_start_form(main.start_dialog, qtbot, language)
    view = main.consultation_view
    walk_alternatives_step(view, qtbot)   # decision: needs time to think
    box = view.page_for["alternatives_questions"].understanding_box
    qtbot.mouseClick(box.rows["section.what_it_is"].understood, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(box.rows["figure.cement_leakage"].re_explain, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.back_to_check, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(box.rows["figure.cement_leakage"].understood, Qt.MouseButton.LeftButton)
    view.go_to("review")
    sign_and_finalize(view, qtbot, tmp_path / "summary.pdf")
    record = view.consultation.to_record()
    qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    return record


def open_records(main, qtbot):
    main.show_history()
    history = main.history_view
    [row] = [r for r in history.shown_rows() if not r.is_draft]
    history.select(row)
    return history


def check_addendum_file(run_cli, path, kind: str, language: str, summary_sha: str) -> str:
    """The stored addendum as a file: PDF/A text, qpdf structure, pdfsig's seal, and `consultaid verify`."""
    text = pdf_text(path)
    assert WORDS[language][kind] in text and WORDS[language]["follows"] in text
    assert summary_sha[:16] in text.replace(" ", "") or summary_sha in text.replace(" ", "")
    assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True).returncode == 0
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature Validation: Signature is Valid." in report and "Total document signed" in report, report
    verify = run_cli("verify", path)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "\u2713 Summary it follows: version 1 of consultation" in verify.stdout, verify.stdout
    assert "\u2713 Stored addendum:" in verify.stdout, verify.stdout
    return verify.stdout


@pytest.mark.parametrize("language", ["en", "fr"])
def test_confirmation_then_withdrawal_from_the_records_view(main, qtbot, tmp_path, run_cli, language):
    summary_record = finalized_consultation(main, qtbot, tmp_path, language)
    assert [check["id"] for check in summary_record["understanding"]] == ["section.what_it_is",
                                                                          "figure.cement_leakage"]
    history = open_records(main, qtbot)
    chain = history.chain
    assert chain.isVisible() and chain.confirm_button.isEnabled() and chain.withdraw_button.isEnabled()
    [summary_row] = main.store.versions(summary_record["id"])
    summary_pdf = main.store.record(summary_row.id)[1]

    # --- confirmation on the day ---------------------------------------------------------------------
    qtbot.mouseClick(chain.confirm_button, Qt.MouseButton.LeftButton)
    dialog = chain.dialog
    assert dialog.isVisible() and not dialog.make_button.isEnabled()
    leakage = next(r["label"] for r in summary_record["content"]["risks"] if r["id"] == "cement_leakage")
    assert any(leakage in fact["label"] and "1000" in fact["figures"] for fact in dialog.addendum.key_facts)
    type_text(dialog.new_information, "The anticoagulant was stopped as planned.")
    qtbot.mouseClick(dialog.add_question_button, Qt.MouseButton.LeftButton)
    question, answer = dialog.question_fields[0]
    qtbot.keyClicks(question, "Can I eat before?")
    qtbot.keyClicks(answer, "Your team will tell you.")
    type_text(dialog.pads["clinician"].name, "Dr Anne Martin")
    sign(qtbot, dialog.pads["patient"])
    sign(qtbot, dialog.pads["clinician"])
    assert dialog.make_button.isEnabled(), dialog.problems.text()
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=60000)   # sealed in a worker, then stored
    [confirmation] = main.store.addenda(summary_record["id"])
    assert (confirmation.kind, confirmation.number, confirmation.still_wishes) == (CONFIRMATION, 1, True)
    assert (confirmation.follows, confirmation.follows_version, confirmation.follows_sha256) == (
        summary_row.id, 1, summary_row.pdf_sha256)
    record, pdf = main.store.addendum(confirmation.id)
    assert record["format"] == ADDENDUM_FORMAT and record["language"] == language
    assert {s["role"] for s in record["signatures"]} == {"patient", "clinician"}
    assert record["questions"] == [{"question": "Can I eat before?", "answer": "Your team will tell you."}]
    assert main.store.record(summary_row.id)[1] == summary_pdf   # the summary itself is unchanged
    confirmation_path = tmp_path / "confirmation.pdf"
    confirmation_path.write_bytes(pdf)
    text = pdf_text(confirmation_path)
    assert WORDS[language]["yes"] in text and WORDS[language]["meaning"] in text
    assert "The anticoagulant was stopped as planned." in text and "Dr Anne Martin" in text
    check_addendum_file(run_cli, confirmation_path, CONFIRMATION, language, summary_row.pdf_sha256)

    # The records view shows the chain, and the confirmation opens as its exact stored PDF.
    assert len(chain.entry_buttons) == 2
    assert chain.state.text().startswith("Current state: Confirmed on ")
    qtbot.mouseClick(chain.entry_buttons[1], Qt.MouseButton.LeftButton)
    assert chain.preview is not None and chain.preview.pdf == pdf
    chain.preview.close()

    # --- withdrawal ----------------------------------------------------------------------------------
    qtbot.mouseClick(chain.withdraw_button, Qt.MouseButton.LeftButton)
    dialog = chain.dialog
    type_text(dialog.statement, "I have decided not to have the procedure.")
    type_text(dialog.pads["clinician"].name, "Dr Anne Martin")
    type_text(dialog.pads["clinician"].registration, "RPPS 10009876543")   # the hospital files it under this
    sign(qtbot, dialog.pads["clinician"])
    assert not dialog.make_button.isEnabled()   # the patient signs, or the reason is given
    type_text(dialog.missing_reason, "Told by telephone")
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=60000)   # sealed in a worker, then stored
    _confirmation, withdrawal = main.store.addenda(summary_record["id"])
    assert (withdrawal.kind, withdrawal.number, withdrawal.follows_sha256) == (WITHDRAWAL, 2, summary_row.pdf_sha256)
    record, pdf = main.store.addendum(withdrawal.id)
    assert record["statement"] == "I have decided not to have the procedure."
    assert record["patient_signature_missing_reason"] == "Told by telephone"
    assert record["clinician_registration"] == "RPPS 10009876543"
    withdrawal_path = tmp_path / "withdrawal.pdf"
    withdrawal_path.write_bytes(pdf)
    assert "Told by telephone" in pdf_text(withdrawal_path)
    assert "Dr Anne Martin, RPPS 10009876543" in pdf_text(withdrawal_path)
    check_addendum_file(run_cli, withdrawal_path, WITHDRAWAL, language, summary_row.pdf_sha256)

    assert chain.state.text().startswith("Current state: Withdrawn on ")
    assert len(chain.entry_buttons) == 3
    assert not chain.confirm_button.isEnabled() and not chain.withdraw_button.isEnabled()

    # The audit trail: each addendum has its entry, with its row's hash; the chain is whole.
    actions = [row[0] for row in main.store.connection.execute("SELECT action FROM audit ORDER BY seq")]
    assert actions[-2:] == ["confirm", "withdraw"]
    subjects = [row[0] for row in main.store.connection.execute(
        "SELECT subject FROM audit WHERE action IN ('confirm', 'withdraw') ORDER BY seq")]
    assert subjects[0].startswith(f"{summary_record['id']} addendum 1 row-sha256=")
    assert subjects[1].startswith(f"{summary_record['id']} addendum 2 row-sha256=")
    assert main.store.verify_audit() == []

    # The command line (beside the running app, as IT would) lists the chain and the state.
    shown = run_cli("records", "show", summary_row.id)
    assert shown.returncode == 0, shown.stderr
    assert "Summary, version 1" in shown.stdout and "Confirmed (addendum 1, after version 1)" in shown.stdout
    assert "Withdrawn (addendum 2, after version 1)" in shown.stdout and "Current state: Withdrawn on" in shown.stdout
    exported = run_cli("records", "export", summary_row.id, "--addendum", 2, "-o", tmp_path / "exported.pdf")
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "exported.pdf").read_bytes() == withdrawal_path.read_bytes()
