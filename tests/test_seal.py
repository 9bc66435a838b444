"""The seal (consultaid/report/seal.py) and `consultaid verify` (consultaid/report/verify.py).

A sealed summary verifies; every changed copy of it is rejected: at least 100 each of byte flips,
appended incremental updates that change a page, and truncations. The bulk is checked in-process
(verify_pdf), a few through the real command line. pdfsig (poppler), an implementation that shares no
code with pyHanko, must find the seal valid and covering the whole document.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import stat
import subprocess
from datetime import UTC
from pathlib import Path

import pytest

from consultaid.report import sealed_summary
from consultaid.report.seal import (
    CERTIFICATE_NAME,
    KEY_NAME,
    SELF_SIGNED_NAME,
    SealError,
    installation_seal,
    load_seal,
    seal_folder,
)
from consultaid.report.verify import verify_pdf

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "docs" / "examples").glob("*.json"))
TRIALS = 100


def example(index: int = 0) -> dict:
    return json.loads(EXAMPLES[index].read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    """One sealed summary for the whole module, with the data folder that holds its seal key."""
    data_dir = tmp_path_factory.mktemp("seal-data")
    record = example()
    pdf = sealed_summary(record, seal=installation_seal(data_dir))
    return pdf, data_dir, record


def failed(verdict) -> list[str]:
    return [f"{check.label}: {check.detail}" for check in verdict.checks if check.ok is False]


# ---- the seal itself ---------------------------------------------------------------------------------------

def test_a_sealed_summary_verifies_and_says_who_sealed_it_and_when(sealed):
    pdf, data_dir, record = sealed
    verdict = verify_pdf(pdf, data_dir)
    assert verdict.ok, failed(verdict)
    assert SELF_SIGNED_NAME in verdict.signer and verdict.self_signed
    assert verdict.signed_at is not None
    assert verdict.record == record
    labels = {check.label: check.ok for check in verdict.checks}
    assert labels["Certification"] and labels["Whole file sealed"] and labels["Signed bytes unchanged"]
    assert labels["Stored record"] is None   # no store in this folder: said, not a failure


def test_the_installation_key_is_made_once_and_readable_by_its_owner_only(tmp_path):
    first = installation_seal(tmp_path)
    folder = seal_folder(tmp_path)
    assert stat.S_IMODE(os.stat(folder / KEY_NAME).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert installation_seal(tmp_path).certificate_der == first.certificate_der   # not made again
    assert first.self_signed and first.holder == SELF_SIGNED_NAME
    assert installation_seal(tmp_path / "other").certificate_der != first.certificate_der


def test_the_summary_page_says_the_seal_is_self_signed(sealed):
    pdf, _data_dir, _record = sealed
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "self-signed certificate of this ConsultAid installation" in " ".join(text.split())


def test_a_seal_from_another_installation_is_not_trusted_without_trust(sealed, tmp_path):
    pdf, data_dir, _record = sealed
    certificate = (seal_folder(data_dir) / CERTIFICATE_NAME).read_bytes()
    from consultaid.cli_verify import _certificate_der
    from consultaid.report.seal import fingerprint

    short = fingerprint(_certificate_der(certificate))
    verdict = verify_pdf(pdf, tmp_path)
    assert not verdict.ok and failed(verdict) == [
        f"Seal certificate: unknown here (SHA-256 {short}): anyone can make a certificate with this name. If you "
        "know it is right, check again with --trust CERTIFICATE"]
    assert not verdict.this_installation and verdict.fingerprint == short
    trusted = verify_pdf(pdf, tmp_path, [_certificate_der(certificate)])
    assert trusted.ok and not trusted.this_installation


def pkcs12_certificate(folder, passphrase: str):
    """A surgeon's PKCS#12 seal certificate (self-issued, fictional), under `passphrase`."""
    from datetime import datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Dr Émile Roux"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Clinique du Parc")])
    now = datetime.now(UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(7).not_valid_before(now - timedelta(days=1))
                   .not_valid_after(now + timedelta(days=365)).sign(key, hashes.SHA256()))
    p12 = folder / "surgeon.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(b"seal", key, certificate, None,
                                                          BestAvailableEncryption(passphrase.encode())))
    return p12


