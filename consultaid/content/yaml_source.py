"""Safe YAML reading that remembers the line of every field, so errors can say `file:line`.

Only PyYAML's SafeLoader is used: no Python object tags. Content files are small, hand-written
documents, so anything that smells of abuse is refused before it is built: oversized files, deep
nesting, aliases (the "billion laughs" expansion) and duplicate keys (which YAML would silently drop).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import yaml

from consultaid.content.problems import DOCUMENT, FieldParts, Problem, field_path
from consultaid.i18n import _

MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 32
# PyYAML errors whose context mark, not problem mark, is where the author must look: an unclosed quote
# or bracket is only noticed at the end of the file or many lines later.
# libyaml's parser, when PyYAML was built with it: about ten times faster than the pure-Python one, and
# it builds the same nodes with the same marks. Any error is read again by the pure-Python parser, whose
# messages the content authors' documentation and tests quote.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)
# libyaml refuses, with a YAML error, any document nested more than 1000 deep since 0.2.5 (older versions
# compose without a bound, recursively in C). Only then may the fast read compose before the nesting is
# checked (see _compose).
_LIBYAML_BOUNDS_DEPTH = _FAST_LOADER is not None and yaml._yaml.get_version() >= (0, 2, 5)
# The pure-Python SafeLoader or libyaml's CSafeLoader: both build the same nodes with the same marks.
_LoaderClass = type[yaml.SafeLoader] | type[yaml.CSafeLoader]
_CONTEXT_FIRST = ("while scanning a quoted scalar", "while parsing a flow", "while scanning a block scalar")


class YamlRejected(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class YamlDocument:
    file: Path
    data: object
    # The file's text as read: a check that holds for every character of it holds for every string the
    # YAML makes of it, except what a double-quoted escape (a backslash) makes.
    text: str = ""
    # (path parts) -> line (1-based) where that field's key stands; the value's line for list items.
    lines: dict[FieldParts, int] = field(default_factory=dict)
    # (path parts) -> first line of the text of a literal block scalar (`key: |`), to point inside it.
    block_text_lines: dict[FieldParts, int] = field(default_factory=dict)

    def line_of(self, parts: Iterable[str | int]) -> int:
        """The line of the field, or of its nearest parent that exists in the file."""
        key = tuple(parts)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), 1)

    def line_in_text(self, parts: Iterable[str | int], offset: int, text: str) -> int:
        """The line of character `offset` of a text field: inside a `|` block, the line it stands on."""
        key = tuple(parts)
        first = self.block_text_lines.get(key)
        if first is None:
            return self.line_of(key)
        return first + text.count("\n", 0, offset)


def _reject(file: Path, line: int, message: str, path: str = DOCUMENT) -> NoReturn:
    raise YamlRejected(Problem(file, line, path, message))


def load_yaml(file: Path) -> YamlDocument:
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            _reject(file, 1, _("file is too large ({size} bytes; at most {limit})").format(
                size=size, limit=MAX_FILE_BYTES))
        raw = file.read_bytes()
    except OSError as error:
        _reject(file, 1, _("cannot read the file: {reason}").format(reason=error.strerror or error))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        _reject(file, line, _("the file is not UTF-8 text"))

    if _FAST_LOADER is not None:
        try:
            return _compose(file, text, _FAST_LOADER, careful=False)
        except (yaml.YAMLError, YamlRejected, RecursionError, _NotPlain):
            pass  # read it again below, so the author gets the pure-Python parser's usual wording
    try:
        return _compose(file, text, yaml.SafeLoader, careful=True)
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        _reject(file, line, _("YAML error: {reason}").format(reason=str(error).splitlines()[0].strip()))
    except yaml.MarkedYAMLError as error:
        _reject_marked(file, error)
    except yaml.YAMLError as error:
        _reject(file, 1, _("YAML error: {reason}").format(reason=error))
    except RecursionError:  # _check_events bounds the depth first, so this is a last guard only
        _reject(file, 1, _("the document is nested too deeply"))


def _compose(file: Path, text: str, loader_class: _LoaderClass, careful: bool) -> YamlDocument:
    """The document, its data and the lines of its fields.

    The careful read refuses aliases and nesting from the event stream first (a second parse of the text),
    which names the line and the reason exactly as the authors' documentation says, and lets PyYAML's
    constructor build the data. The quick one (libyaml, for the thousands of files of a library's first
    start) parses once: the walk that notes the lines also refuses an alias (a node met twice) and nesting
    (counted as in the events), and builds the data of plain mappings, lists and scalars with the
    constructor's own functions for each scalar. Whatever it refuses or does not know (another tag, an
    odd key) only sends the file to the careful read, which then reports or builds it. libyaml bounds the
    nesting of what it composes (older versions do not: then the event pass runs first here too)."""
    if careful or not _LIBYAML_BOUNDS_DEPTH:
        _check_events(file, text, loader_class)
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
        if root is None:
            _reject(file, 1, _("the file is empty"))
        document = YamlDocument(file, None, text)
        walk = _Walk(None if careful else loader)
        data = _index(file, root, (), document, walk)
        document.data = loader.construct_document(root) if careful else data
        return document
    finally:
        loader.dispose()


def _reject_marked(file: Path, error: yaml.MarkedYAMLError) -> NoReturn:
    context = error.context or ""
    mark: yaml.Mark | None
    if context.startswith(_CONTEXT_FIRST) and error.context_mark is not None:
        mark, reason = error.context_mark, f"{context}, {error.problem}"
    else:
        mark, reason = error.problem_mark or error.context_mark, error.problem or str(error)
    if isinstance(error, yaml.constructor.ConstructorError) and "tag" in reason:
        reason = _("tag not allowed in content files: {detail}").format(detail=reason)
    _reject(file, mark.line + 1 if mark else 1, _("YAML error: {reason}").format(reason=reason))


def _check_events(file: Path, text: str, loader_class: _LoaderClass) -> None:
    """Refuse aliases and deep nesting from the event stream, which (unlike composing) is not recursive."""
    depth = 0
    for event in yaml.parse(text, Loader=loader_class):
        # The parser marks every event; the stubs allow None because a hand-built event may have none.
        line = event.start_mark.line + 1 if event.start_mark is not None else 1
        if isinstance(event, yaml.AliasEvent):
            _reject(file, line, _("YAML aliases (*name) are not allowed in content files"))
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                _reject(file, line, _("the document is nested too deeply"))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


_MAP, _SEQ, _VALUE = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:value"


class _NotPlain(Exception):
    """A node the quick read does not build itself (a tag other than a plain mapping or list, an unknown
    scalar tag, a `=` key): the careful read builds or refuses the file."""


class _Walk:
    """What _index has met on its way down: every node (by identity) and the collections it is inside;
    with a loader, _index builds the data as it goes."""

    def __init__(self, loader: yaml.SafeLoader | yaml.CSafeLoader | None) -> None:
        self.seen: set[int] = set()
        self.depth = 0
        self.loader = loader
        self.scalars = loader.yaml_constructors if loader is not None else {}

    def scalar(self, node: yaml.ScalarNode) -> object:
        construct = self.scalars.get(node.tag)
        if construct is None or node.tag == _VALUE:
            raise _NotPlain(node.tag)
        return construct(self.loader, node)


def _index(file: Path, node: yaml.Node, parts: FieldParts, document: YamlDocument, walk: _Walk) -> object:
    """Notes the lines under `node`; returns its data if the walk builds it (else None)."""
    line = node.start_mark.line + 1
    # The composer gives an alias the very node of its anchor: a node met again is an alias. Checked before
    # going down, so an alias bomb costs one step, not its expansion.
    if id(node) in walk.seen:
        _reject(file, line, _("YAML aliases (*name) are not allowed in content files"))
    walk.seen.add(id(node))
    document.lines.setdefault(parts, line)
    building = walk.loader is not None
    if isinstance(node, yaml.ScalarNode):
        if node.style == "|":
            document.block_text_lines[parts] = node.start_mark.line + 2  # the text starts below the `|`
        return walk.scalar(node) if building else None
    walk.depth += 1
    if walk.depth > MAX_DEPTH:
        _reject(file, line, _("the document is nested too deeply"))
    built: object = None
    if isinstance(node, yaml.MappingNode):
        if building and node.tag != _MAP:
            raise _NotPlain(node.tag)
        mapping: dict[object, object] = {}
        keys_seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if id(key_node) in walk.seen:
                _reject(file, line, _("YAML aliases (*name) are not allowed in content files"))
            walk.seen.add(id(key_node))
            if not isinstance(key_node, yaml.ScalarNode):
                _reject(file, line, _("a key must be plain text"))
            if key_node.tag == "tag:yaml.org,2002:merge":
                _reject(file, line, _("merge keys (<<) are not allowed in content files"))
            key = key_node.value
            if key in keys_seen:
                raise YamlRejected(Problem(file, line, field_path(parts + (key,)),
                                           _("duplicate key (first given on line {line})").format(
                                               line=keys_seen[key])))
            keys_seen[key] = line
            document.lines[parts + (key,)] = line
            value = _index(file, value_node, parts + (key,), document, walk)
            if building:
                mapping[walk.scalar(key_node)] = value
        built = mapping
    elif isinstance(node, yaml.SequenceNode):
        if building and node.tag != _SEQ:
            raise _NotPlain(node.tag)
        built = [_index(file, item, parts + (index,), document, walk) for index, item in enumerate(node.value)]
    walk.depth -= 1
    return built if building else None
