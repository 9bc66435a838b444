"""Data at rest: the database (with its WAL), drafts and stored PDFs are encrypted; the key lives in the
keyring or an owner-only file elsewhere; a wrong or missing key is said plainly and changes nothing; an
unencrypted database from an earlier version is converted without losing anything."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import tempfile
from pathlib import Path

import pytest

from consultaid.consultation import keystore
from consultaid.consultation.store import (
    DATABASE_NAME,
    FIRST_OPEN_LOCK,
    MIGRATIONS,
    PLAIN_HEADER,
    Store,
    StoreError,
    entry_hash,
    open_connection,
    open_store,
)

MARKER = "Zyxmarqué Ωmega-7f3c"
# Pieces of the marker searched for in every encoding and case: any one of them found is a leak. ASCII
# pieces also catch JSON written with \u escapes around the non-ASCII letters.
PIECES = ["yxmarqu", "mega-7f3c", "zyxmarqué", "ωmega"]


def leaks(roots: list[Path]) -> list[str]:
    """Every file under `roots` that holds a piece of the marker (UTF-8, UTF-16 either way, any case)."""
    needles = set()
    for piece in PIECES:
        for variant in {piece, piece.upper(), piece.casefold(), piece.title()}:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                needles.add(variant.encode(encoding))
    found = []
    for root in roots:
        for path in Path(root).rglob("*"):
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                folded = data.lower()
                if any(needle in data or needle.lower() in folded for needle in needles):
                    found.append(str(path))
    return found


@pytest.fixture
def private_places(tmp_path, monkeypatch):
    """This test's own config folder (where the key file goes) and temporary folder, to be scanned."""
    config = tmp_path / "config"
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("CONSULTAID_CONFIG_DIR", str(config))
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() looks at TMPDIR again
    assert tempfile.gettempdir() == str(temporary)
    return config, temporary


def patient_record(consultation_id="c-marker", **extra):
    base = {"id": consultation_id, "started_at": "2026-11-22T09:30:00+01:00",
            "finalized_at": "2026-11-22T10:05:00+01:00", "notes": f"Note about {MARKER}",
            "content": {"title": "Vertebroplasty"},
            "setup": {"patient": {"name": MARKER, "identifier": "IPP-" + MARKER, "date_of_birth": "1950-03-12"},
                      "procedure_id": "vertebroplasty"}}
    base.update(extra)
    return base


def pdf_with_marker() -> bytes:
    """A PDF whose bytes hold the marker as is, so a PDF stored unencrypted could not go unnoticed."""
    return (f"%PDF-1.7\n1 0 obj << /Title ({MARKER}) >> endobj\nBT ({MARKER}) Tj ET\n".encode()
            + MARKER.encode("utf-16-le") + b"\n%%EOF\n")


def _print_and_see_the_temporary_folder(tmp_path, pdf: bytes, temporary: Path) -> str:
    """Prints through the real consultaid.printing with `lp` replaced by a script that lists the
    temporary folder while it runs (when a copy of the PDF would be waiting there) and keeps the PDF it
    is given as the printed "paper", outside the scanned folders."""
    import os

    from consultaid import printing

    tools = tmp_path / "print-tools"
    tools.mkdir()
    (tools / "lpstat").write_text('#!/bin/sh\ncase "$1" in -e) echo Office ;; -d) echo "system default '
                                  'destination: Office" ;; -r) echo "scheduler is running" ;; esac\n')
    (tools / "lp").write_text('#!/bin/sh\nls -A "$TMPDIR" > "$SEEN"\ncat > "$PAPER"\n'
                              'echo "request id is Office-1 (1 file(s))"\n')
    for tool in tools.iterdir():
        tool.chmod(0o755)
    paper, seen = tmp_path / "paper.pdf", tmp_path / "seen-while-printing.txt"
    environment = {"PATH": f"{tools}:{os.environ['PATH']}", "PAPER": str(paper), "SEEN": str(seen)}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        assert printing.print_pdf(pdf, "Office") == "Office-1"
    assert paper.read_bytes() == pdf
    return seen.read_text(encoding="utf-8").strip()


