"""A real MLLP listener for the tests: parses each message with hl7apy, strictly against the HL7 v2.5
MDM_T02 structure, and answers an ACK made with hl7apy (AA, or AE with the parser's or the test's text).

The framing is read here rather than by hl7apy's MLLPServer: that server reads one byte at a time into a
growing string (minutes for a 30 MB document) and closes after one message. Everything about HL7 itself
(parsing, validation, building the ACK) is hl7apy's.

`mode` chooses the answer: "accept"; "error" (AE with `error_text`); "lose_ack" (parse and keep the
message, then close without answering, as when an ACK is lost on the way back) once, then "accept".

OBX-5 is read as the data type OBX-2 names: hl7apy types OBX-5 ("varies") as plain ST components of at
most 199 characters whatever OBX-2 says, so the peer takes the OBX-5 value out, parses the rest of the
message strictly, then parses that value strictly as the OBX-2 type (ED here) with hl7apy.

One limit of v2.5 is lifted, and only that one: the 65,536-character length of TX, the type of the ED data
component (OBX-5.5) that carries the base64 PDF. A sealed summary is larger than that, integration engines
that take embedded PDFs accept far longer values, and later HL7 versions (v2.7 on) no longer give TX a
maximum length. Every other structure, type, table and length rule stays strict.
"""

from __future__ import annotations

import socketserver
import ssl
import threading
from dataclasses import dataclass, field

import hl7apy.v2_5
from hl7apy.base_datatypes import TX
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.core import Message
from hl7apy.parser import parse_components, parse_message

START, END = b"\x0b", b"\x1c\x0d"
EMBEDDED_DOCUMENT_LIMIT = 64 * 1024 * 1024  # characters of base64, room for a 45 MB PDF


class LongTX(TX):
    """TX with room for an embedded document (see the module docstring)."""

    def __init__(self, value, highlights=None, validation_level=None):
        super(TX, self).__init__(value, EMBEDDED_DOCUMENT_LIMIT, highlights, validation_level)


hl7apy.v2_5.BASE_DATATYPES["TX"] = LongTX


@dataclass
class Received:
    text: str
    message: Message | None  # None when hl7apy refused it
    problem: str = ""
    observation: list = field(default_factory=list)  # OBX-5 parsed as its OBX-2 type: hl7apy components

    def component(self, number: int) -> str:
        """OBX-5 component `number` (1-based) as text, as the receiver read it."""
        return self.observation[number - 1].to_er7() if number <= len(self.observation) else ""


def parse_strictly(text: str) -> Received:
    """The message checked by hl7apy (see the module docstring for OBX-5)."""
    segments = text.split("\r")
    observation_text, observation_type = "", None
    for index, line in enumerate(segments):
        if line.startswith("OBX|"):
            fields = line.split("|")
            if len(fields) > 5:
                observation_text, observation_type = fields[5], fields[2]
                fields[5] = ""
                segments[index] = "|".join(fields)
    message = parse_message("\r".join(segments), validation_level=VALIDATION_LEVEL.STRICT, find_groups=True)
    message.validate()
    observation = []
    if observation_text:
        encoding = {"FIELD": "|", "COMPONENT": "^", "REPETITION": "~", "ESCAPE": "\\", "SUBCOMPONENT": "&",
                    "GROUP": "\r", "SEGMENT": "\r"}
        observation = parse_components(observation_text, observation_type, "2.5", encoding,
                                       VALIDATION_LEVEL.STRICT)
        # parse_components leaves empty components out; put each back in its place.
        by_number = {int(item.name.split("_")[1]): item for item in observation}
        observation = [by_number.get(number) for number in range(1, max(by_number, default=0) + 1)]
        observation = [item if item is not None else _Empty() for item in observation]
    return Received(text, message, observation=observation)


def decode_escapes(text: str) -> str:
    """The receiver's reading of an ER7 value: escape sequences of HL7 v2.5 section 2.7 decoded (hl7apy
    1.3 keeps them as sent). Written here from the standard, independently of consultaid's encoder."""
    named = {"F": "|", "S": "^", "T": "&", "R": "~", "E": "\\"}
    out, index = [], 0
    while index < len(text):
        if text[index] == "\\":
            end = text.index("\\", index + 1)
            code = text[index + 1:end]
            out.append(named[code] if code in named else bytes.fromhex(code[1:]).decode("utf-8"))
            index = end + 1
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


class _Empty:
    def to_er7(self) -> str:
        return ""


@dataclass
class ListenerState:
    mode: str = "accept"
    error_text: str = "Unknown patient identifier"
    received: list[Received] = field(default_factory=list)
    connections: int = 0


def build_ack(incoming: Message | None, code: str, text: str) -> str:
    ack = Message("ACK", version="2.5", validation_level=VALIDATION_LEVEL.STRICT)
    ack.msh.msh_3 = "TESTLISTENER"
    ack.msh.msh_9 = "ACK^T02^ACK"
    ack.msh.msh_10 = "ACK0001"
    ack.msh.msh_11 = "P"
    ack.msh.msh_18 = "UNICODE UTF-8"
    ack.add_segment("MSA")
    ack.msa.msa_1 = code
    ack.msa.msa_2 = incoming.msh.msh_10.value if incoming is not None else "UNKNOWN"
    if text:
        ack.add_segment("ERR")
        ack.err.err_3 = "207^Application internal error^HL70357"
        ack.err.err_4 = "E"  # severity: error
        ack.err.err_8 = "".join(" " if character in "|^&~\\\r\n" else character for character in text)
    return ack.to_er7()


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        state: ListenerState = self.server.state
        state.connections += 1
        buffer = b""
        self.request.settimeout(30)
        while True:  # several messages may come on one connection
            while END not in buffer:
                try:
                    chunk = self.request.recv(1 << 20)
                except (TimeoutError, OSError):
                    return
                if not chunk:
                    return
                buffer += chunk
            frame, buffer = buffer.split(END, 1)
            text = frame[frame.index(START) + 1:].decode("utf-8")
            try:
                received = parse_strictly(text)
            except Exception as error:  # hl7apy raises several kinds; all mean "not a valid MDM_T02"
                received = Received(text, None, f"{type(error).__name__}: {error}")
            state.received.append(received)
            if received.message is None:
                answer = build_ack(None, "AE", received.problem[:200])
            elif state.mode == "lose_ack":
                state.mode = "accept"
                return  # the message arrived; the ACK never leaves
            elif state.mode == "error":
                answer = build_ack(received.message, "AE", state.error_text)
            else:
                answer = build_ack(received.message, "AA", "")
            self.request.sendall(START + answer.encode("utf-8") + END)


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, state: ListenerState, tls: ssl.SSLContext | None) -> None:
        self.state, self.tls = state, tls
        super().__init__(("127.0.0.1", 0), _Handler)

    def get_request(self):
        connection, address = super().get_request()
        if self.tls is not None:
            try:
                connection = self.tls.wrap_socket(connection, server_side=True)
            except (ssl.SSLError, OSError):
                connection.close()
                raise
        return connection, address


class MllpListener:
    """Runs in a thread of the test process; `port`, `state`, `stop()`."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.state = ListenerState()
        self._server = _Server(self.state, tls)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
