"""Query latency and subscription fan-out, against a ``madoguchi serve`` process.

    python -m bench.query_latency [--applications 20000] [--clients 50] [--seconds 20]
                                  [--subscribers 500] [--backend postgres|sqlite] [--quick]

A store holding ``--applications`` finished applications (generated fast) is
served by ``madoguchi serve`` (projections in the server). Then:
  queries: ``--clients`` concurrent clients, each alternating the status query
           ``application(id)`` (staff) and the ``cityDashboard`` (analyst) for
           ``--seconds``; p50/p95/p99 per query (target p95 < 20 ms);
  push:    ``--subscribers`` WebSocket subscriptions to ``queueBoard``
           (graphql-transport-ws); one ticket is issued and the time until
           every subscriber has the new board is measured from the mutation
           being sent (target: the last push < 200 ms).
"""

from __future__ import annotations

import asyncio
import json
import random
import time

import httpx
import websockets
from eventsourcing.utils import get_topic

from bench.common import (
    DEPARTMENT,
    backend_name,
    container_for,
    data,
    fresh_settings,
    generate,
    ms,
    parser,
    percentile,
    server,
    staff_token,
    token,
    verdict,
    wait_caught_up,
)
from domain.applications.application import ApplicationSubmitted

STATUS = """query($id: ID!) { application(id: $id) {
  id status statusLabel { ja en } procedureCode dueAt overdue } }"""
DASHBOARD = """{ cityDashboard(from: "2026-01-01", to: "2026-12-31") {
  months { month applications } } }"""
QUEUE = "bench-q"
DEFINE_QUEUE = """mutation($code: String!, $dept: String!) {
  defineQueue(code: $code, department: $dept, nameJa: "証明", nameEn: "Certificates", prefix: "B") {
    id position } }"""
ISSUE = "mutation($input: IssueTicketInput!) { issueTicket(input: $input) { id position ticket } }"
BOARD = "subscription($q: String!) { queueBoard(queue: $q) { waitingCount } }"


async def _queries(url: str, ids: list[str], clients: int, seconds: float) -> dict[str, list[float]]:
    staff, analyst = staff_token(), token("analyst", "bench-analyst")
    latencies: dict[str, list[float]] = {"status": [], "dashboard": []}
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:

        async def client(n: int) -> None:
            rng = random.Random(n)
            i = n
            while time.perf_counter() < stop:
                if i % 2:
                    kind, body, who = "dashboard", {"query": DASHBOARD}, analyst
                else:
                    kind, who = "status", staff
                    body = {"query": STATUS, "variables": {"id": rng.choice(ids)}}
                t0 = time.perf_counter()
                response = await http.post("/graphql", json=body,
                                           headers={"Authorization": f"Bearer {who}"})
                latencies[kind].append(time.perf_counter() - t0)
                data(response)
                i += 1

        await asyncio.gather(*(client(n) for n in range(clients)))
    return latencies


async def _subscriber(url: str, ready: asyncio.Event, counter: list[int], total: int,
                      received: list[float], stop: asyncio.Event) -> None:
    async with websockets.connect(url.replace("http", "ws") + "/graphql",
                                  subprotocols=["graphql-transport-ws"], open_timeout=60) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": BOARD, "variables": {"q": QUEUE}}}))
        first = True
        while not stop.is_set():
            message = json.loads(await ws.recv())
            if message["type"] == "next":
                if first:  # the current board: subscribed
                    first = False
                    counter[0] += 1
                    if counter[0] == total:
                        ready.set()
                elif message["payload"]["data"]["queueBoard"]["waitingCount"] == 1:
                    received.append(time.perf_counter())
                    return
            elif message["type"] in ("error", "complete"):
                raise RuntimeError(f"subscription ended: {message}")


async def _fan_out(url: str, subscribers: int) -> list[float]:
    ready, stop = asyncio.Event(), asyncio.Event()
    counter, received = [0], []
    tasks = [asyncio.create_task(_subscriber(url, ready, counter, subscribers, received, stop))
             for _ in range(subscribers)]
    try:
        waiter = asyncio.create_task(ready.wait())
        done, _ = await asyncio.wait([waiter, *tasks], timeout=120,
                                     return_when=asyncio.FIRST_COMPLETED)
        if waiter not in done:
            for t in done:
                t.result()  # a subscriber failed: raise its error
            raise RuntimeError(f"only {counter[0]} of {subscribers} subscribed")
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            t0 = time.perf_counter()
            data(await http.post("/graphql", json={"query": ISSUE, "variables": {
                "input": {"queue": QUEUE}}}, headers={"Authorization": f"Bearer {staff_token()}"}))
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
        return [at - t0 for at in received]
    finally:
        stop.set()
        for t in tasks:
            t.cancel()


def main(argv: list[str] | None = None) -> float:
    p = parser(__doc__)
    p.add_argument("--applications", type=int, default=20_000)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--subscribers", type=int, default=500)
    p.add_argument("--backend", choices=("postgres", "sqlite"), default="postgres")
    args = p.parse_args(argv)
    if args.quick:
        args.applications, args.seconds = min(args.applications, 1000), min(args.seconds, 5.0)
        args.subscribers = min(args.subscribers, 100)
    with fresh_settings(args.backend) as settings:
        with container_for(settings) as container:
            generate(container, args.applications * 4)
            head = container.log.head()
            ids = [str(n.originator_id) for n in container.log.recorder.select_notifications(
                1, 2_000, topics=[get_topic(ApplicationSubmitted)])]
        with server(settings) as (url, _pid):
            admin = {"Authorization": f"Bearer {token('admin', 'bench-admin')}"}
            data(httpx.post(f"{url}/graphql", headers=admin, json={
                "query": DEFINE_QUEUE, "variables": {"code": QUEUE, "dept": DEPARTMENT}}))
            wait_caught_up(settings, head)
            latencies = asyncio.run(_queries(url, ids, args.clients, args.seconds))
            pushes = asyncio.run(_fan_out(url, args.subscribers))
    print(f"{backend_name(settings)}: {head:,} events, {args.clients} clients for {args.seconds:.0f}s")
    worst = 0.0
    for kind, values in latencies.items():
        p95 = percentile(values, 95)
        worst = max(worst, p95)
        print(f"{kind}: {len(values)} queries, p50 {ms(percentile(values, 50))}, "
              f"p95 {ms(p95)}, p99 {ms(percentile(values, 99))}")
    verdict("query p95 (worst of the two)", ms(worst), "< 20 ms", worst < 0.02)
    print(f"queueBoard push to {len(pushes)} subscribers: p50 {ms(percentile(pushes, 50))}, "
          f"p99 {ms(percentile(pushes, 99))}, last {ms(max(pushes))}")
    verdict("push to the last subscriber", ms(max(pushes)), "< 200 ms", max(pushes) < 0.2)
    return worst


if __name__ == "__main__":
    main()
