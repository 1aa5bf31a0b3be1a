"""Optimistic concurrency: retry a load-decide-store attempt on ``Conflict``.

Aggregates that many callers change at once (a queue's line of the day, a
queue's reservation slots of the day) are stored with their version; a caller
that lost the race gets ``Conflict`` and simply tries again on fresh state, a
bounded number of times with a short random back-off."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from domain.shared.errors import Conflict

MAX_ATTEMPTS = 20
T = TypeVar("T")


def retrying(attempt: Callable[[], T], sleep: Callable[[float], None] = time.sleep) -> T:
    """Run ``attempt`` (which loads, decides and stores) again on ``Conflict``."""
    for n in range(1, MAX_ATTEMPTS + 1):
        try:
            return attempt()
        except Conflict:
            if n == MAX_ATTEMPTS:
                raise
            sleep(random.uniform(0, 0.002 * n))
    raise AssertionError("unreachable")
