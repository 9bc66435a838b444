"""The records page: search a real store of drafts and signed records, open the exact stored PDF, export it,
and take a draft up again."""

from __future__ import annotations

import copy
import json
import uuid
from functools import cache

import pytest
from PySide6.QtCore import Qt

from consultaid.consultation import store as store_module
from consultaid.consultation.record_search import RESULT_LIMIT, HistoryQuery, HistorySearch
from consultaid.consultation.store import StoreError
from consultaid.ui.app import create_main_window
from consultaid.ui.services.style import apply_style
from consultaid.ui.views.history_view import HistoryView
from tests.conftest import CONTENT, REPO, type_text

EXAMPLES = REPO / "docs" / "examples"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def make_record(base: str, name: str, identifier: str, day: str, consultation_id: str | None = None,
                finalized: bool = True) -> dict:
    """A full record from one of the shipped examples, for another patient on another day."""
    record = example(base)
    record["id"] = consultation_id or str(uuid.UUID(int=abs(hash((name, day))) % (1 << 128)))
    record["setup"]["patient"]["name"] = name
    record["setup"]["patient"]["identifier"] = identifier
    offset = record["started_at"][19:]
    record["started_at"] = f"{day}T09:30:00{offset}"
    record["ended_at"] = f"{day}T09:52:00{offset}"
    if finalized:
        record["finalized_at"] = f"{day}T09:52:50{offset}"
    else:
        record["ended_at"] = None
        record["finalized_at"] = None
        record["signatures"] = []
    return record


@cache
def _rendered(text: str) -> bytes:
    from consultaid.report import render_summary

    return render_summary(json.loads(text))


def rendered(record: dict) -> bytes:
    """The real summary PDF (each patient's differs), rendered once per record for the whole run."""
    return _rendered(json.dumps(record, sort_keys=True))


@pytest.fixture
def filled(own_data_dir):
    """A store in the test's data folder with signed records, a correction and two drafts."""
    from consultaid.consultation.store import open_store

    store = open_store(own_data_dir)
    ids = {}
    jeanne = make_record("vertebroplasty-fr", "Jeanne Dupont-Lefèvre", "IPP 0042317", "2026-11-23")
    ids["jeanne v1"] = store.finalize(jeanne, rendered(jeanne))
    corrected = copy.deepcopy(jeanne)
    corrected["notes"] = "Correction : niveau L1 confirmé sur l'IRM."
    corrected["finalized_at"] = "2026-11-23T17:05:00+01:00"
    ids["jeanne v2"] = store.finalize(corrected, rendered(corrected), supersedes=ids["jeanne v1"])
    margaret = make_record("cement-spine-surgery-en", "Margaret O'Brien", "MRN 00-118-204", "2026-11-25")
    ids["margaret"] = store.finalize(margaret, rendered(margaret))
    giorgos = make_record("endoscopic-spine-surgery-en", "Giorgos Papadopoulos", "NHS 943 476 5919", "2026-11-24")
    ids["giorgos"] = store.finalize(giorgos, rendered(giorgos))
    olsen = make_record("endoscopic-spine-surgery-en", "Mary Olsen", "MRN 00-097-551", "2025-03-14")
    ids["olsen"] = store.finalize(olsen, b"%PDF-1.7 a record whose pages this test never shows")
    marc = make_record("vertebroplasty-fr", "Marc Dubois", "IPP 0051200", "2026-11-26", finalized=False)
    store.save_draft(marc)
    zhang = make_record("cement-spine-surgery-en", "张伟", "MRN 00-120-777", "2026-11-20", finalized=False)
    store.save_draft(zhang)
    store.set_draft_aside(zhang["id"])
    ids["marc"], ids["zhang"] = marc["id"], zhang["id"]
    yield store, ids
    store.close()


@pytest.fixture
def main(qtbot, qapp, filled, own_data_dir):
    """The real main window on the shipped content, its store in the test's data folder, records shown."""
    apply_style(qapp)
    store, _ids = filled
    window = create_main_window(CONTENT, data_dir=own_data_dir)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    with qtbot.waitExposed(window):
        window.show()
    yield window
    if window.history_view is not None:
        window.history_view.timer.stop()
        if window.history_view.preview is not None:
            window.history_view.preview.done(0)
    if window.consultation_view is not None:
        window.consultation_view.consultation.end()
    window.store.close()


