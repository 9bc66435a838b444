"""What the outbox tests share: records finalized into a real store with the outbox on, an MLLP listener
that can be stopped and started again on the same port, or hold an ACK back (to kill a sender mid-send),
and the real FHIR server (tests/peers)."""

from __future__ import annotations

import socketserver
import threading
import time
from pathlib import Path

from consultaid.consultation.store import open_store
from tests.peers import mllp_listener
from tests.peers.records import example_record, small_pdf

TOKEN = "test-token-0123456789"


def finalize(data_dir: Path, destinations=("mllp", "fhir"), record: dict | None = None,
             supersedes: int | None = None) -> tuple[dict, int]:
    """A record finalized with the outbox on for these destinations: (record, row id)."""
    record = record or example_record()
    store = open_store(data_dir, actor="dr-test")
    try:
        store.outbox_destinations = tuple(destinations)
        return record, store.finalize(record, small_pdf(), supersedes=supersedes)
    finally:
        store.close()


class _HoldingHandler(mllp_listener._Handler):
    """The listener's handler, with one more mode: "hold" keeps the message and never answers (once)."""

    def handle(self) -> None:
        state = self.server.state
        if state.mode != "hold":
            super().handle()
            return
        buffer = b""
        self.request.settimeout(60)
        while mllp_listener.END not in buffer:
            chunk = self.request.recv(1 << 20)
            if not chunk:
                return
            buffer += chunk
        frame = buffer.split(mllp_listener.END, 1)[0]
        state.received.append(mllp_listener.parse_strictly(frame[frame.index(mllp_listener.START) + 1:]
                                                           .decode("utf-8")))
        state.mode = "accept"
        self.server.held.set()
        time.sleep(30)  # the sender is killed meanwhile; the connection then ends


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, state: mllp_listener.ListenerState, port: int) -> None:
        self.state, self.tls = state, None
        self.held = threading.Event()
        super().__init__(("127.0.0.1", port), _HoldingHandler)


class Listener:
    """tests/peers/mllp_listener.py's listener (hl7apy, strict) that keeps its port across stop/start."""

    def __init__(self, port: int = 0) -> None:
        self.state = mllp_listener.ListenerState()
        self._start(port)

    def _start(self, port: int) -> None:
        self._server = _Server(self.state, port)
        self.port = self._server.server_address[1]
        self.held = self._server.held
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def start_again(self) -> None:
        self._start(self.port)

    def document_ids(self) -> list[str]:
        return [received.message.txa.txa_12.ei_1.value for received in self.state.received]
