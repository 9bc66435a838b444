"""Issue 13 item 5: random hostile values through the real `consultaid validate` command.

Hypothesis puts numbers (NaN, infinities, huge, negative, tiny), strings of every script with control
characters, noncharacters and lone surrogates, and deeply nested lists and mappings at random places of
a valid pack (tests/content_cases/minimal, fictional test data). Several packs go into one content
folder, checked by one run of the command, so the test stays fast. The command must answer within a
time bound with exit 0, or exit 1 with only `file:line: path: message` lines and one summary line;
never a traceback. A pack it calls valid must then also be usable: loaded, worded in each language, and
drawn as the risk chart and the recovery timeline (with a surgery date as far ahead as the start form
allows), since "valid" is the promise that the app can show it.
"""

from __future__ import annotations

import math
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.test_broken_content import MINIMAL, PROBLEM_LINE, TIMEOUT, assert_no_traceback, run_validate

PACKS_PER_RUN = 6
FACTS = yaml.safe_load((MINIMAL / "pack.yaml").read_text(encoding="utf-8"))
TEXTS = yaml.safe_load((MINIMAL / "en.yaml").read_text(encoding="utf-8"))


def leaf_paths(node, path=()):
    """Every place in a document that holds a value, as a tuple of keys and indexes."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaf_paths(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaf_paths(value, path + (index,))
    if path:
        yield path


FACT_PATHS = sorted(set(leaf_paths(FACTS)), key=repr)
TEXT_PATHS = sorted(set(leaf_paths(TEXTS)), key=repr)

numbers = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e308, -1e308, 5e-324, 10 ** 30, -(10 ** 30), 2 ** 63]),
    st.integers(min_value=-(10 ** 12), max_value=10 ** 12),
    st.floats(allow_nan=True, allow_infinity=True),
)
durations = st.builds(lambda number, unit: f"{number} {unit}",
                      st.one_of(st.integers(min_value=-(10 ** 25), max_value=10 ** 25),
                                st.floats(min_value=0, max_value=1e25, allow_nan=False).map(lambda x: f"{x:.3f}")),
                      st.sampled_from(["minute", "minutes", "hour", "day", "days", "week", "month", "year", "years"]))
strings = st.one_of(
    st.text(max_size=60),  # any code point: every script, controls, noncharacters, lone surrogates
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Co", "Cs", "Zl", "Zp"]), max_size=10),
    st.sampled_from(["\ufffe", "\uffff", "\ufdd0", "\u202e", "{", "{}", "{go_home}", "{nope}", "{{x}}", "",
                     "Ζωή Åsa-Nyström", "محمد", "李小龙", "👩🏽‍⚕️", "x" * 5000]),
)
scalars = st.one_of(numbers, durations, strings, st.booleans(), st.none())
nested = st.recursive(scalars, lambda children: st.one_of(st.lists(children, max_size=3),
                                                          st.dictionaries(st.text(max_size=8), children, max_size=3)),
                      max_leaves=40)


def deep(depth: int):
    value = 1
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


values = st.one_of(scalars, scalars, nested, st.integers(min_value=20, max_value=200).map(deep))
change = st.tuples(st.booleans(), st.integers(min_value=0, max_value=10 ** 6), values)
pack_changes = st.lists(change, min_size=1, max_size=3)


def put(document, path, value):
    node = document
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def write_pack(folder: Path, changes) -> None:
    shutil.copytree(MINIMAL, folder)
    facts, texts = yaml.safe_load(yaml.safe_dump(FACTS)), yaml.safe_load(yaml.safe_dump(TEXTS))
    for in_texts, which, value in changes:
        document, paths = (texts, TEXT_PATHS) if in_texts else (facts, FACT_PATHS)
        try:
            put(document, paths[which % len(paths)], value)
        except (KeyError, IndexError, TypeError):
            pass  # an earlier change replaced the container this path went through
    for name, document in (("pack.yaml", facts), ("en.yaml", texts)):
        # PyYAML writes any character a YAML file cannot carry as an escape, which the loader reads back.
        (folder / name).write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def assert_usable(folder: Path) -> None:
    """What the app does with a valid pack: list it, word it, chart it, put it on a timeline."""
    from consultaid.charts.risk_chart import build_chart
    from consultaid.charts.timeline import build_timeline
    from consultaid.consultation.setup import LATEST_SURGERY_YEARS_AHEAD, years_after
    from consultaid.consultation.shown_content import shown_content
    from consultaid.content.library import PackListing, load_pack

    pack, check = load_pack(folder)
    assert pack is not None, check.problems
    PackListing.of(pack)
    latest = years_after(date.today(), LATEST_SURGERY_YEARS_AHEAD)
    for language in pack.languages:
        shown = shown_content(pack, language)
        build_chart(shown.benefits + shown.risks, language)
        build_timeline(shown.milestones, language, surgery_date=latest)


# A few dozen packs in 8 runs of the command: well under a minute. No shrinking (it can take minutes on
# a failure: the failing example is printed as drawn) and no example database written into the tree.
@settings(max_examples=8, deadline=None, phases=[Phase.explicit, Phase.generate], database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(packs=st.lists(pack_changes, min_size=PACKS_PER_RUN, max_size=PACKS_PER_RUN))
def test_random_hostile_values_are_reported_never_crash(tmp_path_factory, packs):
    root = tmp_path_factory.mktemp("hostile")
    content = root / "content"
    content.mkdir()
    for number, changes in enumerate(packs):
        write_pack(content / f"pack-{number}", changes)
    result = run_validate(root, content)  # raises TimeoutExpired (a failure) after TIMEOUT seconds
    assert_no_traceback(result)
    assert result.elapsed < TIMEOUT
    assert result.returncode in (0, 1), result.stdout + result.stderr
    summary = result.stderr.strip().splitlines()
    assert len(summary) == 1, result.stderr
    for line in result.stdout.splitlines():
        assert PROBLEM_LINE.match(line), f"not a problem line: {line!r}"
    broken = {Path(line.split(":", 1)[0]).parent.name for line in result.stdout.splitlines()}
    if result.returncode == 0:
        assert result.stdout == "" and summary == [f"{PACKS_PER_RUN} pack(s) valid"]
    for number in range(PACKS_PER_RUN):
        if f"pack-{number}" not in broken:
            assert_usable(content / f"pack-{number}")


@pytest.mark.parametrize("case, words", [
    ("nan_value", "nan n’est pas un chiffre"),
    ("huge_quoted_value", "dépasse un million"),
    ("milestone_far_in_years", "« 99999 years » est à plus de 10 ans de l’intervention"),
    ("noncharacter_in_text", "contient un caractère qui n’est pas du texte (U+FFFF)"),
])
def test_hostile_values_are_explained_in_french(tmp_path, case, words):
    from tests.test_broken_content import PACK_NAME, build_pack
    from tests.test_outside_references import run_validate_lang

    build_pack(case, tmp_path)
    result = run_validate_lang(tmp_path, "fr", PACK_NAME)
    assert_no_traceback(result)
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    assert PROBLEM_LINE.match(line) and words in line, line
