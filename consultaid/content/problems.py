"""A problem found in a content file, reported as `file:line: path.to.field: message`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DOCUMENT = "$"  # the path shown for a problem with the whole document (syntax, size, encoding)


@dataclass(frozen=True, order=True)
class Problem:
    file: Path
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.path}: {self.message}"


def field_path(parts) -> str:
    """('risks', 2, 'low') -> 'risks[2].low'."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or DOCUMENT
