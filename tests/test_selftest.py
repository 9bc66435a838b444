"""`consultaid --self-test` run for real, as clinic IT would run it after installing."""

from __future__ import annotations

import shutil
import subprocess
import sys

from consultaid import __version__


def run_self_test(*arguments, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "consultaid", *map(str, arguments), "--self-test"],
                          capture_output=True, text=True, timeout=180, env=env, cwd=cwd)


def test_self_test_passes_with_a_one_line_report(tmp_path):
    result = run_self_test(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"ConsultAid {__version__} self-test: 3 packs, summary ")
    assert lines[0].endswith(" pages, seal verified, window ok")
    pages = int(lines[0].split("summary ")[1].split(" pages")[0])
    assert pages >= 1


def test_self_test_leaves_no_record_behind(tmp_path, own_data_dir):
    assert run_self_test(cwd=tmp_path).returncode == 0
    assert not own_data_dir.exists() or not any(own_data_dir.iterdir())
    assert not any(tmp_path.iterdir())


def test_self_test_in_french(tmp_path):
    result = run_self_test("--lang", "fr", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ConsultAid" in result.stdout


def test_a_broken_pack_fails_the_self_test_and_says_which(tmp_path):
    from tests.conftest import CONTENT

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    broken = sorted(p for p in content.iterdir() if p.is_dir())[0]
    pack_file = next(broken.glob("pack.*"))
    pack_file.write_text("id: [unclosed\n", encoding="utf-8")
    result = run_self_test("--content-dir", content, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "self-test FAILED at content" in result.stderr
    assert broken.name in result.stderr


def test_an_empty_content_folder_fails_the_self_test(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run_self_test("--content-dir", tmp_path / "empty", cwd=tmp_path)
    assert result.returncode == 1
    assert "no content pack" in result.stderr


def test_version_is_the_package_version(run_cli):
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"ConsultAid {__version__}"


def test_about_box_shows_the_version(qtbot):
    from PySide6.QtWidgets import QLabel

    from consultaid.ui.dialogs.about_dialog import about_dialog

    dialog = about_dialog(None)
    qtbot.addWidget(dialog)
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert __version__ in text
