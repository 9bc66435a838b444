"""The FHIR R4 MHD Provide Document Bundle, checked by a third-party validator against the official R4
definitions (@medplum/core) and processed by a real FHIR server (@medplum/fhir-router), then searched
back (tests/peers/fhir_*.cjs; the npm packages are installed outside the repository on first use)."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import subprocess
import threading
import time
import urllib.request

import pytest

from consultaid.hospital.document import build_document
from consultaid.hospital.errors import HospitalError
from consultaid.hospital.fhir_bundle import build_bundle, named_information
from consultaid.hospital.fhir_client import Credentials, post_transaction
from tests.peers import node_peers
from tests.peers.records import (
    HARD_NAME,
    document,
    example_record,
    settings,
    small_pdf,
    stored,
)

TOKEN = "test-token-0123456789"
URN_REFERENCE_WARNING = "Invalid reference: got \"urn:uuid:"


def start_fhir_server(folder, *arguments):
    """Starts tests/peers/fhir_server.cjs; returns the process and its port."""
    why = node_peers.ensure_installed()
    if why:
        pytest.skip(f"FHIR peers unavailable: {why}")
    port_file = folder / "port"
    process = subprocess.Popen(["node", str(node_peers.PEERS / "fhir_server.cjs"), str(port_file), TOKEN,
                                *map(str, arguments)],
                               env=node_peers.node_environment(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not (port_file.exists() and port_file.read_text()):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the FHIR server did not start: {process.stderr.read().decode()[-2000:]}")
        time.sleep(0.1)
    return process, port_file.read_text()


def stop(process) -> None:
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def fhir_server(tmp_path_factory):
    """One FHIR server for the whole session (it starts in about two seconds)."""
    process, port = start_fhir_server(tmp_path_factory.mktemp("fhir"))
    yield f"http://127.0.0.1:{port}/fhir/R4"
    stop(process)


def to(base, **more):
    return settings(fhir_base_url=base, fhir_auth="bearer", **more)


CREDENTIALS = Credentials(token=TOKEN)


def get(base: str, path: str) -> dict:
    request = urllib.request.Request(f"{base}/{path}", headers={"Authorization": f"Bearer {TOKEN}",
                                                                 "Accept": "application/fhir+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def search(base: str, path: str) -> list[dict]:
    return [entry["resource"] for entry in get(base, path).get("entry", [])]


def errors_and_unexpected_warnings(report: list[dict]) -> list:
    """Every issue except the validator's warning that a urn:uuid reference is not a typed reference:
    inside a transaction that is how entries point at each other (the server replaces them)."""
    return [(item["resourceType"], issue) for item in report for issue in item["issues"]
            if not (issue["severity"] == "warning" and issue["details"]["text"].startswith(URN_REFERENCE_WARNING))]


def test_every_resource_and_the_bundle_pass_the_r4_validator(tmp_path):
    assert not node_peers.ensure_installed()
    doc, _ = document(tmp_path, name=HARD_NAME, decision="proceed")
    bundle = build_bundle(doc)
    resources = [entry["resource"] for entry in bundle["entry"]]
    assert [resource["resourceType"] for resource in resources] == [
        "List", "DocumentReference", "Binary", "Patient", "Consent"]
    report = node_peers.validate([bundle, *resources])
    assert errors_and_unexpected_warnings(report) == []


def test_the_validator_is_real_it_refuses_a_broken_document_reference(tmp_path):
    assert not node_peers.ensure_installed()
    doc, _ = document(tmp_path)
    reference = build_bundle(doc)["entry"][1]["resource"]
    del reference["status"]  # required (1..1) in R4
    reference["content"][0]["attachment"]["size"] = "large"  # unsignedInt
    [result] = node_peers.validate([reference])
    texts = " ".join(f"{issue['details']['text']} {issue.get('expression')}" for issue in result["issues"]
                     if issue["severity"] == "error")
    assert "DocumentReference.status" in texts and "size" in texts


def test_the_server_keeps_the_document_and_gives_it_back_by_search(tmp_path, fhir_server):
    doc, stored_pdf = document(tmp_path, name=HARD_NAME)
    result = post_transaction(to(fhir_server), build_bundle(doc), CREDENTIALS)
    assert [status.split()[0] for status, _ in result.entries] == ["201", "201", "200", "201"]
    found = search(fhir_server, f"DocumentReference?identifier=urn:ietf:rfc:3986|urn:uuid:{doc.document_id}")
    assert len(found) == 1
    reference = found[0]
    attachment = reference["content"][0]["attachment"]
    assert attachment["contentType"] == "application/pdf"
    assert attachment["size"] == len(stored_pdf)
    assert attachment["hash"] == base64.b64encode(hashlib.sha1(stored_pdf).digest()).decode()
    assert reference["masterIdentifier"]["value"] == f"urn:uuid:{doc.document_id}"
    assert {"use": "secondary", "system": "urn:ietf:rfc:3986",
            "value": named_information(hashlib.sha256(stored_pdf).hexdigest())} in reference["identifier"]
    assert reference["type"]["coding"][0]["code"] == "59284-0"
    assert reference["status"] == "current"
    assert reference["contained"][0]["name"][0]["text"] == "Dr Émile Roux"
    # the subject is the server's Patient, found by the hospital identifier, name in any script intact
    patient = get(fhir_server, reference["subject"]["reference"])
    assert patient["name"][0]["text"] == HARD_NAME
    assert patient["identifier"][0] == {"use": "usual", "system": "urn:oid:1.2.250.1.999.1.1",
                                        "value": "IPP 0042317", "assigner": {"display": "CHU-IPP"}}
    [found_patient] = search(fhir_server, "Patient?identifier=urn:oid:1.2.250.1.999.1.1|IPP%200042317")
    by_patient = search(fhir_server, f"DocumentReference?patient=Patient/{found_patient['id']}")
    assert doc.document_id in [item["masterIdentifier"]["value"][9:] for item in by_patient]
    binary = get(fhir_server, attachment["url"])
    assert base64.b64decode(binary["data"]) == stored_pdf
    identifier = build_bundle(doc)["entry"][0]["resource"]["identifier"][1]["value"]
    [submission] = search(fhir_server, f"List?identifier=urn:ietf:rfc:3986|{identifier}")
    assert submission["entry"][0]["item"]["reference"] == f"DocumentReference/{reference['id']}"


def test_a_resend_after_a_lost_answer_is_still_one_document(tmp_path, fhir_server):
    doc, _ = document(tmp_path)
    bundle = build_bundle(doc)
    proxy = AnswerLosingProxy(fhir_server)
    try:
        with pytest.raises(HospitalError) as lost:
            post_transaction(to(proxy.base), bundle, CREDENTIALS, timeout=20)
        assert not lost.value.rejected
    finally:
        proxy.stop()
    result = post_transaction(to(fhir_server), build_bundle(doc), CREDENTIALS)
    assert [status.split()[0] for status, _ in result.entries] == ["200", "200", "200", "200"]
    key = f"urn:ietf:rfc:3986|urn:uuid:{doc.document_id}"
    assert len(search(fhir_server, f"DocumentReference?identifier={key}")) == 1
    assert len(search(fhir_server, f"List?identifier={bundle['entry'][0]['resource']['identifier'][1]['value']}")) == 1


def test_a_correction_replaces_the_earlier_version(tmp_path, fhir_server):
    record = example_record()
    record["setup"]["patient"]["identifier"] = "IPP 7700001"
    first_record, first_pdf, first_row = stored(tmp_path, record, small_pdf())
    second_record, second_pdf, _ = stored(tmp_path, record, small_pdf(), supersedes=first_row)
    first = build_document(first_record, first_pdf, to(fhir_server), version=1)
    second = build_document(second_record, second_pdf, to(fhir_server), version=2, replaces_version=1)
    post_transaction(to(fhir_server), build_bundle(first), CREDENTIALS)
    post_transaction(to(fhir_server), build_bundle(second), CREDENTIALS)
    [later] = search(fhir_server, f"DocumentReference?identifier=urn:ietf:rfc:3986|urn:uuid:{second.document_id}")
    assert later["relatesTo"] == [{"code": "replaces", "target": {"identifier": {
        "system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{first.document_id}"}}}]
    [patient] = search(fhir_server, "Patient?identifier=urn:oid:1.2.250.1.999.1.1|IPP%207700001")
    assert len(search(fhir_server, f"DocumentReference?patient=Patient/{patient['id']}")) == 2


def test_a_recorded_decision_sends_a_consent_pointing_at_the_document(tmp_path, fhir_server):
    doc, _ = document(tmp_path, decision="declines")
    result = post_transaction(to(fhir_server), build_bundle(doc), CREDENTIALS)
    consent = get(fhir_server, result.location("Consent"))
    reference = result.location("DocumentReference").split("/_history")[0]
    assert consent["sourceReference"]["reference"] == reference
    assert consent["provision"]["type"] == "deny"
    assert consent["status"] == "active" and consent["scope"]["coding"][0]["code"] == "treatment"
    assert consent["patient"]["reference"].startswith("Patient/")
    assert consent["dateTime"] == "2026-11-23T09:52:50+01:00"


def test_no_consent_while_the_patient_has_not_decided(tmp_path):
    doc, _ = document(tmp_path)  # the example's decision is "needs_time"
    assert "Consent" not in [entry["resource"]["resourceType"] for entry in build_bundle(doc)["entry"]]


def test_a_refusal_shows_the_servers_operation_outcome(tmp_path, fhir_server):
    record = example_record()
    record["setup"]["patient"]["date_of_birth"] = "14/05/1946"  # not a FHIR date: the server refuses it
    doc = build_document(record, small_pdf(), to(fhir_server))
    with pytest.raises(HospitalError) as refused:
        post_transaction(to(fhir_server), build_bundle(doc), CREDENTIALS)
    assert refused.value.rejected
    assert "(400)" in str(refused.value) and "Patient.birthDate" in str(refused.value)
    assert "14/05/1946" not in str(refused.value)


def test_without_the_token_the_server_refuses(tmp_path, fhir_server):
    doc, _ = document(tmp_path)
    with pytest.raises(HospitalError) as refused:
        post_transaction(to(fhir_server), build_bundle(doc), Credentials())
    assert refused.value.rejected and "(401): Unauthorized" in str(refused.value)


def test_a_server_that_is_down_is_a_clear_error(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    doc, _ = document(tmp_path)
    with pytest.raises(HospitalError) as down:
        post_transaction(to(f"http://127.0.0.1:{port}/fhir"), build_bundle(doc), CREDENTIALS)
    assert not down.value.rejected
    assert str(down.value).startswith(f"The FHIR server at 127.0.0.1:{port} could not be reached")


def test_no_fhir_server_configured_sends_nothing(tmp_path):
    doc, _ = document(tmp_path)
    with pytest.raises(HospitalError, match="No FHIR server is configured"):
        post_transaction(settings(), build_bundle(doc))


def test_https_with_the_servers_ca_a_client_certificate_and_refused_with_another_ca(tmp_path):
    from tests.peers.certificates import make_ca_and_server

    ca, certificate, key = make_ca_and_server(tmp_path / "tls", "localhost")
    other_ca, _, _ = make_ca_and_server(tmp_path / "other", "localhost")
    process, port = start_fhir_server(tmp_path, certificate, key, ca)
    try:
        base = f"https://localhost:{port}/fhir/R4"
        doc, _ = document(tmp_path)
        by_certificate = settings(fhir_base_url=base, fhir_ca_file=str(ca), fhir_auth="client_certificate")
        client = Credentials(certificate_file=str(tmp_path / "tls" / "client.pem"),
                             key_file=str(tmp_path / "tls" / "client-key.pem"))
        result = post_transaction(by_certificate, build_bundle(doc), client)  # no token: the certificate
        assert result.location("DocumentReference").startswith("DocumentReference/")
        with pytest.raises(HospitalError) as anonymous:  # the same without the client certificate
            post_transaction(by_certificate, build_bundle(doc), Credentials())
        assert anonymous.value.rejected and "(401)" in str(anonymous.value)
        with pytest.raises(HospitalError) as untrusted:
            post_transaction(settings(fhir_base_url=base, fhir_ca_file=str(other_ca), fhir_auth="bearer"),
                             build_bundle(doc), CREDENTIALS)
        assert not untrusted.value.rejected
        assert str(untrusted.value).startswith(f"The secure connection to the FHIR server at localhost:{port} failed")
    finally:
        stop(process)


class AnswerLosingProxy:
    """Forwards one HTTP request to the server, lets the server process it, then closes the client's
    connection without passing the answer on: the request arrived, its answer was lost."""

    def __init__(self, base: str) -> None:
        self.target = base
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen()
        port = self._listener.getsockname()[1]
        self.base = f"http://127.0.0.1:{port}/fhir/R4"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            connection, _ = self._listener.accept()
        except OSError:
            return
        with connection:
            data = b""
            while b"\r\n\r\n" not in data:
                data += connection.recv(65536)
            head, body = data.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            headers = dict(line.split(": ", 1) for line in lines[1:])
            length = int(headers.get("Content-Length", "0"))
            while len(body) < length:
                body += connection.recv(1 << 20)
            request = urllib.request.Request(self.target, data=body, method="POST", headers={
                key: value for key, value in headers.items() if key in ("Content-Type", "Accept", "Authorization")})
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()  # processed by the server; the answer goes nowhere

    def stop(self) -> None:
        self._listener.close()
        self._thread.join(timeout=10)
