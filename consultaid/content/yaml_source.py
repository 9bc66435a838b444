"""Safe YAML reading that remembers the line of every field, so errors can say `file:line`.

Only PyYAML's SafeLoader is used: no Python object tags. Content files are small, hand-written
documents, so anything that smells of abuse is refused before it is built: oversized files, deep
nesting, aliases (the "billion laughs" expansion) and duplicate keys (which YAML would silently drop).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from consultaid.content.problems import DOCUMENT, Problem, field_path
from consultaid.i18n import _

MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 32


class YamlRejected(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class YamlDocument:
    file: Path
    data: object
    # (path parts) -> line (1-based) where that field's key stands; the value's line for list items.
    lines: dict[tuple, int] = field(default_factory=dict)

    def line_of(self, parts) -> int:
        """The line of the field, or of its nearest parent that exists in the file."""
        parts = tuple(parts)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return self.lines.get((), 1)


def _reject(file: Path, line: int, message: str, path: str = DOCUMENT):
    raise YamlRejected(Problem(file, line, path, message))


def load_yaml(file: Path) -> YamlDocument:
    try:
        raw = file.read_bytes()
    except OSError as error:
        _reject(file, 1, _("cannot read the file: {reason}").format(reason=error.strerror or error))
    if len(raw) > MAX_FILE_BYTES:
        _reject(file, 1, _("file is too large ({size} bytes; at most {limit})").format(
            size=len(raw), limit=MAX_FILE_BYTES))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        _reject(file, line, _("the file is not UTF-8 text"))

    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            _reject(file, 1, _("the file is empty"))
        document = YamlDocument(file, None)
        _index(file, root, (), document.lines, set(), 0)
        document.data = loader.construct_document(root)
        return document
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        reason = error.problem or str(error)
        if isinstance(error, yaml.constructor.ConstructorError) and "tag" in reason:
            reason = _("tag not allowed in content files: {detail}").format(detail=reason)
        _reject(file, line, _("YAML error: {reason}").format(reason=reason))
    except yaml.YAMLError as error:
        _reject(file, 1, _("YAML error: {reason}").format(reason=error))
    except RecursionError:
        _reject(file, 1, _("the document is nested too deeply"))
    finally:
        loader.dispose()


def _index(file: Path, node, parts: tuple, lines: dict, seen: set, depth: int) -> None:
    if id(node) in seen:
        _reject(file, node.start_mark.line + 1, _("YAML aliases (*name) are not allowed in content files"))
    seen.add(id(node))
    if depth > MAX_DEPTH:
        _reject(file, node.start_mark.line + 1, _("the document is nested too deeply"))
    lines.setdefault(parts, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        keys_seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                _reject(file, key_node.start_mark.line + 1, _("a key must be plain text"))
            if key_node.tag == "tag:yaml.org,2002:merge":
                _reject(file, key_node.start_mark.line + 1, _("merge keys (<<) are not allowed in content files"))
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in keys_seen:
                raise YamlRejected(Problem(file, line, field_path(parts + (key,)),
                                           _("duplicate key (first given on line {line})").format(
                                               line=keys_seen[key])))
            keys_seen[key] = line
            lines[parts + (key,)] = line
            _index(file, value_node, parts + (key,), lines, seen, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index(file, item, parts + (index,), lines, seen, depth + 1)
