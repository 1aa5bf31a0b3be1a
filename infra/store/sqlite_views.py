"""Read models in an embedded SQLite file (WAL mode, one connection per thread)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from application.projection.base import ViewStoreUnavailable


@contextmanager
def _unavailable_on_operational_error() -> Iterator[None]:
    """Locked or unreachable store: retryable, unlike a bug in a projection."""
    try:
        yield
    except sqlite3.OperationalError as e:
        raise ViewStoreUnavailable(str(e)) from e


class SQLiteViewCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        try:  # inline, not the context manager: this is the hottest call of a rebuild
            self._cursor.execute(sql, tuple(params))
        except sqlite3.OperationalError as e:
            raise ViewStoreUnavailable(str(e)) from e

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with _unavailable_on_operational_error():
            self._cursor.executemany(sql, [tuple(r) for r in rows])

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._cursor.fetchone()

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._cursor.fetchall()


class SQLiteViewStore:
    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
            with self._all_lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[SQLiteViewCursor]:
        with _unavailable_on_operational_error():
            conn = self._connection()
            cursor = conn.cursor()
            cursor.execute("BEGIN IMMEDIATE")
        try:
            yield SQLiteViewCursor(cursor)
        except BaseException:
            conn.rollback()
            raise
        else:
            with _unavailable_on_operational_error():
                conn.commit()
        finally:
            cursor.close()

    @contextmanager
    def read(self) -> Iterator[SQLiteViewCursor]:
        with _unavailable_on_operational_error():
            conn = self._connection()
            cursor = conn.cursor()
            cursor.execute("BEGIN")
        try:
            yield SQLiteViewCursor(cursor)
        finally:
            conn.rollback()
            cursor.close()

    def lock_row_clause(self) -> str:
        return ""  # BEGIN IMMEDIATE already serialises writers

    def close(self) -> None:
        with self._all_lock:
            for conn in self._all:
                try:
                    conn.close()
                except sqlite3.ProgrammingError:
                    pass
            self._all.clear()
        self._local = threading.local()
