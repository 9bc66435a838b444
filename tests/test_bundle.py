"""The packaging: the Linux one-folder build with its frozen self-test (slow), and what can be checked
of the desktop entry, the AppStream metadata and the Windows installer script without building."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from consultaid import __version__

REPO = Path(__file__).resolve().parent.parent
PACKAGING = REPO / "packaging"
BUNDLE = REPO / "dist" / "ConsultAid"


@pytest.mark.slow
def test_build_script_makes_a_bundle_whose_frozen_self_test_passes_without_python():
    result = subprocess.run(["bash", str(PACKAGING / "build-linux.sh")], cwd=REPO, capture_output=True,
                            text=True, timeout=3600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    assert "FROZEN SELF-TEST PASSED" in result.stdout
    assert re.search(rf"ConsultAid {re.escape(__version__)} self-test: 3 packs, summary \d+ pages, "
                     r"seal verified, window ok", result.stdout)
    assert "no Python file opened outside the bundle" in result.stderr or "strace not installed" in result.stderr
    tarball = REPO / "dist" / f"ConsultAid-{__version__}-linux-x86_64.tar.gz"
    assert tarball.is_file()
    print(result.stdout)


def test_desktop_entry_names_the_command_and_the_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(PACKAGING / "linux" / "consultaid.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"].split()[0] == "consultaid"
    assert section["Icon"] == "org.consultaid.ConsultAid"
    assert section["Name"] == "ConsultAid"
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(PACKAGING / "linux" / "consultaid.desktop")],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_metainfo_matches_the_desktop_entry_and_the_version():
    metainfo = PACKAGING / "linux" / "org.consultaid.ConsultAid.metainfo.xml"
    root = ElementTree.parse(metainfo).getroot()
    assert root.findtext("id") == "org.consultaid.ConsultAid"
    assert root.findtext("launchable") == "org.consultaid.ConsultAid.desktop"
    assert __version__ in [release.get("version") for release in root.iter("release")]
    if shutil.which("appstreamcli"):
        check = subprocess.run(["appstreamcli", "validate", "--no-net", str(metainfo)], capture_output=True,
                               text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_icon_is_an_svg():
    root = ElementTree.parse(PACKAGING / "linux" / "consultaid.svg").getroot()
    assert root.tag.endswith("svg")


def inno_sources(script: Path) -> list[str]:
    """The Source: paths of the [Files] section, with {#BundleDir} expanded from its #define."""
    text = script.read_text(encoding="utf-8")
    defines = dict(re.findall(r'^#define\s+(\w+)\s+"([^"]*)"', text, re.MULTILINE))
    files = re.search(r"^\[Files\]\s*$(.*?)(?=^\[|\Z)", text, re.MULTILINE | re.DOTALL).group(1)
    sources = []
    for line in files.splitlines():
        if line.strip() and not line.lstrip().startswith(";"):
            source = re.search(r'Source:\s*"([^"]+)"', line).group(1)
            sources.append(re.sub(r"\{#(\w+)\}", lambda match: defines[match.group(1)], source))
    return sources


def test_inno_setup_script_is_per_machine_with_start_menu_and_uninstaller():
    text = (PACKAGING / "windows" / "consultaid.iss").read_text(encoding="utf-8")
    sections = re.findall(r"^\[(\w+)\]", text, re.MULTILINE)
    assert {"Setup", "Files", "Icons"} <= set(sections)
    assert re.search(r"^PrivilegesRequired=admin$", text, re.MULTILINE)
    assert re.search(r"^DefaultDirName=\{autopf\}", text, re.MULTILINE)
    assert re.search(r'^Name: "\{autoprograms\}', text, re.MULTILINE)
    assert "Uninstallable=no" not in text  # Inno Setup makes an uninstaller unless told not to
    assert re.search(r'^\s*#define AppVersion "' + re.escape(__version__) + '"', text, re.MULTILINE)


def test_every_source_of_the_inno_setup_script_exists_in_the_built_bundle():
    if not (BUNDLE / "_internal").is_dir():
        pytest.skip("no bundle built: run bash packaging/build-linux.sh first")
    script = PACKAGING / "windows" / "consultaid.iss"
    for source in inno_sources(script):
        relative = source.replace("\\", "/")
        # The Linux build has the same layout; only the executable has no .exe suffix there.
        relative = re.sub(r"consultaid\.exe$", "consultaid", relative)
        path = (script.parent / relative).resolve()
        if "*" in path.name:
            assert any(path.parent.glob(path.name)), source
        else:
            assert path.exists(), source