def test_a_configured_pkcs12_certificate_seals_and_is_named_on_the_summary(tmp_path):
    from consultaid.settings import Settings

    p12 = pkcs12_certificate(tmp_path, "secret phrase")
    settings = Settings(seal_certificate=str(p12))
    asked = []
    with pytest.raises(SealError, match="wrong passphrase"):
        load_seal(settings, tmp_path, ask_passphrase=lambda path: asked.append(path) or "wrong")
    assert asked == [p12]
    seal = load_seal(settings, tmp_path, ask_passphrase=lambda path: "secret phrase")
    assert not seal.self_signed and seal.holder == "Dr Émile Roux (Clinique du Parc)"
    pdf = sealed_summary(example(), seal=seal)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "with the certificate of Dr Émile Roux (Clinique du Parc)" in " ".join(text.split())
    verdict = verify_pdf(pdf, tmp_path)   # a certificate that sealed here is known here
    assert verdict.ok and not verdict.self_signed and "Dr Émile Roux" in verdict.signer, failed(verdict)
    with pytest.raises(SealError, match="No passphrase"):
        load_seal(settings, tmp_path, ask_passphrase=lambda path: None)
    with pytest.raises(SealError, match="cannot be read"):
        load_seal(Settings(seal_certificate=str(tmp_path / "missing.p12")), tmp_path)


# ---- mutations: every changed copy is rejected ----------------------------------------------------------------

def contents_span(pdf: bytes) -> tuple[int, int]:
    """Start and end of the signature's /Contents hex string, the one part the signature cannot cover."""
    numbers = re.search(rb"/ByteRange \[\s*0\s+(\d+)\s+(\d+)\s+(\d+)", pdf)
    return int(numbers.group(1)), int(numbers.group(2))


