"""veraPDF, the reference PDF/A and PDF/UA validator, as a test peer: its command-line application is
fetched from Maven Central (tests/peers/verapdf-pom.xml, pinned) into a cache folder outside the repository,
$CONSULTAID_TEST_PEERS/verapdf or ~/.cache/consultaid-test-peers/verapdf of the real user, on first use.
`bash packaging/dev.sh test` installs it the same way before the suite runs."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

from tests.peers.node_peers import cache_dir

POM = Path(__file__).resolve().parent / "verapdf-pom.xml"
MAIN_CLASS = "org.verapdf.apps.GreenfieldCliWrapper"
PDFA_3B, PDFUA_1 = "3b", "ua1"


def folder() -> Path:
    return cache_dir() / "verapdf"


def installed() -> bool:
    # The pom is copied next to the jars: a changed pin (new version) installs again.
    copied = folder() / "pom.xml"
    return (copied.is_file() and copied.read_bytes() == POM.read_bytes()
            and any((folder() / "lib").glob("greenfield-apps-*.jar")))


def ensure_installed() -> str:
    """Fetches the jars when missing; returns "" when ready, else why veraPDF cannot be run."""
    if not shutil.which("java") or not shutil.which("mvn"):
        return "Java and Maven are needed: run `bash packaging/dev.sh test`, which installs them"
    if installed():
        return ""
    target = folder()
    shutil.rmtree(target / "lib", ignore_errors=True)
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mvn", "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
                             f"-DoutputDirectory={target / 'lib'}"],
                            capture_output=True, text=True, timeout=900, check=False)
    if result.returncode != 0:
        return f"veraPDF could not be fetched: {(result.stdout + result.stderr).strip().splitlines()[-1:]}"
    shutil.copyfile(POM, target / "pom.xml")
    return ""


@dataclass
class Report:
    """One file's result under one profile, read from veraPDF's machine-readable report."""
    profile: str
    compliant: bool
    passed_rules: int
    failed_rules: int
    failed_checks: int
    # "clause-test: description (n checks)" for each failed rule.
    failures: list[str] = field(default_factory=list)

    def summary_line(self, name: str) -> str:
        verdict = "PASS" if self.compliant else "FAIL"
        return (f"{verdict} {name} [{self.profile}]: {self.passed_rules} rules passed, "
                f"{self.failed_rules} failed ({self.failed_checks} failed checks)")


def validate(pdfs: list[Path], profile: str) -> dict[Path, Report]:
    """Runs veraPDF once over `pdfs` with `profile` (PDFA_3B or PDFUA_1)."""
    classpath = str(folder() / "lib" / "*")
    result = subprocess.run(["java", "-cp", classpath, MAIN_CLASS, "-f", profile, "--format", "mrr",
                             *map(str, pdfs)], capture_output=True, text=True, timeout=600, check=False)
    root = ElementTree.fromstring(result.stdout[result.stdout.index("<?xml"):])
    reports: dict[Path, Report] = {}
    for job in root.iter("job"):
        item = job.find("item/name")
        report = job.find("validationReport")
        if item is None or report is None:
            raise RuntimeError(f"veraPDF could not validate a file: {ElementTree.tostring(job)[:500]!r}")
        details = report.find("details")
        failures = [f"{rule.get('clause')}-{rule.get('testNumber')}: {rule.findtext('description', '').strip()} "
                    f"({rule.get('failedChecks')} checks)" for rule in details.iter("rule")
                    if rule.get("status") == "failed"]
        reports[Path(item.text)] = Report(report.get("profileName"), report.get("isCompliant") == "true",
                                          int(details.get("passedRules")), int(details.get("failedRules")),
                                          int(details.get("failedChecks")), failures)
    return reports
