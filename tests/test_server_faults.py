"""The clinic server killed (SIGKILL of the postmaster) at random moments while a workstation autosaves and
finalizes: every acknowledged save is kept (on the server, or in the local queue until it is back), the
queued work arrives exactly once after the restart, and the clinic's audit chain verifies. Also a full
disk on the server (a small tmpfs tablespace). Against a PostgreSQL cluster of the test's own."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import threading
import time

import psycopg
import pytest

from consultaid.server import clinic_store
from consultaid.server.clinic_store import ClinicStore
from tests.pg_own_server import own_server  # noqa: F401 (fixture)
from tests.test_pg_store import record

CI_ROUNDS = 20
SLOW_ROUNDS = 200


@pytest.fixture(autouse=True)
def retry_at_once(monkeypatch):
    monkeypatch.setattr(clinic_store, "RETRY_SECONDS", 0.0)


def _kill_rounds(server, folder, rounds: int, seed: int) -> dict:
    """Each round: a burst of autosaves and finalizes, the postmaster SIGKILLed after a random delay in the
    middle of it, more work while it is down, then a restart and the queue sent. Checks after each round."""
    rng = random.Random(seed)
    store = ClinicStore(server.app_url, folder, actor="dr-fault", server_name="clinic", workstation="room-1")
    acknowledged_records: list[str] = []
    acknowledged_prints: list[str] = []
    last_draft: dict[str, str] = {}
    queued_at_restart = []
    try:
        for round_number in range(rounds):
            killer = threading.Timer(rng.uniform(0.0, 0.25), server.kill)
            killer.start()
            for step in range(rng.randint(8, 20)):
                consultation = f"r{round_number}-c{step // 4}"
                notes = f"round {round_number} keystroke {step}"
                store.save_draft(record(consultation, notes=notes))   # returned: acknowledged
                last_draft[consultation] = notes
                if step % 4 == 3:
                    store.finalize(record(consultation, notes=notes), f"%PDF {consultation}".encode())
                    acknowledged_records.append(consultation)
                    last_draft.pop(consultation)
                    store.log("print", f"{consultation} v1")   # an entry alone: its answer may be lost too
                    acknowledged_prints.append(f"{consultation} v1")
            killer.join()
            time.sleep(0.05)
            queued_at_restart.append(len(store.local.queued()))
            server.start()
            assert store.check(), store.offline_reason
            assert store.local.queued() == [], f"round {round_number}: not everything arrived"
        with psycopg.connect(server.admin_db_url, autocommit=True) as admin:
            held = admin.execute("SELECT consultation_id, count(*) FROM records GROUP BY consultation_id").fetchall()
            drafts = dict(admin.execute("SELECT consultation_id, record_json FROM drafts").fetchall())
            prints = [row[0] for row in admin.execute("SELECT subject FROM audit WHERE action = 'print'")]
        counts = dict(held)
        assert sorted(counts) == sorted(acknowledged_records), "a record was lost or invented"
        assert set(counts.values()) == {1}, "a record arrived twice"
        assert sorted(prints) == sorted(acknowledged_prints), "an audit entry was lost or arrived twice"
        for consultation, notes in last_draft.items():
            assert f'"notes":"{notes}"' in drafts[consultation], f"the last save of {consultation} was lost"
        assert store.verify_audit() == []
    finally:
        store.close()
    return {"records": len(acknowledged_records), "queued": queued_at_restart}


def test_the_server_killed_during_autosave_and_finalize_loses_nothing_and_doubles_nothing(own_server, tmp_path):
    outcome = _kill_rounds(own_server, tmp_path / "room-1", CI_ROUNDS, seed=20261204)
    assert outcome["records"] > CI_ROUNDS
    assert any(outcome["queued"]), "no kill landed while the workstation was writing"


@pytest.mark.slow
def test_the_server_killed_200_times(own_server, tmp_path):
    outcome = _kill_rounds(own_server, tmp_path / "room-1", SLOW_ROUNDS, seed=200)
    assert any(outcome["queued"])


def test_a_full_server_disk_queues_locally_and_arrives_once_space_is_back(own_server, tmp_path):
    """The records table on a 1 MB tmpfs tablespace: once it is full, finalizing goes to the local queue."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    space = own_server.folder / "small-disk"   # a folder the server user can reach
    space.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(space)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"no tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        shutil.chown(space, "postgres", "postgres")
        with psycopg.connect(own_server.admin_db_url, autocommit=True) as admin:
            admin.execute(f"CREATE TABLESPACE small LOCATION '{space}'")
            admin.execute("ALTER TABLE records SET TABLESPACE small")
            admin.execute("ALTER TABLE records ALTER COLUMN pdf SET STORAGE EXTERNAL")
        store = ClinicStore(own_server.app_url, tmp_path / "room-1", actor="dr-full", server_name="clinic",
                            workstation="room-1")
        try:
            stored = []
            for number in range(40):   # 40 × 64 KiB PDFs: more than the 1 MB disk holds
                pdf = b"%PDF " + os.urandom(64 * 1024)
                store.finalize(record(f"full-{number}"), pdf)
                stored.append(f"full-{number}")
            assert not store.online and "full" in store.offline_reason
            where = store.whereabouts()
            assert where.waiting >= 1 and where.problem == "disk_full"
            from consultaid.ui.widgets.records_place import describe

            assert describe(store)[0].startswith("\u26a0 The clinic server clinic cannot store: its disk is full")
            with psycopg.connect(own_server.admin_db_url, autocommit=True) as admin:
                admin.execute("ALTER TABLE records SET TABLESPACE pg_default")   # IT frees space
            assert store.check()
            assert store.local.queued() == []
            with psycopg.connect(own_server.admin_db_url, autocommit=True) as admin:
                held = [row[0] for row in admin.execute("SELECT consultation_id FROM records ORDER BY id")]
            assert sorted(held) == sorted(stored)
            assert store.verify_audit() == []
        finally:
            store.close()
    finally:
        with psycopg.connect(own_server.admin_db_url, autocommit=True) as admin:
            admin.execute("ALTER TABLE records SET TABLESPACE pg_default")
            admin.execute("DROP TABLESPACE IF EXISTS small")
        subprocess.run(["umount", str(space)], capture_output=True)
