"""A process that saves one draft over and over and says "ack N" once save N is committed.

Used by the fault-injection test, which kills it with SIGKILL at random moments. The first argument is a
data folder (this workstation's SQLite store) or the server's URL or libpq connection string (the clinic
server, as workstation
"room-fault", so each new process holds the same lease)."""

import sys
from pathlib import Path

from consultaid.consultation.store import Store


def main(data_dir: str, consultation_id: str) -> None:
    if data_dir.startswith("postgresql://") or "dbname=" in data_dir:   # a URL or a libpq key=value string
        from consultaid.server.pg_store import PgStore

        store = PgStore(data_dir, actor="fault-test", workstation="room-fault")
    else:
        store = Store(Path(data_dir), actor="fault-test")
    note = "ink " * 2000  # a realistic draft size: a few kilobytes of JSON
    while True:
        record = {"id": consultation_id, "started_at": "2026-11-22T09:30:00+01:00", "notes": note,
                  "setup": {"patient": {"name": "Zoë Fault"}, "procedure_id": "vertebroplasty"}}
        revision = store.save_draft(record)
        sys.stdout.write(f"ack {revision}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
