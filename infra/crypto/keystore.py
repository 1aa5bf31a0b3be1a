"""One AES-256-GCM data key per data subject, wrapped by the master key.

Kept in the **event** database, beside the events it opens (``events.sqlite3``
on SQLite, the configured schema on PostgreSQL)::

    subject_keys       (subject TEXT PRIMARY KEY, owner TEXT, wrapped_key BLOB|BYTEA, created_at TEXT)
    forgotten_subjects (subject TEXT PRIMARY KEY, owner TEXT, forgotten_at TEXT)

Forgetting a subject (crypto-shredding) records it in ``forgotten_subjects`` and
then DELETES its row from ``subject_keys``: every ciphertext sealed with that key,
in events and read models alike, can no longer be opened. A forgotten subject
never gets a new key, so nothing written for it later is readable either.

Race-free without locks, because every step commits on its own and each later
statement sees what committed before it:

- making a key: insert it (if absent), *then* look for a tombstone; if there is
  one, delete the key again and report the subject forgotten;
- forgetting: insert the tombstones, *then* delete the keys.

Whichever order two processes interleave in, no key survives its subject's
tombstone.

**Cache.** Unwrapped keys are cached in memory (at most ``max_cached``). A forget
evicts them in this process at once; another process keeps using a cached key
for at most ``ttl`` seconds (``MADOGUCHI_KEY_CACHE_TTL``, default 5) before it
looks again and finds it gone. Whatever such a process seals in that window is
sealed with the shredded key, so it is unreadable too.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import psycopg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from eventsourcing.persistence import OperationalError as PersistenceOperationalError
from psycopg_pool import ConnectionPool

from infra.crypto.master_key import MasterKeyError
from infra.store.events import RECONNECT_TIMEOUT
from infra.store.pool_check import idle_checked

log = logging.getLogger("madoguchi.privacy")

_WRAP_VERSION = b"\x01"
_NONCE = 12
_CHUNK = 500


class _Forgotten:
    def __repr__(self) -> str:
        return "FORGOTTEN"


FORGOTTEN: Any = _Forgotten()


class KeyDatabase(Protocol):
    dialect: str

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement in its own (committed) transaction; its rows."""
        ...

    def after_shred(self) -> None: ...

    def close(self) -> None: ...


