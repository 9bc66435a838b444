"""The audit trail's anchors and the finalized records' hashes (consultaid/consultation/audit.py), through
the real `consultaid audit verify` command on a real encrypted store, tampered with as an attacker who has
the account's files and the database key would (docs/security.md)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from consultaid.consultation.store import AUDIT_ANCHOR_NAME, GENESIS_HASH, Store, entry_hash, open_connection
from tests.conftest import REPO

EXAMPLE = REPO / "docs" / "examples" / "vertebroplasty-fr.json"


@pytest.fixture
def filled(tmp_path):
    """A store with a few audit entries and two finalized records (the second a correction)."""
    data = tmp_path / "records"
    record = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    store = Store(data, actor="dr-test")
    store.save_draft(record)
    first = store.finalize(record, b"%PDF-1.7 first")
    store.finalize({**record, "notes": "corrected"}, b"%PDF-1.7 second", supersedes=first)
    store.log("print", f"{record['id']} v2")
    store.close()
    return data


def audit_verify(run_cli, data, *extra, lang="en"):
    result = run_cli("--lang", lang, "--data-dir", data, "audit", "verify", *extra)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def own_lines(stderr: str) -> list[str]:
    """stderr without the key-file warning every command gives when there is no keyring (as in tests)."""
    return [line for line in stderr.splitlines() if not line.startswith("\u26a0")]


def test_an_untouched_store_is_intact(run_cli, filled):
    result = audit_verify(run_cli, filled)
    assert result.returncode == 0 and result.stdout == "", result.stdout
    assert own_lines(result.stderr)[0].startswith("The audit trail is intact (")


# ---- item 9: a malformed anchor is one translated line and exit 1, never a traceback ---------------------

MALFORMED = {
    "not numbers (was ValueError)": b"abc def\n",
    "an entry number too big for SQLite (was OverflowError)": b"99999999999999999999999 " + b"a" * 64 + b"\n",
    "not ASCII (was UnicodeDecodeError)": b"\xff\xfe\x00 1 2\n",
    "empty": b"",
    "one word": b"12\n",
    "a short hash": b"3 abcdef\n",
    "far too long": b"1 " + b"0" * 100_000,
}


@pytest.mark.parametrize("kind", MALFORMED)
def test_a_malformed_anchor_is_reported_as_unreadable(run_cli, filled, kind):
    (filled / AUDIT_ANCHOR_NAME).write_bytes(MALFORMED[kind])
    result = audit_verify(run_cli, filled)
    assert result.returncode == 1
    [problem] = result.stdout.splitlines()
    assert problem.startswith("anchor unreadable: the anchor file ") and "cannot be ruled out" in problem
    assert own_lines(result.stderr) == ["The audit trail cannot be trusted: each problem is listed above."]


def test_a_folder_in_place_of_the_anchor_is_reported_as_unreadable_in_french(run_cli, filled):
    (filled / AUDIT_ANCHOR_NAME).unlink()
    (filled / AUDIT_ANCHOR_NAME).mkdir()   # was IsADirectoryError
    result = audit_verify(run_cli, filled, lang="fr")
    assert result.returncode == 1
    [problem] = result.stdout.splitlines()
    assert problem.startswith("ancre illisible : le fichier d’ancrage ") and "pas un fichier ordinaire" in problem
    assert own_lines(result.stderr) == ["Le journal d’audit n’est pas fiable : chaque problème est indiqué ci-dessus."]


def test_a_fifo_in_place_of_the_anchor_is_unreadable_and_does_not_hang(run_cli, filled):
    import os

    (filled / AUDIT_ANCHOR_NAME).unlink()
    os.mkfifo(filled / AUDIT_ANCHOR_NAME)   # opening it for reading would wait for a writer forever
    result = run_cli("--data-dir", filled, "audit", "verify", timeout=60)
    assert result.returncode == 1 and result.stdout.startswith("anchor unreadable: ")
    assert "it is not a regular file" in result.stdout


# ---- item 2: tampering that used to read "intact" ------------------------------------------------------------

def test_cutting_the_tail_and_deleting_the_anchor_is_not_intact(run_cli, filled):
    db = open_connection(filled)
    db.execute("DROP TRIGGER audit_keeps_entries")
    db.execute("DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)")
    db.commit()
    db.close()
    (filled / AUDIT_ANCHOR_NAME).unlink()
    result = audit_verify(run_cli, filled)
    assert result.returncode == 1
    assert result.stdout.startswith("anchor missing: the anchor file "), result.stdout


def test_cutting_the_tail_under_the_anchor_is_found(run_cli, filled):
    db = open_connection(filled)
    db.execute("DROP TRIGGER audit_keeps_entries")
    db.execute("DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)")
    db.commit()
    db.close()
    result = audit_verify(run_cli, filled)
    assert result.returncode == 1 and "but the chain no longer holds them" in result.stdout


@pytest.mark.parametrize("edit", [
    "UPDATE records SET patient_name = 'Someone Else' WHERE id = 1",
    "UPDATE records SET record_json = replace(record_json, 'vertebro', 'Vertebro') WHERE id = 1",
    "UPDATE records SET pdf = CAST('%PDF-1.7 swapped' AS BLOB) WHERE id = 1",
    "UPDATE records SET pdf = CAST('%PDF-1.7 swapped' AS BLOB), pdf_sha256 = "
    "'ffd4b0c0e0f5b67c1a1f8ad3ef2f5a3d30d47d4a2e0f54f5f4ac7e9d55e0f7d2' WHERE id = 1",
    "UPDATE records SET finalized_at = '2020-01-01T00:00:00+00:00' WHERE id = 1",
])
def test_editing_a_finalized_row_behind_the_triggers_is_found(run_cli, filled, edit):
    db = open_connection(filled)
    db.execute("DROP TRIGGER records_are_immutable")
    db.execute(edit)
    db.commit()
    db.close()
    result = audit_verify(run_cli, filled)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["record 1 was changed after it was finalized"]


def test_a_deleted_or_smuggled_record_is_found(run_cli, filled):
    db = open_connection(filled)
    db.execute("DROP TRIGGER records_are_kept")
    row = db.execute("SELECT consultation_id FROM records WHERE id = 2").fetchone()
    db.execute("DELETE FROM records WHERE id = 2")
    db.execute("INSERT INTO records (consultation_id, version, supersedes, patient_name, patient_name_key,"
               " patient_identifier, procedure_id, consultation_date, finalized_at, record_json, pdf, pdf_sha256)"
               " SELECT 'smuggled', 1, NULL, patient_name, patient_name_key, patient_identifier, procedure_id,"
               " consultation_date, finalized_at, record_json, pdf, pdf_sha256 FROM records WHERE id = 1")
    db.commit()
    db.close()
    result = audit_verify(run_cli, filled)
    assert result.returncode == 1
    assert sorted(result.stdout.splitlines()) == [
        f"consultation {row[0]} version 2 was finalized, but its record is no longer in the store",
        "record 2 has no finalize entry in the audit trail"]


def rewrite_chain(data, drop_last: int) -> None:
    """Rewrite the whole chain consistently without its last entries, and the anchor file to match: what
    the local checks cannot catch (docs/security.md), and what the printed head does."""
    db = open_connection(data)
    db.execute("DROP TRIGGER audit_keeps_entries")
    db.execute("DROP TRIGGER audit_is_append_only")
    rows = db.execute("SELECT seq, at, actor, action, subject FROM audit ORDER BY seq").fetchall()
    db.execute("DELETE FROM audit")
    previous = GENESIS_HASH
    for seq, at, actor, action, subject in rows[:len(rows) - drop_last]:
        actor = "someone else"
        previous_hash, previous = previous, entry_hash(previous, at, actor, action, subject)
        db.execute("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (seq, at, actor, action, subject, previous_hash, previous))
    db.commit()
    db.close()
    (data / AUDIT_ANCHOR_NAME).write_text(f"{len(rows) - drop_last} {previous}\n", encoding="ascii")


def test_a_chain_rewritten_whole_is_caught_by_the_head_printed_on_a_summary(run_cli, filled):
    store = Store(filled)
    printed = store.latest_audit_hash()[:16]   # what the summary printed when it was signed
    store.close()
    assert audit_verify(run_cli, filled, "--head", printed).returncode == 0
    rewrite_chain(filled, drop_last=1)
    assert audit_verify(run_cli, filled).returncode == 0   # the local checks cannot see it: the stated limit
    result = audit_verify(run_cli, filled, "--head", printed)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"the head {printed} of the printed summaries is not in the chain: it was rewritten or cut"]
    result = audit_verify(run_cli, filled, "--head", "not-a-hash")
    assert result.returncode == 1 and result.stdout.startswith("anchor unreadable: the printed summaries")


# ---- item 4: the anchor is written under a name of its own by each process -----------------------------------

WRITER = """
import sys
from pathlib import Path
from consultaid.consultation.store import Store

store = Store(Path(sys.argv[1]), actor="parallel")
for index in range(int(sys.argv[2])):
    store.log("export", f"c-{sys.argv[3]} v{index}")
    assert getattr(store, "anchor_problem", None) is None, store.anchor_problem
"""


def test_parallel_processes_never_trip_over_each_others_anchor_file(tmp_path):
    data = tmp_path / "records"
    Store(data).close()   # the key and the database exist before the writers start
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(data), "60", str(n)], cwd=REPO,
                                stderr=subprocess.PIPE, text=True) for n in range(4)]
    failures = [error for writer in writers for error in [writer.communicate(timeout=300)[1]] if writer.returncode]
    assert failures == []
    store = Store(data)
    try:
        assert store.verify_audit() == []
        assert store.connection.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == 240
    finally:
        store.close()
    assert [path.name for path in data.iterdir() if "audit-head" in path.name] == [AUDIT_ANCHOR_NAME]
