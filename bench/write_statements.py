"""SQL statements and round trips of one ``submitApplication`` request (PostgreSQL).

    python -m bench.write_statements [--quick]

The app runs in process (FastAPI's TestClient, projections off), so every
statement counted is sent while the request is being answered: psycopg's
``Cursor.execute``/``executemany`` and the transaction commands (BEGIN, COMMIT,
ROLLBACK, SAVEPOINT) are counted; each is one round trip (no pipeline is used).
After the request, ``engine.catch_up()`` is counted apart: the work the
projections and process managers (the payment process: the fee due) do after
the commit, outside the request.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from fastapi.testclient import TestClient
from psycopg._connection_base import BaseConnection

from api.app import create_app
from bench.common import SUBMIT, container_for, fresh_settings, parser, set_up_city, staff_token, submission


@contextmanager
def counting() -> Iterator[list[str]]:
    sent: list[str] = []
    originals: dict[tuple[type, str], Callable[..., Any]] = {}

    def patch(cls: type, name: str, describe: Callable[..., str]) -> None:
        original = getattr(cls, name)
        originals[(cls, name)] = original

        def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
            query = args[0] if args else kwargs.get("query", kwargs.get("command"))
            sent.append(describe(query, *args[1:], **{k: v for k, v in kwargs.items() if k == "params_seq"}))
            return original(self, *args, **kwargs)

        setattr(cls, name, counted)

    def text(query: Any, *_: Any) -> str:
        raw = query if isinstance(query, str | bytes) else getattr(query, "_obj", query)
        value = raw.decode() if isinstance(raw, bytes) else str(raw)
        return " ".join(value.split())[:70] or "(empty: connection check)"

    patch(psycopg.Cursor, "execute", text)
    def many(query: Any, rows: Any = (), *_: Any, params_seq: Any = ()) -> str:
        return f"executemany x{len(list(rows or params_seq))}: {text(query)}"

    patch(psycopg.Cursor, "executemany", many)
    patch(BaseConnection, "_exec_command", text)
    try:
        yield sent
    finally:
        for (cls, name), original in originals.items():
            setattr(cls, name, original)


def report(title: str, sent: list[str]) -> None:
    print(f"{title}: {len(sent)} statements = {len(sent)} round trips")
    for statement, n in Counter(sent).most_common():
        print(f"  {n} x {statement}")


def main(argv: list[str] | None = None) -> None:
    p = parser(__doc__)
    p.parse_args(argv)
    with fresh_settings("postgres") as settings, container_for(settings) as container:
        set_up_city(container)
        container.engine.catch_up()
        headers = {"Authorization": f"Bearer {staff_token()}"}
        with TestClient(create_app(container, run_projections=False)) as client:
            for i in range(3):  # warm: pools open, keys and documents cached
                client.post("/graphql", json={"query": SUBMIT, "variables": {"input": submission(i)}},
                            headers=headers).raise_for_status()
            container.engine.catch_up()
            with counting() as sent:
                body = client.post("/graphql", json={"query": SUBMIT, "variables": {"input": submission(9)}},
                                   headers=headers).json()
            assert not body.get("errors"), body
            report("submitApplication request", sent)
            with counting() as after:
                container.engine.catch_up()
            report("after the commit (projections and process managers, all lanes)", after)


if __name__ == "__main__":
    main()
