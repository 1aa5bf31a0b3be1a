"""Profile of one status query, end to end in process (pyinstrument: pip install -e '.[bench]').

    python -m bench.profile_status [--requests 300] [--backend postgres|sqlite] [--pii] [--inline]

The app is driven through httpx's ASGI transport (no sockets), ``--requests``
times with the same document: parsing and validation (cached after the first),
the hardening extensions, strawberry execution, the read (thread pool, pool
waits, decryption) and JSON. pyinstrument follows the event loop's thread, so
thread-pool work shows as the time awaiting it; ``--inline`` runs that work on the
loop's thread instead, to see where its CPU goes. ``--pii`` adds a personal
field (the access-log record of each read).
"""

from __future__ import annotations

import asyncio
import time

import httpx
from eventsourcing.utils import get_topic
from pyinstrument import Profiler

from api.app import create_app
from api.graphql.shared.context import ApiContext
from bench.common import container_for, fresh_settings, generate, parser, staff_token
from bench.query_latency import STATUS
from bench.query_throughput import STATUS_PII
from domain.applications.application import ApplicationSubmitted


async def _drive(app, query: str, ids: list[str], requests: int) -> float:  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {staff_token()}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        for i in range(5):  # warm: documents cached, pools open
            (await http.post("/graphql", json={"query": query, "variables": {"id": ids[i]}},
                             headers=headers)).raise_for_status()
        started = time.perf_counter()
        for i in range(requests):
            body = (await http.post("/graphql", json={"query": query, "variables": {
                "id": ids[i % len(ids)]}}, headers=headers)).json()
            assert not body.get("errors"), body
        return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    p = parser(__doc__)
    p.add_argument("--requests", type=int, default=300)
    p.add_argument("--backend", choices=("postgres", "sqlite"), default="postgres")
    p.add_argument("--pii", action="store_true")
    p.add_argument("--inline", action="store_true")
    p.add_argument("--all", action="store_true", help="show library frames too")
    args = p.parse_args(argv)
    if args.quick:
        args.requests = min(args.requests, 30)
    if args.inline:
        async def inline(self, fn, *a, **kw):  # type: ignore[no-untyped-def]
            return fn(*a, **kw)
        ApiContext.run = inline  # type: ignore[method-assign]
    with fresh_settings(args.backend) as settings, container_for(settings) as container:
        generate(container, 2_000)
        container.engine.catch_up()
        ids = [str(n.originator_id) for n in container.log.recorder.select_notifications(
            1, 2_000, topics=[get_topic(ApplicationSubmitted)])]
        app = create_app(container, run_projections=False)
        profiler = Profiler(async_mode="enabled", interval=0.0005)
        cpu = time.process_time()
        profiler.start()
        seconds = asyncio.run(_drive(app, STATUS_PII if args.pii else STATUS, ids, args.requests))
        profiler.stop()
        cpu = time.process_time() - cpu
    print(f"{args.requests} status queries in {seconds:.2f} s: {seconds / args.requests * 1000:.2f} ms each, "
          f"{cpu / args.requests * 1000:.2f} ms CPU of this process each "
          f"({'inline' if args.inline else 'thread pool'}, {args.backend})")
    print(profiler.output_text(unicode=False, color=False, show_all=args.all))


if __name__ == "__main__":
    main()
