"""Builds the storage adapters for the configured backend (SQLite or PostgreSQL)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import psycopg

from application.shared.eventlog import CityLog
from application.shared.ports import LeaderLock, ViewStore, Wakeup
from infra.crypto.cipher import SubjectCipher
from infra.crypto.keystore import PostgresKeyDatabase, SQLiteKeyDatabase, SubjectKeyStore
from infra.crypto.master_key import load_master_key
from infra.settings import Settings
from infra.store.coordination import AdvisoryLock, FileLock, ListenWakeup, PollingWakeup
from infra.store.events import bound_reconnects, conninfo, event_store_env
from infra.store.postgres_views import PostgresViewStore
from infra.store.sqlite_views import SQLiteViewStore
from infra.transcodings import default_transcodings

_log = logging.getLogger("madoguchi.storage")


@dataclass
class Storage:
    log: CityLog
    views: ViewStore
    settings: Settings
    keys: SubjectKeyStore | None = None  # data keys per subject (infra/crypto)
    cipher: SubjectCipher | None = None

    def leader_lock(self, name: str) -> LeaderLock:
        if self.settings.database_url:
            return AdvisoryLock(self._conninfo, f"madoguchi:{self.settings.database_schema}:{name}")
        return FileLock(self.settings.data_dir / f"{name}.lock")

    def wakeup(self) -> Wakeup:
        if self.settings.database_url:
            wakeup: PollingWakeup = ListenWakeup(self._conninfo, "madoguchi_events")
        else:
            wakeup = PollingWakeup(self.settings.projection_poll_interval)
        self.log.on_saved(wakeup.notify)
        return wakeup

    @property
    def _conninfo(self) -> str:
        assert self.settings.database_url
        return conninfo(self.settings.database_url)

    def close(self) -> None:
        self.views.close()
        self.log.close()
        if self.keys is not None:
            self.keys.close()


def ensure_postgres_schema(settings: Settings) -> None:
    assert settings.database_url
    with psycopg.connect(conninfo(settings.database_url), autocommit=True) as conn:
        conn.execute(
            psycopg.sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                psycopg.sql.Identifier(settings.database_schema)
            )
        )


class UnsafeDurability(RuntimeError):
    """PostgreSQL could lose committed events on a crash."""


DURABILITY_SETTINGS = ("fsync", "synchronous_commit")


def postgres_durability(conninfo_: str) -> dict[str, str]:
    """The server's ``fsync`` and ``synchronous_commit`` as our sessions see them."""
    with psycopg.connect(conninfo_, autocommit=True) as conn:
        return {name: str(conn.execute(f"SHOW {name}").fetchone()[0]) for name in DURABILITY_SETTINGS}


def check_durability(settings: Settings) -> None:
    """Refuse to start on a PostgreSQL that acknowledges commits it may lose
    (``fsync`` or ``synchronous_commit`` off) unless
    ``MADOGUCHI_ALLOW_UNSAFE_DURABILITY=1``: an event log must not forget what
    it told a citizen it had recorded."""
    assert settings.database_url
    values = postgres_durability(conninfo(settings.database_url))
    unsafe = ", ".join(f"{k}={v}" for k, v in values.items() if v.lower() == "off")
    if not unsafe:
        return
    if settings.allow_unsafe_durability:
        _log.warning("PostgreSQL runs with %s: events acknowledged to callers may be lost in a "
                    "crash (allowed by MADOGUCHI_ALLOW_UNSAFE_DURABILITY)", unsafe)
        return
    raise UnsafeDurability(
        f"PostgreSQL runs with {unsafe}: a crash could lose events already acknowledged to "
        "callers; refusing to start. Turn them on in postgresql.conf (fsync = on, "
        "synchronous_commit = on), or for a throwaway database only set "
        "MADOGUCHI_ALLOW_UNSAFE_DURABILITY=1"
    )


def open_storage(settings: Settings) -> Storage:
    master_key = load_master_key(settings)  # before anything opens: fail fast
    if settings.database_url:
        check_durability(settings)
        ensure_postgres_schema(settings)
        key_db: PostgresKeyDatabase | SQLiteKeyDatabase = PostgresKeyDatabase(
            conninfo(settings.database_url), settings.database_schema
        )
    else:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        key_db = SQLiteKeyDatabase(settings.events_path)
    try:
        keys = SubjectKeyStore(key_db, master_key, ttl=settings.key_cache_ttl)
    except BaseException:
        key_db.close()
        raise
    cipher = SubjectCipher(keys)
    try:
        if settings.database_url:
            views: ViewStore = PostgresViewStore(
                conninfo(settings.database_url), schema=settings.database_schema
            )
        else:
            views = SQLiteViewStore(settings.views_path)
        log = CityLog(env=event_store_env(settings), transcodings=default_transcodings(cipher))
        bound_reconnects(log)
    except BaseException:
        keys.close()
        raise
    return Storage(log=log, views=views, settings=settings, keys=keys, cipher=cipher)
