"""`consultaid records` and `consultaid audit verify`, run as real commands on a real store."""

from __future__ import annotations

import json

import pytest

from consultaid.consultation.store import Store, open_connection
from tests.conftest import REPO

EXAMPLE = REPO / "docs" / "examples" / "vertebroplasty-fr.json"


@pytest.fixture
def filled(tmp_path):
    from consultaid.report import render_summary

    data = tmp_path / "records"
    record = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    pdf = render_summary(record)
    store = Store(data)
    record_id = store.finalize(record, pdf)
    store.close()
    return data, record, pdf, record_id


def test_list_show_and_export_the_exact_stored_pdf(run_cli, filled, tmp_path):
    data, record, pdf, record_id = filled
    listed = run_cli("--data-dir", data, "records", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert row["id"] == record_id and row["patient_name"] == record["setup"]["patient"]["name"]
    assert row["status"] == "finalized"
    name_prefix = record["setup"]["patient"]["name"][:4]
    assert json.loads(run_cli("--data-dir", data, "records", "list", "--json", "--search", name_prefix).stdout)
    assert json.loads(run_cli("--data-dir", data, "records", "list", "--json", "--search", "zzz").stdout) == []
    shown = run_cli("--data-dir", data, "records", "show", record_id)
    assert shown.returncode == 0 and record["setup"]["patient"]["name"] in shown.stdout
    exported = run_cli("--data-dir", data, "records", "export", record_id, "-o", tmp_path / "copy.pdf")
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "copy.pdf").read_bytes() == pdf
    verified = run_cli("--data-dir", data, "audit", "verify")
    assert verified.returncode == 0 and "intact" in verified.stderr


def test_an_unknown_id_and_an_unwritable_path_are_clear_errors(run_cli, filled, tmp_path):
    data, _record, _pdf, record_id = filled
    missing = run_cli("--data-dir", data, "records", "show", 999)
    assert missing.returncode == 1 and "999" in missing.stderr
    unwritable = run_cli("--data-dir", data, "records", "export", record_id, "-o", tmp_path / "no" / "such" / "x.pdf")
    assert unwritable.returncode == 1 and "could not be written" in unwritable.stderr
    assert "Traceback" not in missing.stderr + unwritable.stderr


def test_audit_verify_fails_on_a_tampered_trail(run_cli, filled):
    data = filled[0]
    db = open_connection(data)  # the encrypted database, with its key
    db.execute("DROP TRIGGER audit_is_append_only")
    db.execute("UPDATE audit SET actor = 'someone else' WHERE seq = 1")
    db.close()
    verified = run_cli("--data-dir", data, "audit", "verify")
    assert verified.returncode == 1 and "entry 1 was changed" in verified.stdout


# --- an empty or damaged database is reported, never replaced (issue 13, items 6 and 9) ----------------
def _one_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip() and "keyring" not in line]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def _folder_state(data) -> dict:
    return {path.name: path.read_bytes() for path in sorted(data.iterdir()) if path.is_file()}


def test_an_empty_database_file_is_reported_not_taken_for_a_first_start(run_cli, filled):
    data = filled[0]
    (data / "consultaid.sqlite3").write_bytes(b"")  # the records are gone: a 0-byte file is left
    for path in data.glob("consultaid.sqlite3-*"):
        path.unlink()
    before = _folder_state(data)
    for command in (("records", "list"), ("records", "list", "--json"), ("records", "check"), ("audit", "verify")):
        result = run_cli("--data-dir", data, *command)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert "empty" in _one_line(result), result.stderr
        assert result.stdout == ""
    assert _folder_state(data) == before, "nothing was created, moved or replaced"


def _truncated(data):
    """A real store whose file lost its last bytes (no longer whole pages): damaged."""
    path = data / "consultaid.sqlite3"
    Store(data).close()  # checkpointed: everything is in the main file
    path.write_bytes(path.read_bytes()[:-100])
    return path


def test_a_damaged_database_is_reported_and_left_as_it_is_by_every_read(run_cli, filled):
    data = filled[0]
    _truncated(data)
    before = _folder_state(data)
    for command in (("records", "list"), ("records", "show", filled[3]), ("records", "check"), ("audit", "verify"),
                    ("records", "list")):
        result = run_cli("--data-dir", data, *command)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert "damaged" in _one_line(result) and "records reset" in result.stderr
    assert _folder_state(data) == before, "a read never moves or replaces the database"


def test_records_reset_sets_a_damaged_database_aside_only_when_asked(run_cli, filled):
    data = filled[0]
    damaged = _truncated(data).read_bytes()
    refused = run_cli("--data-dir", data, "records", "reset")
    assert refused.returncode == 2 and "--i-understand" in refused.stderr
    assert (data / "consultaid.sqlite3").read_bytes() == damaged
    reset = run_cli("--data-dir", data, "records", "reset", "--i-understand")
    assert reset.returncode == 0, reset.stderr
    [kept] = [path for path in data.iterdir() if ".damaged-" in path.name and path.name.endswith(".sqlite3")]
    assert kept.read_bytes() == damaged and kept.name in reset.stderr
    assert [path.name for path in data.iterdir() if path.name.startswith("audit-head.damaged-")]
    fresh = run_cli("--data-dir", data, "records", "list")
    assert fresh.returncode == 0 and "0 consultation" in fresh.stderr
    verified = run_cli("--data-dir", data, "audit", "verify")  # the new trail, its first entry the reset
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_records_reset_leaves_a_sound_database_alone(run_cli, filled):
    data = filled[0]
    before = (data / "consultaid.sqlite3").read_bytes()
    result = run_cli("--data-dir", data, "records", "reset", "--i-understand")
    assert result.returncode == 1 and "not damaged" in _one_line(result)
    assert (data / "consultaid.sqlite3").read_bytes() == before


def test_show_and_export_of_a_damaged_page_say_so_in_one_line(run_cli, tmp_path):
    from consultaid.report import render_summary

    data = tmp_path / "records"
    record = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    pdf = render_summary(record)
    store = Store(data)
    ids = [store.finalize({**record, "id": f"c-{number}"}, pdf + bytes(number)) for number in range(12)]
    store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    path = data / "consultaid.sqlite3"
    content = bytearray(path.read_bytes())
    content[-700] ^= 0x55  # one byte of the last page: the last record's PDF
    path.write_bytes(bytes(content))
    shown = run_cli("--data-dir", data, "records", "show", ids[-1])
    assert shown.returncode == 1 and "damaged" in _one_line(shown)
    exported = run_cli("--data-dir", data, "records", "export", ids[-1], "-o", tmp_path / "copy.pdf")
    assert exported.returncode == 1 and "damaged" in _one_line(exported)
    assert not (tmp_path / "copy.pdf").exists()
    assert run_cli("--data-dir", data, "records", "show", ids[0]).returncode == 0  # the sound ones still read
