"""Signing on the review step, finalizing, and the preview of the summary's real PDF pages."""

from __future__ import annotations

import os
import stat
from datetime import date

import pytest
from PySide6.QtCore import Qt

from consultaid.consultation.session import Consultation
from consultaid.consultation.setup import ConsultationSetup, Interpreter, Patient, Surgeon
from consultaid.consultation.shown_content import shown_content
from consultaid.content.library import load_library
from consultaid.i18n import set_interface_language
from consultaid.ui.services.style import apply_style
from tests.conftest import CONTENT, drag, type_text

PATIENT = "Jeanne Dupont-Lefèvre"
SURGEON = "Dr Émile Roux"


# --- the summary renderer ----------------------------------------------------------------------
@pytest.fixture
def summary_renderer():
    """The real renderer (consultaid/report): the preview shows, and the printer gets, its pages."""
    from consultaid.report import render_summary

    return render_summary


# --- a consultation on the review step ----------------------------------------------------------
@pytest.fixture(scope="module")
def library():
    return load_library(CONTENT)


def make_consultation(library, language="en", interpreter=None, patient=PATIENT) -> Consultation:
    setup = ConsultationSetup(
        surgeon=Surgeon(SURGEON, "Spine surgeon", "10001234567", "Clinique du Parc"),
        patient=Patient(patient, date(1950, 3, 12), "IPP-42"),
        procedure_id="vertebroplasty", patient_language=language, side_level="L1", indication="fracture",
        surgery_date=date(2027, 1, 4), interpreter=interpreter)
    return Consultation(setup, shown_content(library.get("vertebroplasty"), language))


@pytest.fixture
def review(qtbot, qapp, library, summary_renderer):
    """Builds the consultation screen at 1366x768 on the review step; returns (view, page, panel)."""
    from consultaid.ui.views.consultation_view import ConsultationView

    apply_style(qapp)

    def build(language="en", interpreter=None):
        consultation = make_consultation(library, language, interpreter)
        # Everything discussed and a decision recorded: these tests are about the signatures. Finalizing
        # with items not discussed asks a question of its own (tests/test_step_rail.py).
        for collection in ("sections", "benefits", "risks", "milestones", "alternatives"):
            for item_id in consultation.not_discussed()[collection]:
                consultation.set_discussed(collection, item_id, True)
        for item in (*consultation.other_alternatives, *consultation.patient_specific_risks):
            item.discussed = True
        consultation.decision = "needs_time"
        view = ConsultationView(consultation)
        view.resize(1366, 768)
        qtbot.addWidget(view)
        with qtbot.waitExposed(view):
            view.show()
        view.go_to("review")
        page = view.page_for["review"]
        page.show_signatures()
        return view, page, page.signing

    yield build
    set_interface_language("en")


def sign(pad, wave: float = 0.0) -> None:
    """Two synthetic strokes across the pad, as a mouse draws them."""
    canvas = pad.canvas
    canvas.ensurePolished()
    w, h = canvas.width(), canvas.height()
    drag(canvas, *[(w * (0.15 + 0.6 * t / 20), h * (0.55 + 0.12 * (-1) ** t) + wave) for t in range(21)])
    drag(canvas, (w * 0.3, h * 0.3), (w * 0.35, h * 0.65), (w * 0.7, h * 0.6))


# --- signing and finalizing ---------------------------------------------------------------------
def test_pads_show_meaning_and_prefilled_names(review):
    view, page, panel = review()
    consultation = view.consultation
    assert list(panel.pads) == ["patient", "surgeon", "witness"]   # no interpreter in this setup
    assert panel.pads["patient"].name.text() == PATIENT
    assert panel.pads["surgeon"].name.text() == SURGEON
    assert panel.pads["witness"].name.text() == ""
    assert not panel.pads["witness"].isVisible() and panel.add_witness_button.isVisible()
    for role, pad in panel.pads.items():
        assert consultation.meaning(role) in pad.meaning.text()
        assert pad.canvas.is_read_only() is False
    assert panel.pads["patient"].signed_at.text() == "Not signed yet"


