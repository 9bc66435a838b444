"""Reading a content file once: the first start after a library changed validates every pack, so a pack
file is parsed by libyaml once, and an illustration shared by many packs is parsed once per process.

The checks the event pass used to make before composing (aliases, nesting) are made on the composed
nodes instead; whatever they refuse is read again by the careful path, whose wording
tests/test_broken_content.py holds (alias_bomb, deeply_nested, very_deeply_nested).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from consultaid.content import svg_references, yaml_source
from consultaid.content.library import load_pack
from consultaid.content.yaml_source import MAX_DEPTH, YamlRejected, load_yaml

MINIMAL = Path(__file__).parent / "content_cases" / "minimal"
FAST = yaml_source._FAST_LOADER


def _fast_read(path: Path) -> yaml_source.YamlDocument:
    """The one-parse read alone, without the careful read behind it."""
    assert FAST is not None, "PyYAML is expected with libyaml here"
    return yaml_source._compose(path, path.read_text(encoding="utf-8"), FAST, careful=False)


def test_a_valid_pack_is_parsed_once_per_file(monkeypatch: pytest.MonkeyPatch) -> None:
    assert yaml_source._LIBYAML_BOUNDS_DEPTH, "this PyYAML's libyaml is expected to bound nesting"

    def no_second_parse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the file was parsed a second time for its events")

    monkeypatch.setattr(yaml, "parse", no_second_parse)
    pack, check = load_pack(MINIMAL)
    assert pack is not None, check.problems


def test_the_one_parse_read_gives_the_same_document_as_the_careful_one() -> None:
    for path in sorted(MINIMAL.glob("*.yaml")):
        fast = _fast_read(path)
        careful = yaml_source._compose(path, path.read_text(encoding="utf-8"), yaml.SafeLoader, careful=True)
        assert (fast.data, fast.lines, fast.block_text_lines) == (careful.data, careful.lines,
                                                                  careful.block_text_lines), path.name


@pytest.mark.parametrize("text", [
    "a: &x [1, 2]\nb: *x\n",          # an alias as a value
    "a: &x foo\nb: [1, *x]\n",         # an alias of a scalar, in a list
    "&k key: 1\nother: *k\n",          # an alias of a key, as a value
    "a: &k key\n*k : 2\n",             # an alias as a key
])
def test_the_one_parse_read_refuses_every_alias(tmp_path: Path, text: str) -> None:
    path = tmp_path / "en.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(YamlRejected, match="aliases"):
        _fast_read(path)
    with pytest.raises(YamlRejected, match="aliases"):   # and load_yaml says so, with the careful wording
        load_yaml(path)


def test_the_one_parse_read_refuses_an_alias_bomb_in_one_step(tmp_path: Path) -> None:
    path = tmp_path / "pack.yaml"
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"{chr(98 + level)}: &{chr(98 + level)} [" + ", ".join([f"*{chr(97 + level)}"] * 9) + "]"
              for level in range(20)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(YamlRejected, match="aliases"):
        _fast_read(path)
    # The composed node is the anchor's (line 1): the careful read names the line of the first alias.
    with pytest.raises(YamlRejected, match="aliases") as refused:
        load_yaml(path)
    assert refused.value.problem.line == 2


@pytest.mark.parametrize("depth, refused", [(MAX_DEPTH, False), (MAX_DEPTH + 1, True)])
def test_the_one_parse_read_counts_nesting_as_the_events_do(tmp_path: Path, depth: int, refused: bool) -> None:
    path = tmp_path / "en.yaml"
    path.write_text("a: " + "[" * (depth - 1) + "1" + "]" * (depth - 1) + "\n", encoding="utf-8")
    if refused:
        with pytest.raises(YamlRejected, match="nested too deeply"):
            _fast_read(path)
        with pytest.raises(YamlRejected, match="nested too deeply"):
            load_yaml(path)
    else:
        _fast_read(path)
        load_yaml(path)


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{}</svg>'


def test_an_illustration_is_parsed_once_while_its_bytes_stay_the_same(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[bytes] = []
    parse = svg_references.ElementTree.fromstring

    def counting(data: bytes) -> object:
        parsed.append(data)
        return parse(data)

    monkeypatch.setattr(svg_references.ElementTree, "fromstring", counting)
    svg_references._verdict.cache_clear()
    picture = tmp_path / "picture.svg"
    picture.write_text(SVG.format('<rect width="1" height="1"/>'), encoding="utf-8")
    assert all(svg_references.refers_only_inside(picture) for _pack in range(50))
    assert len(parsed) == 1
    # Other bytes are checked again: an edit that points outside is refused at once.
    picture.write_text(SVG.format('<image xlink:href="/etc/passwd"/>'), encoding="utf-8")
    assert not svg_references.refers_only_inside(picture)
    assert len(parsed) == 2


def test_a_valid_pack_is_built_by_the_walk_that_notes_its_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_second_walk(*_args: object) -> None:
        raise AssertionError("the nodes were walked a second time to build the data")

    monkeypatch.setattr(yaml.constructor.BaseConstructor, "construct_document", no_second_walk)
    pack, check = load_pack(MINIMAL)
    assert pack is not None, check.problems


SCALARS = """\
text: plain words
quoted: "a \\u00e9 b"
block: |
  first line
  second line
folded: >
  one
  two
whole: 12
negative: -3
octal: 0o17
hexadecimal: 0x1f
real: 2.5
exponent: 1e3
infinite: .inf
yes_word: yes
true_word: true
nothing: ~
empty:
day: 2024-02-29
moment: 2024-02-29 10:20:30
binary: !!binary aGVsbG8=
explicit: !!str 12
1: number as a key
~: a null key
list: [1, "two", {three: 3}, [4]]
"""


@pytest.mark.parametrize("text", [SCALARS, "set: !!set {a, b}\n", "o: !!omap [a: 1]\n", "=: the value key\n",
                                  "a: =\n", "a: !custom 1\n", "!!map {a: 1}\n"])
def test_the_one_parse_read_builds_what_the_constructor_builds_or_leaves_it_to_it(tmp_path: Path, text: str) -> None:
    path = tmp_path / "en.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        careful: object = yaml_source._compose(path, text, yaml.SafeLoader, careful=True).data
    except (yaml.YAMLError, YamlRejected) as error:
        careful = type(error)
    try:
        fast: object = _fast_read(path).data
    except yaml_source._NotPlain:
        fast = careful   # left to the careful read, which load_yaml falls back to
    assert fast == careful
    if text == SCALARS:
        assert isinstance(fast, dict) and fast["day"].isoformat() == "2024-02-29" and fast[1] == "number as a key"
        assert fast[None] == "a null key"
