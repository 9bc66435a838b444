"""A process that saves one draft over and over and says "ack N" once save N is committed.

Used by the fault-injection test, which kills it with SIGKILL at random moments."""

import sys
from pathlib import Path

from consultaid.consultation.store import Store


def main(data_dir: str, consultation_id: str) -> None:
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
