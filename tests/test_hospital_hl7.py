"""The HL7 v2.5 MDM^T02 message and MLLP transport, checked by a real listener that parses with hl7apy
strictly against the v2.5 MDM_T02 structure (tests/peers/mllp_listener.py)."""

from __future__ import annotations

import base64
import datetime
import hashlib
import ssl

import pytest

from consultaid.hospital.document import build_document
from consultaid.hospital.errors import HospitalError
from consultaid.hospital.hl7_mdm import build_mdm_t02, escape, parse_ack, unescape
from consultaid.hospital.mllp import MllpConnection, send_message
from tests.peers.mllp_listener import MllpListener, decode_escapes
from tests.peers.records import (
    HARD_NAME,
    document,
    example_record,
    settings,
    small_pdf,
    stored,
)


@pytest.fixture
def listener():
    peer = MllpListener()
    yield peer
    peer.stop()


def to(peer, **more):
    return settings(mllp_host="127.0.0.1", mllp_port=peer.port, **more)


def value(message, field):
    """One field as the receiver reads it, escape sequences decoded by hl7apy."""
    return decode_escapes(field.to_er7())


def test_the_listener_receives_every_field_and_the_exact_stored_pdf(tmp_path, listener):
    doc, stored_pdf = document(tmp_path, visit_number="V-2026-0042")
    ack = send_message(to(listener), build_mdm_t02(doc))
    assert ack.accepted and ack.code == "AA"
    [received] = listener.state.received
    assert received.problem == ""
    message = received.message
    assert value(message, message.msh.msh_3) == "ConsultAid"
    assert value(message, message.msh.msh_4) == "CLINIQUE-PARC"
    assert value(message, message.msh.msh_5) == "EPR"
    assert value(message, message.msh.msh_6) == "CHU-TEST"
    assert value(message, message.msh.msh_9) == "MDM^T02^MDM_T02"
    assert value(message, message.msh.msh_12) == "2.5"
    assert value(message, message.msh.msh_18) == "UNICODE UTF-8"
    assert message.msh.msh_10.value == ack.control_id
    assert value(message, message.evn.evn_2) == "20261123095250+0100"
    assert message.pid.pid_3.cx_1.value == "IPP 0042317"
    assert message.pid.pid_3.cx_4.to_er7() == "CHU-IPP"
    assert value(message, message.pid.pid_5) == "Jeanne Dupont-Lefèvre"
    assert message.pid.pid_7.value == "19460514"
    assert message.pv1.pv1_2.value == "O"
    assert message.pv1.pv1_19.value == "V-2026-0042"
    txa = message.txa
    assert txa.txa_2.value == "59284-0"
    assert txa.txa_3.value == "AP"
    assert txa.txa_5.xcn_1.value == "RPPS 10001234567"
    assert value(message, txa.txa_5.xcn_2) == "Dr Émile Roux"
    assert txa.txa_6.value == "20261123095250+0100"
    assert txa.txa_12.ei_1.value == doc.document_id
    assert txa.txa_13.to_er7() == ""  # a first version replaces nothing
    assert txa.txa_17.value == "AU"
    assert txa.txa_22.to_er7().endswith("^20261123095250+0100")
    obx = message.mdm_t02_observation.obx
    assert obx.obx_2.value == "ED"
    assert obx.obx_3.to_er7() == "59284-0^Consent Document^LN"
    assert obx.obx_11.value == "F"
    assert [received.component(n) for n in (1, 2, 3, 4)] == ["", "AP", "PDF", "Base64"]
    assert base64.b64decode(received.component(5), validate=True) == stored_pdf
    assert hashlib.sha256(stored_pdf).hexdigest() == doc.pdf_sha256


def test_a_name_with_every_delimiter_and_any_script_arrives_intact(tmp_path, listener):
    doc, _ = document(tmp_path, name=HARD_NAME, hospital=settings(sending_facility="X|^&~\\"))
    send_message(to(listener), build_mdm_t02(doc))
    message = listener.state.received[0].message
    assert listener.state.received[0].problem == ""
    assert value(message, message.pid.pid_5) == HARD_NAME
    assert value(message, message.msh.msh_4) == "X|^&~\\"
    # the segment count is untouched: no delimiter leaked into the structure
    assert [child.name for child in message.children] == ["MSH", "EVN", "PID", "PV1", "TXA", "MDM_T02_OBSERVATION"]


