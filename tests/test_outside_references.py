"""Issue 13 item 11 (part): content can point the app only at files it ships.

`validate --sources-dir` must refuse source paths that leave the sources folder (`..`, absolute, a
symlink out); a pack may name only a bundled illustration by its bare name; and an illustration (SVG)
that names an image file elsewhere on the machine is drawn neither on screen (Qt's SVG renderer) nor in
the summary PDF (svglib)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtGui import QColor

from consultaid.content.svg_references import RefusedSvg, check_svg
from tests.test_broken_content import MINIMAL, PACK_NAME, PROBLEM_LINE, assert_no_traceback, run_validate

RED_PNG_SIZE = 40


def pack_with_sources(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / PACK_NAME
    shutil.copytree(MINIMAL, folder)
    sources = tmp_path / "sources"
    sources.mkdir()
    for name in ("test_source_a.txt", "test_source_b.txt"):
        (sources / name).write_text("fictional test source\n", encoding="utf-8")
    return folder, sources


def name_source_file(folder: Path, file_name: str) -> None:
    text = (folder / "pack.yaml").read_text(encoding="utf-8")
    (folder / "pack.yaml").write_text(text.replace("file: test_source_a.txt", f"file: '{file_name}'"), encoding="utf-8")


def test_sources_inside_the_folder_pass(tmp_path):
    folder, sources = pack_with_sources(tmp_path)
    result = run_validate(tmp_path, PACK_NAME, "--sources-dir", sources)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("escape", ["dotdot", "absolute", "symlink"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_source_path_leaving_the_sources_folder_is_refused(tmp_path, escape, language):
    folder, sources = pack_with_sources(tmp_path)
    secret = tmp_path / "outside.txt"  # exists: before the fix, any readable file passed
    secret.write_text("not a source\n", encoding="utf-8")
    if escape == "symlink":
        os.symlink(secret, sources / "link.txt")
    name = {"dotdot": "../outside.txt", "absolute": str(secret), "symlink": "link.txt"}[escape]
    name_source_file(folder, name)
    result = run_validate_lang(tmp_path, language, PACK_NAME, "--sources-dir", sources)
    assert_no_traceback(result)
    assert result.returncode == 1, result.stdout + result.stderr
    [line] = result.stdout.splitlines()
    assert PROBLEM_LINE.match(line) and ": sources[0].file: " in line
    words = {"en": "is not inside", "fr": "n’est pas dans"}[language]
    assert words in line and str(sources) in line, line


def run_validate_lang(tmp_path, language, *arguments):
    import subprocess
    import sys
    import time

    from tests.test_broken_content import TIMEOUT, isolated_env

    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "consultaid", "--lang", language, "validate", *map(str, arguments)],
                            cwd=tmp_path, env=isolated_env(tmp_path), capture_output=True, text=True,
                            encoding="utf-8", errors="replace", timeout=TIMEOUT)
    result.elapsed = time.monotonic() - started
    return result


@pytest.mark.parametrize("illustration", ["../illustrations/vertebra-needle.svg", "ABSOLUTE"])
def test_an_illustration_named_by_path_is_refused_by_the_schema(tmp_path, illustration):
    from consultaid.paths import resources_dir

    folder = tmp_path / PACK_NAME
    shutil.copytree(MINIMAL, folder)
    if illustration == "ABSOLUTE":
        illustration = str(resources_dir() / "illustrations" / "vertebra-needle.svg")  # exists
    text = (folder / "pack.yaml").read_text(encoding="utf-8")
    text = text.replace("    topic: what_it_is\n", f"    topic: what_it_is\n    illustration: '{illustration}'\n", 1)
    (folder / "pack.yaml").write_text(text, encoding="utf-8")
    result = run_validate(tmp_path, PACK_NAME)
    assert_no_traceback(result)
    assert result.returncode == 1, result.stdout + result.stderr
    [line] = result.stdout.splitlines()  # the schema's, and no follow-on problem
    assert ": sections[0].illustration: " in line and "is not in the expected form" in line


# --- what an SVG names ----------------------------------------------------------------------------------------


def write_red_png(path: Path) -> Path:
    from PySide6.QtGui import QImage

    image = QImage(RED_PNG_SIZE, RED_PNG_SIZE, QImage.Format.Format_RGB32)
    image.fill(QColor(255, 0, 0))
    assert image.save(str(path), "PNG")
    return path


def private_red_png(tmp_path: Path) -> Path:
    """An image outside any illustrations folder: stands for any readable file of the machine."""
    (tmp_path / "private").mkdir()
    return write_red_png(tmp_path / "private" / "red.png")


def svg_naming(folder: Path, href: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    svg = folder / "picture.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="400" height="300" viewBox="0 0 400 300">'
        '<rect width="400" height="300" fill="#ffffff"/>'
        f'<image x="0" y="0" width="400" height="300" xlink:href="{href}"/></svg>', encoding="utf-8")
    return svg


@pytest.mark.parametrize("href", ["ABSOLUTE", "FILE_URL", "../private/red.png", "http://example.org/x.png"])
def test_check_svg_refuses_references_outside_its_folder(tmp_path, href):
    red = private_red_png(tmp_path)
    href = {"ABSOLUTE": str(red), "FILE_URL": red.as_uri()}.get(href, href)
    with pytest.raises(RefusedSvg):
        check_svg(svg_naming(tmp_path / "illustrations", href))


def test_check_svg_accepts_its_own_folder_and_inline_data(tmp_path):
    folder = tmp_path / "illustrations"
    folder.mkdir()
    write_red_png(folder / "red.png")
    check_svg(svg_naming(folder, "red.png"))
    check_svg(svg_naming(folder, "data:image/png;base64,iVBORw0KGgo="))
    from consultaid.paths import resources_dir

    for shipped in sorted((resources_dir() / "illustrations").glob("*.svg")):
        check_svg(shipped)


def red_share(widget) -> float:
    image = widget.grab().toImage()
    red = total = 0
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            colour = image.pixelColor(x, y)
            total += 1
            red += colour.red() > 200 and colour.green() < 60 and colour.blue() < 60
    return red / total


@pytest.mark.parametrize("how", ["ABSOLUTE", "FILE_URL"])
def test_the_screen_does_not_draw_an_image_named_by_absolute_path(qtbot, tmp_path, how):
    from consultaid.ui.widgets.illustration_panel import IllustrationPanel

    red = private_red_png(tmp_path)
    svg = svg_naming(tmp_path / "illustrations", str(red) if how == "ABSOLUTE" else red.as_uri())
    panel = IllustrationPanel(svg)
    qtbot.addWidget(panel)
    panel.resize(600, 500)
    panel.show()
    qtbot.waitExposed(panel)
    assert red_share(panel.canvas) == 0, "the private image was drawn on screen"


def test_the_screen_draws_an_image_of_the_illustrations_folder(qtbot, tmp_path):
    """Control for the test above: the same SVG naming an image beside it is drawn, red and all."""
    from consultaid.ui.widgets.illustration_panel import IllustrationPanel

    folder = tmp_path / "illustrations"
    folder.mkdir()
    write_red_png(folder / "red.png")
    panel = IllustrationPanel(svg_naming(folder, "red.png"))
    qtbot.addWidget(panel)
    panel.resize(600, 500)
    panel.show()
    qtbot.waitExposed(panel)
    assert red_share(panel.canvas) > 0.2


def test_the_summary_does_not_draw_an_image_named_by_absolute_path(tmp_path, monkeypatch):
    from consultaid.report import illustrations

    red = private_red_png(tmp_path)
    svg_naming(tmp_path / "illustrations", str(red))
    monkeypatch.setattr(illustrations, "illustrations_dir", lambda: tmp_path / "illustrations")
    assert illustrations.load_svg("picture.svg") is None
    # and the same picture naming only what is beside it is drawn
    write_red_png(tmp_path / "illustrations" / "red.png")
    svg_naming(tmp_path / "illustrations", "red.png")
    (tmp_path / "illustrations" / "other.svg").write_bytes((tmp_path / "illustrations" / "picture.svg").read_bytes())
    assert illustrations.load_svg("other.svg") is not None


def test_the_validator_reports_an_illustration_naming_a_file_elsewhere(tmp_path, monkeypatch):
    from consultaid.content import validation

    resources = tmp_path / "resources"
    svg_naming(resources / "illustrations", str(private_red_png(tmp_path)))
    monkeypatch.setattr(validation, "resources_dir", lambda: resources)
    folder = tmp_path / PACK_NAME
    shutil.copytree(MINIMAL, folder)
    text = (folder / "pack.yaml").read_text(encoding="utf-8")
    (folder / "pack.yaml").write_text(text.replace("    topic: what_it_is\n",
                                                   "    topic: what_it_is\n    illustration: picture.svg\n", 1),
                                      encoding="utf-8")
    problems = [str(problem) for problem in validation.check_pack(folder).problems]
    assert problems == [f"{folder / 'pack.yaml'}:18: sections[0].illustration: illustration 'picture.svg' refers to "
                        "a file outside resources/illustrations: only packaged pictures can be shown"]
