"""Four workstations at once on one clinic server: each saves drafts, finalizes and logs prints, in its own
process. The one audit chain must verify, with every entry exactly once and no record lost or doubled.

Run as a script, this file is one workstation: `python tests/test_pg_concurrency.py URL NAME COUNT`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import pytest

from tests.pg_fixtures import migrated, pg_database, pg_roles, pg_server  # noqa: F401 (fixtures)

REPO = Path(__file__).resolve().parent.parent
WORKSTATIONS = 4


def workstation(url: str, name: str, count: int) -> None:
    from consultaid.server.pg_store import PgStore

    store = PgStore(url, actor=f"dr-{name}", workstation=name)
    for number in range(count):
        consultation = {"id": f"{name}-{number}", "started_at": "2026-12-04T09:30:00+01:00",
                        "finalized_at": "2026-12-04T10:00:00+01:00",
                        "setup": {"patient": {"name": f"Hélène {name} {number}", "identifier": f"{name}-{number}"},
                                  "procedure_id": "vertebroplasty"}}
        store.save_draft(consultation)
        store.save_draft({**consultation, "notes": "discussed"})
        store.finalize(consultation, f"%PDF {name} {number}".encode())
        store.log("print", f"{name}-{number} v1")
    store.close()


def run_workstations(app_url: str, count: int) -> None:
    # This checkout first on the path: the workstations run this code and these tests, not an installed copy.
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO),
                                                                            os.environ.get("PYTHONPATH")]))}
    processes = [subprocess.Popen([sys.executable, __file__, app_url, f"room-{index}", str(count)], cwd=REPO,
                                  env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for index in range(WORKSTATIONS)]
    failures = []
    for process in processes:
        _out, err = process.communicate(timeout=1800)
        if process.returncode != 0:
            failures.append(err[-2000:])
    assert failures == []


def check_everything_arrived_once(migrated, count: int) -> None:
    from consultaid.server.pg_store import PgStore

    store = PgStore(migrated["app"], actor="checker", workstation="checker")
    try:
        assert store.verify_audit() == []
        db = store.connection
        expected_ids = {f"room-{index}-{number}" for index in range(WORKSTATIONS) for number in range(count)}
        rows = db.execute("SELECT consultation_id, version FROM records").fetchall()
        assert len(rows) == len(expected_ids) and {row[0] for row in rows} == expected_ids
        assert {row[1] for row in rows} == {1}
        assert db.execute("SELECT count(*) FROM drafts").fetchone() == (0,)
        entries = db.execute("SELECT seq, actor, action, subject FROM audit ORDER BY seq").fetchall()
        assert [entry[0] for entry in entries] == list(range(1, 3 * len(expected_ids) + 1))  # no gap, no double
        triples = [entry[1:] for entry in entries]
        assert len(set(triples)) == len(triples)
        # A finalize entry also carries the hash of the row it stored (consultation/audit.py): checked by
        # verify_audit above; here only which consultation and version it names.
        triples = [(actor, action, subject.split(" row-sha256=")[0] if action == "finalize" else subject)
                   for actor, action, subject in triples]
        for consultation_id in expected_ids:
            actor = "dr-" + consultation_id.rsplit("-", 1)[0]
            for action, subject in (("create", consultation_id), ("finalize", f"{consultation_id} v1"),
                                    ("print", f"{consultation_id} v1")):
                assert (actor, action, subject) in set(triples)
        # The workstations really ran at the same time: their entries are interleaved in the chain.
        actors = [entry[1] for entry in entries]
        assert sum(1 for a, b in pairwise(actors) if a != b) > WORKSTATIONS
    finally:
        store.close()


def test_four_workstations_finalizing_and_auditing_at_once(migrated):
    started = time.monotonic()
    run_workstations(migrated["app"], 100)
    check_everything_arrived_once(migrated, 100)
    print(f"4 × 100 consultations in {time.monotonic() - started:.1f} s")


@pytest.mark.slow
def test_four_workstations_500_consultations_each(migrated):
    run_workstations(migrated["app"], 500)
    check_everything_arrived_once(migrated, 500)


if __name__ == "__main__":
    workstation(sys.argv[1], sys.argv[2], int(sys.argv[3]))
