"""In-process token buckets: ``count`` requests per ``period``, bursts up to ``count``.

Each process keeps its own buckets (N API processes allow N times the rate);
time comes from an injected function, so tests move it by hand."""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

_UNITS = {"s": 1.0, "sec": 1.0, "second": 1.0, "min": 60.0, "minute": 60.0,
          "h": 3600.0, "hour": 3600.0, "day": 86400.0}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*([a-z]+)\s*$")


@dataclass(frozen=True)
class Rate:
    count: int
    period: float  # seconds

    @property
    def enabled(self) -> bool:
        return self.count > 0

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``10/min``, ``5/s``, ``100/hour``, ``1000/day``; ``off`` (or ``0/min``) disables."""
        if text.strip().lower() in ("off", "none", "unlimited"):
            return cls(0, 1.0)
        match = _RATE.match(text.lower())
        if not match or match.group(2) not in _UNITS:
            raise ValueError(f"a rate is COUNT/UNIT (UNIT: s, min, hour, day) or 'off', not {text!r}")
        return cls(int(match.group(1)), _UNITS[match.group(2)])

    def __str__(self) -> str:
        if not self.enabled:
            return "off"
        unit = {1.0: "s", 60.0: "min", 3600.0: "hour", 86400.0: "day"}.get(self.period)
        return f"{self.count}/{unit}" if unit else f"{self.count}/{self.period:g}s"


class TokenBuckets:
    """One bucket per key; ``take(key)`` spends a token or says how long to wait."""

    def __init__(self, rate: Rate, now: Callable[[], float], *, max_keys: int = 100_000) -> None:
        self.rate = rate
        self._now = now
        self._max_keys = max_keys
        self._buckets: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()  # tokens, at
        self._lock = threading.Lock()

    @property
    def _per_second(self) -> float:
        return self.rate.count / self.rate.period

    def _level(self, tokens: float, at: float, now: float) -> float:
        return min(float(self.rate.count), tokens + max(0.0, now - at) * self._per_second)

    def take(self, key: Hashable) -> float:
        """0 when a token was spent; otherwise the seconds (> 0) until one is available."""
        if not self.rate.enabled:
            return 0.0
        with self._lock:
            now = self._now()
            tokens, at = self._buckets.pop(key, (float(self.rate.count), now))
            tokens = self._level(tokens, at, now)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                self._prune(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self._per_second

    def _prune(self, now: float) -> None:
        """Forget full buckets (they say nothing), then the least recently used."""
        if len(self._buckets) <= self._max_keys:
            return
        for key in [k for k, (t, a) in self._buckets.items() if self._level(t, a, now) >= self.rate.count]:
            del self._buckets[key]
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)

    def __len__(self) -> int:
        return len(self._buckets)


def retry_after_seconds(wait: float) -> int:
    """A wait as whole seconds for ``Retry-After`` (at least 1)."""
    return max(1, math.ceil(wait - 1e-9))