def test_escape_and_unescape_are_inverse_for_every_delimiter():
    text = "a|b^c&d~e\\f\rg\nh 王"
    assert escape(text) == "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X0D\\g\\X0A\\h 王"
    assert unescape(escape(text)) == text


def test_a_correction_names_the_version_it_replaces(tmp_path, listener):
    record = example_record()
    _, _, first_row = stored(tmp_path, record, small_pdf())
    second, second_pdf, _ = stored(tmp_path, record, small_pdf(), supersedes=first_row)
    first_doc = build_document(record, b"%PDF", settings(), version=1)
    doc = build_document(second, second_pdf, to(listener), version=2, replaces_version=1)
    send_message(to(listener), build_mdm_t02(doc))
    message = listener.state.received[0].message
    assert message.msh.msh_9.to_er7() == "MDM^T10^MDM_T02"  # document replacement notification and content
    assert message.evn.evn_1.value == "T10"
    txa = message.txa
    assert txa.txa_12.ei_1.value == doc.document_id != first_doc.document_id
    assert txa.txa_13.ei_1.value == first_doc.document_id
    assert txa.txa_21.value == "Correction"


def test_an_addendum_is_a_t06_naming_its_parent(tmp_path, listener):
    record = example_record()
    doc = build_document(record, small_pdf(), settings(), version=3, replaces_version=2, relation="appends")
    send_message(to(listener), build_mdm_t02(doc))
    message = listener.state.received[0].message
    assert message.msh.msh_9.to_er7() == "MDM^T06^MDM_T02"
    assert message.txa.txa_13.ei_1.value == build_document(record, b"%PDF", settings(), version=2).document_id
    assert message.txa.txa_21.to_er7() == ""


def test_the_strict_listener_refuses_a_message_without_the_required_pv1(tmp_path, listener):
    """The peer really validates: the same message without PV1 (required in v2.5 MDM_T02) is refused."""
    doc, _ = document(tmp_path)
    text = "\r".join(line for line in build_mdm_t02(doc).split("\r") if not line.startswith("PV1"))
    with pytest.raises(HospitalError) as refused:
        send_message(to(listener), text)
    assert refused.value.rejected
    assert listener.state.received[0].message is None


def test_an_error_answer_is_a_refusal_with_the_receivers_text(tmp_path, listener):
    listener.state.mode = "error"
    listener.state.error_text = "Unknown patient identifier"
    doc, _ = document(tmp_path)
    with pytest.raises(HospitalError) as refused:
        send_message(to(listener), build_mdm_t02(doc))
    assert refused.value.rejected
    assert refused.value.receiver_text == "Unknown patient identifier"
    assert str(refused.value) == "The HL7 receiver refused the document (AE): Unknown patient identifier"
    assert "Dupont" not in str(refused.value)


def test_a_receiver_that_is_down_is_a_clear_error_that_can_be_retried(tmp_path):
    peer = MllpListener()
    port = peer.port
    peer.stop()
    doc, _ = document(tmp_path)
    with pytest.raises(HospitalError) as down:
        send_message(settings(mllp_host="127.0.0.1", mllp_port=port), build_mdm_t02(doc))
    assert not down.value.rejected
    assert str(down.value).startswith(f"The HL7 receiver at 127.0.0.1:{port} could not be reached")


def test_a_lost_ack_then_a_resend_is_the_same_document(tmp_path, listener):
    listener.state.mode = "lose_ack"
    doc, _ = document(tmp_path)
    with pytest.raises(HospitalError) as lost:
        send_message(to(listener), build_mdm_t02(doc), ack_timeout=5)
    assert not lost.value.rejected
    assert "closed the connection without answering" in str(lost.value)
    ack = send_message(to(listener), build_mdm_t02(doc))
    assert ack.accepted
    first, second = listener.state.received
    assert first.message.txa.txa_12.ei_1.value == second.message.txa.txa_12.ei_1.value == doc.document_id
    assert first.message.msh.msh_10.value != second.message.msh.msh_10.value


