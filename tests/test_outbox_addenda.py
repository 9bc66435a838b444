"""Addenda in the hospital outbox (issue 16 with issue 19): storing a confirmation or a withdrawal queues one
row per configured destination in its own transaction; the sender sends each as its own document appending
to the summary (MDM TXA-13 = the summary's document id; FHIR DocumentReference relatesTo "appends" and a
Consent with the patient's new state), to the real hl7apy MLLP listener and the real FHIR server; a lost ACK
sends the same document again; the Bundle passes the R4 validator; an older database keeps its rows."""

from __future__ import annotations

import base64
from dataclasses import replace

import pytest

from consultaid.consultation.addendum import CONFIRMATION, WITHDRAWAL, Addendum, SummaryLink
from consultaid.consultation.ink import InkDrawing, InkPoint, Stroke
from consultaid.consultation.store import MIGRATIONS, StoreError, open_connection, open_store
from consultaid.hospital.document import addendum_document_id, build_addendum_document, build_document, document_id
from consultaid.hospital.fhir_bundle import build_bundle
from consultaid.hospital.fhir_client import Credentials
from consultaid.hospital.hl7_mdm import build_mdm_t02
from consultaid.hospital.outbox import OutboxSender, backoff
from consultaid.report.addendum import key_facts
from tests.outbox_peers import TOKEN, finalize
from tests.peers import node_peers
from tests.peers.records import example_record, settings, small_pdf
from tests.test_hospital_fhir import errors_and_unexpected_warnings, fhir_server, search  # noqa: F401
from tests.test_outbox import Clock, listener  # noqa: F401 (the sender's test clock and the MLLP listener fixture)

INK = InkDrawing([Stroke("#1F2A36", 0.006, (InkPoint(0.1, 0.5), InkPoint(0.5, 0.3), InkPoint(0.9, 0.6)))],
                 aspect=2.8)
URI = "urn:ietf:rfc:3986"


def consent_identifier(summary: dict, version: int, addendum: dict | None = None) -> str:
    """The identifier of the Consent sent with that summary version, or with that addendum to it."""
    from consultaid.hospital.document import build_document
    from consultaid.hospital.fhir_bundle import entry_uuid

    document = (build_addendum_document(summary, addendum, b"", settings()) if addendum is not None
                else build_document(summary, b"", settings(), version=version))
    return entry_uuid(document, "Consent")


def addendum_record(kind: str, summary: dict, link: SummaryLink, still_wishes: bool = True) -> dict:
    addendum = Addendum(kind, summary, link, key_facts(summary))
    addendum.clinician = "Dr Anne Martin"
    addendum.still_wishes = still_wishes if kind == CONFIRMATION else None
    addendum.statement = "Je ne souhaite plus l’intervention." if kind == WITHDRAWAL else ""
    addendum.sign("patient", summary["setup"]["patient"]["name"], INK)
    addendum.sign("clinician", "Dr Anne Martin", INK)
    return addendum.to_record()


def add_addenda(store, summary: dict, row: int, kinds=(CONFIRMATION, WITHDRAWAL)) -> list[tuple[int, dict, bytes]]:
    """Addenda stored after the summary row, each with its own small PDF: [(row id, record, PDF)]."""
    [version] = [v for v in store.versions(summary["id"]) if v.id == row]
    link = SummaryLink(row, version.version, version.pdf_sha256)
    added = []
    for kind in kinds:
        record, pdf = addendum_record(kind, summary, link), small_pdf()
        added.append((store.add_addendum(record, pdf), record, pdf))
    return added


def test_storing_an_addendum_queues_one_row_per_destination_in_its_transaction(tmp_path):
    summary, row = finalize(tmp_path, ("mllp", "fhir"))
    store = open_store(tmp_path, actor="dr-test")
    try:
        store.outbox_destinations = ("mllp", "fhir")
        [(confirmation, _record, _pdf)] = add_addenda(store, summary, row, (CONFIRMATION,))
        rows = [(e.record_id, e.addendum_id, e.kind, e.destination, e.state) for e in store.outbox([row])]
        assert rows == [(row, None, "summary", "mllp", "pending"), (row, None, "summary", "fhir", "pending"),
                        (row, confirmation, CONFIRMATION, "mllp", "pending"),
                        (row, confirmation, CONFIRMATION, "fhir", "pending")]
        # A row always names the same document: the addendum it sends cannot be changed.
        with pytest.raises(Exception, match="always names the same"):
            store.connection.execute("UPDATE outbox SET addendum = NULL WHERE addendum IS NOT NULL")
        # An addendum refused (the SHA-256 it names is not the summary's) queues nothing.
        wrong = addendum_record(WITHDRAWAL, summary, SummaryLink(row, 1, "0" * 64))
        with pytest.raises(StoreError, match="not the one in the record store"):
            store.add_addendum(wrong, small_pdf())
        assert len(store.outbox()) == 4
    finally:
        store.close()


