"""Memory: peak RSS of the API process with a large log stored.

    python -m bench.memory [--events 1000000] [--backend postgres|sqlite] [--quick]

Generates ``--events`` events fast, brings the read models up to date (as a
long-running city would have them), then starts ``madoguchi serve`` (which
follows the log in-process), runs a round of status, list and dashboard
queries, and reads the server's peak resident set size (``VmHWM`` in
``/proc/<pid>/status``; Linux only). Target < 300 MB.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from eventsourcing.utils import get_topic

from bench.common import (
    backend_name,
    container_for,
    data,
    fresh_settings,
    generate,
    parser,
    server,
    staff_token,
    token,
    verdict,
)
from bench.query_latency import DASHBOARD, STATUS
from domain.applications.application import ApplicationSubmitted

LIST = "{ applications(first: 100) { totalCount nodes { id status } } }"


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident set size of ``pid`` in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def main(argv: list[str] | None = None) -> float:
    p = parser(__doc__)
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--backend", choices=("postgres", "sqlite"), default="postgres")
    args = p.parse_args(argv)
    events = min(args.events, 4_000) if args.quick else args.events
    with fresh_settings(args.backend) as settings:
        with container_for(settings) as container:
            t0 = time.perf_counter()
            generate(container, events)
            head = container.log.head()
            print(f"{backend_name(settings)}: generated {head:,} events in "
                  f"{time.perf_counter() - t0:.0f}s")
            t0 = time.perf_counter()
            container.engine.catch_up()
            print(f"read models caught up in {time.perf_counter() - t0:.0f}s")
            ids = [str(n.originator_id) for n in container.log.recorder.select_notifications(
                1, 200, topics=[get_topic(ApplicationSubmitted)])]
        with server(settings) as (url, pid):
            idle, _ = rss_mb(pid)
            staff = {"Authorization": f"Bearer {staff_token()}"}
            analyst = {"Authorization": f"Bearer {token('analyst', 'bench-analyst')}"}
            with httpx.Client(base_url=url, timeout=120) as http:
                for i, app_id in enumerate(ids):
                    data(http.post("/graphql", headers=staff, json={
                        "query": STATUS, "variables": {"id": app_id}}))
                    if i % 20 == 0:
                        data(http.post("/graphql", headers=staff, json={"query": LIST}))
                        data(http.post("/graphql", headers=analyst, json={"query": DASHBOARD}))
            current, peak = rss_mb(pid)
    print(f"API process RSS: {idle:.0f} MB after start, {current:.0f} MB after queries, "
          f"peak {peak:.0f} MB")
    verdict(f"peak RSS with {head:,} events", f"{peak:.0f} MB", "< 300 MB", peak < 300)
    return peak


if __name__ == "__main__":
    main()