def test_finalize_needs_the_patient_signature_or_a_reason(review, qtbot):
    view, page, panel = review()
    consultation = view.consultation
    sign(panel.pads["surgeon"])
    signature = consultation.signatures["surgeon"]
    assert signature.name == SURGEON and signature.meaning == consultation.meaning("surgeon")
    assert len(signature.drawing.strokes) == 2
    assert panel.pads["surgeon"].signed_at.text().startswith("\u2713 Signed on ")

    qtbot.mouseClick(panel.finalize_button, Qt.MouseButton.LeftButton)
    assert panel.problems.isVisible()
    assert "The patient must sign, or give the reason why they do not sign now." in panel.problems.text()
    assert "surgeon" not in panel.problems.text().lower()
    assert consultation.finalized_at is None and panel.preview is None
    assert not panel.pads["patient"].canvas.is_read_only()
    # beside the button, not in a dialog: the problem sits in the same row as the button
    assert abs(panel.problems.mapTo(panel, panel.problems.rect().center()).y()
               - panel.finalize_button.mapTo(panel, panel.finalize_button.rect().center()).y()) < 40

    assert panel.reason.isEnabled()
    panel.reason.lineEdit().setFocus()
    type_text(panel.reason.lineEdit(), "Patient will sign at the next visit")
    assert consultation.patient_signature_missing_reason == "Patient will sign at the next visit"
    assert "\u2713" in panel.problems.text()   # the shown problems follow what is done

    qtbot.mouseClick(panel.finalize_button, Qt.MouseButton.LeftButton)
    assert consultation.finalized_at is not None
    for pad in panel.pads.values():
        assert pad.canvas.is_read_only() and pad.name.isReadOnly() and not pad.clear_button.isVisible()
    assert not panel.reason.isEnabled() and not panel.add_witness_button.isVisible()
    patient = panel.pads["patient"]   # unsigned at finalizing: no "Sign here" pad, the reason instead
    assert not patient.canvas.isVisible() and patient.help.text() == "Not signed: Patient will sign at the next visit"
    assert not panel.pads["witness"].isVisible()
    assert panel.finalize_button.text() == "Show the summary"

    qtbot.waitUntil(lambda: panel.preview is not None and panel.preview.isVisible(), timeout=30000)
    preview = panel.preview
    import pypdfium2 as pdfium

    pages = len(pdfium.PdfDocument(panel.pdf))
    assert pages >= 1 and preview.page_count == pages and len(preview.page_labels) == pages
    assert all(not pixmap.isNull() and pixmap.width() > 100 for pixmap in preview.page_images())
    assert preview.pdf == panel.pdf and panel.pdf.startswith(b"%PDF-")
    assert preview.copies.value() == 2

    # a locked pad takes no more ink
    before = list(consultation.signatures["surgeon"].drawing.strokes)
    sign(panel.pads["surgeon"])
    assert consultation.signatures["surgeon"].drawing.strokes == before

    record = consultation.to_record()
    assert record["finalized_at"] is not None
    assert record["patient_signature_missing_reason"] == "Patient will sign at the next visit"
    [surgeon] = record["signatures"]
    assert surgeon["role"] == "surgeon" and surgeon["name"] == SURGEON
    assert surgeon["meaning"] == consultation.meaning("surgeon")
    assert len(surgeon["drawing"]["strokes"]) == 2 and surgeon["drawing"]["aspect"] > 1
    assert all(len(stroke["points"]) >= 2 for stroke in surgeon["drawing"]["strokes"])


def test_clear_and_sign_again_before_finalizing(review, qtbot):
    view, page, panel = review()
    consultation = view.consultation
    pad = panel.pads["patient"]
    assert not pad.clear_button.isEnabled()   # nothing to clear yet
    sign(pad)
    first = consultation.signatures["patient"].drawing.strokes
    assert not panel.reason.isEnabled()       # the patient signed: no reason to give
    qtbot.mouseClick(pad.clear_button, Qt.MouseButton.LeftButton)
    assert "patient" not in consultation.signatures and pad.canvas.drawing().is_empty
    assert panel.reason.isEnabled() and pad.signed_at.text() == "Not signed yet"
    sign(pad, wave=6)
    again = consultation.signatures["patient"]
    assert again.drawing.strokes and again.drawing.strokes != first and again.name == PATIENT
    # a corrected spelling of the name goes into the signature
    pad.name.setFocus()
    pad.name.selectAll()
    type_text(pad.name, "Jeanne Dupont-Lefèvre née Martin")
    assert consultation.signatures["patient"].name == "Jeanne Dupont-Lefèvre née Martin"
    sign(panel.pads["surgeon"])
    qtbot.mouseClick(panel.finalize_button, Qt.MouseButton.LeftButton)
    assert consultation.finalized_at is not None
    assert [s["role"] for s in consultation.to_record()["signatures"]] == ["patient", "surgeon"]
    qtbot.waitUntil(lambda: panel.pdf is not None, timeout=30000)


