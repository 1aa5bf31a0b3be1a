"""Checking pooled PostgreSQL connections without a round trip per checkout.

psycopg_pool's ``check_connection`` sends an empty query every time a connection
is taken: after a database restart no caller gets a dead connection, but every
read paid one more round trip (two for a status query: the read models' pool and
the key table's). Here only a connection that sat idle in the pool for more than
``IDLE_BEFORE_CHECK`` seconds is checked, which is where a restart leaves dead
ones; a connection broken while busy is noticed by its own error (retryable).
"""

from __future__ import annotations

import time
import weakref

import psycopg
from psycopg_pool import ConnectionPool

IDLE_BEFORE_CHECK = 1.0


class IdleCheck:
    """``check=`` and ``reset=`` of a ConnectionPool."""

    def __init__(self, idle: float = IDLE_BEFORE_CHECK) -> None:
        self.idle = idle
        self._returned: weakref.WeakKeyDictionary[psycopg.Connection, float] = weakref.WeakKeyDictionary()

    def check(self, conn: psycopg.Connection) -> None:
        returned = self._returned.get(conn)
        if returned is None or time.monotonic() - returned > self.idle:
            ConnectionPool.check_connection(conn)

    def reset(self, conn: psycopg.Connection) -> None:
        self._returned[conn] = time.monotonic()


def idle_checked() -> dict[str, object]:
    """The pool arguments: ``ConnectionPool(..., **idle_checked())``."""
    check = IdleCheck()
    return {"check": check.check, "reset": check.reset}