def test_confirmation_and_withdrawal_reach_the_listener_appending_to_the_summary(tmp_path, listener):
    summary, row = finalize(tmp_path, ("mllp",))
    store = open_store(tmp_path, actor="dr-test")
    try:
        store.outbox_destinations = ("mllp",)
        (confirmation, first, first_pdf), (withdrawal, second, _pdf) = add_addenda(store, summary, row)
        outcomes = OutboxSender(store, settings(mllp_host="127.0.0.1", mllp_port=listener.port)).send_due()
        assert [(o.entry.kind, o.state) for o in outcomes] == [("summary", "sent"), (CONFIRMATION, "sent"),
                                                                 (WITHDRAWAL, "sent")]
        subjects = [s for (s,) in store.connection.execute(
            "SELECT subject FROM audit WHERE action = 'outbox_sent' ORDER BY seq")]
    finally:
        store.close()
    summary_id = document_id(summary["id"], 1)
    assert listener.document_ids() == [summary_id, addendum_document_id(first["id"]),
                                       addendum_document_id(second["id"])]
    _original, confirmed, withdrawn = listener.state.received
    for received in (confirmed, withdrawn):
        assert received.message is not None, received.problem
        assert received.message.msh.msh_9.to_er7() == "MDM^T06^MDM_T02"   # v2.5: addendum notification
        assert received.message.txa.txa_13.ei_1.value == summary_id
        assert received.message.txa.txa_2.to_er7() == "59284-0"
    assert base64.b64decode(confirmed.component(5)) == first_pdf
    # Audit entries name ids only: the outbox row, the summary row and the addendum row.
    assert subjects[1:] == [f"outbox 2 record {row} addendum {confirmation} mllp attempt 1",
                            f"outbox 3 record {row} addendum {withdrawal} mllp attempt 1"]
    assert not any(summary["setup"]["patient"]["name"] in s for s in subjects)


def test_a_lost_ack_sends_the_addendum_again_as_the_same_document(tmp_path, listener):
    summary, row = finalize(tmp_path, ())
    store = open_store(tmp_path, actor="dr-test")
    clock = Clock()
    try:
        store.outbox_destinations = ("mllp",)
        [(_row, record, _pdf)] = add_addenda(store, summary, row, (WITHDRAWAL,))
        listener.state.mode = "lose_ack"
        outbox = OutboxSender(store, settings(mllp_host="127.0.0.1", mllp_port=listener.port), clock=clock)
        [lost] = outbox.send_due()
        assert lost.state == "waiting"
        clock.later(backoff(1).total_seconds())
        [sent] = outbox.send_due()
        assert sent.state == "sent"
    finally:
        store.close()
    assert listener.document_ids() == [addendum_document_id(record["id"])] * 2


def test_the_fhir_server_finds_the_addenda_appending_and_the_consent_state(tmp_path, fhir_server):  # noqa: F811
    decided = example_record()
    decided["decision"]["choice"] = "proceed"   # the summary carries a Consent of its own
    summary, row = finalize(tmp_path, ("fhir",), record=decided)
    store = open_store(tmp_path, actor="dr-test")
    try:
        store.outbox_destinations = ("fhir",)
        (_c, first, _p), (_w, second, _q) = add_addenda(store, summary, row)
        sender = OutboxSender(store, settings(fhir_base_url=fhir_server, fhir_auth="bearer"),
                              Credentials(token=TOKEN))
        assert [o.state for o in sender.send_due()] == ["sent", "sent", "sent"]
        assert sender.send_due() == []
    finally:
        store.close()
    summary_master = f"urn:uuid:{document_id(summary['id'], 1)}"
    # The withdrawal ended the confirmation's permit: it is inactive now, not a second current answer.
    for record, status, provision in ((first, "inactive", "permit"), (second, "inactive", "deny")):
        master = addendum_document_id(record["id"])
        [reference] = search(fhir_server, f"DocumentReference?identifier={URI}|urn:uuid:{master}")
        assert reference["relatesTo"] == [{"code": "appends", "target": {
            "identifier": {"system": URI, "value": summary_master}}}]
        [consent] = search(fhir_server, f"Consent?identifier={URI}|{consent_identifier(summary, 1, record)}")
        assert (consent["status"], consent["provision"]["type"]) == (status, provision)
        if record is second:   # sent with its document: a literal reference to it
            assert consent["sourceReference"]["reference"] == f"DocumentReference/{reference['id']}"
        else:                  # ended later, from another Bundle: named by its document's masterIdentifier
            assert consent["sourceReference"]["identifier"]["value"] == f"urn:uuid:{master}"
    # The summary's own Consent (the patient had decided) is ended too: no active consent is left.
    [ended] = search(fhir_server, f"Consent?identifier={URI}|{consent_identifier(summary, 1)}")
    assert ended["status"] == "inactive"
    assert search(fhir_server, "Consent?status=active") == []