def test_byte_flips_anywhere_are_all_rejected(sealed):
    pdf, data_dir, _record = sealed
    rng = random.Random(20261123)
    gap_start, gap_end = contents_span(pdf)
    positions = [rng.randrange(len(pdf)) for _ in range(TRIALS)]
    # And as many inside the signature's /Contents, where the signature cannot protect itself: its DER,
    # its zero padding, and letter-case changes of its hex digits (the same bytes once decoded).
    positions += [rng.randrange(gap_start + 1, gap_end - 1) for _ in range(TRIALS)]
    accepted = []
    for position in positions:
        mutated = bytearray(pdf)
        mutated[position] ^= rng.randrange(1, 256)
        if verify_pdf(bytes(mutated), data_dir).ok:
            accepted.append(position)
    hex_letters = [p for p in range(gap_start + 1, gap_end - 1) if pdf[p:p + 1] in b"ABCDEF"][:TRIALS // 4]
    for position in hex_letters:
        mutated = bytearray(pdf)
        mutated[position] = pdf[position] + 32   # "A" -> "a": the same signature bytes once decoded
        if verify_pdf(bytes(mutated), data_dir).ok:
            accepted.append(position)
    assert len(positions) + len(hex_letters) >= 2 * TRIALS + 1
    assert accepted == []


def page_changes(pdf: bytes, count: int):
    """`count` copies of `pdf`, each with one incremental update appended that draws on page 1."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    rng = random.Random(7)
    for number in range(count):
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        page_ref = writer.root["/Pages"]["/Kids"][0]
        page = page_ref.get_object()
        x, y = rng.randrange(50, 500), rng.randrange(50, 780)
        stream = generic.StreamObject(stream_data=f"q 1 0 0 RG 2 w {x} {y} 40 12 re S Q % change {number}\n"
                                      .encode("ascii"))
        contents = page.raw_get("/Contents")
        existing = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
        page["/Contents"] = generic.ArrayObject(existing + [writer.add_object(stream)])
        writer.update_container(page)
        output = io.BytesIO()
        writer.write(output)
        yield output.getvalue()


def test_appended_updates_that_change_a_page_are_all_rejected(sealed):
    pdf, data_dir, _record = sealed
    changed = list(page_changes(pdf, TRIALS))
    assert len({hashlib_of(copy) for copy in changed}) == TRIALS
    assert all(copy.startswith(pdf) and len(copy) > len(pdf) for copy in changed)
    rejected = [copy for copy in changed if not verify_pdf(copy, data_dir).ok]
    assert len(rejected) == TRIALS
    assert "Whole file sealed" in " ".join(failed(verify_pdf(changed[0], data_dir)))


def hashlib_of(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_truncations_are_all_rejected(sealed):
    pdf, data_dir, _record = sealed
    rng = random.Random(11)
    lengths = sorted({rng.randrange(1, len(pdf)) for _ in range(TRIALS)} | {len(pdf) - 1, len(pdf) - 2, 0})
    assert len(lengths) >= TRIALS
    accepted = [length for length in lengths if verify_pdf(pdf[:length], data_dir).ok]
    assert accepted == []


def test_the_command_line_verifies_and_rejects(sealed, run_cli, tmp_path):
    pdf, data_dir, _record = sealed
    original = tmp_path / "summary.pdf"
    original.write_bytes(pdf)
    result = run_cli("--data-dir", data_dir, "verify", original)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Sealed by: {SELF_SIGNED_NAME} (" in result.stdout and "Sealed at: " in result.stdout
    assert re.search(r"^Certificate: SHA-256 [0-9A-F]{4}(:[0-9A-F]{4}){3}, this installation's own key$",
                     result.stdout, re.M), result.stdout
    assert "\u2713 Whole file sealed" in result.stdout and "Result: the seal is valid" in result.stdout
    assert result.stderr == ""   # pyHanko's own logging stays out of the way

    flipped = bytearray(pdf)
    flipped[len(pdf) // 3] ^= 0x01
    updated = next(page_changes(pdf, 1))
    for name, data in (("flipped.pdf", bytes(flipped)), ("updated.pdf", updated), ("cut.pdf", pdf[:-100])):
        (tmp_path / name).write_bytes(data)
        result = run_cli("--data-dir", data_dir, "verify", tmp_path / name)
        assert result.returncode == 1 and "Result: NOT VALID" in result.stdout, name
    assert run_cli("verify", tmp_path / "missing.pdf").returncode == 2
    plain = tmp_path / "plain.pdf"
    assert run_cli("render", EXAMPLES[0], "-o", plain).returncode == 0
    result = run_cli("verify", plain)
    assert result.returncode == 1 and "the file has no seal" in result.stdout


def test_render_seal_writes_a_sealed_summary_that_verifies_in_french(run_cli, tmp_path):
    """The seal itself is valid; the file is said not to be a stored summary (issue 13, item 2)."""
    output = tmp_path / "summary.pdf"
    result = run_cli("render", EXAMPLES[-1], "-o", output, "--seal")
    assert result.returncode == 0, result.stderr
    result = run_cli("--lang", "fr", "verify", output)
    assert result.returncode == 1, result.stdout
    assert "\u2713 Fichier scellé en entier" in result.stdout and "\u2713 Octets signés inchangés" in result.stdout
    assert "scellé par la clé de cette installation, mais absent de sa base" in result.stdout
    text = subprocess.run(["pdftotext", str(output), "-"], capture_output=True, check=True).stdout.decode()
    assert "certificat auto-signé de cette installation de ConsultAid" in " ".join(text.split())


def test_verify_compares_the_attached_record_with_the_store(tmp_path):
    from consultaid.consultation.store import Store

    record = example()
    seal = installation_seal(tmp_path)
    pdf = sealed_summary(record, seal=seal)
    store = Store(tmp_path)
    store.finalize(record, pdf)
    store.close()
    verdict = verify_pdf(pdf, tmp_path)
    assert verdict.ok and verdict.stored_version == 1, failed(verdict)
    assert "(the stored PDF is this very file)" in verdict.checks[-1].detail

    # The same consultation stored with a different record: the attached one no longer matches.
    other = tmp_path / "other"
    store = Store(other)
    store.finalize({**record, "notes": "changed after the fact"}, pdf)
    store.close()
    shutil.copytree(seal_folder(tmp_path), seal_folder(other), dirs_exist_ok=True)
    verdict = verify_pdf(pdf, other)
    assert not verdict.ok and failed(verdict) == [
        "Stored record: the record store holds this consultation, but no version of it matches the attached record"]


# ---- pdfsig: an independent implementation ---------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler's pdfsig is not installed "
                    "(packaging/dev.sh installs poppler-utils)")
@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_pdfsig_finds_every_generated_summary_validly_sealed_in_whole(index, tmp_path):
    path = tmp_path / "summary.pdf"
    path.write_bytes(sealed_summary(example(index), seal=installation_seal(tmp_path)))
    # pdfsig's exit status does not say whether the signature is valid: its words do.
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature #1:" in report and "Signature #2:" not in report, report
    assert "Signature Validation: Signature is Valid." in report, report
    assert "Total document signed" in report, report
    assert "Signature Type: ETSI.CAdES.detached" in report, report
    assert f"Signer Certificate Common Name: {SELF_SIGNED_NAME}" in report, report


def test_the_loaded_installation_seal_is_reused_only_while_its_files_are_the_same(tmp_path):
    first = installation_seal(tmp_path)
    assert installation_seal(tmp_path) is first, "loaded once per process"
    shutil.rmtree(seal_folder(tmp_path))  # a new key and certificate are made
    second = installation_seal(tmp_path)
    assert second is not first and second.certificate_der != first.certificate_der
    record = json.loads((Path(__file__).resolve().parent.parent / "docs" / "examples"
                         / "cement-spine-surgery-en.json").read_text(encoding="utf-8"))
    for seal in (first, second):  # each signs with its own key, and the signature checks out
        pdf = sealed_summary(record, seal=seal)
        assert verify_pdf(pdf, trusted=[seal.certificate_der], data_dir=tmp_path).ok
