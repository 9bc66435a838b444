"""`consultaid verify` tells a summary this installation sealed and stored from one sealed with its key but
not stored, and names the sealing certificate; `render --seal` leaves an audit entry or seals nothing
(issue 13, items 2 and 11). Through the real commands, on a real encrypted store."""

from __future__ import annotations

import json
import re

from consultaid.consultation.keystore import key_file_path
from consultaid.consultation.store import Store
from consultaid.report import sealed_summary
from consultaid.report.seal import installation_seal
from tests.conftest import REPO

EXAMPLE = REPO / "docs" / "examples" / "vertebroplasty-fr.json"


def fingerprint(der: bytes) -> str:
    """The short fingerprint verify prints: the first 8 bytes of the certificate's SHA-256, in 4 groups."""
    import hashlib

    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[index:index + 4] for index in range(0, 16, 4))


def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def stored_summary(data, tmp_path):
    """A summary sealed and stored as finalizing does; returns (its file, the seal)."""
    seal = installation_seal(data)
    record = example()
    pdf = sealed_summary(record, seal=seal)
    store = Store(data)
    store.finalize(record, pdf)
    store.close()
    path = tmp_path / "stored.pdf"
    path.write_bytes(pdf)
    return path, seal


def verify(run_cli, data, path):
    result = run_cli("--data-dir", data, "verify", path)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_a_stored_summary_is_said_to_be_sealed_here_and_stored(run_cli, tmp_path):
    data = tmp_path / "records"
    path, seal = stored_summary(data, tmp_path)
    result = verify(run_cli, data, path)
    assert result.returncode == 0, result.stdout
    assert (f"Certificate: SHA-256 {fingerprint(seal.certificate_der)}, this installation's own key"
            in result.stdout.splitlines())
    assert re.search(r"^\u2713 Stored record: sealed by this installation and in the record store: same as "
                     r"version 1 \(the stored PDF is this very file\)$", result.stdout, re.M), result.stdout


def test_a_swapped_record_sealed_with_the_key_file_is_not_a_stored_summary(run_cli, tmp_path):
    """Whoever can read the seal key can seal anything; the record store is what it cannot add to unseen."""
    data = tmp_path / "records"
    stored_summary(data, tmp_path)
    forged = example()
    forged["id"] = "forged-consultation"
    forged_path = tmp_path / "forged.pdf"
    forged_path.write_bytes(sealed_summary(forged, seal=installation_seal(data)))
    result = verify(run_cli, data, forged_path)
    assert result.returncode == 1
    assert ("\u2717 Stored record: sealed by this installation's key, but not in its record store; no audit entry "
            "records its sealing: whoever holds this installation's key file may have made it") in result.stdout
    assert "\u2713 Signed bytes unchanged" in result.stdout   # the seal itself is genuine: that is the point


def test_a_stored_record_sealed_again_is_not_the_stored_summary(run_cli, tmp_path):
    data = tmp_path / "records"
    stored_summary(data, tmp_path)
    again = tmp_path / "again.pdf"
    again.write_bytes(sealed_summary(example(), seal=installation_seal(data)))
    result = verify(run_cli, data, again)
    assert result.returncode == 1
    assert ("\u2717 Stored record: the record store holds this record (version 1), but this file is not the "
            "summary stored with it: it was sealed again with this installation's key") in result.stdout


def test_render_seal_leaves_an_audit_entry_that_verify_names(run_cli, tmp_path):
    data = tmp_path / "records"
    Store(data).close()
    output = tmp_path / "sealed.pdf"
    rendered = run_cli("--data-dir", data, "render", EXAMPLE, "-o", output, "--seal")
    assert rendered.returncode == 0, rendered.stderr
    store = Store(data)
    try:
        [(seq, subject)] = store.connection.execute(
            "SELECT seq, subject FROM audit WHERE action = 'seal_outside_store'").fetchall()
        assert store.verify_audit() == []
    finally:
        store.close()
    import hashlib

    assert subject == f"{example()['id']} pdf-sha256={hashlib.sha256(output.read_bytes()).hexdigest()}"
    result = verify(run_cli, data, output)
    assert result.returncode == 1
    assert ("\u2717 Stored record: sealed by this installation's key, but not in its record store; the audit "
            f"trail records that it was sealed with `consultaid render --seal` (entry {seq})") in result.stdout


def test_render_seal_without_a_usable_record_store_seals_nothing(run_cli, tmp_path):
    data = tmp_path / "records"
    Store(data).close()
    key_file_path(data).unlink()   # the store cannot be opened: its key is gone
    output = tmp_path / "sealed.pdf"
    result = run_cli("--data-dir", data, "render", EXAMPLE, "-o", output, "--seal")
    assert result.returncode == 1 and not output.exists()
    lines = [line for line in result.stderr.splitlines() if not line.startswith("\u26a0")]
    assert len(lines) == 1 and lines[0].startswith("Not sealed: every seal made here is recorded in the audit "
                                                   "trail, and the record store could not be opened: "), lines


def test_another_installations_seal_is_named_by_its_fingerprint_and_not_called_this_one(run_cli, tmp_path):
    path, seal = stored_summary(tmp_path / "elsewhere", tmp_path)
    certificate = tmp_path / "elsewhere.der"
    certificate.write_bytes(seal.certificate_der)
    here = tmp_path / "here"
    installation_seal(here)   # this installation has a key of its own
    result = run_cli("--data-dir", here, "verify", path, "--trust", certificate)
    assert result.returncode == 0, result.stdout
    assert (f"Certificate: SHA-256 {fingerprint(seal.certificate_der)}, not this installation's key"
            in result.stdout.splitlines())
    assert "this installation's own" not in result.stdout
