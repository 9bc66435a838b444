"""An MLLP client: sends HL7 v2 messages over TCP (optionally TLS) and waits for each ACK.

MLLP frames a message as 0x0B, the message bytes, 0x1C 0x0D. One `MllpConnection` can carry several
messages (kept open) or be used for one (the `send_message` helper). TLS verifies the receiver's
certificate and host name against the configured CA file, or the system's trusted certificates.

No socket is opened until `connect` is called with a configured host and port.
"""

from __future__ import annotations

import socket
import ssl

from consultaid.hospital.document import HospitalSettings
from consultaid.hospital.errors import HospitalError
from consultaid.hospital.hl7_mdm import Acknowledgement, parse_ack
from consultaid.i18n import _

START_BLOCK = b"\x0b"
END_BLOCK = b"\x1c\x0d"
CONNECT_TIMEOUT = 10.0
# Long enough for a receiver to store a 30 MB document before it answers.
ACK_TIMEOUT = 60.0
MAX_ACK_BYTES = 1 << 20


def frame(message: str) -> bytes:
    return START_BLOCK + message.encode("utf-8") + END_BLOCK


def tls_context(ca_file: str = "") -> ssl.SSLContext:
    """Verifies the certificate chain and the host name (Python's defaults for a client context)."""
    context = ssl.create_default_context(cafile=ca_file or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class MllpConnection:
    """One connection to an MLLP receiver; use as a context manager."""

    def __init__(self, host: str, port: int, *, use_tls: bool = False, ca_file: str = "",
                 connect_timeout: float = CONNECT_TIMEOUT, ack_timeout: float = ACK_TIMEOUT) -> None:
        self.host, self.port = host, int(port)
        self.use_tls, self.ca_file = use_tls, ca_file
        self.connect_timeout, self.ack_timeout = connect_timeout, ack_timeout
        self._socket: socket.socket | None = None
        self._buffer = b""

    @classmethod
    def from_settings(cls, settings: HospitalSettings, **timeouts: float) -> MllpConnection:
        if not settings.mllp_configured:
            raise HospitalError(_("No HL7 (MLLP) receiver is configured."))
        return cls(settings.mllp_host, settings.mllp_port, use_tls=settings.mllp_tls,
                   ca_file=settings.mllp_ca_file, **timeouts)

    def __enter__(self) -> MllpConnection:
        self.connect()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def connect(self) -> socket.socket:
        where = f"{self.host}:{self.port}"
        try:
            raw = socket.create_connection((self.host, self.port), timeout=self.connect_timeout)
        except OSError as error:
            raise HospitalError(_("The HL7 receiver at {where} could not be reached: {reason}").format(
                where=where, reason=error.strerror or error)) from None
        if self.use_tls:
            try:
                raw = tls_context(self.ca_file).wrap_socket(raw, server_hostname=self.host)
            except (ssl.SSLError, OSError) as error:
                raw.close()
                raise HospitalError(_("The secure connection to the HL7 receiver at {where} failed: {reason}")
                                    .format(where=where, reason=getattr(error, "reason", None) or error)) from None
        self._socket = raw
        return raw

    def close(self) -> None:
        if self._socket is not None:
            try:
                self._socket.close()
            finally:
                self._socket = None
                self._buffer = b""

    def send(self, message: str) -> Acknowledgement:
        """Sends one message and returns the receiver's ACK (accepted or not); raises HospitalError when
        the connection fails or no ACK comes within the timeout (the message may or may not have arrived:
        sending it again is safe, the document id is the same)."""
        connection = self._socket if self._socket is not None else self.connect()
        where = f"{self.host}:{self.port}"
        try:
            connection.settimeout(self.ack_timeout)
            connection.sendall(frame(message))
            answer = self._read_frame(connection)
        except TimeoutError:
            self.close()
            raise HospitalError(_("The HL7 receiver at {where} did not answer in time.").format(where=where)) from None
        except OSError as error:
            self.close()
            raise HospitalError(_("The connection to the HL7 receiver at {where} was lost: {reason}").format(
                where=where, reason=error.strerror or error)) from None
        if answer is None:
            self.close()
            raise HospitalError(_("The HL7 receiver at {where} closed the connection without answering.")
                                .format(where=where))
        try:
            return parse_ack(answer.decode("utf-8", errors="replace"))
        except ValueError:
            raise HospitalError(_("The HL7 receiver at {where} answered with something that is not an "
                                  "acknowledgement.").format(where=where)) from None

    def _read_frame(self, connection: socket.socket) -> bytes | None:
        while True:
            start = self._buffer.find(START_BLOCK)
            end = self._buffer.find(END_BLOCK, start + 1) if start >= 0 else -1
            if end >= 0:
                payload = self._buffer[start + 1:end]
                self._buffer = self._buffer[end + len(END_BLOCK):]
                return payload
            if len(self._buffer) > MAX_ACK_BYTES:
                raise OSError("answer too long")
            chunk = connection.recv(65536)
            if not chunk:
                return None
            self._buffer += chunk


def send_message(settings: HospitalSettings, message: str, **timeouts: float) -> Acknowledgement:
    """Sends one message on its own connection; raises HospitalError (rejected=True) unless it is accepted."""
    with MllpConnection.from_settings(settings, **timeouts) as connection:
        ack = connection.send(message)
    require_accepted(ack)
    return ack


def require_accepted(ack: Acknowledgement) -> None:
    if not ack.accepted:
        raise HospitalError(_("The HL7 receiver refused the document ({code}): {text}").format(
            code=ack.code, text=ack.text or _("no reason given")), rejected=True, receiver_text=ack.text)
