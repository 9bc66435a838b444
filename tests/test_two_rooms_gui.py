"""Two rooms at once and the server going away, as the surgeon sees them (pytest-qt, real clinic server):
a draft another workstation holds says who has it and offers a read-only view or taking it over; the
status bar says where the records are, that the workstation is offline, and when all reached the server."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from consultaid.consultation.store import StoreError
from consultaid.server import clinic_store
from consultaid.server.clinic_store import ClinicStore
from consultaid.server.pg_store import PgStore
from consultaid.ui.app import create_main_window
from consultaid.ui.services.style import apply_style
from tests.conftest import CONTENT
from tests.pg_fixtures import migrated, pg_database, pg_roles, pg_server  # noqa: F401 (fixtures)
from tests.pg_own_server import own_server  # noqa: F401 (fixture)
from tests.test_history import make_record, open_history, search_for


def _window(qtbot, qapp, store):
    apply_style(qapp)
    window = create_main_window(CONTENT, store=store)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    with qtbot.waitExposed(window):
        window.show()
    window.show_whereabouts()
    return window


@pytest.fixture
def two_rooms(qtbot, qapp, migrated, own_data_dir):
    """Room 4 has Marc Dubois's consultation open (its lease); room 2's window is on the same server."""
    room_4 = PgStore(migrated["app"], actor="dr-four", workstation="room-4")
    marc = make_record("vertebroplasty-fr", "Marc Dubois", "IPP 0051200", "2026-11-26", finalized=False)
    room_4.save_draft(marc)
    room_2 = ClinicStore(migrated["app"], own_data_dir, actor="dr-two", server_name="localhost",
                         workstation="room-2")
    window = _window(qtbot, qapp, room_2)
    yield window, room_4, marc
    if window.history_view is not None:
        window.history_view.timer.stop()
    if window.consultation_view is not None:
        window.consultation_view.consultation.end()
    window.server_timer.stop()
    room_2.close()
    room_4.close()


def _resume_marc(qtbot, window):
    view = open_history(qtbot, window)
    search_for(qtbot, view, "Marc")
    assert [row.patient_name for row in view.shown_rows()] == ["Marc Dubois"]
    view.table.selectRow(0)
    qtbot.mouseClick(view.resume_button, Qt.MouseButton.LeftButton)


def test_a_draft_open_in_another_room_can_be_read_without_taking_it(qtbot, two_rooms, no_modal_questions):
    window, room_4, marc = two_rooms
    no_modal_questions.answers = [0]   # "Open read-only"
    _resume_marc(qtbot, window)
    assert no_modal_questions.asked[-1] == "This consultation is open on another workstation"
    assert window.consultation_view is not None and window.read_only
    assert window.consultation_view.consultation.id == marc["id"]
    assert all(not page.isEnabled() for page in window.consultation_view.page_for.values())
    assert "room-4" in window.statusBar().currentMessage()
    # Room 4 still has it and keeps saving; nothing was written from room 2.
    assert room_4.save_draft({**marc, "notes": "room 4 goes on"}) == 2
    actions = [row[0] for row in room_4.connection.execute("SELECT action FROM audit ORDER BY seq")]
    assert actions == ["create"]
    qtbot.mouseClick(window.consultation_view.close_button, Qt.MouseButton.LeftButton)  # no question: read-only
    assert window.consultation_view is None and not window.read_only


def test_taking_a_draft_over_is_explicit_audited_and_stops_the_other_room(qtbot, two_rooms, no_modal_questions):
    window, room_4, marc = two_rooms
    no_modal_questions.answers = [1]   # "Take it over"
    _resume_marc(qtbot, window)
    assert window.consultation_view is not None and not window.read_only
    assert window.consultation_view.page_for["procedure"].isEnabled()
    actions = [row[0] for row in room_4.connection.execute("SELECT action FROM audit ORDER BY seq")]
    assert actions[-1] == "take_over"
    with pytest.raises(StoreError) as refused:
        room_4.save_draft({**marc, "notes": "too late"})
    assert refused.value.kind == "leased" and "room-2" in str(refused.value)
    # Closed in room 2: the lease is released, and room 4 may open it again.
    no_modal_questions.answers = []
    qtbot.mouseClick(window.consultation_view.close_button, Qt.MouseButton.LeftButton)
    assert window.consultation_view is None
    assert room_4.draft_lease(marc["id"]) is None
    assert room_4.resume_draft(marc["id"])["id"] == marc["id"]


def test_cancel_leaves_the_draft_where_it_is(qtbot, two_rooms, no_modal_questions):
    window, room_4, marc = two_rooms
    no_modal_questions.answers = [2]
    _resume_marc(qtbot, window)
    assert window.consultation_view is None
    assert room_4.draft_lease(marc["id"]) is None   # room 4's own lease is not "someone else's" to it
    assert room_4.save_draft({**marc, "notes": "still mine"}) == 2


def test_the_status_bar_says_offline_and_when_everything_reached_the_server(qtbot, qapp, own_server, own_data_dir,
                                                                           monkeypatch):
    monkeypatch.setattr(clinic_store, "RETRY_SECONDS", 0.0)
    store = ClinicStore(own_server.app_url, own_data_dir, actor="dr-two", server_name="clinic-db",
                        workstation="room-2", background=True)   # as the app opens it
    window = _window(qtbot, qapp, store)
    window.server_timer.setInterval(200)
    try:
        label = window.records_place
        assert label.text() == "Records: clinic server clinic-db, everything is on the server"
        assert label.accessibleName() == label.text()
        own_server.stop()
        qtbot.waitUntil(lambda: label.text().startswith("\u26a0 Offline: the clinic server clinic-db"), timeout=10000)
        # Work goes on: a save is committed locally and counted as waiting (the draft and its "create" entry).
        draft = make_record("vertebroplasty-fr", "Marc Dubois", "IPP 0051200", "2026-11-26", finalized=False)
        store.save_draft(draft)
        window.show_whereabouts()
        assert label.text().endswith("(2 items waiting)")
        own_server.start()
        qtbot.waitUntil(lambda: label.text() == "Records: clinic server clinic-db, everything is on the server",
                        timeout=15000)
        assert PgStore(own_server.app_url).load_draft(draft["id"])["id"] == draft["id"]
    finally:
        window.server_timer.stop()
        store.close()


def test_on_this_workstation_the_status_bar_says_so(main):
    assert main.records_place.text() == "Records: on this workstation"


def test_the_app_opens_the_clinic_server_chosen_in_settings(qtbot, qapp, own_server, own_data_dir, tmp_path,
                                                            monkeypatch):
    """Settings › Data's "Clinic server" (password from libpq's password file here: no keyring in tests)."""
    from psycopg.conninfo import conninfo_to_dict

    from consultaid.settings import ClinicServer, Settings, save_settings
    from tests.pg_fixtures import APP_ROLE

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    parts = conninfo_to_dict(own_server.app_url)
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"localhost:{parts['port']}:{own_server.database}:{APP_ROLE}:{parts['password']}\n")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    save_settings(Settings(record_store="server", server=ClinicServer(
        host="localhost", port=int(parts["port"]), database=own_server.database, user=APP_ROLE,
        ca_certificate=parts["sslrootcert"])))
    apply_style(qapp)
    window = create_main_window(CONTENT, data_dir=own_data_dir)
    qtbot.addWidget(window)
    try:
        assert isinstance(window.store, ClinicStore) and window.store.online
        assert window.records_place.text() == "Records: clinic server localhost, everything is on the server"
        window.store.log("print", "c-1 v1")
        check = PgStore(own_server.app_url)
        try:
            assert check.has_entry("print", "c-1 v1")   # written on the server, not on this workstation
        finally:
            check.close()
        assert window.store.local.queued() == []
    finally:
        window.server_timer.stop()
        window.store.close()
