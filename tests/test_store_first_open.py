"""Two programs opening a new data folder at the same moment: the app and `consultaid outbox send --loop` run
as a service start together on a fresh workstation. Each used to make its own key and database, and one of
them failed ("cannot be written to", or a key that does not open the other's database)."""

from __future__ import annotations

import subprocess
import sys
import time

OPEN_AND_WRITE = """
import sys, time
from pathlib import Path
from consultaid.consultation.store import open_store
folder, start, name = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
while time.time() < start:
    pass
store = open_store(folder, name)
store.log("print", "who " + name)
store.close()
print("opened", name)
"""


def test_programs_opening_a_new_folder_together_all_open_the_same_database(tmp_path):
    for round_ in range(6):
        folder = tmp_path / f"data-{round_}"
        start = time.time() + 1.5   # every process imported and spinning when the moment comes
        programs = [subprocess.Popen([sys.executable, "-c", OPEN_AND_WRITE, str(folder), str(start), f"p{n}"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(4)]
        results = [program.communicate(timeout=120) + (program.returncode,) for program in programs]
        assert all(code == 0 for _out, _err, code in results), [err[-600:] for _out, err, _code in results]
        from consultaid.consultation.store import open_store

        store = open_store(folder, "check")
        try:
            subjects = [subject for (subject,) in store.connection.execute(
                "SELECT subject FROM audit WHERE action = 'print'")]
            assert sorted(subjects) == ["who p0", "who p1", "who p2", "who p3"]
            assert store.verify_audit() == []
        finally:
            store.close()