def test_interpreter_and_witness(review, qtbot):
    view, page, panel = review(language="fr", interpreter=Interpreter("Eleni Kostas", "el"))
    consultation = view.consultation
    assert list(panel.pads) == ["patient", "surgeon", "interpreter", "witness"]
    assert panel.pads["interpreter"].isVisible() and panel.pads["interpreter"].name.text() == "Eleni Kostas"
    # the meaning is in the patient's language (French here), the interface stays English
    assert consultation.meaning("interpreter") in panel.pads["interpreter"].meaning.text()
    assert consultation.meaning("interpreter") != ("I confirm that I told the patient this information in their "
                                                   "language.")
    qtbot.mouseClick(panel.add_witness_button, Qt.MouseButton.LeftButton)
    witness = panel.pads["witness"]
    assert witness.isVisible() and not panel.add_witness_button.isVisible()
    assert witness.name.hasFocus()
    for role in ("patient", "surgeon", "interpreter", "witness"):
        sign(panel.pads[role])
    qtbot.mouseClick(panel.finalize_button, Qt.MouseButton.LeftButton)
    assert consultation.finalized_at is None
    assert "Witness: enter the printed name." in panel.problems.text()
    type_text(witness.name, "Marie Curie")
    qtbot.mouseClick(panel.finalize_button, Qt.MouseButton.LeftButton)
    assert consultation.finalized_at is not None
    qtbot.waitUntil(lambda: panel.pdf is not None, timeout=30000)
    record = consultation.to_record()
    assert {s["role"]: s["name"] for s in record["signatures"]} == {
        "patient": PATIENT, "surgeon": SURGEON, "witness": "Marie Curie", "interpreter": "Eleni Kostas"}
    assert all(s["meaning"] == consultation.meaning(s["role"]) for s in record["signatures"])


def test_everything_is_reachable_by_keyboard_and_named(review):
    from PySide6.QtWidgets import QWidget

    view, page, panel = review(interpreter=Interpreter("Eleni Kostas", "el"))
    panel.add_witness()
    sign(panel.pads["patient"])
    controls = [widget for pad in panel.pads.values() for widget in (pad.name, pad.canvas, pad.clear_button)]
    controls += [panel.reason, panel.paper, panel.finalize_button]
    for widget in controls:
        assert widget.accessibleName(), widget
        assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus, widget
    # Tab goes name -> pad -> Clear for each signer, then on to Finalize
    chain, widget = [], panel.pads["patient"].name
    for _ in range(40):
        chain.append(widget)
        widget = widget.nextInFocusChain()
        while not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus) or not widget.isEnabled() \
                or not widget.isVisibleTo(view):
            widget = widget.nextInFocusChain()
        if widget is panel.finalize_button:
            chain.append(widget)
            break
    wanted = [w for w in controls if w.isEnabled() and w.isVisibleTo(view)]
    positions = [chain.index(w) for w in wanted if isinstance(w, QWidget) and w in chain]
    assert len(positions) == len(wanted) and positions == sorted(positions)


def test_a_rendering_failure_is_shown_and_can_be_retried(review, qtbot, monkeypatch):
    import consultaid.report

    view, page, panel = review()
    sign(panel.pads["surgeon"])
    sign(panel.pads["patient"])
    def fail(*_args, **_kwargs):
        raise RuntimeError("no fonts")

    with monkeypatch.context() as patch:
        patch.setattr(consultaid.report, "sealed_summary", fail)
        qtbot.mouseClick(panel.finalize_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "could not be made" in panel.problems.text(), timeout=30000)
    assert view.consultation.finalized_at is not None and panel.preview is None
    assert "The summary could not be made: no fonts" in panel.problems.text()
    assert panel.finalize_button.isEnabled() and not panel.progress.isVisible()
    qtbot.mouseClick(panel.finalize_button, Qt.MouseButton.LeftButton)   # "Show the summary"
    qtbot.waitUntil(lambda: panel.preview is not None, timeout=30000)
    assert panel.pdf.startswith(b"%PDF-")


