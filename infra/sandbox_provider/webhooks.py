"""Webhook delivery of the sandbox provider: at least once, in a background
thread, with exponential back-off and a bounded number of attempts.

Each attempt is signed afresh: ``Madoguchi-Signature: t=<unix>,v1=<hex
HMAC-SHA256(secret, "<t>.<raw body>")>``. A 2xx answer ends the delivery; any
other answer or a transport error is retried after ``base_delay`` × 2^n
(at most ``max_delay``), up to ``max_attempts`` attempts, then given up.

``hold=True`` keeps new events pending until :meth:`flush`, which can deliver
each one several times in a shuffled order (chaos, for tests)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

log = logging.getLogger(__name__)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


@dataclass
class Delivery:
    event_id: str
    body: bytes
    attempts: int = 0
    due: float = 0.0
    last_status: int | None = None


@dataclass
class DeliveryStats:
    sent: int = 0  # HTTP attempts
    delivered: int = 0  # deliveries answered 2xx
    given_up: list[str] = field(default_factory=list)


class WebhookDispatcher:
    def __init__(self, url: str | None, secret: str, *, now: Callable[[], float] = time.time,
                 max_attempts: int = 8, base_delay: float = 0.5, max_delay: float = 30.0,
                 timeout: float = 5.0, hold: bool = False) -> None:
        self.url = url
        self.secret = secret
        self.now = now
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.hold = hold
        self.stats = DeliveryStats()
        self._held: list[Delivery] = []
        self._queue: list[Delivery] = []
        self._cond = threading.Condition()
        self._stop = False
        self._busy = 0
        self._client = httpx.Client(timeout=timeout)
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._stop = False
            self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self._client.close()

    # -- queueing ------------------------------------------------------------------
    def send(self, event: dict[str, Any]) -> None:
        delivery = Delivery(str(event["id"]), json.dumps(event, ensure_ascii=False).encode())
        with self._cond:
            if self.hold:
                self._held.append(delivery)
            else:
                self._queue.append(delivery)
                self._cond.notify_all()

    def flush(self, *, max_copies: int = 1, seed: int | None = None) -> int:
        """Release the held events: each 1..``max_copies`` times, shuffled."""
        rng = random.Random(seed)
        with self._cond:
            released = [Delivery(d.event_id, d.body) for d in self._held
                        for _ in range(rng.randint(1, max(1, max_copies)))]
            self._held.clear()
            rng.shuffle(released)
            now = time.monotonic()
            for n, d in enumerate(released):
                d.due = now + n * 1e-6  # keep the shuffled order
            self._queue.extend(released)
            self._cond.notify_all()
            return len(released)

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._queue) + len(self._held) + self._busy

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until nothing is queued or in flight (held events do not count)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
        return True

    # -- the delivery thread -----------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stop:
                    now = time.monotonic()
                    ready = [d for d in self._queue if d.due <= now]
                    if ready:
                        break
                    wait = min((d.due for d in self._queue), default=now + 1.0) - now
                    self._cond.wait(max(0.001, min(wait, 1.0)))
                if self._stop:
                    return
                delivery = min(ready, key=lambda d: d.due)
                self._queue.remove(delivery)
                self._busy += 1
            try:
                ok = self._attempt(delivery)
            finally:
                with self._cond:
                    self._busy -= 1
                    if not ok:
                        if delivery.attempts >= self.max_attempts:
                            self.stats.given_up.append(delivery.event_id)
                            log.warning("webhook %s given up after %d attempts", delivery.event_id,
                                        delivery.attempts)
                        else:
                            delay = min(self.max_delay, self.base_delay * 2 ** (delivery.attempts - 1))
                            delivery.due = time.monotonic() + delay
                            self._queue.append(delivery)
                    self._cond.notify_all()

    def _attempt(self, delivery: Delivery) -> bool:
        delivery.attempts += 1
        self.stats.sent += 1
        if not self.url:
            return True  # nowhere to deliver: dropped
        headers = {"Content-Type": "application/json",
                   "Madoguchi-Signature": signature(self.secret, int(self.now()), delivery.body)}
        try:
            response = self._client.post(self.url, content=delivery.body, headers=headers)
        except httpx.HTTPError as e:
            log.info("webhook %s attempt %d failed: %s", delivery.event_id, delivery.attempts, e)
            return False
        delivery.last_status = response.status_code
        if 200 <= response.status_code < 300:
            self.stats.delivered += 1
            return True
        return False
