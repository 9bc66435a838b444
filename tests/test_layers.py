"""The domain stays Qt-free, and commands run without a display."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import CONTENT, REPO

QT_FREE_PACKAGES = ("content", "consultation", "charts", "report")
QT_IMPORT = re.compile(r"^\s*(from|import)\s+(PySide6|shiboken6)\b", re.MULTILINE)


def test_no_qt_import_in_the_domain_packages():
    offenders = [str(path.relative_to(REPO))
                 for package in QT_FREE_PACKAGES if (REPO / "consultaid" / package).is_dir()
                 for path in (REPO / "consultaid" / package).rglob("*.py")
                 if QT_IMPORT.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_validating_content_loads_no_qt_module():
    code = (
        "import sys\n"
        "from consultaid.cli import main\n"
        f"status = main(['validate', {str(CONTENT)!r}])\n"
        "loaded = [name for name in sys.modules if name.startswith(('PySide6', 'shiboken6'))]\n"
        "print(status, loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"})
    assert result.stdout.strip() == "0 []", result.stderr


def test_version_and_help_work_without_a_display(run_cli):
    from consultaid import __version__

    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"ConsultAid {__version__}"
    french_help = run_cli("--lang", "fr", "validate", "--help")
    assert french_help.returncode == 0
    assert "dossiers de contenu" in french_help.stdout
