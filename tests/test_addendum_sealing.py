"""The addendum dialog seals off the window's thread (issue 19; ui/services/summary_job.py, as the summary):
while the addendum is rendered and sealed the event loop keeps running, the progress shows, nothing can be
edited, clicked twice or cancelled; a failure (a wrong seal passphrase, a full disk, the store refusing the
addendum) is told through ui/services/messages.py and loses nothing typed, and trying again works.

Real parts throughout: a real record store (SQLCipher) holding a finalized summary, the real dialog driven by
clicks and typing, the real renderer and seal; the only stand-in is a seal that waits (the real one, called
late) at the boundary between the app and pyHanko, and a real small tmpfs for the full disk."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel

from consultaid.consultation.addendum import CONFIRMATION, WITHDRAWAL, Addendum, SummaryLink
from consultaid.consultation.store import Store
from consultaid.report.addendum import key_facts
from consultaid.report.archival import attached_record
from tests.conftest import drag, type_text

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "docs" / "examples" / "cement-spine-surgery-en.json"
SUMMARY_PDF = b"%PDF-1.7 the signed summary"
STATEMENT = "I have decided not to have the procedure."
NEW_INFORMATION = "The anticoagulant was stopped as planned."


def stored_summary(data_dir: Path) -> tuple[Store, dict, SummaryLink]:
    """A record store holding one finalized summary, and the link an addendum to it names."""
    record = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    store = Store(data_dir, actor="dr-test")
    row_id = store.finalize(record, SUMMARY_PDF)
    [row] = [row for row in store.versions(record["id"]) if row.id == row_id]
    return store, record, SummaryLink(row.id, row.version, row.pdf_sha256)


def open_dialog(qtbot, store: Store, summary: dict, link: SummaryLink, kind: str):
    from PySide6.QtWidgets import QApplication

    from consultaid.ui.dialogs.addendum_dialog import AddendumDialog
    from consultaid.ui.services.style import apply_style

    apply_style(QApplication.instance())   # the app's own style, as the user sees it
    dialog = AddendumDialog(store, Addendum(kind, summary, link, key_facts(summary)))
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


def sign(pad) -> None:
    w, h = pad.canvas.width(), pad.canvas.height()
    drag(pad.canvas, (w * 0.2, h * 0.6), (w * 0.4, h * 0.4), (w * 0.6, h * 0.65), (w * 0.8, h * 0.45))


def fill_in(qtbot, dialog) -> None:
    """What a clinician types and draws: the kind's own text, a question, the names and both signatures."""
    if dialog.addendum.kind == WITHDRAWAL:
        type_text(dialog.statement, STATEMENT)
    else:
        type_text(dialog.new_information, NEW_INFORMATION)
    qtbot.mouseClick(dialog.add_question_button, Qt.MouseButton.LeftButton)
    question, answer = dialog.question_fields[0]
    qtbot.keyClicks(question, "Can I eat before?")
    qtbot.keyClicks(answer, "Your team will tell you.")
    type_text(dialog.pads["clinician"].name, "Dr Anne Martin")
    sign(dialog.pads["patient"])
    sign(dialog.pads["clinician"])
    assert dialog.make_button.isEnabled(), dialog.problems.text()


def typed(dialog) -> dict:
    """Everything the clinician typed or drew, as the dialog's fields hold it."""
    question, answer = dialog.question_fields[0]
    return {"text": (dialog.statement if dialog.addendum.kind == WITHDRAWAL else dialog.new_information
                     ).toPlainText(), "question": question.text(), "answer": answer.toPlainText(),
            "clinician": dialog.pads["clinician"].name.text(),
            "ink": {role: not pad.canvas.drawing().is_empty for role, pad in dialog.pads.items()}}


