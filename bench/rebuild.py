"""Full rebuild of every read model, against the raw read+decode rate of the same log.

    python -m bench.rebuild [--events 1000000] [--backend sqlite|postgres|both] [--quick]

Generates a city log fast (applications saved many per transaction through the
real domain and event store), then measures in one run, per backend:
  raw  = select_notifications + decode of every event (the floor of any rebuild)
  full = ``rebuild --all`` of every read model: one shared pass over the log
         (application/projection/rebuild.py) feeding each new generation
and prints full/raw as a ratio (target >= 0.5). Read models are the
projections with tables; the payment process (a process manager, no tables)
is not rebuilt here.
"""

from __future__ import annotations

import time

from application.projection.rebuild import REBUILD_BATCH_SIZE, rebuild_many
from bench.common import backend_name, container_for, fresh_settings, generate, parser, verdict


def raw_rate(container) -> float:
    recorder, mapper = container.log.recorder, container.log.mapper
    t0, position, count = time.perf_counter(), 0, 0
    while True:
        batch = recorder.select_notifications(position, REBUILD_BATCH_SIZE, inclusive_of_start=False)
        if not batch:
            break
        for n in batch:
            mapper.to_domain_event(n)
        count += len(batch)
        position = batch[-1].id
    return count / (time.perf_counter() - t0)


def read_models(container) -> list[str]:
    return [name for name, p in container.engine.projections.items() if p.tables]


def rebuild_rate(container) -> float:
    head = container.log.head()
    t0 = time.perf_counter()
    rebuild_many(container.engine, read_models(container), grace=0)
    return head / (time.perf_counter() - t0)


def measure(backend: str, events: int) -> float:
    with fresh_settings(backend) as settings, container_for(settings) as container:
        t0 = time.perf_counter()
        generate(container, events)
        print(f"{backend_name(settings)}: generated {container.log.head():,} events "
              f"in {time.perf_counter() - t0:.1f}s")
        raw = raw_rate(container)
        full = rebuild_rate(container)
        print(f"  raw select_notifications + decode: {raw:,.0f} events/s")
        print(f"  rebuild of {len(read_models(container))} read models (shared pass): {full:,.0f} events/s")
        ratio = full / raw
        verdict(f"  {backend_name(settings)} ratio full/raw", f"{ratio:.2f}", ">= 0.5", ratio >= 0.5)
        return ratio


def main(argv: list[str] | None = None) -> dict[str, float]:
    p = parser(__doc__)
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = p.parse_args(argv)
    events = min(args.events, 5_000) if args.quick else args.events
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    return {backend: measure(backend, events) for backend in backends}


if __name__ == "__main__":
    main()