def press_key(window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Through the window system, as a keyboard does, so that Qt's shortcut map sees it."""
    from PySide6.QtTest import QTest

    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    QTest.keyClick(window.windowHandle(), key, modifier)


def open_history(qtbot, window) -> HistoryView:
    press_key(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    # A button's shortcut clicks it as a mouse would, with a short press shown first.
    qtbot.waitUntil(lambda: window.history_view is not None
                    and window.stack.currentWidget() is window.history_view)
    return window.history_view


def names(view: HistoryView) -> list[str]:
    return [row.patient_name for row in view.shown_rows()]


def search_for(qtbot, view: HistoryView, text: str, non_latin: bool = False) -> None:
    view.search.clear()
    if non_latin:
        type_text(view.search, text)
    else:
        qtbot.keyClicks(view.search, text)
    qtbot.waitUntil(lambda: not view.timer.isActive())   # the search waits for a pause in the typing


def test_every_draft_and_record_is_listed_newest_first_with_words(qtbot, main):
    view = open_history(qtbot, main)
    assert view.search.hasFocus()
    assert names(view) == ["Marc Dubois", "Margaret O'Brien", "Giorgos Papadopoulos", "Jeanne Dupont-Lefèvre",
                           "Jeanne Dupont-Lefèvre", "张伟", "Mary Olsen"]
    model = view.model
    first = [model.index(0, column).data() for column in range(model.columnCount())]
    assert first == ["26/11/2026", "Marc Dubois", "IPP 0051200", "Vertebroplasty (vertebral cementoplasty)",
                     "In progress", "\u2013", "\u2013"]   # a draft: nothing to send to the hospital yet
    assert model.index(1, 6).data() == "Not sent"                  # no destination configured
    statuses = [model.index(row, 4).data() for row in range(model.rowCount())]
    assert statuses == ["In progress", "Finalized", "Finalized", "Finalized", "Corrected", "Set aside", "Finalized"]
    versions = [model.index(row, 5).data() for row in range(model.rowCount())]
    assert versions[3:5] == ["2", "1"]   # the correction, then the version it corrects
    assert model.index(1, 3).data() == main.library.get("cement-spine-surgery").title("en")   # a title, not an id
    assert view.count_label.text() == "7 consultations found"
    assert [model.headerData(column, Qt.Orientation.Horizontal) for column in range(6)] == \
        ["Date", "Patient", "Identifier", "Procedure", "Status", "Version"]


def test_a_narrow_list_gives_up_the_sized_columns_first_and_says_elided_names_whole(qtbot, main):
    """At desktop scaling 200 % the list is about 900 logical px wide: the patient and procedure columns
    (which stretch) kept 2 letters beside a sideways scroll bar. Now the status, identifier and hospital
    columns give up width first, down to their headings, and the tooltip says the name whole."""
    view = open_history(qtbot, main)
    table = view.table
    table.resize(900, 300)
    qtbot.waitUntil(lambda: table.viewport().width() <= 900)
    head = table.horizontalHeader()
    assert head.length() <= table.viewport().width()
    assert not table.horizontalScrollBar().isVisible()
    for column in (1, 3):   # patient, procedure
        assert table.columnWidth(column) >= table.fontMetrics().horizontalAdvance("Jeanne Dupont")
    for column in range(table.model().columnCount()):
        heading = table.model().headerData(column, Qt.Orientation.Horizontal)
        assert table.columnWidth(column) >= head.fontMetrics().horizontalAdvance(heading), heading
    assert view.model.index(1, 1).data(Qt.ItemDataRole.ToolTipRole).startswith("Margaret O'Brien\n")
    table.resize(1600, 300)
    qtbot.waitUntil(lambda: table.columnWidth(4) == table.preferred_widths[4])   # room again: its own width


def test_typing_a_name_prefix_or_an_identifier_finds_the_consultations(qtbot, main):
    view = open_history(qtbot, main)
    search_for(qtbot, view, "mar")
    assert names(view) == ["Marc Dubois", "Margaret O'Brien", "Mary Olsen"]   # case-insensitive prefix
    search_for(qtbot, view, "Margaret O")
    assert names(view) == ["Margaret O'Brien"]
    search_for(qtbot, view, "NHS 943 476 5919")
    assert names(view) == ["Giorgos Papadopoulos"]
    search_for(qtbot, view, "IPP 0051200")          # a draft's identifier, which only its JSON holds
    assert names(view) == ["Marc Dubois"]
    search_for(qtbot, view, "张", non_latin=True)
    assert names(view) == ["张伟"]
    search_for(qtbot, view, "Olsen")                  # a prefix of the name, not any word in it
    assert names(view) == []
    assert view.results.currentWidget() is view.empty
    assert view.empty_title.text() == "No consultation matches."
    assert view.count_label.text() == ""


def test_filters_by_status_date_and_procedure(qtbot, main):
    view = open_history(qtbot, main)
    view.status.setCurrentIndex(view.status.findData("draft"))
    assert names(view) == ["Marc Dubois", "张伟"]
    assert view.status.currentText() == "Draft (in progress or set aside)"
    view.status.setCurrentIndex(view.status.findData("corrected"))
    assert [(row.patient_name, row.version) for row in view.shown_rows()] == [("Jeanne Dupont-Lefèvre", 1)]
    view.status.setCurrentIndex(view.status.findData("finalized"))
    assert names(view) == ["Margaret O'Brien", "Giorgos Papadopoulos", "Jeanne Dupont-Lefèvre", "Mary Olsen"]
    view.status.setCurrentIndex(view.status.findData("all"))

    qtbot.keyClicks(view.date_from.edit, "24/11/2026")
    qtbot.keyClicks(view.date_to.edit, "25/11/2026")
    qtbot.waitUntil(lambda: not view.timer.isActive())
    assert names(view) == ["Margaret O'Brien", "Giorgos Papadopoulos"]
    view.date_from.edit.clear()
    qtbot.keyClicks(view.date_from.edit, "01/01/2020")
    view.date_to.edit.clear()
    qtbot.keyClicks(view.date_to.edit, "31/12/2025")
    qtbot.waitUntil(lambda: not view.timer.isActive())
    assert names(view) == ["Mary Olsen"]

    view.clear_filters()
    view.procedure.setCurrentIndex(view.procedure.findData("vertebroplasty"))
    assert view.procedure.currentText() == "Vertebroplasty (vertebral cementoplasty)"
    assert names(view) == ["Marc Dubois", "Jeanne Dupont-Lefèvre", "Jeanne Dupont-Lefèvre"]
    assert view.procedure.itemText(0) == "All procedures"
    assert view.procedure.count() == 1 + len(main.library.packs)


def test_a_date_that_is_not_one_is_said_and_the_list_is_kept(qtbot, main):
    view = open_history(qtbot, main)
    qtbot.keyClicks(view.date_from.edit, "31/02/2026")
    qtbot.waitUntil(lambda: not view.timer.isActive())
    assert view.message.isVisible() and "not a date" in view.message.text()
    assert len(view.shown_rows()) == 7
    view.date_from.edit.clear()
    qtbot.keyClicks(view.date_from.edit, "26/11/2026")
    qtbot.keyClicks(view.date_to.edit, "01/11/2026")
    qtbot.waitUntil(lambda: not view.timer.isActive())
    assert "after" in view.message.text()
    view.date_to.edit.clear()
    qtbot.waitUntil(lambda: not view.timer.isActive())
    assert not view.message.isVisible()
    assert names(view) == ["Marc Dubois"]


def test_opening_a_record_shows_the_exact_stored_pdf_and_saving_it_is_audited(qtbot, main, filled, tmp_path):
    store, ids = filled
    view = open_history(qtbot, main)
    search_for(qtbot, view, "Giorgos")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)   # to the list…
    assert view.table.hasFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)    # …and Enter opens the selected row
    preview = view.preview
    assert preview is not None and preview.isVisible()
    _record, stored = store.record(ids["giorgos"])
    assert preview.pdf == stored
    assert preview.page_count >= 1 and not preview.page_images()[0].isNull()
    assert "version 1" in preview.record_note.text()

    target = tmp_path / "reprint.pdf"
    preview.choose_save_path = lambda parent, suggested: str(target)
    assert preview.save_pdf() == target
    assert target.read_bytes() == stored
    audit = store.connection.execute("SELECT action, subject FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    assert audit == ("export", f"{_record['id']} v1")
    assert store.verify_audit() == []


def test_printing_the_stored_record_sends_those_bytes_and_is_audited(qtbot, main, filled, monkeypatch):
    from consultaid import printing

    store, ids = filled
    view = open_history(qtbot, main)
    sent = []
    monkeypatch.setattr(printing, "list_printers", lambda: ["Office"])
    monkeypatch.setattr(printing, "print_pdf", lambda pdf, printer, copies, title: sent.append(
        (pdf, printer, copies, title)) or "Office-12")
    view.choose_printer = lambda parent, copies: ("Office", copies)
    view.select(next(row for row in view.shown_rows() if row.record_id == ids["jeanne v1"]))
    view.open_button.click()
    preview = view.preview
    assert preview.record_note.text().startswith("\u26a0") and "later version corrects" in preview.record_note.text()
    assert preview.print_summary() == "Office-12"
    record, stored = store.record(ids["jeanne v1"])
    assert sent == [(stored, "Office", 1, f"ConsultAid summary {record['id'][:8]}")]
    assert "Jeanne" not in sent[0][3]   # job titles are visible to every user of the queue
    audit = store.connection.execute("SELECT action, subject FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    assert audit == ("print", f"{record['id']} v1")
    assert store.verify_audit() == []


def test_export_from_the_list_writes_the_stored_bytes_and_is_audited(qtbot, main, filled, tmp_path):
    store, ids = filled
    view = open_history(qtbot, main)
    row = next(row for row in view.shown_rows() if row.record_id == ids["jeanne v2"])
    view.select(row)
    assert view.export_button.isEnabled() and not view.resume_button.isEnabled()
    offered = []
    view.choose_save_path = lambda parent, suggested: offered.append(suggested) or str(tmp_path / "copy")
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    record, stored = store.record(ids["jeanne v2"])
    assert (tmp_path / "copy.pdf").read_bytes() == stored
    assert offered[0].endswith(f"consultaid-summary-2026-11-23-{record['id'][:8]}-v2.pdf")
    assert "Jeanne" not in offered[0]
    assert view.message.text() == f"\u2713 Saved to {tmp_path / 'copy.pdf'}."
    audit = store.connection.execute("SELECT action, subject FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    assert audit == ("export", f"{record['id']} v2")
    assert store.verify_audit() == []

    view.choose_save_path = lambda parent, suggested: str(tmp_path / "no such folder" / "copy.pdf")
    assert view.export_selected() is None
    assert view.message.text().startswith("\u26a0 The summary was not saved")
    view.choose_save_path = lambda parent, suggested: None   # cancelled: nothing written, nothing logged
    count = store.connection.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    assert view.export_selected() is None
    assert store.connection.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == count


def test_resuming_a_draft_from_the_list_opens_that_consultation(qtbot, main, filled):
    store, ids = filled
    view = open_history(qtbot, main)
    search_for(qtbot, view, "张", non_latin=True)
    assert view.resume_button.isEnabled() and not view.open_button.isEnabled()
    assert not view.export_button.isEnabled()
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert main.consultation_view is not None
    assert main.stack.currentWidget() is main.consultation_view
    consultation = main.consultation_view.consultation
    assert consultation.id == ids["zhang"]
    assert consultation.setup.patient.name == "张伟"
    assert [draft.status for draft in store.drafts() if draft.consultation_id == ids["zhang"]] == ["open"]
    assert store.verify_audit() == []
    press_key(main, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)   # the records wait for the end of it
    qtbot.wait(300)
    assert main.stack.currentWidget() is main.consultation_view


def test_back_to_the_procedures_with_escape_and_the_records_button(qtbot, main):
    assert main.records_button.text() == "Records…"
    assert main.records_button.accessibleName()
    view = open_history(qtbot, main)
    view.table.setFocus()
    press_key(main, Qt.Key.Key_Escape)
    assert main.stack.currentIndex() == 0
    qtbot.mouseClick(main.records_button, Qt.MouseButton.LeftButton)
    assert main.stack.currentWidget() is view
    qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
    assert main.stack.currentIndex() == 0


def test_every_control_has_an_accessible_name(qtbot, main):
    from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QTableView

    view = open_history(qtbot, main)
    controls = view.findChildren(QLineEdit) + view.findChildren(QComboBox) + view.findChildren(QPushButton) \
        + view.findChildren(QTableView)
    unnamed = [control for control in controls if control.isVisible() and not control.accessibleName()
               and not (isinstance(control, QLineEdit) and isinstance(control.parent(), QComboBox))]
    assert unnamed == []


def test_a_store_error_is_shown_in_the_view_never_a_crash(qtbot, main, monkeypatch):
    view = open_history(qtbot, main)

    def locked(*args, **kwargs):
        raise StoreError("locked", "The database is in use by another program: close it, then try again.")

    monkeypatch.setattr(main.store, "search", locked)
    view.refresh()
    assert view.shown_rows() == [] and view.results.currentWidget() is view.empty
    assert view.empty_title.text() == "\u26a0 The records could not be read."
    assert view.empty_hint.text() == "The database is in use by another program: close it, then try again."
    assert view.retry_button.isVisible()

    def broken(*args, **kwargs):
        raise store_module.OperationalError("disk I/O error")

    monkeypatch.setattr(main.store, "search", broken)
    view.refresh()
    assert view.empty_hint.text() == "The records could not be read: disk I/O error"
    monkeypatch.undo()
    qtbot.mouseClick(view.retry_button, Qt.MouseButton.LeftButton)
    assert view.results.currentWidget() is view.table and len(view.shown_rows()) == 7
    assert not view.retry_button.isVisible()


def test_a_record_whose_pdf_no_longer_matches_its_fingerprint_is_not_shown(qtbot, main, monkeypatch):
    view = open_history(qtbot, main)

    def damaged(record_id):
        raise StoreError("damaged", "The stored PDF does not match its fingerprint.")

    monkeypatch.setattr(main.store, "record", damaged)
    view.select(next(row for row in view.shown_rows() if not row.is_draft))
    view.open_selected()
    assert view.preview is None
    assert "fingerprint" in view.message.text()


def test_an_empty_store_says_so_and_a_missing_store_is_explained(qtbot, qapp, own_data_dir):
    from consultaid.consultation.store import open_store

    store = open_store(own_data_dir)
    view = HistoryView(store)
    qtbot.addWidget(view)
    view.refresh()
    assert view.empty_title.text() == "No consultation has been recorded yet."
    store.close()
    without = HistoryView(None)
    qtbot.addWidget(without)
    assert "did not open" in without.message.text() and not without.search.isEnabled()


def test_the_result_limit_is_kept_and_said(own_data_dir):
    from consultaid.consultation.store import open_store

    store = open_store(own_data_dir)
    record = make_record("cement-spine-surgery-en", "Ada Lovelace", "MRN 1", "2026-01-01")
    for number in range(12):
        record["id"] = f"limit-{number}"
        store.finalize(record, b"%PDF-1.7 tiny")
    rows, more = HistorySearch(store).find(HistoryQuery(text="ada"), limit=10)
    assert len(rows) == 10 and more
    rows, more = HistorySearch(store).find(HistoryQuery(text="ada"), limit=12)
    assert len(rows) == 12 and not more
    assert RESULT_LIMIT == 500
    store.close()


def test_the_limit_is_said_in_the_view(qtbot, main, monkeypatch):
    view = open_history(qtbot, main)
    real = view.searcher.find
    monkeypatch.setattr(view.searcher, "find", lambda query: (real(query)[0][:2], True))
    view.refresh()
    assert len(view.shown_rows()) == 2
    assert view.count_label.text() == ("Showing the 500 most recent consultations found; there are more. "
                                       "Narrow the search to see the others.")


def test_when_the_audit_trail_cannot_be_written_the_surgeon_is_told(qtbot, main, filled, tmp_path, monkeypatch):
    store, ids = filled
    view = open_history(qtbot, main)
    view.select(next(row for row in view.shown_rows() if row.record_id == ids["margaret"]))

    def full(action, subject):
        raise StoreError("disk_full", "The disk is full: free some space, then try again.")

    preview = view.open_record(view.selected_row())
    monkeypatch.setattr(main.store, "log", full)
    preview.choose_save_path = lambda parent, suggested: str(tmp_path / "a.pdf")
    assert preview.save_pdf() == tmp_path / "a.pdf"   # the file is there: only its audit entry is missing
    assert preview.status.text().startswith("\u26a0 Done, but the audit trail could not record it")
    assert preview.audit_problem
    view.choose_save_path = lambda parent, suggested: str(tmp_path / "b.pdf")
    assert view.export_selected() == tmp_path / "b.pdf"
    assert "the audit trail could not record it: The disk is full" in view.message.text()
