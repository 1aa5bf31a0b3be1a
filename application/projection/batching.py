"""What read models share to apply a whole batch with few statements
(``ReadModel.apply_batch``): reading the rows a batch needs in one query."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from application.shared.ports import ViewCursor

# well under SQLite's limit of host parameters per statement
CHUNK = 500


def select_in(cur: ViewCursor, sql: str, keys: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``sql`` (a SELECT ending in ``… IN``) for ``keys``, in
    chunks of :data:`CHUNK` keys: one query per chunk instead of one per key."""
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start:start + CHUNK]
        cur.execute(f"{sql} ({', '.join('?' * len(chunk))})", chunk)
        yield from cur.fetchall()


class Lookup:
    """One column's values by key for the span of a batch: keys the batch will
    ask for are read in one query (``prefetch``), any other on first use, and
    values the batch writes are remembered (``lookup[key] = value``). For
    tables whose looked-up column never changes once its row is written."""

    def __init__(self, cur: ViewCursor, sql: str) -> None:
        self.cur = cur
        self.sql = sql  # SELECT key, value FROM … WHERE key IN
        self.values: dict[Any, Any] = {}

    def prefetch(self, keys: Iterator[Any] | Sequence[Any]) -> None:
        missing = sorted(set(keys) - self.values.keys())
        found = dict(select_in(self.cur, self.sql, missing))
        for key in missing:
            self.values[key] = found.get(key)

    def __getitem__(self, key: Any) -> Any:
        """The value, or None when there is no row."""
        if key not in self.values:
            self.prefetch([key])
        return self.values[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self.values[key] = value
