"""Live updates for GraphQL subscriptions: an in-process broadcaster fed by the
projection engine (and, across API workers on PostgreSQL, by LISTEN/NOTIFY:
infra/pg_notify.py).

Subscribers of the same thing (one queue's board, one ticket) share one
:class:`Feed`: on each change it reads the read model once and hands the value
to every subscriber (each shapes it for its caller), so a change costs one read
per board, not one per subscriber.

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
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from typing import Any

MIN_INTERVAL = 0.1
FALLBACK_POLL = 1.0


class LiveUpdates:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Event, frozenset[str]]] = {}
        self._next = 0
        self._feeds: dict[tuple[asyncio.AbstractEventLoop, Hashable], Feed] = {}
        self.reads = 0  # read-model reads made by feeds (tests count them)
        self._remote: Callable[[Callable[[frozenset[str] | None], None]], None] | None = None

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

    def listen_to(self, subscribe: Callable[[Callable[[frozenset[str] | None], None]], None]) -> None:
        """Also wake on another process's changes: ``subscribe(self.notify)`` is
        called when the first subscription starts (PostgreSQL LISTEN,
        infra/store/coordination.py), so a process without subscriptions listens to nothing."""
        self._remote = subscribe

    def _register(self, names: frozenset[str]) -> tuple[int, asyncio.Event]:
        with self._lock:
            remote, self._remote = self._remote, None
        if remote is not None:
            remote(self.notify)
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

    async def feed(
        self, key: Hashable, names: Sequence[str], read_positions: Callable[[], Awaitable[object]],
        read: Callable[[], Awaitable[Any]],
    ) -> AsyncIterator[Any]:
        """The values of ``read()``, once at once and then after each change of
        ``names``; every subscriber with the same ``key`` shares the reads. An
        error of ``read`` reaches every subscriber of that moment."""
        loop = asyncio.get_running_loop()
        feed = self._feeds.get((loop, key))
        if feed is None:
            feed = self._feeds[(loop, key)] = Feed(self, names, read_positions, read)
        subscriber = feed.join()
        try:
            while True:
                yield await subscriber.next()
        finally:
            if feed.leave(subscriber):
                self._feeds.pop((loop, key), None)


class _Subscriber:
    def __init__(self) -> None:
        self.value: Any = None
        self.error: BaseException | None = None
        self.fresh = asyncio.Event()

    def give(self, value: Any, error: BaseException | None) -> None:
        self.value, self.error = value, error
        self.fresh.set()

    async def next(self) -> Any:
        await self.fresh.wait()
        self.fresh.clear()
        if self.error is not None:
            raise self.error
        return self.value


class Feed:
    """One read per change for every subscriber of one key (on one event loop)."""

    def __init__(self, live: LiveUpdates, names: Sequence[str],
                 read_positions: Callable[[], Awaitable[object]], read: Callable[[], Awaitable[Any]]) -> None:
        self.live = live
        self.names = names
        self.read_positions = read_positions
        self.read = read
        self.subscribers: set[_Subscriber] = set()
        self.last: tuple[Any, BaseException | None] | None = None
        self.task: asyncio.Task[None] | None = None

    def join(self) -> _Subscriber:
        subscriber = _Subscriber()
        self.subscribers.add(subscriber)
        if self.last is not None:  # a later subscriber starts with the current value
            subscriber.give(*self.last)
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self._run())
        return subscriber

    def leave(self, subscriber: _Subscriber) -> bool:
        """True when it was the last: the feed stops."""
        self.subscribers.discard(subscriber)
        if self.subscribers or self.task is None:
            return False
        self.task.cancel()
        return True

    async def _run(self) -> None:
        async for _ in self.live.changes(self.names, self.read_positions):
            self.live.reads += 1
            try:
                self.last = (await self.read(), None)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # each subscriber answers it in its own way
                self.last = (None, error)
            for subscriber in list(self.subscribers):
                subscriber.give(*self.last)