def test_a_patient_marker_is_in_no_file_and_no_temporary_file(private_places, tmp_path, run_cli):
    config, temporary = private_places
    data = tmp_path / "data"
    store = open_store(data, actor="dr-test")
    for revision in range(5):
        store.save_draft(patient_record(notes=f"{MARKER} draft {revision}"))
    store.set_draft_aside("c-marker")
    store.resume_draft("c-marker")
    first = store.finalize(patient_record(), pdf_with_marker())
    store.finalize(patient_record(notes="corrected " + MARKER), pdf_with_marker() + b"v2", supersedes=first)
    assert _print_and_see_the_temporary_folder(tmp_path, pdf_with_marker(), temporary) == ""
    store.log("print", f"c-marker v{first}")
    assert [row.patient_name for row in store.search(MARKER[:6])] == [MARKER, MARKER]
    # Scanned while open too: the WAL holds the latest pages, encrypted like the rest.
    assert Path(f"{data / DATABASE_NAME}-wal").exists()
    assert leaks([data, config, temporary]) == []
    store.close()

    # The command line reads the same records (and writes no temporary copy of them).
    listed = run_cli("--data-dir", data, "records", "list", "--json")
    assert listed.returncode == 0 and MARKER in listed.stdout
    assert run_cli("--data-dir", data, "records", "show", first).returncode == 0
    assert run_cli("--data-dir", data, "audit", "verify").returncode == 0

    assert leaks([data, config, temporary]) == []
    assert not (data / DATABASE_NAME).read_bytes().startswith(b"SQLite format 3")
    # The scan can fail: the marker is in the data once decrypted, and a file holding it is found.
    decrypted = open_connection(data)
    assert decrypted.execute("SELECT count(*) FROM records WHERE patient_name = ?", (MARKER,)).fetchone() == (2,)
    decrypted.close()
    (temporary / "plain.json").write_text(json.dumps({"name": MARKER}), encoding="utf-8")
    assert leaks([temporary]) == [str(temporary / "plain.json")]


def test_a_gui_consultation_leaves_no_readable_patient_data(private_places, main, qtbot, own_data_dir, tmp_path):
    from PySide6.QtCore import Qt

    from tests.conftest import type_text
    from tests.test_consultation_flow import sign_and_finalize, walk_procedure_step, walk_risks_step

    config, temporary = private_places
    qtbot.mouseClick(main.start_button, Qt.MouseButton.LeftButton)
    dialog = main.start_dialog
    dialog.surgeon_name.clear()
    type_text(dialog.surgeon_name, "Dr Émile Roux")
    type_text(dialog.patient_name, MARKER)
    qtbot.keyClicks(dialog.date_of_birth.edit, "12/03/1950")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    view = main.consultation_view
    assert view is not None and view.consultation.to_record()["setup"]["patient"]["name"] == MARKER
    walk_procedure_step(view, qtbot)
    walk_risks_step(view, qtbot)
    qtbot.waitUntil(lambda: any(d.patient_name == MARKER for d in main.store.drafts()))  # autosaved
    assert leaks([own_data_dir, config, temporary]) == []
    chosen = tmp_path / "chosen-by-the-user" / "summary.pdf"   # an export the user asks for is theirs
    chosen.parent.mkdir()
    view.navigator.buttons["review"].click()
    sign_and_finalize(view, qtbot, chosen)
    assert main.store.search(MARKER[:6])
    assert leaks([own_data_dir, config, temporary]) == []
    assert not (own_data_dir / DATABASE_NAME).read_bytes().startswith(PLAIN_HEADER)


def test_sqlite_keeps_its_temporary_data_in_memory(tmp_path):
    store = Store(tmp_path / "data")
    assert store.connection.execute("PRAGMA temp_store").fetchone() == (2,)   # MEMORY
    assert store.connection.execute("PRAGMA cipher_version").fetchone()[0]    # SQLCipher, not plain SQLite
    store.close()


