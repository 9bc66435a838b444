"""`consultaid outbox list / send / retry`, run for real in a subprocess against the real MLLP listener,
with the destinations of a real settings file; and a kill -9 of `consultaid outbox send` mid-send."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from consultaid.consultation.store import open_store
from consultaid.hospital.document import document_id
from consultaid.settings import HospitalRecord, Settings, save_settings
from tests.outbox_peers import Listener, finalize


@pytest.fixture
def listener():
    peer = Listener()
    yield peer
    peer.stop()


@pytest.fixture
def configured(tmp_path, monkeypatch, listener):
    """Settings › Hospital record with the listener as HL7 receiver, in this test's own config folder."""
    monkeypatch.setenv("CONSULTAID_CONFIG_DIR", str(tmp_path / "config"))
    save_settings(Settings(hospital=HospitalRecord(mllp_host="127.0.0.1", mllp_port=listener.port,
                                                   sending_facility="CLINIQUE-PARC", receiving_application="EPR",
                                                   identifier_authority="CHU-IPP")))
    return listener


def test_list_says_not_sent_then_waiting_then_sent(own_data_dir, configured, run_cli):
    _record, quiet = finalize(own_data_dir, ())
    _record, queued = finalize(own_data_dir, ("mllp",))
    listing = run_cli("outbox", "list")
    assert listing.returncode == 0, listing.stderr
    lines = {int(line.split("\t")[0]): line.split("\t")[-1] for line in listing.stdout.splitlines()}
    assert lines == {quiet: "not sent", queued: "HL7: waiting"}
    sent = run_cli("outbox", "send")
    assert sent.returncode == 0, sent.stderr
    assert f"record {queued} mllp: sent" in sent.stderr
    assert len(configured.state.received) == 1
    as_json = json.loads(run_cli("outbox", "list", "--json").stdout)
    states = {item["record"]: item["state"] for item in as_json}
    assert states == {quiet: "not_sent", queued: "sent"}
    again = run_cli("outbox", "send")
    assert again.returncode == 0 and again.stderr == ""   # nothing due: nothing sent twice
    assert len(configured.state.received) == 1


def test_a_refusal_is_listed_with_its_reason_and_sent_again_only_on_retry(own_data_dir, configured, run_cli):
    _record, row = finalize(own_data_dir, ("mllp",))
    configured.state.mode = "error"
    configured.state.error_text = "Unknown patient identifier"
    refused = run_cli("outbox", "send")
    assert refused.returncode == 1
    assert "failed (The HL7 receiver refused the document (AE): Unknown patient identifier)" in refused.stderr
    listing = run_cli("outbox", "list").stdout
    assert "HL7: failed (The HL7 receiver refused the document (AE): Unknown patient identifier)" in listing
    configured.state.mode = "accept"
    assert run_cli("outbox", "send").stderr == ""          # not retried by itself
    assert len(configured.state.received) == 1
    retry = run_cli("outbox", "retry", row)
    assert retry.returncode == 0, retry.stderr
    assert run_cli("outbox", "send").returncode == 0
    assert len(configured.state.received) == 2
    assert "HL7: sent" in run_cli("outbox", "list").stdout
    nothing = run_cli("outbox", "retry", row)
    assert nothing.returncode == 1 and nothing.stderr.count("\n") == 1 and "Traceback" not in nothing.stderr


def test_french_and_one_line_errors(own_data_dir, configured, run_cli):
    missing = run_cli("--lang", "fr", "outbox", "retry", "999")
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1
    assert "Traceback" not in missing.stderr
    wrong = run_cli("outbox", "send", "--loop", "--interval", "0")
    assert wrong.returncode == 2


def test_kill_9_of_the_sender_mid_send_then_sent_once_by_the_next(own_data_dir, configured, tmp_path):
    record, row = finalize(own_data_dir, ("mllp",))
    configured.state.mode = "hold"          # the listener keeps the message and holds its ACK back
    sender = subprocess.Popen([sys.executable, "-m", "consultaid", "outbox", "send"], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert configured.held.wait(60), sender.communicate(timeout=5)
        os.kill(sender.pid, signal.SIGKILL)
    finally:
        sender.wait(timeout=30)
    store = open_store(own_data_dir)
    try:
        [entry] = store.outbox([row])
        assert (entry.state, entry.attempts) == ("sending", 1)   # the claim of a process that is gone
    finally:
        store.close()
    started = time.monotonic()
    again = subprocess.run([sys.executable, "-m", "consultaid", "outbox", "send"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert time.monotonic() - started < 60       # at once, not after the claim's expiry
    store = open_store(own_data_dir)
    try:
        [entry] = store.outbox([row])
        assert (entry.state, entry.attempts) == ("sent", 2)
        trail = [action for (action,) in store.connection.execute(
            "SELECT action FROM audit WHERE action LIKE 'outbox%' ORDER BY seq")]
    finally:
        store.close()
    assert trail == ["outbox_attempt", "outbox_attempt", "outbox_sent"]
    assert configured.document_ids() == [document_id(record["id"], 1)] * 2   # the same document, twice


def test_the_loop_runs_as_a_service_and_stops_on_sigterm(own_data_dir, configured, tmp_path):
    service = subprocess.Popen([sys.executable, "-m", "consultaid", "outbox", "send", "--loop", "--interval",
                                "0.2"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _record, row = finalize(own_data_dir, ("mllp",))   # finalized while the service runs
        deadline = time.monotonic() + 60
        while not configured.state.received and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(configured.state.received) == 1
    finally:
        service.send_signal(signal.SIGTERM)
        _out, err = service.communicate(timeout=30)
    assert service.returncode == 0, err
    assert f"record {row} mllp: sent" in err


def test_list_shows_each_addendum_with_its_kind_and_send_names_it(own_data_dir, configured, run_cli):
    from consultaid.consultation.addendum import CONFIRMATION, WITHDRAWAL
    from tests.test_outbox_addenda import add_addenda

    record, row = finalize(own_data_dir, ("mllp",))
    store = open_store(own_data_dir, actor="dr-test")
    try:
        store.outbox_destinations = ("mllp",)
        add_addenda(store, record, row, (CONFIRMATION, WITHDRAWAL))
    finally:
        store.close()
    listing = run_cli("outbox", "list")
    assert listing.returncode == 0, listing.stderr
    lines = [line.split("\t") for line in listing.stdout.splitlines()]
    assert [(line[0], line[3], line[4]) for line in lines] == [
        (str(row), "v1", "HL7: waiting"),
        (str(row), "v1 Confirmation (addendum 1)", "HL7: waiting"),
        (str(row), "v1 Withdrawal (addendum 2)", "HL7: waiting")]
    sent = run_cli("outbox", "send")
    assert sent.returncode == 0, sent.stderr
    assert f"record {row} Withdrawal (addendum 2) mllp: sent" in sent.stderr
    [item] = json.loads(run_cli("outbox", "list", "--json").stdout)
    assert [(entry["kind"], entry["addendum_number"], entry["state"]) for entry in item["entries"]] == [
        ("summary", None, "sent"), (CONFIRMATION, 1, "sent"), (WITHDRAWAL, 2, "sent")]
    french = run_cli("--lang", "fr", "outbox", "list")
    assert "v1 Renoncement à l’intervention (complément 2)\tHL7 : envoyé" in french.stdout, french.stdout
