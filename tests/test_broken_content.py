"""The content validator, run through the real command line on a valid pack and on broken ones.

tests/content_cases/minimal/ is a small, fictional pack (test data, not medical content) that uses every
feature of the format and must validate. Each folder of tests/content_cases/broken/ is one broken case:
it holds only the files that differ from minimal/, plus

- expected.txt: the exact lines the validator must print, with file names relative to the pack folder;
  it must print these lines and nothing else (so a misleading follow-on report is caught as well);
- remove.txt (optional): files of minimal/ to delete for this case;
- huge.txt (optional): "<file> <size>": the test writes that file, of exactly that many bytes, so no
  oversized file is committed.

The expected lines say what the correct diagnosis is, not what the validator happens to print today.
Cases the validator currently gets wrong are listed in KNOWN_VALIDATOR_BUGS below; they fail until
the validator is fixed (do not "fix" them by copying the validator's output into expected.txt).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

CASES = Path(__file__).parent / "content_cases"
MINIMAL = CASES / "minimal"
BROKEN = CASES / "broken"
CONTROL_FILES = {"expected.txt", "remove.txt", "huge.txt"}
PACK_NAME = "test-procedure"
TIMEOUT = 60  # seconds: a hang (alias bomb, huge or deep document) fails the test instead of hanging CI
PROBLEM_LINE = re.compile(r"^[^:]+:\d+: \S+: .+$")

# Cases whose expected.txt states the correct diagnosis but the validator prints something else today.
# They are left failing on purpose; each entry says what is wrong. Remove an entry once the validator is fixed.
KNOWN_VALIDATOR_BUGS: dict[str, str] = {}


def case_names() -> list[str]:
    return sorted(path.name for path in BROKEN.iterdir() if path.is_dir())


def isolated_env(tmp_path: Path) -> dict[str, str]:
    """Nothing the validator runs may touch the real user's configuration or data."""
    home = tmp_path / "home"
    for name in ("home", "config", "data", "consultaid-data"):
        (tmp_path / name).mkdir(exist_ok=True)
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        CONSULTAID_DATA_DIR=str(tmp_path / "consultaid-data"),
        QT_QPA_PLATFORM="offscreen",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("CONSULTAID_CONTENT_DIR", None)
    return env


def run_validate(tmp_path: Path, *paths: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "consultaid", "validate", *map(str, paths)],
        cwd=cwd or tmp_path,
        env=isolated_env(tmp_path),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=TIMEOUT,
    )
    result.elapsed = time.monotonic() - started
    return result


