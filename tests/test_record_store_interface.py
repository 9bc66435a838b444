"""One record-store interface (consultation/record_store.py): the SQLite Store, the server's PgStore and the
app's ClinicStore all offer it with the same parameters, and open_record_store chooses the back end."""

from __future__ import annotations

import inspect

import pytest

from consultaid.consultation.record_store import RecordStore
from consultaid.consultation.store import Store
from consultaid.server.clinic_store import ClinicStore
from consultaid.server.pg_store import PgStore

METHODS = [name for name, member in vars(RecordStore).items()
           if callable(member) and not name.startswith("_")]


def test_the_interface_lists_what_the_app_and_the_cli_use():
    assert {"save_draft", "finalize", "search", "record", "log", "verify_audit", "latest_audit_hash",
            "resume_draft", "set_draft_aside", "drafts", "load_draft", "latest_version", "whereabouts",
            "close"} <= set(METHODS)


@pytest.mark.parametrize("back_end", [Store, PgStore, ClinicStore], ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("method", METHODS)
def test_each_back_end_offers_every_method_with_the_interface_s_parameters(back_end, method):
    wanted = inspect.signature(getattr(RecordStore, method))
    offered = inspect.signature(getattr(back_end, method))
    assert list(offered.parameters) == list(wanted.parameters)
    assert [p.default for p in offered.parameters.values()] == [p.default for p in wanted.parameters.values()]


def test_a_sqlite_store_is_a_record_store(tmp_path):
    store = Store(tmp_path / "data")
    try:
        assert isinstance(store, RecordStore)
        assert store.whereabouts().place == "workstation"
    finally:
        store.close()


def test_sqlite_is_the_default_and_a_url_or_the_settings_choose_the_server(tmp_path, monkeypatch):
    from consultaid.consultation.store import StoreError
    from consultaid.server.opening import open_record_store
    from consultaid.settings import ClinicServer, Settings

    monkeypatch.delenv("CONSULTAID_DATABASE_URL", raising=False)
    store = open_record_store(tmp_path / "data", settings=Settings())
    assert isinstance(store, Store)
    store.close()
    # A server that is not there: the choice is seen in the error's kind (no SQLite file is made for it).
    unreachable = "postgresql://u@127.0.0.1:1/db?sslmode=disable&host=/nonexistent-socket-folder"
    with pytest.raises(StoreError) as refused:
        open_record_store(tmp_path / "other", settings=Settings(), url=unreachable)
    assert refused.value.kind == "offline"
    monkeypatch.setenv("CONSULTAID_DATABASE_URL", unreachable)
    with pytest.raises(StoreError):
        open_record_store(tmp_path / "other", settings=Settings())
    monkeypatch.delenv("CONSULTAID_DATABASE_URL")
    server = Settings(record_store="server", server=ClinicServer(host="/nonexistent-socket-folder", user="u"))
    with pytest.raises(StoreError) as refused:
        open_record_store(tmp_path / "other", settings=server)
    assert refused.value.kind == "offline"
    assert not (tmp_path / "other" / "consultaid.sqlite3").exists()
