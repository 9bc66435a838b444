"""`consultaid outbox …`: the hospital outbox from the command line (no Qt).

- `list`: each finalized record and where it stands: not sent, sent, failed (why), waiting; each addendum that
  follows a record (confirmation, withdrawal) on a line of its own, with its kind;
- `send`: one pass over what is due; `--loop` keeps sending, as a service for a clinic (docs/it.md);
- `retry ID`: the failed (or waiting) documents of record ID are sent again at the next pass.

The destinations and codes are those of Settings › Hospital record; the record store is the one of
`--database-url`, CONSULTAID_DATABASE_URL or Settings (like `consultaid records`). Beside a running
ConsultAid, sending is safe: each entry is taken by one sender at a time (consultaid/hospital/outbox.py).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from types import FrameType
from typing import Any

from consultaid.i18n import _, ngettext

LOOP_SECONDS = 10.0


def add_parser(commands: Any) -> None:
    outbox = commands.add_parser("outbox", help=_("send finalized summaries to the hospital record, and see "
                                                  "where each one stands"))
    actions = outbox.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help=_("each finalized record: not sent, sent, failed (why) or waiting"))
    listing.add_argument("--search", default="", metavar="TEXT", help=_("patient name prefix or identifier"))
    listing.add_argument("--json", action="store_true", help=_("machine-readable output"))
    send = actions.add_parser("send", help=_("send what is due to the hospital record"))
    send.add_argument("--loop", action="store_true",
                      help=_("keep sending until stopped (SIGTERM or Ctrl+C), as a service"))
    send.add_argument("--interval", type=_seconds, default=LOOP_SECONDS, metavar="SECONDS",
                      help=_("with --loop, the time between passes (default: 10)"))
    retry = actions.add_parser("retry", help=_("send the failed documents of a record again"))
    retry.add_argument("id", type=int, metavar="ID", help=_("the record's id (as `consultaid outbox list` shows)"))


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0.1 <= value <= 3600:
        raise argparse.ArgumentTypeError(_("give a number of seconds from 0.1 to 3600"))
    return value


def run(args: argparse.Namespace) -> int:
    from consultaid.cli_records import _data_dir
    from consultaid.consultation.store import DatabaseError, StoreError, classify_error
    from consultaid.server.opening import open_record_store

    try:
        store = open_record_store(_data_dir(args), url=getattr(args, "database_url", None))
    except StoreError as error:
        print(str(error), file=sys.stderr)
        return 1
    try:
        command = {"list": _list, "send": _send, "retry": _retry}[args.outbox_command]
        return command(store, args)
    except StoreError as error:
        print(str(error), file=sys.stderr)
        return 1
    except DatabaseError as error:
        print(str(classify_error(error)), file=sys.stderr)
        return 1
    finally:
        store.close()


def _list(store: Any, args: argparse.Namespace) -> int:
    from consultaid.hospital.outbox import by_record, describe, document_words, record_state

    rows = store.search(args.search)
    entries = by_record(store.outbox([row.id for row in rows])) if rows else {}
    if args.json:
        print(json.dumps([{"record": row.id, "version": row.version, "state": record_state(entries.get(row.id, [])),
                           "entries": [{"id": entry.id, "kind": entry.kind, "addendum": entry.addendum_id,
                                        "addendum_number": entry.addendum_number,
                                        "destination": entry.destination, "state": entry.state,
                                        "attempts": entry.attempts, "next_attempt_at": entry.next_attempt_at,
                                        "error": entry.last_error, "receiver_text": entry.receiver_text}
                                       for entry in entries.get(row.id, [])]}
                          for row in rows], ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        own = entries.get(row.id, [])
        print(f"{row.id}\t{row.consultation_date}\t{row.patient_name}\tv{row.version}\t"
              f"{describe([entry for entry in own if entry.addendum_id is None])}")
        # Each addendum that follows this version: a line of its own, with its kind.
        for addendum in dict.fromkeys(entry.addendum_id for entry in own if entry.addendum_id is not None):
            sent = [entry for entry in own if entry.addendum_id == addendum]
            print(f"{row.id}\t{row.consultation_date}\t{row.patient_name}\tv{row.version} "
                  f"{document_words(sent[0])}\t{describe(sent)}")
    print(ngettext("{count} record", "{count} records", len(rows)).format(count=len(rows)), file=sys.stderr)
    return 0


def _sender(store: Any) -> Any:
    from consultaid.hospital.outbox import OutboxSender
    from consultaid.hospital.outbox_settings import credentials, hospital_settings
    from consultaid.settings import load_settings

    configured = load_settings().hospital
    return OutboxSender(store, hospital_settings(configured), credentials(configured))


def _send(store: Any, args: argparse.Namespace) -> int:
    from consultaid.hospital.outbox import document_words

    sender = _sender(store)
    stopping = threading.Event()
    if args.loop:
        def stop(_signal: int, _frame: FrameType | None) -> None:
            stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
    while True:
        outcomes = sender.send_due(stop=stopping.is_set)
        for outcome in outcomes:
            entry = outcome.entry
            if entry.addendum_id is None:
                line = _("record {record} {destination}: {state}").format(
                    record=entry.record_id, destination=entry.destination, state=_state(outcome.state))
            else:
                line = _("record {record} {document} {destination}: {state}").format(
                    record=entry.record_id, document=document_words(entry), destination=entry.destination,
                    state=_state(outcome.state))
            print(line + (f" ({outcome.text})" if outcome.text else ""), file=sys.stderr)
        if not args.loop:
            return 1 if any(outcome.state != "sent" for outcome in outcomes) else 0
        if stopping.wait(args.interval):
            return 0


def _state(state: str) -> str:
    return {"sent": _("sent"), "failed": _("failed"), "waiting": _("waiting")}.get(state, state)


def _retry(store: Any, args: argparse.Namespace) -> int:
    from consultaid.hospital.outbox import retry_record

    count = retry_record(store, args.id)
    if not count:
        print(_("Record {id} has no failed or waiting document to send again.").format(id=args.id), file=sys.stderr)
        return 1
    print(ngettext("{count} document of record {id} will be sent again at the next pass.",
                   "{count} documents of record {id} will be sent again at the next pass.", count).format(
        count=count, id=args.id), file=sys.stderr)
    return 0