def write_huge(folder: Path, spec: str) -> None:
    """Writes the file named in huge.txt, of exactly the size given: minimal's text plus comment lines."""
    name, size = spec.split()
    size = int(size)
    target = folder / name
    start = target.read_bytes() if target.exists() else b""
    padding = b"# " + b"x" * 97 + b"\n"  # 100 bytes a line
    body = start + padding * ((size - len(start)) // len(padding) + 1)
    body = body[: size - 1] + b"\n"
    assert len(body) == size
    target.write_bytes(body)


def build_pack(case: str, tmp_path: Path) -> Path:
    """minimal/ copied into tmp_path, with the case's files laid over it."""
    case_dir = BROKEN / case
    folder = tmp_path / PACK_NAME
    shutil.copytree(MINIMAL, folder)
    remove = case_dir / "remove.txt"
    if remove.exists():
        for name in remove.read_text(encoding="utf-8").split():
            (folder / name).unlink()
    for file in sorted(case_dir.iterdir()):
        if file.name not in CONTROL_FILES:
            shutil.copyfile(file, folder / file.name)
    huge = case_dir / "huge.txt"
    if huge.exists():
        write_huge(folder, huge.read_text(encoding="utf-8"))
    return folder


def relative_to_pack(line: str) -> str:
    """'test-procedure/pack.yaml:3: ...' -> 'pack.yaml:3: ...' (whatever the separator)."""
    for prefix in (PACK_NAME + "/", PACK_NAME + os.sep):
        if line.startswith(prefix):
            return line[len(prefix):]
    return line


def expected_lines(case: str) -> list[str]:
    text = (BROKEN / case / "expected.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


def assert_no_traceback(result: subprocess.CompletedProcess, note: str = "") -> None:
    for line in (result.stdout + result.stderr).splitlines():
        assert "Traceback" not in line, f"the validator crashed:\n{result.stderr}{note}"


# --- the valid pack --------------------------------------------------------------------------------------------


def test_minimal_pack_is_valid(tmp_path):
    folder = tmp_path / PACK_NAME
    shutil.copytree(MINIMAL, folder)
    result = run_validate(tmp_path, PACK_NAME)
    assert_no_traceback(result)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.strip() == "1 pack valid"


def test_minimal_pack_validates_in_place(tmp_path):
    """The committed folder itself, run from the repository root as a content author would."""
    repo = Path(__file__).resolve().parent.parent
    result = run_validate(tmp_path, MINIMAL.relative_to(repo), cwd=repo)
    assert_no_traceback(result)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_every_case_folder_is_well_formed():
    names = case_names()
    assert len(names) >= 24
    for name in names:
        case_dir = BROKEN / name
        assert expected_lines(name), f"{name}: expected.txt lists no line"
        overlay = [file for file in case_dir.iterdir() if file.name not in CONTROL_FILES]
        assert overlay or (case_dir / "remove.txt").exists() or (case_dir / "huge.txt").exists(), name
        for file in overlay:
            assert file.stat().st_size <= 64 * 1024, f"{name}: {file.name} is large; generate it (huge.txt)"
        for line in expected_lines(name):
            assert PROBLEM_LINE.match(line), f"{name}: malformed expected line {line!r}"


# --- broken packs ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", case_names())
def test_broken_case(case, tmp_path):
    build_pack(case, tmp_path)
    result = run_validate(tmp_path, PACK_NAME)
    bug = KNOWN_VALIDATOR_BUGS.get(case)
    note = f"\nKNOWN VALIDATOR BUG ({case}): {bug}" if bug else ""
    assert_no_traceback(result, note)
    output = result.stdout + result.stderr + note

    assert result.returncode == 1, output
    printed = [relative_to_pack(line) for line in result.stdout.splitlines()]
    for line in result.stdout.splitlines():
        assert PROBLEM_LINE.match(line), f"not a problem line: {line!r}{note}"
    for line in printed:
        shown = Path(line.split(":", 1)[0])
        assert shown.parent == Path(".") and not shown.is_absolute(), f"file not in the pack: {line!r}{note}"

    expected = expected_lines(case)
    missing = [line for line in expected if line not in printed]
    assert not missing, "expected line(s) not printed:\n  " + "\n  ".join(missing) + "\n--- printed:\n" + output
    duplicated = sorted({line for line in printed if printed.count(line) > 1})
    assert not duplicated, "problem(s) printed more than once:\n  " + "\n  ".join(duplicated) + note
    unexpected = [line for line in printed if line not in expected]
    assert not unexpected, "unexpected (wrong or follow-on) problem(s):\n  " + "\n  ".join(unexpected) + note

    summary = f"0 packs valid, 1 with {len(printed)} problem" + ("s" if len(printed) > 1 else "")
    assert result.stderr.strip() == summary, output
    assert result.elapsed < TIMEOUT


# --- refusing code and resource exhaustion ---------------------------------------------------------------------


def hostile_payloads(tmp_path: Path) -> tuple[str, Path, Path]:
    """pack.yaml text whose tags, if the loader ever built Python objects, would run a shell command
    (creating `executed`) and call a Python function (creating `opened`)."""
    executed, opened = tmp_path / "executed", tmp_path / "opened"
    text = (MINIMAL / "pack.yaml").read_text(encoding="utf-8")
    text = text.replace("id: test-procedure",
                        f"id: !!python/object/apply:os.system [\"touch '{executed.as_posix()}'\"]")
    text = text.replace("version: 0.1.0",
                        f"version: !!python/object/apply:builtins.open [\"{opened.as_posix()}\", \"w\"]")
    assert "!!python" in text.split("sources:")[0]
    return text, executed, opened


def test_python_object_tag_executes_nothing(tmp_path):
    text, executed, opened = hostile_payloads(tmp_path)
    folder = tmp_path / PACK_NAME
    shutil.copytree(MINIMAL, folder)
    (folder / "pack.yaml").write_text(text, encoding="utf-8")

    result = run_validate(tmp_path, PACK_NAME)

    assert_no_traceback(result)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "tag not allowed in content files" in result.stdout
    assert not executed.exists(), "a YAML tag ran a shell command"
    assert not opened.exists(), "a YAML tag called a Python function"


def test_python_object_tag_payload_is_live(tmp_path):
    """Control for the test above: the very same text does run code under PyYAML's unsafe loader,
    so the absence of the files there really means the validator refused the tags."""
    text, executed, opened = hostile_payloads(tmp_path)
    script = "import sys, yaml\nyaml.load(sys.stdin.read(), Loader=yaml.UnsafeLoader)\n"
    subprocess.run([sys.executable, "-c", script], input=text, text=True, encoding="utf-8",
                   env=isolated_env(tmp_path), cwd=tmp_path, timeout=TIMEOUT, check=True)
    assert opened.exists()
    if os.name == "posix":  # `touch` is a POSIX command
        assert executed.exists()


def test_object_tag_case_runs_nothing_in_working_folder(tmp_path):
    """The committed python_object_tag case would `touch executed-by-yaml` in the working folder if executed."""
    build_pack("python_object_tag", tmp_path)
    result = run_validate(tmp_path, PACK_NAME)
    assert result.returncode == 1
    assert not (tmp_path / "executed-by-yaml").exists()
    assert not (tmp_path / PACK_NAME / "executed-by-yaml").exists()


@pytest.mark.parametrize("case", ["alias_bomb", "huge_file", "deeply_nested", "very_deeply_nested"])
def test_hostile_documents_are_refused_quickly(case, tmp_path):
    build_pack(case, tmp_path)
    result = run_validate(tmp_path, PACK_NAME)  # raises TimeoutExpired (a failure) after TIMEOUT seconds
    assert_no_traceback(result)
    assert result.returncode == 1
    assert result.elapsed < 20, f"{case} took {result.elapsed:.1f} s"


def test_huge_case_is_really_over_the_limit(tmp_path):
    folder = build_pack("huge_file", tmp_path)
    name, size = (BROKEN / "huge_file" / "huge.txt").read_text(encoding="utf-8").split()
    assert (folder / name).stat().st_size == int(size) > 512 * 1024


# --- command line ----------------------------------------------------------------------------------------------


def test_missing_path_exits_2_with_a_clear_message(tmp_path):
    missing = tmp_path / "no-such-pack"
    result = run_validate(tmp_path, missing)
    assert_no_traceback(result)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == f"{missing}: no such file or folder"
