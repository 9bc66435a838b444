"""The part of the DB-API (PEP 249) the records code uses, as a type. No Qt.

The workstation's store runs on sqlcipher3 (which has no type information) and the clinic server on
psycopg; both connections fit `DbConnection`, so the code that works on either (the audit check, the
import) is type-checked once. Rows come back as the driver gives them (tuples), so they are `Any` here:
each caller names the shape of the row it selected.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol


class DbCursor(Protocol):
    @property
    def description(self) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class DbConnection(Protocol):
    def execute(self, query: str, params: Any = ..., /) -> DbCursor: ...


def certain_row(row: Any | None, statement: str) -> Any:
    """The row of a statement that always returns one (an aggregate, INSERT … RETURNING, a row the open
    transaction holds locked). psycopg types every fetchone() as possibly None; here that can only mean a
    broken database, said with the statement's name (never its values, which may be patient data)."""
    if row is None:
        raise LookupError(f"no row returned by {statement}")
    return row
