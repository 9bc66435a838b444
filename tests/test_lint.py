"""The checks CI runs before the tests pass (.ci/lint: ruff, mypy --strict on the Qt-free modules,
import-linter's contracts), and the README's test command runs them first (design section 7: the
layering is checked, not hoped)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_lint_step_passes():
    # The tools of the environment running these tests (the `test` extras), as dev.sh's .venv provides them.
    environment = dict(os.environ, CONSULTAID_VENV=str(Path(sys.executable).parent.parent))
    result = subprocess.run(["bash", str(REPO / ".ci" / "lint")], capture_output=True, text=True, timeout=900,
                            cwd=REPO, env=environment)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "lint: ruff, mypy and import-linter passed" in result.stdout


def test_the_test_command_runs_the_lint_step_before_pytest():
    script = (REPO / "packaging" / "dev.sh").read_text(encoding="utf-8")
    branch = re.search(r"^  test\)\n(.*?)^    ;;", script, re.MULTILINE | re.DOTALL)
    assert branch is not None, "packaging/dev.sh has no `test)` branch"
    lines = [line.strip() for line in branch.group(1).splitlines() if line.strip() and not line.strip().startswith("#")]
    lint = lines.index("bash .ci/lint")   # under `set -e`: a failed check ends the run with its status
    assert lint < next(index for index, line in enumerate(lines) if "-m pytest" in line)
    assert "set -euo pipefail" in script
    assert "dev.sh test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
