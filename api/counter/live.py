"""Live updates for GraphQL subscriptions: an in-process broadcaster fed by the
projection engine.

After each batch that moved some read models, the engine (in its own thread)
calls :meth:`LiveUpdates.notify` with their names; every subscription waiting on
one of them is woken (``loop.call_soon_threadsafe``). A woken subscription
re-reads the projections' positions (one small query) and, only when they moved,
the read model itself — at most every ``MIN_INTERVAL`` seconds. On a process that
is not the projection leader (PostgreSQL, several processes) the engine notifies
``None`` ("maybe") on each standby tick, and every subscription also polls the
positions every ``FALLBACK_POLL`` seconds, so changes applied by another process
still arrive.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

MIN_INTERVAL = 0.1
FALLBACK_POLL = 1.0


class LiveUpdates:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Event, frozenset[str]]] = {}
        self._next = 0

    def notify(self, names: frozenset[str] | None) -> None:
        """Thread-safe: wake the subscriptions on any of ``names`` (all when None)."""
        with self._lock:
            waiters = list(self._waiters.values())
        for loop, event, watched in waiters:
            if names is None or watched & names:
                try:
                    loop.call_soon_threadsafe(event.set)
                except RuntimeError:  # its loop is closed; it unregisters itself
                    pass

    def _register(self, names: frozenset[str]) -> tuple[int, asyncio.Event]:
        event = asyncio.Event()
        with self._lock:
            self._next += 1
            key = self._next
            self._waiters[key] = (asyncio.get_running_loop(), event, names)
        return key, event

    def _unregister(self, key: int) -> None:
        with self._lock:
            self._waiters.pop(key, None)

    @property
    def listeners(self) -> int:
        with self._lock:
            return len(self._waiters)

    async def changes(
        self, names: Sequence[str], read_positions: Callable[[], Awaitable[object]],
    ) -> AsyncIterator[None]:
        """Yield once at once, then each time the positions of ``names`` moved.
        ``read_positions`` should run its query off the event loop."""
        key, event = self._register(frozenset(names))
        try:
            last: object = None
            last_poll = 0.0
            while True:
                event.clear()  # before reading, so a change during the read is not missed
                wait = MIN_INTERVAL - (time.monotonic() - last_poll)
                if wait > 0:
                    await asyncio.sleep(wait)
                last_poll = time.monotonic()
                current = await read_positions()
                if current != last:
                    last = current
                    yield None
                try:
                    await asyncio.wait_for(event.wait(), FALLBACK_POLL)
                except TimeoutError:
                    pass
        finally:
            self._unregister(key)
