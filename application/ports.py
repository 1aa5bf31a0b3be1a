"""The interfaces (ports) the application layer needs; adapters live in infra/."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class ViewCursor(Protocol):
    """A DB-API-like cursor over the read-model store.

    SQL is written once for both stores: ``?`` placeholders, ``ON CONFLICT ...
    DO UPDATE`` upserts, and only the column types TEXT, INTEGER, BIGINT and
    DOUBLE PRECISION."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    def fetchone(self) -> tuple[Any, ...] | None: ...

    def fetchall(self) -> list[tuple[Any, ...]]: ...


class ViewStore(Protocol):
    dialect: str  # "sqlite" or "postgres"

    def transaction(self) -> AbstractContextManager[ViewCursor]:
        """A write transaction: commits on normal exit, rolls back on error."""
        ...

    def read(self) -> AbstractContextManager[ViewCursor]:
        """A read-only snapshot."""
        ...

    def lock_row_clause(self) -> str:
        """`` FOR UPDATE`` where the store supports row locks, else ``''``."""
        ...

    def close(self) -> None: ...


class LeaderLock(Protocol):
    """Held by at most one process at a time; released when the holder dies."""

    def try_acquire(self) -> bool: ...

    def release(self) -> None: ...


class Wakeup(Protocol):
    """Lets the projection engine sleep until new events may have been stored."""

    def wait(self, timeout: float) -> None: ...

    def close(self) -> None: ...


class PersonalDataVault(Protocol):
    """Seals personal values for storage in read models and opens them for reading.

    A sealed value is a string; opening one whose subject has been forgotten
    gives the erased label."""

    def seal(self, value: Any) -> str | None: ...

    def open(self, sealed: str | None) -> Any: ...