def test_one_connection_carries_several_messages(tmp_path, listener):
    doc, _ = document(tmp_path)
    with MllpConnection("127.0.0.1", listener.port) as connection:
        answers = [connection.send(build_mdm_t02(doc)) for _ in range(3)]
    assert [answer.code for answer in answers] == ["AA"] * 3
    assert listener.state.connections == 1 and len(listener.state.received) == 3


def test_a_30_mb_pdf_arrives_byte_for_byte(tmp_path, listener):
    from tests.peers.records import big_pdf

    doc, stored_pdf = document(tmp_path, pdf=big_pdf(30))
    assert len(stored_pdf) > 30 * 1024 * 1024
    ack = send_message(to(listener), build_mdm_t02(doc))
    assert ack.accepted
    assert base64.b64decode(listener.state.received[0].component(5), validate=True) == stored_pdf


def test_tls_with_the_receivers_ca_and_refused_with_another(tmp_path, listener):
    from tests.peers.certificates import make_ca_and_server

    ca_file, cert_file, key_file = make_ca_and_server(tmp_path / "tls", "localhost")
    other_ca, _, _ = make_ca_and_server(tmp_path / "other", "localhost")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_file, key_file)
    secure = MllpListener(tls=server_context)
    try:
        doc, _ = document(tmp_path)
        ack = send_message(settings(mllp_host="localhost", mllp_port=secure.port, mllp_tls=True,
                                    mllp_ca_file=str(ca_file)), build_mdm_t02(doc))
        assert ack.accepted
        assert len(secure.state.received) == 1
        with pytest.raises(HospitalError) as untrusted:
            send_message(settings(mllp_host="localhost", mllp_port=secure.port, mllp_tls=True,
                                  mllp_ca_file=str(other_ca)), build_mdm_t02(doc))
        assert "secure connection" in str(untrusted.value)
        assert len(secure.state.received) == 1  # nothing reached the receiver unverified
    finally:
        secure.stop()


def test_parse_ack_reads_the_code_and_text_of_older_receivers():
    ack = parse_ack("MSH|^~\\&|EPR|H|ConsultAid|C|20260101||ACK|1|P|2.3\rMSA|AR|abc|Message rejected \\T\\ logged\r")
    assert (ack.code, ack.control_id, ack.text, ack.accepted) == ("AR", "abc", "Message rejected & logged", False)


def test_parse_ack_reads_each_kind_of_error_segment():
    head = "MSH|^~\\&|EPR|H|ConsultAid|C|20260101||ACK^T02^ACK|1|P|2.5\r"
    v25 = parse_ack(head + "MSA|AE|c1\rERR||PID^1^3|204^Unknown key identifier^HL70357|E||||Patient not found\r")
    assert (v25.code, v25.text) == ("AE", "Patient not found")
    code_only = parse_ack(head + "MSA|AR|c2\rERR||PID^1^3|204^Unknown key identifier^HL70357|E\r")
    assert code_only.text == "Unknown key identifier"
    v24 = parse_ack(head + "MSA|AE|c3\rERR|PID^1^3^204&Unknown key identifier&HL70357\r")
    assert v24.text == "Unknown key identifier"
    with pytest.raises(ValueError):
        parse_ack(head)


def test_no_destination_configured_opens_no_socket(tmp_path):
    doc, _ = document(tmp_path)
    with pytest.raises(HospitalError) as off:
        send_message(settings(), build_mdm_t02(doc))
    assert str(off.value) == "No HL7 (MLLP) receiver is configured."


def test_a_record_without_patient_identifier_is_not_sent(tmp_path):
    record = example_record()
    record["setup"]["patient"]["identifier"] = " "
    with pytest.raises(HospitalError, match="no patient identifier"):
        build_document(record, b"%PDF", settings())


def test_message_time_stamps_keep_the_records_utc_offset(tmp_path):
    doc, _ = document(tmp_path)
    text = build_mdm_t02(doc, control_id="C1", sent_at=datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC))
    assert text.startswith("MSH|^~\\&|ConsultAid|CLINIQUE-PARC|EPR|CHU-TEST|20261201080000+0000||"
                           "MDM^T02^MDM_T02|C1|P|2.5")
