"""The event store: eventsourcing's SQLite or PostgreSQL recorder, chosen by settings."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlparse

from infra.settings import Settings

# psycopg_pool retries a lost server with exponential backoff for 5 minutes, so
# after a minute's outage a pool may not try again for another minute. Giving up
# each reconnection attempt after this many seconds lets the next request connect
# at once: the API recovers by itself within seconds of the database.
RECONNECT_TIMEOUT = 2.0


def postgres_params(url: str) -> dict[str, str]:
    """Split ``postgresql://user:password@host:port/db`` into eventsourcing's settings."""
    parsed = urlparse(url)
    if parsed.scheme not in ("postgresql", "postgres"):
        raise ValueError("MADOGUCHI_DATABASE_URL must start with postgresql://")
    return {
        "POSTGRES_DBNAME": (parsed.path or "/").lstrip("/") or "postgres",
        "POSTGRES_HOST": parsed.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parsed.port or 5432),
        "POSTGRES_USER": unquote(parsed.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parsed.password or ""),
    }


def conninfo(url: str) -> str:
    p = postgres_params(url)
    parts = [
        f"dbname={p['POSTGRES_DBNAME']}",
        f"host={p['POSTGRES_HOST']}",
        f"port={p['POSTGRES_PORT']}",
        f"user={p['POSTGRES_USER']}",
    ]
    if p["POSTGRES_PASSWORD"]:
        parts.append(f"password={p['POSTGRES_PASSWORD']}")
    return " ".join(parts)


def event_store_env(settings: Settings) -> dict[str, str]:
    """The environment for :class:`application.shared.eventlog.CityLog`."""
    if settings.database_url:
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_SCHEMA": settings.database_schema,
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "10",
            "POSTGRES_LOCK_TIMEOUT": "5",
            # how long to wait for a pooled connection (whole seconds); eventsourcing
            # retries each call 10 times, so with the database down a command fails
            # as UNAVAILABLE after ~12 s instead of ~5 min (docs/operations.md)
            "POSTGRES_CONNECT_TIMEOUT": "1",
            "POSTGRES_CONN_MAX_AGE": "",
            "POSTGRES_PRE_PING": "y",
            "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
        }
        env.update(postgres_params(settings.database_url))
        return env
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(settings.events_path),
        "SQLITE_LOCK_TIMEOUT": "30",
    }


def bound_reconnects(log: Any) -> None:
    """Apply ``RECONNECT_TIMEOUT`` to the event store's pool (PostgreSQL only;
    eventsourcing does not expose the setting)."""
    pool = getattr(getattr(log.recorder, "datastore", None), "pool", None)
    if pool is not None:
        pool.reconnect_timeout = RECONNECT_TIMEOUT
