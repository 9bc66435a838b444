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
