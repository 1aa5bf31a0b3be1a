"""Write path: GraphQL ``submitApplication`` throughput against the raw event store.

    python -m bench.write_path [--clients 8] [--seconds 20] [--quick]

On PostgreSQL (a fresh schema, dropped afterwards), measured in one run:
  api = submitApplication/s through ``madoguchi serve`` (HTTP, auth, validation,
        encryption of personal data, one CityLog transaction; projections and the
        payment process run in the same server) with ``--clients`` concurrent clients
  raw = eventsourcing ``Application.save`` of a bare aggregate, one event per
        transaction, with as many concurrent threads, in its own schema, through
        our recorder (which writes the audit chain entry with each event)
  plain = the same through eventsourcing's own recorder (no chain): raw/plain is
        what writing the chain in the insert transaction costs
and prints api/raw (target >= 0.5).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx
import psycopg
from eventsourcing.application import Application as EventsourcingApplication
from eventsourcing.domain import Aggregate

from bench.common import (
    SUBMIT,
    container_for,
    data,
    fresh_settings,
    parser,
    server,
    set_up_city,
    staff_token,
    submission,
    verdict,
)
from infra.settings import Settings
from infra.store.events import event_store_env


def concurrently(clients: int, seconds: float, work: Callable[[int, int], None]) -> float:
    """Run ``work(client, i)`` in a loop on ``clients`` threads for ``seconds``;
    return completed calls per second."""
    done = [0] * clients
    stop = time.perf_counter() + seconds
    errors: list[BaseException] = []

    def loop(client: int) -> None:
        i = 0
        try:
            while time.perf_counter() < stop:
                work(client, i)
                i += 1
                done[client] += 1
        except BaseException as e:  # reported after the run
            errors.append(e)

    threads = [threading.Thread(target=loop, args=(c,)) for c in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return sum(done) / (time.perf_counter() - t0)


def api_rate(settings: Settings, clients: int, seconds: float) -> float:
    with container_for(settings) as container:
        set_up_city(container)
    headers = {"Authorization": f"Bearer {staff_token()}"}
    with server(settings) as (url, _pid):
        sessions = [httpx.Client(base_url=url, headers=headers, timeout=30) for _ in range(clients)]

        def submit(client: int, i: int) -> None:
            variables = {"input": submission(client * 1_000_000 + i)}
            data(sessions[client].post("/graphql", json={"query": SUBMIT, "variables": variables}))

        try:
            submit(0, 0)  # warm up
            return concurrently(clients, seconds, submit)
        finally:
            for s in sessions:
                s.close()


def raw_rate(settings: Settings, clients: int, seconds: float, *, chained: bool = True) -> float:
    env = event_store_env(settings)
    if not chained:
        del env["APPLICATION_RECORDER_TOPIC"]
    env.update(POSTGRES_SCHEMA=f"{settings.database_schema}_{'raw' if chained else 'plain'}",
               POSTGRES_POOL_SIZE=str(clients), POSTGRES_MAX_OVERFLOW="0", CREATE_TABLE="y")
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{env["POSTGRES_SCHEMA"]}"')
    app = EventsourcingApplication(env=env)
    try:
        app.save(Aggregate())  # warm up
        return concurrently(clients, seconds, lambda _c, _i: app.save(Aggregate()))
    finally:
        app.close()


def main(argv: list[str] | None = None) -> float:
    p = parser(__doc__)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--seconds", type=float, default=20.0)
    args = p.parse_args(argv)
    seconds = min(args.seconds, 5.0) if args.quick else args.seconds
    with fresh_settings("postgres") as settings:
        try:
            api = api_rate(settings, args.clients, seconds)
            raw = raw_rate(settings, args.clients, seconds)
            plain = raw_rate(settings, args.clients, seconds, chained=False)
        finally:
            with psycopg.connect(settings.database_url, autocommit=True) as conn:
                for suffix in ("raw", "plain"):
                    conn.execute(f'DROP SCHEMA IF EXISTS "{settings.database_schema}_{suffix}" CASCADE')
    print(f"PostgreSQL, {args.clients} concurrent clients, {seconds:.0f}s each")
    print(f"api submitApplication: {api:,.1f} commands/s")
    print(f"raw Application.save (1 event/transaction, chained): {raw:,.1f} saves/s")
    print(f"plain Application.save (eventsourcing's recorder, no chain): {plain:,.1f} saves/s "
          f"(the chain costs {1 - raw / plain:.0%} of the insert rate)")
    ratio = api / raw
    verdict("ratio api/raw", f"{ratio:.2f}", ">= 0.5", ratio >= 0.5)
    return ratio


if __name__ == "__main__":
    main()