def test_a_correction_ends_the_consent_of_the_version_it_replaces(tmp_path, fhir_server):  # noqa: F811
    """One answer per consultation, not one per version: the corrected summary's Consent is the active one."""
    decided = example_record()
    decided["decision"]["choice"] = "proceed"
    summary, first = finalize(tmp_path, ("fhir",), record=decided)
    finalize(tmp_path, ("fhir",), record=decided, supersedes=first)
    store = open_store(tmp_path, actor="dr-test")
    try:
        sender = OutboxSender(store, settings(fhir_base_url=fhir_server, fhir_auth="bearer"),
                              Credentials(token=TOKEN))
        assert [o.state for o in sender.send_due()] == ["sent", "sent"]
    finally:
        store.close()
    [replaced] = search(fhir_server, f"Consent?identifier={URI}|{consent_identifier(summary, 1)}")
    [current] = search(fhir_server, f"Consent?identifier={URI}|{consent_identifier(summary, 2)}")
    assert (replaced["status"], replaced["provision"]["type"]) == ("inactive", "permit")
    assert (current["status"], current["provision"]["type"]) == ("active", "permit")
    patient = current["patient"]["reference"]
    active = search(fhir_server, f"Consent?patient={patient}&status=active")
    assert [consent["id"] for consent in active] == [current["id"]]


def test_a_correction_of_a_version_the_hospital_could_not_file_ends_nothing(tmp_path):
    """The first version had no patient identifier (why it was corrected): it never had a Consent."""
    from consultaid.hospital.fhir_bundle import build_bundle as bundle_of

    unfiled = example_record()
    unfiled["decision"]["choice"] = "proceed"
    unfiled["setup"]["patient"]["identifier"] = ""
    summary, first = finalize(tmp_path, ("fhir",), record=unfiled)
    corrected = dict(summary, setup=dict(summary["setup"], patient=dict(summary["setup"]["patient"],
                                                                           identifier="IPP 0099001")))
    finalize(tmp_path, ("fhir",), record=corrected, supersedes=first)
    store = open_store(tmp_path)
    try:
        sender = OutboxSender(store, settings(), Credentials())
        assert sender._versions_replaced(corrected, 2) == ()
        document = build_document(corrected, b"", settings(), version=2, replaces_version=1)
        assert [entry["request"]["method"] for entry in bundle_of(document)["entry"]].count("PUT") == 1   # the Binary
    finally:
        store.close()


def test_the_addendum_bundles_pass_the_r4_validator(tmp_path):
    assert not node_peers.ensure_installed()
    summary, row = finalize(tmp_path, ())
    store = open_store(tmp_path, actor="dr-test")
    try:
        added = add_addenda(store, summary, row)
        stored_summary, _pdf = store.record(row)
        documents = [build_addendum_document(stored_summary, *store.addendum(addendum_row), settings())
                     for addendum_row, _record, _pdf in added]
    finally:
        store.close()
    for document in documents:
        bundle = build_bundle(document)
        resources = [entry["resource"] for entry in bundle["entry"]]
        assert [r["resourceType"] for r in resources] == ["List", "DocumentReference", "Binary", "Patient", "Consent"]
        assert errors_and_unexpected_warnings(node_peers.validate([bundle, *resources])) == []
        assert "TXA|1|59284-0|AP|" in build_mdm_t02(document)
    # The withdrawal as the sender makes it when the summary was decided: it also ends the earlier Consents.
    decided = dict(stored_summary, decision={"choice": "proceed"})
    confirmation, withdrawal = documents
    ending = replace(withdrawal, ends=(build_document(decided, b"", settings(), version=1), confirmation))
    bundle = build_bundle(ending)
    ended = [entry for entry in bundle["entry"] if entry["request"]["method"] == "PUT"
             and entry["resource"]["resourceType"] == "Consent"]
    assert [entry["resource"]["status"] for entry in ended] == ["inactive", "inactive"]
    assert all(entry["request"]["url"].startswith("Consent?identifier=") for entry in ended)
    resources = [entry["resource"] for entry in bundle["entry"]]
    assert errors_and_unexpected_warnings(node_peers.validate([bundle, *resources])) == []