# --- the key ------------------------------------------------------------------------------------------
def test_without_a_keyring_the_key_is_an_owner_only_file_outside_the_data_and_a_warning(private_places,
                                                                                        tmp_path, run_cli):
    config, _temporary = private_places
    data = tmp_path / "data"
    store = Store(data)
    key_file = keystore.key_file_path(data)
    assert store.key.place == "file" and store.key.file == key_file and key_file.is_relative_to(config)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert "No system keyring" in store.key_warning and str(key_file) in store.key_warning
    assert not any(store.key.hex in p.read_bytes().hex() + p.read_text(errors="replace")
                   for p in data.iterdir() if p.is_file())
    store.close()
    listed = run_cli("--data-dir", data, "records", "list", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []
    assert "No system keyring" in listed.stderr and str(key_file) in listed.stderr


def test_the_gui_says_once_that_the_key_is_in_a_file(main):
    assert "No system keyring" in main.statusBar().currentMessage()
    assert str(main.store.key.file) in main.statusBar().toolTip()


class MemoryKeyring:
    """A keyring that lives in this process only: the tests never reach the real OS keyring."""

    def __new__(cls):
        from keyring.backend import KeyringBackend

        class Backend(KeyringBackend):
            priority = 1

            def __init__(self):
                super().__init__()
                self.secrets = {}

            def get_password(self, service, username):
                return self.secrets.get((service, username))

            def set_password(self, service, username, password):
                self.secrets[(service, username)] = password

            def delete_password(self, service, username):
                del self.secrets[(service, username)]

        return Backend()


@pytest.fixture
def memory_keyring():
    import keyring

    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def test_with_a_keyring_the_key_is_kept_there_and_in_no_file(memory_keyring, private_places, tmp_path):
    config, _temporary = private_places
    data = tmp_path / "data"
    store = Store(data)
    store.save_draft(patient_record())
    store.close()
    assert store.key.place == "keyring" and store.key_warning is None
    assert memory_keyring.secrets == {("ConsultAid", keystore.account_name(data)): store.key.hex}
    assert not config.exists() or not any(config.rglob("*.key"))
    reopened = open_store(data)
    assert reopened.load_draft("c-marker")["setup"]["patient"]["name"] == MARKER
    reopened.close()
    # The keyring entry gone (a new user profile, a reset keychain): said, and the file is left alone.
    before = (data / DATABASE_NAME).read_bytes()
    memory_keyring.secrets.clear()
    with pytest.raises(StoreError) as raised:
        open_store(data)
    assert raised.value.kind == "key" and "found neither in the system keyring" in str(raised.value)
    assert (data / DATABASE_NAME).read_bytes() == before and not memory_keyring.secrets


def test_the_key_file_can_be_chosen_over_a_keyring(memory_keyring, private_places, tmp_path, monkeypatch):
    monkeypatch.setenv("CONSULTAID_KEY_STORE", "file")
    store = Store(tmp_path / "data")
    assert store.key.place == "file" and memory_keyring.secrets == {}
    store.close()


# --- wrong or missing key: a clear error, and the database untouched ------------------------------------
def fingerprint(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def closed_store(private_places, tmp_path):
    data = tmp_path / "data"
    store = open_store(data)
    store.save_draft(patient_record())
    store.finalize(patient_record("c-2"), pdf_with_marker())
    store.close()
    return data, keystore.key_file_path(data)


def test_a_wrong_key_fails_cleanly_and_changes_nothing(closed_store, run_cli, qtbot):
    data, key_file = closed_store
    right = key_file.read_text()
    key_file.write_text(f"# another machine's key\n{'5a' * 32}\n")
    before = fingerprint(data)
    with pytest.raises(StoreError) as raised:
        open_store(data)
    assert raised.value.kind == "key"
    assert "cannot be opened with the key found in" in str(raised.value) and str(key_file) in str(raised.value)
    assert fingerprint(data) == before   # not moved aside as "damaged", not replaced by an empty database
    listed = run_cli("--data-dir", data, "records", "list")
    assert listed.returncode == 1 and "cannot be opened with the key" in listed.stderr
    assert "Traceback" not in listed.stderr and "ERROR CORE" not in listed.stderr
    french = run_cli("--lang", "fr", "--data-dir", data, "records", "list")
    assert french.returncode == 1 and "clé" in french.stderr
    # The app starts, says why it cannot keep records, and does not start an empty database.
    from consultaid.ui.app import create_main_window
    from tests.conftest import CONTENT

    window = create_main_window(CONTENT, data)
    qtbot.addWidget(window)
    assert window.store is None and "cannot be opened with the key" in window.statusBar().currentMessage()
    assert fingerprint(data) == before
    key_file.write_text(right)   # the right key back: everything is there
    store = open_store(data)
    assert store.load_draft("c-marker")["notes"] == f"Note about {MARKER}" and len(store.search()) == 1
    store.close()


def test_a_missing_key_fails_cleanly_and_no_new_key_is_made(closed_store):
    data, key_file = closed_store
    right = key_file.read_text()
    key_file.unlink()
    before = fingerprint(data)
    with pytest.raises(StoreError) as raised:
        open_store(data)
    assert raised.value.kind == "key" and "found neither" in str(raised.value) and str(key_file) in str(raised.value)
    assert not key_file.exists() and fingerprint(data) == before
    key_file.write_text(right)
    store = open_store(data)
    assert len(store.search()) == 1
    store.close()


def test_an_unreadable_key_file_is_said(closed_store):
    data, key_file = closed_store
    key_file.write_text("not a key\n")
    with pytest.raises(StoreError) as raised:
        open_store(data)
    assert raised.value.kind == "key" and "does not hold a key" in str(raised.value)


# --- a database from before encryption ------------------------------------------------------------------
def plain_database(data: Path) -> tuple[sqlite3.Connection, Path]:
    """An unencrypted database as an earlier version wrote it (WAL mode), with a draft, a record and a
    valid audit chain; the returned connection is still open so the WAL holds the last changes."""
    data.mkdir(parents=True)
    db = sqlite3.connect(data / DATABASE_NAME, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    # The migrations of the last version without encryption (migration 5 came later and needs the store's
    # own name-folding function: opening the converted database applies it).
    for number, script in enumerate(MIGRATIONS[:4], start=1):
        for statement in script.split(";\n"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {number}")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA wal_autocheckpoint = 0")   # what follows stays in the WAL, as after a crash
    record = patient_record()
    db.execute("INSERT INTO drafts VALUES ('d-1', ?, 'vertebroplasty', '2026-11-22', '2026-11-22', 3, 'open', ?)",
               (MARKER, json.dumps(patient_record("d-1"), ensure_ascii=False)))
    db.execute("INSERT INTO records (consultation_id, version, patient_name, patient_name_key, patient_identifier,"
               " procedure_id, consultation_date, finalized_at, record_json, pdf, pdf_sha256)"
               " VALUES ('c-marker', 1, ?, ?, 'IPP-1', 'vertebroplasty', '2026-11-22', 'x', ?, ?, ?)",
               (MARKER, MARKER.casefold(), json.dumps(record, ensure_ascii=False), pdf_with_marker(),
                hashlib.sha256(pdf_with_marker()).hexdigest()))
    previous = "0" * 64
    for seq, action in enumerate(["create", "finalize"], start=1):
        at = f"2026-11-22T10:0{seq}:00+01:00"
        digest = entry_hash(previous, at, "dr-old", action, "c-marker")
        db.execute("INSERT INTO audit VALUES (?, ?, 'dr-old', ?, 'c-marker', ?, ?)",
                   (seq, at, action, previous, digest))
        previous = digest
    (data / "audit-head.txt").write_text(f"2 {previous}\n")
    return db, data / DATABASE_NAME


def test_an_unencrypted_database_is_converted_losing_nothing_and_leaving_no_plaintext(private_places, tmp_path):
    config, temporary = private_places
    source, path = plain_database(tmp_path / "old")
    # A copy of the files as a crash leaves them: the draft and the record are only in the WAL so far.
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    for suffix in ("", "-wal"):
        (data / (DATABASE_NAME + suffix)).write_bytes(Path(str(path) + suffix).read_bytes())
    (data / "audit-head.txt").write_bytes((tmp_path / "old" / "audit-head.txt").read_bytes())
    source.close()
    assert leaks([data])   # the marker is readable in the old files (else this test proves nothing)
    (data / (DATABASE_NAME + ".encrypting")).write_bytes(b"half of an earlier, interrupted attempt")

    store = open_store(data)
    assert store.load_draft("d-1")["setup"]["patient"]["name"] == MARKER
    [stored] = store.search(MARKER[:4])
    assert stored.patient_name == MARKER and store.record(stored.id)[1] == pdf_with_marker()
    assert store.verify_audit() == [] and store.integrity_problems() == []
    assert store.connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    store.save_draft(patient_record("after"))   # and it goes on working, triggers included
    with pytest.raises(Exception, match="cannot be changed"):
        store.connection.execute("UPDATE records SET patient_name = 'x'")
    store.close()
    # Besides the database and the audit head, only the empty lock file held while the database was made.
    assert sorted(p.name for p in data.iterdir()) == ["audit-head.txt", DATABASE_NAME, FIRST_OPEN_LOCK]
    assert (data / FIRST_OPEN_LOCK).stat().st_size == 0
    assert not (data / DATABASE_NAME).read_bytes().startswith(PLAIN_HEADER)
    assert stat.S_IMODE((data / DATABASE_NAME).stat().st_mode) == 0o600
    assert leaks([data, config, temporary]) == []


def test_a_converted_database_is_readable_only_with_its_key(private_places, tmp_path):
    source, path = plain_database(tmp_path / "data")
    source.close()
    Store(tmp_path / "data").close()
    plain = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        plain.execute("SELECT count(*) FROM records").fetchone()
    plain.close()
    assert os.stat(path).st_size % 4096 == 0


# --- a copy of the key, for backups ---------------------------------------------------------------------
def test_the_key_is_exported_for_backups_and_imported_to_restore(closed_store, run_cli, tmp_path):
    data, key_file = closed_store
    copy = tmp_path / "safe" / "consultaid.key"
    copy.parent.mkdir()
    exported = run_cli("--data-dir", data, "records", "key", "export", "-o", copy)
    assert exported.returncode == 0, exported.stderr
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600 and keystore.read_key_file(copy) in key_file.read_text()
    again = run_cli("--data-dir", data, "records", "key", "export", "-o", copy)   # never over a file
    assert again.returncode == 1 and "could not be kept" in again.stderr
    store = open_store(data)
    assert store.connection.execute("SELECT action FROM audit ORDER BY seq DESC LIMIT 1").fetchone() == ("key_export",)
    store.close()

    key_file.unlink()   # a new machine, a lost profile: the records cannot be opened…
    assert run_cli("--data-dir", data, "records", "list").returncode == 1
    wrong = tmp_path / "wrong.key"
    wrong.write_text("7e" * 32 + "\n")
    refused = run_cli("--data-dir", data, "records", "key", "import", wrong)
    assert refused.returncode == 1 and "does not open the records" in refused.stderr and not key_file.exists()
    imported = run_cli("--data-dir", data, "records", "key", "import", copy)   # …until the copy is imported
    assert imported.returncode == 0 and str(key_file) in imported.stderr
    listed = run_cli("--data-dir", data, "records", "list", "--json")
    assert listed.returncode == 0 and [row["patient_name"] for row in json.loads(listed.stdout)] == [MARKER]


def test_importing_a_key_sets_a_wrong_one_aside_and_reaches_the_keyring(closed_store, memory_keyring):
    data, key_file = closed_store
    right = keystore.read_key_file(key_file)
    key_file.write_text("6b" * 32 + "\n")
    kept = keystore.keep_key(data, right)
    assert kept.place == "keyring" and not key_file.exists()
    assert [p.name.split(".replaced-")[0] for p in key_file.parent.iterdir()] == [key_file.name]
    store = open_store(data)
    assert store.key.place == "keyring" and len(store.search()) == 1
    store.close()
