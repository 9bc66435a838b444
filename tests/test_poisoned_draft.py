"""A draft the app cannot open (saved by an older version, a date the screens cannot show, any failure
while building the consultation from it) is reported and set aside, kept as it was: the app opens, and
the next start does not fall over it again (issue 13, item 8)."""

from __future__ import annotations

import json
import logging

import pytest

from consultaid.consultation.store import Store
from tests.conftest import CONTENT, REPO

PATIENT = "Ondine Poisonnée"


def _draft(poison: str) -> dict:
    record = json.loads((REPO / "docs" / "examples" / "cement-spine-surgery-en.json").read_text(encoding="utf-8"))
    record.update(id="poisoned-draft", finalized_at=None, ended_at=None, signatures=[], audit_hash="")
    record["setup"]["patient"]["name"] = PATIENT
    if poison == "surgery date 9999-12-31":   # accepted by an earlier version's form; the timeline overflows
        record["setup"]["surgery_date"] = "9999-12-31"
    else:                                    # a shape this version cannot read at all
        del record["steps"]
    return record


@pytest.mark.parametrize("poison", ["surgery date 9999-12-31", "unreadable"])
def test_a_draft_that_cannot_be_opened_is_set_aside_and_reported_at_start_not_a_crash_loop(
        qtbot, qapp, own_data_dir, no_modal_questions, monkeypatch, caplog, poison):
    from consultaid.ui.app import show_main_window

    stored = _draft(poison)
    store = Store(own_data_dir)
    store.save_draft(stored)   # as the earlier session left it, interrupted
    store.close()
    told = []
    choose = no_modal_questions.choose
    monkeypatch.setattr(no_modal_questions, "choose", lambda parent, title, text, options: (
        told.append(text), choose(parent, title, text, options))[1])
    caplog.set_level(logging.DEBUG)

    no_modal_questions.asked.clear()
    no_modal_questions.answers = [0, 0]   # "Resume it", then "OK" to the report
    first = show_main_window(CONTENT, own_data_dir)
    qtbot.addWidget(first)
    qtbot.waitUntil(lambda: len(no_modal_questions.asked) == 2, timeout=5000)
    assert no_modal_questions.asked == ["Resume the interrupted consultation?", "A consultation could not be opened"]
    assert PATIENT in told[-1] and "set aside" in told[-1]
    assert first.isVisible() and first.consultation_view is None and first.autosaver is None
    assert first.stack.currentWidget() is first.library_page
    assert [(draft.consultation_id, draft.status) for draft in first.store.drafts()] == [("poisoned-draft",
                                                                                          "set_aside")]
    assert first.store.load_draft("poisoned-draft")["setup"] == stored["setup"], "kept as it was"
    assert "poisoned-draft" in caplog.text and PATIENT not in caplog.text, "no patient data in the logs"
    first.store.close()
    first.close()

    no_modal_questions.asked.clear()
    second = show_main_window(CONTENT, own_data_dir)   # the next start: nothing to fall over
    qtbot.addWidget(second)
    qtbot.waitUntil(lambda: second.store is not None, timeout=5000)
    qtbot.wait(100)
    assert no_modal_questions.asked == [] and second.consultation_view is None
    assert [draft.status for draft in second.store.drafts()] == ["set_aside"]
    second.store.close()
    second.close()