class SQLiteKeyDatabase:
    """The key table in ``events.sqlite3``: one connection, serialised by a lock.

    ``secure_delete`` overwrites deleted keys with zeros, and after a shred the
    write-ahead log is checkpointed and truncated (best effort), so a copy of the
    file taken afterwards holds no trace of a shredded key."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            str(path), timeout=30, check_same_thread=False, isolation_level=None
        )
        self._conn.execute("PRAGMA secure_delete = ON")
        self._lock = threading.Lock()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchall()

    def after_shred(self) -> None:
        try:
            self.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as e:  # readers still busy: the next checkpoint does it
            log.debug("checkpoint after shredding keys deferred: %s", e)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class PostgresKeyDatabase:
    """The key table in the configured schema, through a small pool (autocommit)."""

    dialect = "postgres"

    def __init__(self, conninfo: str, schema: str) -> None:
        self.pool = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=4,
            kwargs={"options": f"-c search_path={schema}", "autocommit": True, "connect_timeout": 3},
            open=True,
            timeout=3.0,
            reconnect_timeout=RECONNECT_TIMEOUT,
            **idle_checked(),  # after a database restart, no dead connection
        )

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            with self.pool.connection() as conn:
                cur = conn.execute(sql.replace("?", "%s"), tuple(params))
                return [tuple(r) for r in cur.fetchall()] if cur.description else []
        except (psycopg.OperationalError, psycopg.InterfaceError) as e:  # PoolTimeout too
            # the keys live in the event database: unavailable like the event store (retryable)
            raise PersistenceOperationalError(str(e)) from e

    def after_shred(self) -> None:
        """Dead row versions stay until VACUUM; they are wrapped keys, useless
        without the master key (see docs/security.md)."""

    def close(self) -> None:
        self.pool.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SubjectKeyStore:
    """Data keys per subject: made on first use, cached, shredded on request."""

    def __init__(
        self,
        db: KeyDatabase,
        master_key: bytes,
        *,
        ttl: float = 5.0,
        max_cached: int = 100_000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self._master = AESGCM(master_key)
        # Secret for synthetic nonces of read-model seals (see SubjectCipher.seal).
        self.nonce_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"madoguchi/read-model-nonce"
        ).derive(master_key)
        self.ttl = ttl
        self.max_cached = max_cached
        self._monotonic = monotonic
        self._cache: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.create_tables()
        self.verify_master_key()

    # -- schema ------------------------------------------------------------------
    def create_tables(self) -> None:
        blob = "BYTEA" if self.db.dialect == "postgres" else "BLOB"
        statements = (
            "CREATE TABLE IF NOT EXISTS subject_keys (subject TEXT PRIMARY KEY, owner TEXT,"
            f" wrapped_key {blob} NOT NULL, created_at TEXT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS subject_keys_owner ON subject_keys (owner)",
            "CREATE TABLE IF NOT EXISTS forgotten_subjects (subject TEXT PRIMARY KEY,"
            " owner TEXT, forgotten_at TEXT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS forgotten_subjects_owner ON forgotten_subjects (owner)",
        )
        for sql in statements:
            try:
                self.db.execute(sql)
            except (psycopg.errors.UniqueViolation, psycopg.errors.DuplicateTable):
                pass  # another process created it at the same moment

    def verify_master_key(self) -> None:
        """Refuse to start with a master key that does not open the stored keys."""
        rows = self.db.execute("SELECT subject, wrapped_key FROM subject_keys LIMIT 1")
        if rows:
            try:
                self._unwrap(rows[0][0], bytes(rows[0][1]))
            except InvalidTag:
                raise MasterKeyError(
                    "the master key (MADOGUCHI_MASTER_KEY, or the development key file) does not "
                    "open the data keys stored in subject_keys: it is not the key they were made "
                    "with; refusing to start"
                ) from None

    # -- wrapping ----------------------------------------------------------------
    @staticmethod
    def _aad(subject: str) -> bytes:
        return b"madoguchi-subject-key:" + subject.encode()

    def _wrap(self, subject: str, key: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return _WRAP_VERSION + nonce + self._master.encrypt(nonce, key, self._aad(subject))

    def _unwrap(self, subject: str, wrapped: bytes) -> AESGCM:
        if wrapped[:1] != _WRAP_VERSION:
            raise InvalidTag()
        nonce, sealed = wrapped[1 : 1 + _NONCE], wrapped[1 + _NONCE :]
        return AESGCM(self._master.decrypt(nonce, sealed, self._aad(subject)))

    # -- cache -------------------------------------------------------------------
    def _cached(self, subject: str) -> Any:
        with self._lock:
            entry = self._cache.get(subject)
            if entry is None:
                return None
            expires, value = entry
            if expires < self._monotonic():
                del self._cache[subject]
                return None
            self._cache.move_to_end(subject)
            return value

    def _remember(self, subject: str, value: Any, *, forever: bool = False) -> None:
        if not forever and self.ttl <= 0:
            return
        expires = float("inf") if forever else self._monotonic() + self.ttl
        with self._lock:
            self._cache[subject] = (expires, value)
            self._cache.move_to_end(subject)
            while len(self._cache) > self.max_cached:
                self._cache.popitem(last=False)

    # -- keys --------------------------------------------------------------------
    def _load(self, subject: str) -> AESGCM | None:
        rows = self.db.execute("SELECT wrapped_key FROM subject_keys WHERE subject = ?", (subject,))
        return self._unwrap(subject, bytes(rows[0][0])) if rows else None

    def _state(self, subject: str) -> tuple[bytes | None, bool]:
        """(wrapped key or None, whether a tombstone exists), in one round trip."""
        [(wrapped, forgotten)] = self.db.execute(
            "SELECT (SELECT wrapped_key FROM subject_keys WHERE subject = ?),"
            " EXISTS (SELECT 1 FROM forgotten_subjects WHERE subject = ?)",
            (subject, subject),
        )
        return (None if wrapped is None else bytes(wrapped)), bool(forgotten)

    def key_for_writing(self, subject: str, owner: str | None = None) -> AESGCM | None:
        """The subject's key, made (and recorded with its owner) on first use;
        ``None`` when the subject has been forgotten."""
        cached = self._cached(subject)
        if cached is FORGOTTEN:
            return None
        if cached is not None:
            return cached
        wrapped, forgotten = self._state(subject)
        if wrapped is None and not forgotten:
            self.db.execute(
                "INSERT INTO subject_keys (subject, owner, wrapped_key, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (subject) DO NOTHING",
                (subject, owner, self._wrap(subject, AESGCM.generate_key(bit_length=256)), _now()),
            )
            # then look for a tombstone: a forget that raced us must win
            wrapped, forgotten = self._state(subject)
        if forgotten:
            if wrapped is not None:
                self.db.execute("DELETE FROM subject_keys WHERE subject = ?", (subject,))
            self._remember(subject, FORGOTTEN, forever=True)
            return None
        if wrapped is None:  # pragma: no cover - deleted by a forget in between
            self._remember(subject, FORGOTTEN, forever=True)
            return None
        key = self._unwrap(subject, wrapped)
        self._remember(subject, key)
        return key

    def key_for_reading(self, subject: str) -> AESGCM | None:
        """The subject's key, or ``None`` when it is gone (forgotten)."""
        cached = self._cached(subject)
        if cached is FORGOTTEN:
            return None
        if cached is not None:
            return cached
        key = self._load(subject)
        self._remember(subject, FORGOTTEN if key is None else key)
        return key

    # -- forgetting ----------------------------------------------------------------
    def holdings(self, subject: str) -> list[tuple[str, str | None]]:
        """(key subject, owner) of every key still held for ``subject``: its own,
        and those of everything it owns (a citizen's applications)."""
        rows = self.db.execute(
            "SELECT subject, owner FROM subject_keys WHERE subject = ? OR owner = ? ORDER BY subject",
            (subject, subject),
        )
        return [(r[0], r[1]) for r in rows]

    def was_forgotten(self, subject: str) -> bool:
        """Whether keys of ``subject`` (or of anything it owns) were ever shredded."""
        return bool(self.db.execute(
            "SELECT 1 FROM forgotten_subjects WHERE subject = ? OR owner = ? LIMIT 1",
            (subject, subject),
        ))

    def has_key(self, subject: str) -> bool:
        return bool(self.db.execute("SELECT 1 FROM subject_keys WHERE subject = ?", (subject,)))

    def shred(self, holdings: Sequence[tuple[str, str | None]]) -> None:
        """Forget these subjects: tombstones first, then delete their keys."""
        holdings = list(holdings)
        now = _now()
        for i in range(0, len(holdings), _CHUNK):
            chunk = holdings[i : i + _CHUNK]
            self.db.execute(
                "INSERT INTO forgotten_subjects (subject, owner, forgotten_at) VALUES "
                + ", ".join("(?, ?, ?)" for _ in chunk)
                + " ON CONFLICT (subject) DO NOTHING",
                [v for subject, owner in chunk for v in (subject, owner, now)],
            )
        for i in range(0, len(holdings), _CHUNK):
            chunk = holdings[i : i + _CHUNK]
            self.db.execute(
                f"DELETE FROM subject_keys WHERE subject IN ({', '.join('?' for _ in chunk)})",
                [subject for subject, _ in chunk],
            )
        for subject, _ in holdings:
            self._remember(subject, FORGOTTEN, forever=True)
        if holdings:
            self.db.after_shred()

    def forget_cached(self) -> None:
        """Drop every cached key (tests; or after restoring the key table)."""
        with self._lock:
            self._cache.clear()

    def close(self) -> None:
        self.forget_cached()
        self.db.close()
