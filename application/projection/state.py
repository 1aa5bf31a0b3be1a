"""Bookkeeping of projections: which generation serves, up to which position.

One row per (projection, generation) in ``projection_state``. Status is
``active`` (serving, at most one per projection), ``building`` (a rebuild in
progress), ``retired`` (switched away from, tables dropped) or ``snapshot`` (a
past state built for audits, never served).

A snapshot generation has a ``namespace`` (its tables are
``<namespace>_<table>_g<generation>``) and an ``until_position``; while it is
being built its status is ``building`` (resumable), then ``snapshot``.

``projection_rate`` keeps a few (position, at) samples per generation, written
by the engine at most every :data:`RATE_SAMPLE_EVERY` seconds, so ``status``
can show events/s over the last minute."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from application.shared.ports import ViewCursor, ViewStore

STATE_DDL = (
    "CREATE TABLE IF NOT EXISTS projection_state ("
    " name TEXT NOT NULL,"
    " generation INTEGER NOT NULL,"
    " namespace TEXT NOT NULL DEFAULT '',"
    " status TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " position BIGINT NOT NULL,"
    " until_position BIGINT,"
    " error TEXT,"
    " error_position BIGINT,"
    " updated_at TEXT NOT NULL,"
    " PRIMARY KEY (name, generation))"
)

RATE_DDL = (
    "CREATE TABLE IF NOT EXISTS projection_rate ("
    " name TEXT NOT NULL,"
    " generation INTEGER NOT NULL,"
    " position BIGINT NOT NULL,"
    " at TEXT NOT NULL)"
)
RATE_SAMPLE_EVERY = timedelta(seconds=5)
RATE_WINDOW = timedelta(seconds=60)
_RATE_KEEP = timedelta(seconds=180)


@dataclass(frozen=True)
class GenerationState:
    name: str
    generation: int
    namespace: str
    status: str
    version: int
    position: int
    until_position: int | None
    error: str | None
    error_position: int | None
    updated_at: str


_COLUMNS = (
    "name, generation, namespace, status, version, position, until_position,"
    " error, error_position, updated_at"
)


def ensure_state_table(store: ViewStore) -> None:
    with store.transaction() as cur:
        cur.execute(STATE_DDL)
        cur.execute(RATE_DDL)


def all_states(cur: ViewCursor) -> list[GenerationState]:
    cur.execute(f"SELECT {_COLUMNS} FROM projection_state ORDER BY name, generation")
    return [GenerationState(*row) for row in cur.fetchall()]


def active_generations(cur: ViewCursor) -> dict[str, GenerationState]:
    cur.execute(f"SELECT {_COLUMNS} FROM projection_state WHERE status = 'active'")
    return {row[0]: GenerationState(*row) for row in cur.fetchall()}


def lock_generation(
    cur: ViewCursor, store: ViewStore, name: str, generation: int
) -> GenerationState | None:
    cur.execute(
        f"SELECT {_COLUMNS} FROM projection_state WHERE name = ? AND generation = ?"
        + store.lock_row_clause(),
        (name, generation),
    )
    row = cur.fetchone()
    return GenerationState(*row) if row else None


def insert_generation(
    cur: ViewCursor,
    *,
    name: str,
    generation: int,
    status: str,
    version: int,
    now: str,
    namespace: str = "",
    until_position: int | None = None,
) -> None:
    cur.execute(
        "INSERT INTO projection_state (name, generation, namespace, status, version, position,"
        " until_position, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
        (name, generation, namespace, status, version, until_position, now),
    )


def set_position(
    cur: ViewCursor, name: str, generation: int, position: int, now: str
) -> None:
    cur.execute(
        "UPDATE projection_state SET position = ?, updated_at = ?, error = NULL,"
        " error_position = NULL WHERE name = ? AND generation = ?",
        (position, now, name, generation),
    )


def set_status(cur: ViewCursor, name: str, generation: int, status: str, now: str) -> None:
    cur.execute(
        "UPDATE projection_state SET status = ?, updated_at = ? WHERE name = ? AND generation = ?",
        (status, now, name, generation),
    )


def record_error(
    store: ViewStore, name: str, generation: int, position: int, error: str, now: str
) -> None:
    with store.transaction() as cur:
        cur.execute(
            "UPDATE projection_state SET error = ?, error_position = ?, updated_at = ?"
            " WHERE name = ? AND generation = ?",
            (error[:2000], position, now, name, generation),
        )


def next_generation(cur: ViewCursor, name: str) -> int:
    cur.execute("SELECT MAX(generation) FROM projection_state WHERE name = ?", (name,))
    row = cur.fetchone()
    return int(row[0] or 0) + 1 if row else 1


def delete_generation(cur: ViewCursor, name: str, generation: int) -> None:
    cur.execute("DELETE FROM projection_state WHERE name = ? AND generation = ?", (name, generation))
    cur.execute("DELETE FROM projection_rate WHERE name = ? AND generation = ?", (name, generation))


def record_rate_sample(cur: ViewCursor, name: str, generation: int, position: int, at: datetime) -> None:
    """Remember (position, at), and forget samples too old to matter."""
    cur.execute(
        "DELETE FROM projection_rate WHERE name = ? AND generation = ? AND at < ?",
        (name, generation, (at - _RATE_KEEP).isoformat()),
    )
    cur.execute(
        "INSERT INTO projection_rate (name, generation, position, at) VALUES (?, ?, ?, ?)",
        (name, generation, position, at.isoformat()),
    )


def rate_samples(cur: ViewCursor) -> dict[tuple[str, int], list[tuple[int, datetime]]]:
    cur.execute("SELECT name, generation, position, at FROM projection_rate")
    out: dict[tuple[str, int], list[tuple[int, datetime]]] = {}
    for name, generation, position, at in cur.fetchall():
        out.setdefault((name, int(generation)), []).append((int(position), datetime.fromisoformat(at)))
    return out


def rate(
    gs: GenerationState, samples: list[tuple[int, datetime]], now: datetime
) -> float | None:
    """Events (log positions) per second over about the last minute: from the
    oldest sample of the window to the current position. ``None`` when unknown."""
    if datetime.fromisoformat(gs.updated_at) < now - RATE_WINDOW:
        return 0.0  # nothing applied (nor failed) for a minute
    recent = [(p, at) for p, at in samples if now - RATE_WINDOW <= at <= now]
    if not recent:
        return None
    position, at = min(recent, key=lambda s: s[1])
    seconds = (now - at).total_seconds()
    if seconds <= 0 or gs.position < position:
        return None
    return (gs.position - position) / seconds
