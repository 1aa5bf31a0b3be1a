"""Accuracy of wait predictions over the served tickets: MAE, RMSE, the
under-estimation rate (predicted < actual) and the 80% interval's coverage."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    ticket: str
    predicted: float
    low: float
    high: float
    actual: float | None  # None: never served
    ql: float
    les: float


@dataclass(frozen=True)
class Accuracy:
    name: str
    n: int
    mae: float
    rmse: float
    under: float
    coverage: float | None  # None: the predictor gives no interval


def accuracy(name: str, pairs: list[tuple[float, float]], intervals: list[tuple[float, float]] | None = None
             ) -> Accuracy:
    """``pairs``: (predicted, actual)."""
    n = len(pairs)
    if n == 0:
        return Accuracy(name, 0, 0.0, 0.0, 0.0, None)
    errors = [p - a for p, a in pairs]
    coverage = None
    if intervals is not None:
        coverage = sum(lo <= a <= hi for (lo, hi), (_, a) in zip(intervals, pairs, strict=True)) / n
    return Accuracy(name, n, sum(abs(e) for e in errors) / n, math.sqrt(sum(e * e for e in errors) / n),
                    sum(p < a for p, a in pairs) / n, coverage)


def evaluate(rows: list[Row]) -> list[Accuracy]:
    served = [r for r in rows if r.actual is not None]
    return [
        accuracy("ours", [(r.predicted, r.actual) for r in served], [(r.low, r.high) for r in served]),
        accuracy("QL", [(r.ql, r.actual) for r in served]),
        accuracy("LES", [(r.les, r.actual) for r in served]),
    ]


def table(results: list[Accuracy]) -> str:
    lines = ["| predictor | n | MAE (min) | RMSE (min) | under-estimated | 80% coverage |",
             "|---|---|---|---|---|---|"]
    for a in results:
        cov = "–" if a.coverage is None else f"{a.coverage:.0%}"
        lines.append(f"| {a.name} | {a.n} | {a.mae:.2f} | {a.rmse:.2f} | {a.under:.0%} | {cov} |")
    return "\n".join(lines)
