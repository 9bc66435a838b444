"""Choosing the record store: the clinic server or this workstation's SQLite file. No Qt.

A URL (`--database-url`, CONSULTAID_DATABASE_URL) for the CLI and IT, else Settings › Data (`record_store`
"workstation" or "server"); SQLite stays the default. The interface all of them satisfy is
consultation/record_store.py's RecordStore.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from consultaid.consultation.record_store import RecordStore, database_url

if TYPE_CHECKING:
    from consultaid.settings import Settings


def open_record_store(data_dir: Path, settings: Settings | None = None, url: str | None = None, actor: str = "",
                      full_check: bool = False, queue: bool = False) -> RecordStore:
    """The record store to use. With a URL (the CLI's `--database-url` or CONSULTAID_DATABASE_URL): the
    server at that URL (PgStore). Else Settings' record_store: "server" opens the clinic server of
    Settings › Data (password from the keyring); with `queue` (the app) as a ClinicStore that keeps
    working on the local SQLite store while the server is away. Else, the default: the SQLite store in
    `data_dir`. Raises StoreError when it cannot open (kind "offline" for an unreachable server)."""
    from consultaid.consultation.store import open_store

    url = database_url(url)
    if url:
        from consultaid.server.pg_store import PgStore

        return PgStore(url, actor=actor, anchor_dir=Path(data_dir))
    if settings is None:
        from consultaid.settings import load_settings

        settings = load_settings()
    if settings.record_store == "server":
        location = settings.server.location()
        if queue:
            from consultaid.server.clinic_store import ClinicStore

            return ClinicStore(location.conninfo(), Path(data_dir), actor=actor, server_name=location.host,
                               use_keyring=True, background=True)
        from consultaid.server.pg_store import PgStore

        return PgStore(location.conninfo(), actor=actor, anchor_dir=Path(data_dir), use_keyring=True,
                       server_name=location.host)
    return open_store(Path(data_dir), actor, full_check=full_check)
