"""Projection lag: command acknowledgement → read-model visibility, at a steady rate.

    python -m bench.projection_lag [--rate 100] [--seconds 30] [--backend postgres|sqlite] [--quick]

One process, like ``madoguchi serve``: the container follows the log in its
background thread (LISTEN/NOTIFY on PostgreSQL, polling on SQLite) while a
paced thread submits applications through the application service at
``--rate`` commands/s. A command is acknowledged when ``submit`` returns its
position; it is visible when the ``application_status`` generation has
committed that position (observed by an engine listener, after the batch's
transaction). Prints p50/p99 of the difference (target p99 < 100 ms).
"""

from __future__ import annotations

import bisect
import threading
import time
import uuid

from application.projection import state
from bench.common import (
    DEPARTMENT,
    PROCEDURE,
    START,
    backend_name,
    container_for,
    fresh_settings,
    ms,
    parser,
    percentile,
    set_up_city,
    verdict,
)
from domain.shared.context import Actor, CommandContext

READ_MODEL = "application_status"


def submit_paced(container, rate: float, count: int, threads: int) -> list[tuple[int, float]]:
    """Submit ``count`` applications, the i-th at ``i / rate`` s after the start
    (``threads`` threads take the slots in turn); return (position, ack time)."""
    staff = Actor("bench-staff", "staff", DEPARTMENT)
    acks: list[tuple[int, float]] = []
    slots = iter(range(count))
    lock = threading.Lock()
    t0 = time.perf_counter()

    def work() -> None:
        while True:
            with lock:
                i = next(slots, None)
            if i is None:
                return
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            result = container.applications.submit(
                CommandContext(staff, START, uuid.uuid4().hex), procedure_code=PROCEDURE,
                channel="counter", applicant_name=f"住民 {i}",
                answers={"copies": 1 + i % 3, "address": "栃木県下野市笹原26"},
            )
            acked = time.perf_counter()
            with lock:
                acks.append((result.position, acked))

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sorted(acks, key=lambda a: a[1])


def main(argv: list[str] | None = None) -> float:
    p = parser(__doc__)
    p.add_argument("--rate", type=float, default=100.0, help="commands per second")
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--backend", choices=("postgres", "sqlite"), default="postgres")
    p.add_argument("--threads", type=int, default=4, help="submitting threads sharing the pace")
    p.add_argument("--fee", type=int, default=300, help="procedure fee; 0 = no payment process work")
    args = p.parse_args(argv)
    seconds = min(args.seconds, 5.0) if args.quick else args.seconds
    with fresh_settings(args.backend) as settings, container_for(settings) as container:
        set_up_city(container, args.fee)
        container.engine.catch_up()
        seen: list[tuple[int, float]] = []  # (position visible, when), in order
        lock = threading.Lock()

        def visible(names: frozenset[str] | None) -> None:
            if names is not None and READ_MODEL not in names:
                return
            with container.views.read() as cur:
                position = state.active_generations(cur)[READ_MODEL].position
            now = time.perf_counter()
            with lock:
                seen.append((position, now))

        container.engine.listeners.append(visible)
        container.start_projections()
        count = int(args.rate * seconds)
        acks = submit_paced(container, args.rate, count, args.threads)
        achieved = count / (acks[-1][1] - acks[0][1]) if count > 1 else args.rate
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with lock:
                if seen and seen[-1][0] >= max(pos for pos, _ in acks):
                    break
            time.sleep(0.01)
        with lock:
            positions = [pos for pos, _ in seen]
            times = [at for _, at in seen]
        lags = []
        for position, acked in acks:
            k = bisect.bisect_left(positions, position)  # first time it was visible
            if k == len(positions):
                raise RuntimeError(f"position {position} never became visible")
            lags.append(max(0.0, times[k] - acked))
        print(f"{backend_name(settings)}: {count} commands at {achieved:.1f}/s "
              f"(asked {args.rate:.0f}/s) for {seconds:.0f}s")
        p50, p99 = percentile(lags, 50), percentile(lags, 99)
        print(f"lag p50 {ms(p50)}, p99 {ms(p99)}, max {ms(max(lags))}")
        verdict("projection lag p99", ms(p99), "< 100 ms", p99 < 0.1)
        return p99


if __name__ == "__main__":
    main()
