"""Query throughput against a yardstick, and latency under an open-loop load.

    python -m bench.query_throughput [--applications 5000] [--seconds 10] [--clients 8]
                                     [--rate 200] [--closed-clients 50] [--quick]

PostgreSQL, ``--applications`` finished applications, every server one uvicorn
process (``madoguchi serve``; the yardstick ``bench/bare_status.py``). In one run:
  ratio:   the status query ``application(id)`` through GraphQL, ``--clients``
           closed-loop clients for ``--seconds``, against the bare FastAPI route
           reading the same row with psycopg: requests/s ÷ requests/s (target ≥ 0.5);
  access:  the status query with a personal field (``applicantName``, shown to
           staff: each read records a PersonalDataViewed) with the access log
           group-committed and without (MADOGUCHI_ACCESS_LOG_GROUP_COMMIT=false);
  open:    an open-loop mix (status, ticket, dashboard in turn) sent at ``--rate``
           requests/s whatever the answers' pace; latency from each request's
           scheduled time (target p95 < 20 ms, p99 < 50 ms);
  closed:  ``--closed-clients`` closed-loop clients on the same mix: throughput
           (on 2 shared cores this measures queueing, so it is reported as
           requests/s, not as latency).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from eventsourcing.utils import get_topic

from bench.common import (
    DEPARTMENT,
    ROOT,
    container_for,
    data,
    free_port,
    fresh_settings,
    generate,
    ms,
    parser,
    percentile,
    server,
    server_env,
    staff_token,
    token,
    verdict,
    wait_caught_up,
)
from bench.query_latency import DASHBOARD, DEFINE_QUEUE, ISSUE, QUEUE, STATUS
from domain.applications.application import ApplicationSubmitted
from infra.settings import Settings

STATUS_PII = """query($id: ID!) { application(id: $id) {
  id status statusLabel { ja en } procedureCode dueAt overdue applicantName } }"""
TICKET = "query($id: ID!) { ticket(id: $id) { ticket status ahead placeInLine turnNear } }"
Request = Callable[[int], tuple[str, dict[str, Any], dict[str, str]]]


@contextmanager
def bare_server(settings: Settings) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "bench.bare_status:bare_app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=server_env(settings), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"bare server exited: {process.stderr.read().decode()[-2000:]}")
            try:
                httpx.get(f"{url}/status/none")
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError("bare server did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


async def closed_loop(url: str, request: Request, clients: int, seconds: float) -> list[float]:
    latencies: list[float] = []
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        async def client(n: int) -> None:
            for i in itertools.count(n * 7919):
                if time.perf_counter() >= stop:
                    return
                method, body, headers = request(i)
                t0 = time.perf_counter()
                try:
                    if method == "GET":
                        response = await http.get(body["path"])
                        response.raise_for_status()
                    else:
                        data(await http.post("/graphql", json=body, headers=headers))
                except httpx.TransportError:  # a kept-alive connection the server closed: retry
                    continue
                latencies.append(time.perf_counter() - t0)

        await asyncio.gather(*(client(n) for n in range(clients)))
    return latencies


async def open_loop(url: str, request: Request, rate: float, seconds: float) -> list[float]:
    """Each request sent at its scheduled time (never waiting for earlier answers);
    latency counted from that time, so a stalled server cannot hide its queue."""
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    timeout = httpx.Timeout(30, pool=None)  # waiting for a connection is part of the latency
    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits) as http:
        async def one(i: int, scheduled: float) -> None:
            _, body, headers = request(i)
            try:
                data(await http.post("/graphql", json=body, headers=headers))
            except httpx.HTTPError:  # not answered in time: slower than any percentile we report
                latencies.append(float("inf"))
                return
            latencies.append(time.perf_counter() - scheduled)

        start = time.perf_counter() + 0.2
        tasks = []
        for i in range(int(rate * seconds)):
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i, scheduled)))
        await asyncio.gather(*tasks)
    return latencies


def rate_of(latencies: list[float], seconds: float) -> float:
    return len(latencies) / seconds


def main(argv: list[str] | None = None) -> float:
    p = parser(__doc__)
    p.add_argument("--applications", type=int, default=5_000)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--rate", type=float, default=200.0)
    p.add_argument("--closed-clients", type=int, default=50)
    p.add_argument("--tickets", type=int, default=20)
    args = p.parse_args(argv)
    if args.quick:
        args.applications, args.seconds = min(args.applications, 300), min(args.seconds, 2.0)
        args.tickets, args.closed_clients = min(args.tickets, 3), min(args.closed_clients, 5)
    staff = {"Authorization": f"Bearer {staff_token()}"}
    analyst = {"Authorization": f"Bearer {token('analyst', 'bench-analyst')}"}
    with fresh_settings("postgres") as settings:
        with container_for(settings) as container:
            generate(container, args.applications * 4)
            ids = [str(n.originator_id) for n in container.log.recorder.select_notifications(
                1, 2_000, topics=[get_topic(ApplicationSubmitted)])]

        def status(query: str) -> Request:
            return lambda i: ("POST", {"query": query, "variables": {"id": ids[i % len(ids)]}}, staff)

        def bare(i: int) -> tuple[str, dict[str, Any], dict[str, str]]:
            return "GET", {"path": f"/status/{ids[i % len(ids)]}"}, {}

        results: dict[str, Any] = {}
        for group_commit in ("true", "false"):
            with server(settings, MADOGUCHI_ACCESS_LOG_GROUP_COMMIT=group_commit) as (url, _pid):
                if group_commit == "true":
                    admin = {"Authorization": f"Bearer {token('admin', 'bench-admin')}"}
                    data(httpx.post(f"{url}/graphql", headers=admin, json={
                        "query": DEFINE_QUEUE, "variables": {"code": QUEUE, "dept": DEPARTMENT}}))
                    tickets = [data(httpx.post(f"{url}/graphql", headers=staff, json={
                        "query": ISSUE, "variables": {"input": {"queue": QUEUE}}}))["issueTicket"]
                               for _ in range(args.tickets)]
                    wait_caught_up(settings, tickets[-1]["position"])

                    def mix(i: int, tickets: list[dict[str, Any]] = tickets) -> tuple[
                            str, dict[str, Any], dict[str, str]]:
                        kind = i % 3
                        if kind == 0:
                            return status(STATUS)(i)
                        if kind == 1:
                            return "POST", {"query": TICKET, "variables": {
                                "id": tickets[i % len(tickets)]["id"]}}, {}
                        return "POST", {"query": DASHBOARD}, analyst

                    asyncio.run(closed_loop(url, status(STATUS), args.clients, 1.0))  # warm up
                    results["graphql"] = asyncio.run(closed_loop(url, status(STATUS), args.clients, args.seconds))
                    results["open"] = asyncio.run(open_loop(url, mix, args.rate, args.seconds))
                    results["closed"] = asyncio.run(closed_loop(url, mix, args.closed_clients, args.seconds))
                results[f"pii-{group_commit}"] = asyncio.run(
                    closed_loop(url, status(STATUS_PII), args.clients, args.seconds))
        with bare_server(settings) as url:
            asyncio.run(closed_loop(url, bare, args.clients, 1.0))  # warm up
            results["bare"] = asyncio.run(closed_loop(url, bare, args.clients, args.seconds))

    s = args.seconds
    graphql, bare_rps = rate_of(results["graphql"], s), rate_of(results["bare"], s)
    print(f"PostgreSQL: {args.applications:,} applications, {args.clients} clients for {s:.0f}s, "
          f"cpus {os.cpu_count()}")
    print(f"status via GraphQL: {graphql:.1f} req/s (p50 {ms(percentile(results['graphql'], 50))}); "
          f"bare route: {bare_rps:.1f} req/s (p50 {ms(percentile(results['bare'], 50))})")
    ratio = graphql / bare_rps
    verdict("ratio graphql/bare", f"{ratio:.2f}", ">= 0.5", ratio >= 0.5)
    with_gc, without = rate_of(results["pii-true"], s), rate_of(results["pii-false"], s)
    print(f"status with a personal field (access log): group commit {with_gc:.1f} req/s "
          f"(p95 {ms(percentile(results['pii-true'], 95))}), one transaction per read {without:.1f} req/s "
          f"(p95 {ms(percentile(results['pii-false'], 95))}), ratio {with_gc / without:.2f}")
    opened = results["open"]
    p95, p99 = percentile(opened, 95), percentile(opened, 99)
    unanswered = sum(1 for t in opened if t == float("inf"))
    print(f"open loop at {args.rate:.0f} req/s: {len(opened)} requests ({unanswered} not answered within 30 s), "
          f"p50 {ms(percentile(opened, 50))}")
    verdict("open-loop p95", ms(p95), "< 20 ms", p95 < 0.02)
    verdict("open-loop p99", ms(p99), "< 50 ms", p99 < 0.05)
    print(f"closed loop, {args.closed_clients} clients, same mix: {rate_of(results['closed'], s):.1f} req/s "
          f"(p95 {ms(percentile(results['closed'], 95))}: queueing on this machine)")
    return ratio


if __name__ == "__main__":
    main()
