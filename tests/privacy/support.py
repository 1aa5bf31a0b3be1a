"""Raw dumps of everything the system stores, for scanning: every row of every
table of the event and read-model databases (SQLite files, or the test's
PostgreSQL schema), and, on SQLite, the files' raw bytes too (free pages and
write-ahead logs included)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from api.composition import Container
from domain.privacy.individual_number import find_individual_numbers
from infra.store.events import conninfo


def _text(value: Any) -> str:
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return "" if value is None else str(value)


def _row(row: tuple[Any, ...]) -> str:
    """Cells between bars: no digits of two cells (or rows) ever run together."""
    return "|" + "|".join(_text(v) for v in row) + "|"


def _sqlite_rows(path: Path) -> dict[str, list[str]]:
    tables: dict[str, list[str]] = {}
    conn = sqlite3.connect(str(path))
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for name in names:
            rows = conn.execute(f'SELECT * FROM "{name}"').fetchall()
            tables[f"{path.name}:{name}"] = [_row(row) for row in rows]
    finally:
        conn.close()
    return tables


def _postgres_rows(container: Container) -> dict[str, list[str]]:
    settings = container.settings
    assert settings.database_url
    tables: dict[str, list[str]] = {}
    with psycopg.connect(conninfo(settings.database_url)) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (settings.database_schema,),
        )]
        for name in names:
            rows = conn.execute(sql.SQL("SELECT * FROM {}.{}").format(
                sql.Identifier(settings.database_schema), sql.Identifier(name))).fetchall()
            tables[name] = [_row(row) for row in rows]
    return tables


def table_dump(container: Container) -> dict[str, list[str]]:
    """Every row of every table, as text (``|cell|cell|``, one row a line)."""
    if container.settings.database_url:
        return _postgres_rows(container)
    tables: dict[str, list[str]] = {}
    for path in (container.settings.events_path, container.settings.views_path):
        tables.update(_sqlite_rows(path))
    return tables


def raw_files(container: Container) -> str:
    """The raw bytes of every file in the data directory (SQLite: the databases
    with their free pages and write-ahead logs), as text."""
    return "\n".join(
        p.read_bytes().decode("utf-8", errors="replace")
        for p in sorted(container.settings.data_dir.iterdir()) if p.is_file()
    )


def tables_text(container: Container) -> str:
    return "\n".join(f"## {name}\n" + "\n".join(rows) for name, rows in table_dump(container).items())


def everything(container: Container) -> str:
    """Every table's rows and, on SQLite, every raw file: for plaintext searches
    (raw pages run cells together, so scan :func:`tables_text` for numbers)."""
    text = tables_text(container)
    if not container.settings.database_url:
        text += "\n" + raw_files(container)
    return text


# identifiers and digests, which are random hex and may hold 12 decimal digits
# in a row by chance: not text anyone typed
_IDENTIFIERS = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|(?<![0-9A-Za-z])[0-9a-fA-F]{16,}(?![0-9A-Za-z])"
    r"|[A-Za-z0-9+/_-]{24,}={0,2}"
)


def individual_numbers_in(text: str) -> list[str]:
    """Every individual number in ``text`` once identifiers are set aside."""
    cleaned = _IDENTIFIERS.sub(" ", text)
    return [cleaned[a:b] for a, b in find_individual_numbers(cleaned)]


def opened(vault: Any, cell: Any) -> Any:
    """A read-model cell with its sealed personal values opened. Sealing is
    randomised (a fresh nonce each time), so two generations of a read model are
    compared by what they hold, not by their ciphertext."""
    if not isinstance(cell, str) or not cell.startswith("{"):
        return cell
    try:
        data = json.loads(cell)
    except ValueError:
        return cell

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"$sealed"}:
                return {"$opened": vault.open(value["$sealed"])}
            if "s" in value and ({"c", "x"} & set(value)):
                return {"$opened": vault.open(json.dumps(value))}
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return json.dumps(walk(data), ensure_ascii=False, sort_keys=True)