def test_the_summary_is_made_while_the_window_goes_on(review, qtbot, monkeypatch):
    """Finalizing hands the rendering and the seal to a worker thread: the click returns at once, the window
    keeps processing events (here, a timer's ticks) while the PDF is made, and the progress shows."""
    import threading

    import consultaid.report

    real = consultaid.report.sealed_summary
    release = threading.Event()

    def slow(*args, **kwargs):
        release.wait(30)  # as long as a very long consultation takes, under the test's control
        return real(*args, **kwargs)

    view, page, panel = review()
    sign(panel.pads["surgeon"])
    sign(panel.pads["patient"])
    monkeypatch.setattr(consultaid.report, "sealed_summary", slow)
    qtbot.mouseClick(panel.finalize_button, Qt.MouseButton.LeftButton)
    assert view.consultation.finalized_at is not None and panel.pdf is None
    assert panel.is_making_summary() and panel.progress.isVisible() and not panel.finalize_button.isEnabled()
    assert "Making the sealed summary" in panel.problems.text()
    ticks = []
    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=5000)   # the event loop runs while the worker waits
    timer.stop()
    assert panel.pdf is None
    release.set()
    qtbot.waitUntil(lambda: panel.preview is not None and panel.preview.isVisible(), timeout=30000)
    assert panel.pdf.startswith(b"%PDF-") and not panel.progress.isVisible()
    assert "Finalized on" in panel.problems.text()


# --- the preview --------------------------------------------------------------------------------
@pytest.fixture
def preview(qtbot, qapp, library, summary_renderer):
    from consultaid.ui.dialogs.summary_preview import SummaryPreview

    apply_style(qapp)
    consultation = make_consultation(library)
    consultation.patient_signature_missing_reason = "Will sign at the next visit"
    dialog = SummaryPreview(summary_renderer(consultation.to_record(), "a4"), suggested_name="summary.pdf")
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


def test_preview_zooms(preview):
    width = preview.page_labels[0].width()
    preview.step_zoom(+1)
    assert preview.page_labels[0].width() > width
    preview.set_zoom(0.5)
    assert preview.zoom == 0.5 and not preview.zoom_out_button.isEnabled()
    preview.fit_width()
    assert preview.page_labels[0].width() <= preview.scroll.viewport().width()


def test_save_writes_the_same_bytes_atomically(preview, tmp_path):
    target = tmp_path / "saved summary"
    preview.choose_save_path = lambda parent, suggested: str(target)
    saved = preview.save_pdf()
    assert saved == tmp_path / "saved summary.pdf"
    assert saved.read_bytes() == preview.pdf
    assert sorted(p.name for p in tmp_path.iterdir()) == ["saved summary.pdf"]   # no temporary left
    assert "Saved to" in preview.status.text()
    cancelled = preview.choose_save_path = lambda parent, suggested: None
    assert cancelled(None, "") is None and preview.save_pdf() is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into a read-only folder")
def test_save_to_an_unwritable_folder_says_so(preview, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        preview.choose_save_path = lambda parent, suggested: str(folder / "summary.pdf")
        assert preview.save_pdf() is None
        assert preview.status.isVisible() and "was not saved" in preview.status.text()
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(stat.S_IRWXU)


def test_save_to_a_missing_folder_says_so(preview, tmp_path):
    preview.choose_save_path = lambda parent, suggested: str(tmp_path / "no such folder" / "summary.pdf")
    assert preview.save_pdf() is None
    assert "was not saved" in preview.status.text() and "No such file or directory" in preview.status.text()


def test_printing_without_a_print_system_says_so(preview, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))   # no lp, no lpstat
    chosen = []
    preview.choose_printer = lambda parent, copies: chosen.append(copies) or ("Office", copies)
    assert preview.print_summary() is None
    assert chosen == []   # the dialog is not even offered
    assert "CUPS" in preview.status.text() and "\u26a0" in preview.status.text()


