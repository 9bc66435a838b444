"""The installation's seal key at rest (issue 13, item 2): encrypted under a passphrase the system keyring
keeps where there is one; where there is none, plain, and every place that uses it says so."""

from __future__ import annotations

import json

import pytest

from consultaid.report import sealed_summary
from consultaid.report.seal import KEY_NAME, SealError, installation_seal, seal_folder
from consultaid.report.verify import verify_pdf
from tests.conftest import REPO
from tests.test_at_rest import memory_keyring  # noqa: F401  (a fixture: an in-process keyring)

EXAMPLE = REPO / "docs" / "examples" / "vertebroplasty-fr.json"


def forget_loaded_seals():
    """A new process: nothing loaded yet (the loaded seal is kept per process, by its files' bytes)."""
    from consultaid.report import seal

    seal._LOADED_SEALS.clear()


def test_with_a_keyring_the_seal_key_is_encrypted_and_its_passphrase_is_in_the_keyring(memory_keyring, tmp_path):
    seal = installation_seal(tmp_path)
    key_file = (seal_folder(tmp_path) / KEY_NAME).read_bytes()
    assert key_file.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----") and seal.warning is None
    [(service, account)] = memory_keyring.secrets
    assert service == "ConsultAid seal key" and account == f"seal-key {tmp_path.resolve()}"
    record = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert verify_pdf(sealed_summary(record, seal=seal), tmp_path).ok

    # The file alone (a copied data folder, a stolen backup) cannot seal anything.
    forget_loaded_seals()
    memory_keyring.secrets.clear()
    with pytest.raises(SealError, match="encrypted with a passphrase kept in the system keyring"):
        installation_seal(tmp_path)
    assert (seal_folder(tmp_path) / KEY_NAME).read_bytes() == key_file   # left as it was


def test_a_plain_key_is_encrypted_once_a_keyring_can_keep_its_passphrase(tmp_path, request):
    forget_loaded_seals()
    before = installation_seal(tmp_path)   # no keyring (the tests' default): plain, and said
    assert (seal_folder(tmp_path) / KEY_NAME).read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert "is not encrypted" in before.warning and str(seal_folder(tmp_path) / KEY_NAME) in before.warning
    request.getfixturevalue("memory_keyring")
    forget_loaded_seals()
    after = installation_seal(tmp_path)
    assert after.certificate_der == before.certificate_der and after.warning is None
    assert (seal_folder(tmp_path) / KEY_NAME).read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")


def test_render_seal_without_a_keyring_says_what_is_not_protected(run_cli, tmp_path):
    result = run_cli("--data-dir", tmp_path / "records", "render", EXAMPLE, "-o", tmp_path / "s.pdf", "--seal")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("\u26a0")]
    assert any("seal key" in line and "is not encrypted" in line for line in warnings), warnings
    assert any("database key is kept in the file" in line and "seal documents" in line for line in warnings)