def button_colour(button) -> str:
    """The colour a button is painted with, just inside its left edge, half-way down."""
    return button.grab().toImage().pixelColor(6, button.height() // 2).name()


def test_the_key_facts_on_screen_are_grouped_as_the_addendum_prints_them(qtbot, tmp_path):
    from consultaid.report.addendum import NO_FIGURE

    store, summary, link = stored_summary(tmp_path / "data")
    dialog = open_dialog(qtbot, store, summary, link, CONFIRMATION)
    facts = dialog.addendum.key_facts
    lines = [label.text() for label in dialog.findChildren(QLabel) if label.text().startswith("\u2022 ")]
    with_figures = [fact for fact in facts if fact["figures"]]
    assert lines[:len(with_figures)] == [f"\u2022 {fact['label']}: {fact['figures']}" for fact in with_figures]
    others = "; ".join(fact["label"] for fact in facts if not fact["figures"])
    assert others and lines[len(with_figures):] == [f"\u2022 {NO_FIGURE} {others}"]
    store.close()


@pytest.fixture
def slow_seal(monkeypatch):
    """The real seal, called once the test releases it (or after 3 s): as long as a slow machine takes."""
    import consultaid.report.seal as seal_module

    real = seal_module.seal_pdf
    release = threading.Event()
    calls = []

    def slow(*args, **kwargs):
        calls.append(threading.current_thread().name)
        release.wait(3)
        return real(*args, **kwargs)

    monkeypatch.setattr(seal_module, "seal_pdf", slow)
    return release, calls


def test_sealing_runs_in_a_worker_and_the_dialog_stays_responsive_but_busy(qtbot, tmp_path, slow_seal):
    release, calls = slow_seal
    store, summary, link = stored_summary(tmp_path / "data")
    dialog = open_dialog(qtbot, store, summary, link, CONFIRMATION)
    fill_in(qtbot, dialog)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    qtbot.waitUntil(lambda: len(ticks) >= 2, timeout=5000)

    enabled_look = button_colour(dialog.make_button)
    started = time.monotonic()
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert time.monotonic() - started < 1.0, "the click waited for the seal: sealing ran on the window's thread"
    assert button_colour(dialog.make_button) != enabled_look   # it looks disabled, not only is
    assert dialog.is_sealing() and dialog.isVisible()
    assert dialog.progress.isVisible() and "Sealing the addendum" in dialog.problems.text()
    assert not dialog.make_button.isEnabled() and not dialog.cancel_button.isEnabled()
    assert not dialog.body.isEnabled()   # nothing typed now could reach the addendum being sealed
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)   # a second click: nothing
    dialog.make()                                                    # nor a second submit by any other way
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)                        # and no way out while it seals
    dialog.close()
    assert dialog.isVisible() and dialog.is_sealing()
    qtbot.waitUntil(lambda: bool(calls), timeout=30000)   # rendered (and the seal key made): now sealing
    assert calls[0] != threading.main_thread().name
    before = len(ticks)
    qtbot.waitUntil(lambda: len(ticks) >= before + 5, timeout=5000)   # the event loop runs while it seals
    assert dialog.is_sealing()

    release.set()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=60000)
    timer.stop()
    gaps = [after - before for before, after in zip(ticks, ticks[1:], strict=False)]
    assert max(gaps) < 1.0, f"the window stopped for {max(gaps):.1f} s"
    assert len(calls) == 1
    [stored] = store.addenda(summary["id"])
    record, pdf = store.addendum(stored.id)
    assert dialog.pdf == pdf and attached_record(pdf)[0] == record
    assert record["new_information"] == NEW_INFORMATION
    store.close()


