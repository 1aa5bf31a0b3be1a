"""Shipped scenarios for the simulation harness (deterministic seeds): a
normal day, a Monday after a holiday, the March moving peak (2–3 hour waits at
市民課 異動) and a day of lunch breaks. Each writes ARRIVALS.csv and WINDOWS.csv."""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from application.counter.simulation.rules import ARRIVAL_HEADER, WINDOW_HEADER

# purpose: (queue, share of that queue's visitors, median minutes, log-sd)
PURPOSES = {
    "juminhyo": ("shomei", 0.55, 4.0, 0.45),
    "koseki": ("shomei", 0.25, 7.0, 0.45),
    "inkan-toroku": ("shomei", 0.20, 12.0, 0.40),
    "tennyu": ("ido", 0.45, 28.0, 0.35),
    "tenshutsu": ("ido", 0.30, 12.0, 0.35),
    "mynumber": ("ido", 0.25, 18.0, 0.40),
}
PRIORITY_SHARE = 0.05


@dataclass(frozen=True)
class Scenario:
    name: str
    day: date
    rates: dict[str, Callable[[float], float]]  # queue -> arrivals per hour at an hour of day
    windows: dict[str, list[tuple[str, float, float]]]  # queue -> (window, open hour, close hour)
    last_arrival: float = 16.5
    seed: int = 1


def _bump(base: float, peak: float, at: float, width: float) -> Callable[[float], float]:
    return lambda h: base + peak * math.exp(-((h - at) / width) ** 2)


def _day(windows: dict[str, int], breaks: bool, close: float = 17.25, first: int = 1
         ) -> dict[str, list[tuple[str, float, float]]]:
    """Windows per queue, 8:30 to ``close``; with breaks each takes lunch in turn."""
    out: dict[str, list[tuple[str, float, float]]] = {}
    number = first
    for queue, count in windows.items():
        rows = []
        for i in range(count):
            w = str(number)
            number += 1
            if breaks:
                lunch = 11.5 + 0.5 * (i % 4)
                rows += [(w, 8.5, lunch), (w, lunch + 1.0, close)]
            else:
                rows.append((w, 8.5, close))
        out[queue] = rows
    return out


SCENARIOS: dict[str, Scenario] = {
    "normal": Scenario(
        "normal", date(2026, 6, 10),
        {"shomei": _bump(14, 10, 10.0, 1.5), "ido": _bump(5, 4, 10.0, 1.5)},
        _day({"shomei": 3, "ido": 3}, breaks=True), seed=11),
    "monday-after-holiday": Scenario(
        "monday-after-holiday", date(2026, 5, 7),
        {"shomei": _bump(20, 22, 9.3, 1.2), "ido": _bump(7, 8, 9.5, 1.3)},
        _day({"shomei": 3, "ido": 3}, breaks=True), seed=22),
    "march-peak": Scenario(
        "march-peak", date(2026, 3, 30),
        {"shomei": _bump(16, 10, 10.0, 1.5), "ido": _bump(12, 12, 10.0, 1.5)},
        _day({"shomei": 3, "ido": 4}, breaks=True, close=19.5), last_arrival=16.0, seed=33),
}


def _lunch_breaks_windows() -> dict[str, list[tuple[str, float, float]]]:
    out: dict[str, list[tuple[str, float, float]]] = {}
    for queue, rows in _day({"shomei": 3, "ido": 2}, breaks=False).items():
        out[queue] = []
        for w, _, close in rows:  # everyone at lunch 12:00; back at 12:45 or 13:00
            out[queue] += [(w, 8.5, 12.0), (w, 12.75 if int(w) % 2 else 13.0, close)]
    return out


SCENARIOS["lunch-breaks"] = Scenario(
    "lunch-breaks", date(2026, 7, 15),
    {"shomei": _bump(14, 12, 12.3, 0.8), "ido": _bump(5, 5, 12.3, 0.8)},
    _lunch_breaks_windows(), seed=44)


def _at(day: date, hour: float) -> datetime:
    return datetime.combine(day, time()) + timedelta(hours=hour)


def generate(scenario: Scenario, scale: float = 1.0
             ) -> tuple[list[list[str]], list[list[str]]]:
    """ARRIVALS and WINDOWS rows (without headers). ``scale`` thins arrivals and windows
    together (CI runs a smaller day with the same shape)."""
    rng = random.Random(scenario.seed)
    arrivals: list[tuple[datetime, str, str, int, float]] = []
    for queue, rate in scenario.rates.items():
        purposes = [(p, share, med, sd) for p, (q, share, med, sd) in PURPOSES.items() if q == queue]
        peak = max(rate(h / 10) for h in range(85, 175)) * scale
        hour = 8.5
        while True:  # thinning of a Poisson process
            hour += rng.expovariate(peak)
            if hour >= scenario.last_arrival:
                break
            if rng.random() * peak > rate(hour) * scale:
                continue
            purpose, _, median, sd = rng.choices(purposes, [p[1] for p in purposes])[0]
            service = median * math.exp(rng.gauss(0, sd))
            moment = _at(scenario.day, hour).replace(microsecond=0)
            arrivals.append((moment, queue, purpose, int(rng.random() < PRIORITY_SHARE), round(service, 2)))
    arrivals.sort()
    arrival_rows = [[f"T{i + 1:04d}", q, at.isoformat(), p, str(pr), f"{s:.2f}"]
                    for i, (at, q, p, pr, s) in enumerate(arrivals)]
    window_rows = []
    for queue, rows in scenario.windows.items():
        keep = max(1, round(len({w for w, _, _ in rows}) * scale)) if scale < 1 else None
        kept = sorted({w for w, _, _ in rows}, key=int)[:keep]
        for w, a, b in rows:
            if w in kept:
                window_rows.append([queue, w, _at(scenario.day, a).isoformat(), _at(scenario.day, b).isoformat()])
    return arrival_rows, window_rows


def write(scenario: Scenario, out_dir: Path, scale: float = 1.0) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    arrivals, windows = generate(scenario, scale)
    paths = out_dir / "ARRIVALS.csv", out_dir / "WINDOWS.csv"
    for path, header, rows in zip(paths, (ARRIVAL_HEADER, WINDOW_HEADER), (arrivals, windows), strict=True):
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(rows)
    return paths