def test_a_declined_confirmation_is_an_active_refusal(tmp_path):
    summary, row = finalize(tmp_path, ())
    store = open_store(tmp_path, actor="dr-test")
    try:
        [version] = store.versions(summary["id"])
        record = addendum_record(CONFIRMATION, summary, SummaryLink(row, 1, version.pdf_sha256), still_wishes=False)
        document = build_addendum_document(store.record(row)[0], record, small_pdf(), settings())
    finally:
        store.close()
    consent = build_bundle(document)["entry"][-1]["resource"]
    assert (consent["status"], consent["provision"]["type"]) == ("active", "deny")


def test_an_addendum_is_authored_by_the_clinician_who_recorded_it(tmp_path):
    """The withdrawal was recorded and signed by Dr Anne Martin, not by the surgeon of the summary: the EHR
    must not file it under the surgeon's name and registration number; the surgeon's own addendum keeps them."""
    summary, row = finalize(tmp_path, ())
    store = open_store(tmp_path, actor="dr-test")
    try:
        [version] = store.versions(summary["id"])
        link = SummaryLink(row, 1, version.pdf_sha256)
        by_colleague = addendum_record(WITHDRAWAL, summary, link)
        by_surgeon = addendum_record(CONFIRMATION, summary, link)
        by_surgeon["clinician"] = summary["setup"]["surgeon"]["name"].upper()
        stored = store.record(row)[0]
        documents = [build_addendum_document(stored, record, small_pdf(), settings())
                     for record in (by_colleague, by_surgeon)]
    finally:
        store.close()
    surgeon, registration = summary["setup"]["surgeon"]["name"], summary["setup"]["surgeon"]["registration_number"]
    txa = [next(s for s in build_mdm_t02(d).split("\r") if s.startswith("TXA|")).split("|") for d in documents]
    assert txa[0][9] == "^Dr Anne Martin" and registration not in "|".join(txa[0])
    assert txa[1][9].startswith(registration + "^")
    [practitioner] = build_bundle(documents[0])["entry"][1]["resource"]["contained"]
    assert practitioner["name"] == [{"text": "Dr Anne Martin"}] and "identifier" not in practitioner
    assert surgeon != "Dr Anne Martin"
    # With her own registration number given in the addendum, it is filed under it.
    by_colleague["clinician_registration"] = "RPPS 10009876543"
    document = build_addendum_document(stored, by_colleague, small_pdf(), settings())
    txa = next(s for s in build_mdm_t02(document).split("\r") if s.startswith("TXA|")).split("|")
    assert txa[9] == "RPPS 10009876543^Dr Anne Martin"
    [practitioner] = build_bundle(document)["entry"][1]["resource"]["contained"]
    assert practitioner["identifier"] == [{"value": "RPPS 10009876543"}]


def test_a_database_of_the_previous_version_keeps_its_outbox_rows(tmp_path):
    summary, row = finalize(tmp_path, ("mllp", "fhir"))
    connection = open_connection(tmp_path)
    try:
        # Back to migration 7's outbox (its UNIQUE (record_id, destination)), as an older version left it.
        connection.executescript(f"""
            DROP TABLE outbox;
            {MIGRATIONS[5]}
            INSERT INTO outbox (record_id, destination, state, queued_at, updated_at)
                VALUES ({row}, 'mllp', 'sent', 'q', 'u'), ({row}, 'fhir', 'failed', 'q', 'u');
            PRAGMA user_version = 7;
        """)
    finally:
        connection.close()
    store = open_store(tmp_path)
    try:
        assert [(e.destination, e.state, e.addendum_id) for e in store.outbox()] == [
            ("mllp", "sent", None), ("fhir", "failed", None)]
        with pytest.raises(Exception, match="UNIQUE"):
            store.connection.execute("INSERT INTO outbox (record_id, destination, queued_at, updated_at)"
                                     f" VALUES ({row}, 'mllp', 'q', 'u')")
    finally:
        store.close()