def test_a_failed_save_leaves_the_old_file_whole(preview, tmp_path, monkeypatch):
    from consultaid import files  # where the preview's save writes

    target = tmp_path / "summary.pdf"
    target.write_bytes(b"%PDF-old")
    target.chmod(0o640)

    def full_disk(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full_disk)
    preview.choose_save_path = lambda parent, suggested: str(target)
    assert preview.save_pdf() is None
    assert "No space left on device" in preview.status.text()
    assert target.read_bytes() == b"%PDF-old" and [p.name for p in tmp_path.iterdir()] == ["summary.pdf"]
    monkeypatch.undo()
    assert preview.save_pdf() == target and target.read_bytes() == preview.pdf
    assert stat.S_IMODE(target.stat().st_mode) == 0o640   # written over: keeps its permissions
    fresh = tmp_path / "new.pdf"
    preview.choose_save_path = lambda parent, suggested: str(fresh)
    preview.save_pdf()
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600    # new: the owner's only, it holds health data


def test_the_summary_can_be_shown_again_after_closing(review, qtbot):
    view, page, panel = review()
    sign(panel.pads["surgeon"])
    sign(panel.pads["patient"])
    qtbot.mouseClick(panel.finalize_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.preview is not None, timeout=30000)
    first = panel.preview
    pdf = panel.pdf
    first.close()
    qtbot.waitUntil(lambda: panel.preview is None)
    qtbot.mouseClick(panel.finalize_button, Qt.MouseButton.LeftButton)
    assert panel.preview is not None and panel.preview.pdf == pdf   # the same document, not re-rendered


def test_closing_with_signatures_not_finalized_asks_and_going_back_keeps_them(main, qtbot, library):
    """Issue 13, item 7: closing used to leave with the drawn signatures and no word about it."""
    from consultaid.ui.services.messages import messages

    main.open_consultation(make_consultation(library))
    view = main.consultation_view
    view.go_to("review")
    view.page_for["review"].show_signatures()
    panel = view.page_for["review"].signing
    sign(panel.pads["patient"])
    sign(panel.pads["surgeon"])
    drawn = {role: signature.drawing.strokes for role, signature in view.consultation.signatures.items()}
    assert set(drawn) == {"patient", "surgeon"}

    messages.answers = [False]   # "Go back to the signatures"
    qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    assert messages.asked[-1] == "Close without finalizing?"
    assert main.consultation_view is view and view.isVisible()
    assert {role: s.drawing.strokes for role, s in view.consultation.signatures.items()} == drawn
    assert not panel.pads["patient"].canvas.drawing().is_empty

    messages.answers = [True]    # asked again, and this time closed
    qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    assert messages.asked[-1] == "Close without finalizing?" and main.consultation_view is None


def test_closing_an_unsigned_consultation_asks_nothing_about_signatures(main, qtbot, library):
    from consultaid.ui.services.messages import messages

    main.open_consultation(make_consultation(library))
    asked_before = len(messages.asked)
    qtbot.mouseClick(main.consultation_view.close_button, Qt.MouseButton.LeftButton)   # nothing signed
    assert main.consultation_view is None and messages.asked[asked_before:] == []


def test_a_configured_certificate_asks_its_passphrase_through_the_message_service(review, qtbot, tmp_path,
                                                                                  no_modal_questions):
    """The seal certificate's passphrase is asked like every other question (ui/services/messages.py), so a wrong or
    cancelled one is answered in a test as by a user; the summary is then sealed with that certificate."""
    from consultaid.settings import Settings, save_settings
    from tests.test_seal import pkcs12_certificate

    save_settings(Settings(seal_certificate=str(pkcs12_certificate(tmp_path, "secret phrase"))))
    try:
        view, page, panel = review()
        no_modal_questions.answers = [None]   # cancelled: the installation's own seal, and why
        seal = panel._seal_source()()
        assert seal.self_signed and "passphrase" in panel.seal_problem.lower()
        no_modal_questions.answers = ["secret phrase"]
        seal = panel._seal_source()()
        assert not seal.self_signed and seal.holder == "Dr Émile Roux (Clinique du Parc)" and not panel.seal_problem
        assert no_modal_questions.asked[-2:] == ["Seal certificate", "Seal certificate"]
    finally:
        save_settings(Settings())
