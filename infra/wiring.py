"""Builds the storage adapters for the configured backend (SQLite or PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from application.eventlog import CityLog
from application.ports import LeaderLock, ViewStore, Wakeup
from infra.settings import Settings
from infra.store.coordination import AdvisoryLock, FileLock, ListenWakeup, PollingWakeup
from infra.store.events import conninfo, event_store_env
from infra.store.postgres_views import PostgresViewStore
from infra.store.sqlite_views import SQLiteViewStore
from infra.transcodings import default_transcodings


@dataclass
class Storage:
    log: CityLog
    views: ViewStore
    settings: Settings

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


def ensure_postgres_schema(settings: Settings) -> None:
    assert settings.database_url
    with psycopg.connect(conninfo(settings.database_url), autocommit=True) as conn:
        conn.execute(
            psycopg.sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                psycopg.sql.Identifier(settings.database_schema)
            )
        )


def open_storage(settings: Settings) -> Storage:
    if settings.database_url:
        ensure_postgres_schema(settings)
        views: ViewStore = PostgresViewStore(
            conninfo(settings.database_url), schema=settings.database_schema
        )
    else:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        views = SQLiteViewStore(settings.views_path)
    log = CityLog(env=event_store_env(settings), transcodings=default_transcodings())
    return Storage(log=log, views=views, settings=settings)
