"""Bookkeeping of projections: which generation serves, up to which position.

One row per (projection, generation) in ``projection_state``. Status is
``active`` (serving, at most one per projection), ``building`` (a rebuild in
progress), ``retired`` (switched away from, tables dropped) or ``snapshot`` (a
past state built for audits, never served)."""

from __future__ import annotations

from dataclasses import dataclass

from application.ports import ViewCursor, ViewStore

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
