"""Leader locks and wake-ups for the projection engine.

PostgreSQL: a session advisory lock (released when the holder's connection
dies) and LISTEN on the event table's channel. SQLite: an exclusive ``flock`` on
a file beside the database, and short polling (plus an in-process signal)."""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

import psycopg


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class FileLock:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class AdvisoryLock:
    def __init__(self, conninfo: str, name: str) -> None:
        self.conninfo = conninfo
        self.key = _lock_key(name)
        self._conn: psycopg.Connection | None = None

    def try_acquire(self) -> bool:
        if self._conn is not None and not self._conn.closed:
            try:
                self._conn.execute("SELECT 1")
                return True
            except psycopg.Error:
                self._drop()
        try:
            conn = psycopg.connect(self.conninfo, autocommit=True)
        except psycopg.Error:
            return False
        got = conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
        if got and got[0]:
            self._conn = conn
            return True
        conn.close()
        return False

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except psycopg.Error:
                pass
        self._conn = None

    def release(self) -> None:
        if self._conn is not None and not self._conn.closed:
            try:
                self._conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
            except psycopg.Error:
                pass
        self._drop()


class PollingWakeup:
    """Sleeps ``interval`` unless woken in-process by :meth:`notify`."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._event = threading.Event()

    def notify(self, _position: int = 0) -> None:
        self._event.set()

    def wait(self, timeout: float) -> None:
        self._event.wait(min(timeout, self.interval))
        self._event.clear()

    def close(self) -> None:
        self._event.set()


class ListenWakeup(PollingWakeup):
    """Wakes on PostgreSQL NOTIFY from the event table's channel (and in-process)."""

    def __init__(self, conninfo: str, channel: str, interval: float = 1.0) -> None:
        super().__init__(interval)
        self.conninfo = conninfo
        self.channel = channel
        self._conn: psycopg.Connection | None = None

    def _listen(self) -> psycopg.Connection | None:
        if self._conn is None or self._conn.closed:
            try:
                self._conn = psycopg.connect(self.conninfo, autocommit=True)
                self._conn.execute(f'LISTEN "{self.channel}"')
            except psycopg.Error:
                self._conn = None
        return self._conn

    def wait(self, timeout: float) -> None:
        if self._event.is_set():
            self._event.clear()
            return
        conn = self._listen()
        if conn is None:
            super().wait(timeout)
            return
        try:
            for _ in conn.notifies(timeout=min(timeout, self.interval), stop_after=1):
                break
        except psycopg.Error:
            self._conn = None

    def close(self) -> None:
        super().close()
        if self._conn is not None:
            try:
                self._conn.close()
            except psycopg.Error:
                pass


class ChangeChannel:
    """Which read models moved, across processes (API workers, replicas): the
    process applying projections NOTIFYs their names on the schema's channel;
    every process LISTENs and wakes its live subscriptions (api/shared/live.py)."""

    def __init__(self, conninfo: str, channel: str) -> None:
        self.conninfo = conninfo
        self.channel = channel
        self._publisher: psycopg.Connection | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._listening = threading.Event()

    def publish(self, names: frozenset[str] | None) -> None:
        """After a batch applied here (``None``: a standby's guess, not sent)."""
        if not names:
            return
        with self._lock:
            try:
                if self._publisher is None or self._publisher.closed:
                    self._publisher = psycopg.connect(self.conninfo, autocommit=True)
                self._publisher.execute("SELECT pg_notify(%s, %s)", (self.channel, ",".join(sorted(names))))
            except psycopg.Error:  # the others fall back to polling; the next batch retries
                self._publisher = None

    def subscribe(self, on_change: Callable[[frozenset[str] | None], None]) -> None:
        """Call ``on_change(names)`` from a listening thread for each NOTIFY
        (returns once it listens, or after a second if the database is away)."""
        self._thread = threading.Thread(target=self._listen, args=(on_change,),
                                        name="madoguchi-changes", daemon=True)
        self._thread.start()
        self._listening.wait(1.0)

    def _listen(self, on_change: Callable[[frozenset[str] | None], None]) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True) as conn:
                    conn.execute(psycopg.sql.SQL("LISTEN {}").format(psycopg.sql.Identifier(self.channel)))
                    self._listening.set()
                    while not self._stop.is_set():
                        for n in conn.notifies(timeout=0.5):
                            on_change(frozenset(n.payload.split(",")) if n.payload else None)
            except psycopg.Error:
                self._stop.wait(1.0)  # the database is away: subscriptions poll meanwhile

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            if self._publisher is not None:
                self._publisher.close()
