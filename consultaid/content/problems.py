"""A problem found in a content file, reported as `file:line: path.to.field: message`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# Controls, line and paragraph separators (str.splitlines breaks on them), lone surrogates, noncharacters.
_NOT_PRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef" + "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)) + "]")

_PLAIN_KEY = re.compile(r"^[^\s:.\[\]\"'\\]+$")

DOCUMENT = "$"  # the path shown for a problem with the whole document (syntax, size, encoding)

# Where a field stands in a document: mapping keys and list indexes, outermost first.
FieldParts = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    file: Path
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return printable(f"{self.file}:{self.line}: {self.path}: {self.message}")


def printable(text: str) -> str:
    """One line that any terminal and any UTF-8 output can carry: a problem often quotes the very
    characters it is about (a pasted control character, a line break, a lone surrogate, U+FFFF), which
    are shown as escapes instead (\\x07, \\u2028, \\ud800)."""
    return _NOT_PRINTABLE.sub(lambda match: match.group(0).encode("unicode_escape").decode("ascii"), text)


def field_path(parts: Iterable[object]) -> str:
    """('risks', 2, 'low') -> 'risks[2].low'. A key that is not a plain word (a space, a dot, a colon, a
    quote: anything that would make the path ambiguous or split the line) is written as ["…"], escaped."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif isinstance(part, str) and _PLAIN_KEY.match(part):
            text += f".{part}" if text else part
        else:
            text += "[" + json.dumps(str(part), ensure_ascii=True).replace(" ", "\\u0020") + "]"
    return text or DOCUMENT
