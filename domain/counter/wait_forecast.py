"""Wait-time forecast for one queue: a Monte Carlo run of the queue forward from
now, with the windows' published schedule, the remaining time of the services in
progress (service-time samples conditioned on the time already elapsed) and the
service times of those ahead sampled per purpose. The point forecast is the
median of the runs, the 80% interval their 10th and 90th percentiles. Pure."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

RUNS = 31
DEFAULT_MINUTES = 10.0
INF = math.inf


@dataclass(frozen=True)
class WindowState:
    periods: list[tuple[float, float]]  # open periods, minutes from now (may start < 0)
    busy_elapsed: float | None  # minutes the current service has run, None when free
    busy_purpose: str = ""


@dataclass(frozen=True)
class WaitingTicket:
    visit_id: str
    purpose: str
    waited: float  # minutes since arrival


def next_open(periods: Sequence[tuple[float, float]], t: float) -> float:
    """The first moment ≥ t at which the window is open (a start before close is allowed)."""
    for start, end in periods:
        if t < end:
            return max(t, start)
    return INF


class Samples:
    def __init__(self, by_purpose: dict[str, list[float]]) -> None:
        self.by_purpose = {p: sorted(v) for p, v in by_purpose.items() if v}
        self.all = sorted(x for v in by_purpose.values() for x in v)

    def pool(self, purpose: str) -> list[float]:
        own = self.by_purpose.get(purpose, [])
        return own if len(own) >= 3 else (self.all or [DEFAULT_MINUTES])

    def draw(self, purpose: str, rng: random.Random) -> float:
        return rng.choice(self.pool(purpose))

    def remaining(self, purpose: str, elapsed: float, rng: random.Random) -> float:
        pool = self.pool(purpose)
        longer = pool[next((i for i, x in enumerate(pool) if x > elapsed), len(pool)):]
        if not longer:
            return max(0.5, 0.2 * sum(pool) / len(pool))
        return rng.choice(longer) - elapsed


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def forecast(
    windows: Sequence[WindowState], line: Sequence[WaitingTicket], samples: Samples, seed: int,
    runs: int = RUNS,
) -> dict[str, tuple[float, float, float]]:
    """visit id → (predicted, low, high) total wait in minutes, for the line in service order."""
    if not line:
        return {}
    rng = random.Random(seed)
    starts: list[list[float]] = [[] for _ in line]
    for _ in range(runs):
        free_at = []
        for w in windows:
            t = 0.0 if w.busy_elapsed is None else samples.remaining(w.busy_purpose, w.busy_elapsed, rng)
            free_at.append(next_open(w.periods, t))
        for i, ticket in enumerate(line):
            best = min(range(len(free_at)), key=free_at.__getitem__) if free_at else -1
            start = free_at[best] if best >= 0 else INF
            starts[i].append(start)
            if start < INF:
                free_at[best] = next_open(windows[best].periods, start + samples.draw(ticket.purpose, rng))
    out = {}
    for ticket, runs_ in zip(line, starts, strict=True):
        finite = [s for s in runs_ if s < INF] or [24 * 60.0]
        out[ticket.visit_id] = tuple(round(ticket.waited + _quantile(finite, q), 2) for q in (0.5, 0.1, 0.9))
    return out  # type: ignore[return-value]
