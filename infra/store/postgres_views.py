"""Read models in PostgreSQL, beside the event table, through a connection pool."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from application.projection.base import ViewStoreUnavailable
from infra.store.events import RECONNECT_TIMEOUT

_UNAVAILABLE = (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout)


@contextmanager
def _unavailable_on_connection_error() -> Iterator[None]:
    """A lost or refused connection is retryable, unlike a bug in a projection."""
    try:
        yield
    except _UNAVAILABLE as e:
        raise ViewStoreUnavailable(str(e)) from e


def to_pyformat(sql: str) -> str:
    """Our portable SQL uses ``?`` placeholders; psycopg wants ``%s``."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresViewCursor:
    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with _unavailable_on_connection_error():
            self._cursor.execute(to_pyformat(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with _unavailable_on_connection_error():
                self._cursor.executemany(to_pyformat(sql), [tuple(r) for r in rows])

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._cursor.fetchone()

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._cursor.fetchall()


class PostgresViewStore:
    dialect = "postgres"

    def __init__(self, conninfo: str, schema: str = "public", max_size: int = 10) -> None:
        self.schema = schema
        self.pool = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=max_size,
            kwargs={"options": f"-c search_path={schema}", "autocommit": False, "connect_timeout": 3},
            open=True,
            timeout=3.0,  # with the database down, fail as ViewStoreUnavailable, not after 30 s
            reconnect_timeout=RECONNECT_TIMEOUT,
            check=ConnectionPool.check_connection,  # after a database restart, no dead connection
        )

    @contextmanager
    def transaction(self) -> Iterator[PostgresViewCursor]:
        with (
            _unavailable_on_connection_error(),
            self.pool.connection() as conn,
            conn.transaction(),
            conn.cursor() as cur,
        ):
            yield PostgresViewCursor(cur)

    @contextmanager
    def read(self) -> Iterator[PostgresViewCursor]:
        with (
            _unavailable_on_connection_error(),
            self.pool.connection() as conn,
            conn.transaction(),
            conn.cursor() as cur,
        ):
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield PostgresViewCursor(cur)

    def lock_row_clause(self) -> str:
        return " FOR UPDATE"

    def close(self) -> None:
        self.pool.close()
