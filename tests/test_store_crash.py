"""Fault injection: a process saving drafts is killed with SIGKILL at random moments; every save it
acknowledged must survive, and the database must stay sound. On this workstation's SQLite store and on
the clinic server (the workstation killed; the server itself killed is in test_server_faults.py)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from consultaid.consultation.store import Store
from tests.pg_fixtures import migrated, pg_database, pg_roles, pg_server  # noqa: F401 (fixtures)

WRITER = Path(__file__).with_name("store_writer.py")


def _open(target):
    if isinstance(target, str):
        from consultaid.server.pg_store import PgStore

        return PgStore(target, workstation="room-fault")
    return Store(target)


def kill_while_saving(data_dir: Path | str, rounds: int, seed: int) -> list[int]:
    """Runs `rounds` kill cycles; returns the last acknowledged revision of each. `data_dir`: a data folder
    or the clinic server's URL."""
    rng = random.Random(seed)
    acknowledged = 0
    history = []
    for _round in range(rounds):
        writer = subprocess.Popen([sys.executable, str(WRITER), str(data_dir), "draft-1"], stdout=subprocess.PIPE,
                                  text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        first = writer.stdout.readline()  # wait until it is really saving, then kill at a random moment
        assert first.startswith("ack"), first
        time.sleep(rng.uniform(0, 0.03))
        writer.send_signal(signal.SIGKILL)
        output = first + writer.stdout.read()
        writer.wait()
        acks = [int(line.split()[1]) for line in output.splitlines() if line.startswith("ack ")]
        acknowledged = max([acknowledged, *acks])
        store = _open(data_dir)
        try:
            if isinstance(store, Store):
                assert store.integrity_problems() == []
            draft = store.drafts()[0]
            assert draft.revision >= acknowledged, (draft.revision, acknowledged)
            assert store.load_draft("draft-1")["setup"]["patient"]["name"] == "Zoë Fault"
            assert store.verify_audit() == []
        finally:
            store.close()
        history.append(acknowledged)
    return history


def test_two_hundred_kills_lose_no_acknowledged_save(tmp_path):
    history = kill_while_saving(tmp_path / "data", rounds=200, seed=7)
    assert len(history) == 200 and history[-1] > 200  # it really saved between kills


@pytest.mark.slow
def test_a_thousand_kills_lose_no_acknowledged_save(tmp_path):
    history = kill_while_saving(tmp_path / "data", rounds=1000, seed=11)
    assert len(history) == 1000


def test_a_workstation_killed_while_saving_to_the_server_loses_no_acknowledged_save(migrated):
    history = kill_while_saving(migrated["app"], rounds=40, seed=14)
    assert len(history) == 40 and history[-1] > 40


@pytest.mark.slow
def test_two_hundred_kills_of_a_workstation_saving_to_the_server(migrated):
    history = kill_while_saving(migrated["app"], rounds=200, seed=15)
    assert len(history) == 200