def test_a_wrong_seal_passphrase_is_told_and_loses_nothing_typed(qtbot, tmp_path, no_modal_questions):
    from consultaid.settings import Settings, save_settings
    from tests.test_seal import pkcs12_certificate

    store, summary, link = stored_summary(tmp_path / "data")
    save_settings(Settings(seal_certificate=str(pkcs12_certificate(tmp_path, "secret phrase"))))
    try:
        dialog = open_dialog(qtbot, store, summary, link, WITHDRAWAL)
        fill_in(qtbot, dialog)
        kept = typed(dialog)
        no_modal_questions.asked.clear()
        no_modal_questions.answers = ["wrong phrase", True]   # the passphrase asked, then the message read
        qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
        assert no_modal_questions.asked == ["Seal certificate", "The addendum could not be sealed"]
        assert dialog.isVisible() and not dialog.is_sealing() and store.addenda(summary["id"]) == []
        assert "wrong passphrase" in dialog.problems.text()
        assert typed(dialog) == kept and dialog.make_button.isEnabled() and dialog.body.isEnabled()

        no_modal_questions.answers = ["secret phrase"]
        qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=60000)
    finally:
        save_settings(Settings())
    [stored] = store.addenda(summary["id"])
    record, pdf = store.addendum(stored.id)
    assert record["statement"] == STATEMENT and record["questions"][0]["answer"] == "Your team will tell you."
    path = tmp_path / "withdrawal.pdf"
    path.write_bytes(pdf)
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Dr Émile Roux" in report   # sealed with the certificate chosen, once its passphrase was right
    store.close()


def test_the_store_refusing_the_addendum_is_told_and_loses_nothing_typed(qtbot, tmp_path, no_modal_questions):
    store, summary, link = stored_summary(tmp_path / "data")
    stale = SummaryLink(link.record_id, link.version, "0" * 64)   # not the summary the store holds
    dialog = open_dialog(qtbot, store, summary, stale, CONFIRMATION)
    fill_in(qtbot, dialog)
    kept = typed(dialog)
    no_modal_questions.asked.clear()
    no_modal_questions.answers = [True]
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: no_modal_questions.asked == ["The addendum could not be stored"], timeout=60000)
    assert dialog.isVisible() and not dialog.is_sealing() and dialog.pdf is None
    assert "is not the one in the record store" in dialog.problems.text()
    assert typed(dialog) == kept and dialog.cancel_button.isEnabled() and dialog.body.isEnabled()
    assert store.addenda(summary["id"]) == []
    store.close()


@pytest.fixture
def small_disk(tmp_path):
    """A real 8 MiB file system (tmpfs): "disk full" is the kernel's, not a mock."""
    point = tmp_path / "small-disk"
    point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", str(point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"a tmpfs cannot be mounted here (needs root): {mounted.stderr.strip()}")
    yield point
    subprocess.run(["umount", "-l", str(point)], check=False)


def fill_up(folder: Path) -> Path:
    filler = folder / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(descriptor, b"x" * 65536):
            pass
    except OSError:
        pass   # the disk is full now
    finally:
        os.close(descriptor)
    return filler


def test_a_full_disk_is_told_while_sealing_and_while_storing_and_loses_nothing_typed(qtbot, small_disk,
                                                                                     no_modal_questions):
    store, summary, link = stored_summary(small_disk / "data")
    dialog = open_dialog(qtbot, store, summary, link, WITHDRAWAL)
    fill_in(qtbot, dialog)
    kept = typed(dialog)

    # Full before this installation's seal key exists: making it fails, in the worker.
    filler = fill_up(small_disk)
    no_modal_questions.asked.clear()
    no_modal_questions.answers = [True]
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.is_sealing(), timeout=60000)
    assert no_modal_questions.asked == ["The addendum could not be sealed"]
    assert "seal key of this installation could not be made" in dialog.problems.text()
    assert typed(dialog) == kept and dialog.isVisible()

    # Room for the key, then full again: the addendum is sealed, but the store cannot take it.
    filler.unlink()
    from consultaid.report.seal import load_seal

    load_seal(None, store.data_dir)
    filler = fill_up(small_disk)
    no_modal_questions.answers = [True]
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(no_modal_questions.asked) == 2, timeout=60000)
    assert no_modal_questions.asked[-1] == "The addendum could not be stored"
    assert "The disk is full" in dialog.problems.text()
    assert typed(dialog) == kept and dialog.isVisible() and store.addenda(summary["id"]) == []

    # Space again: the same addendum, as typed, is sealed and stored.
    filler.unlink()
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=60000)
    [stored] = store.addenda(summary["id"])
    record, _pdf = store.addendum(stored.id)
    assert record["statement"] == STATEMENT and record["clinician"] == "Dr Anne Martin"
    store.close()
