"""Sending due notifications as ``serve`` and the CLI run it: candidates from the
``notifications`` read model (caught up first), sent by the NotificationService."""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from api.composition import Container
from application.projection.reading import read_session
from projections.applications import notifications as model

log = logging.getLogger("madoguchi.notifications")


def due_ids(container: Container, now: datetime) -> list[str]:
    with read_session(container.views, container.projections) as session:
        return model.due_notifications(session, now.astimezone(UTC).isoformat())


def run_send_due(container: Container, *, catch_up: bool = True) -> dict[str, Any]:
    """One round: every notification due now is sent (or its failure recorded)."""
    if catch_up:
        container.engine.catch_up()
    return asdict(container.notifications.send_due(container.clock.now()))


class MailLoop:
    """Sends due notifications every ``interval`` seconds in a background thread."""

    def __init__(self, container: Container, interval: float) -> None:
        self.container = container
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="madoguchi-mail", daemon=True)

    def start(self) -> MailLoop:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                report = run_send_due(self.container, catch_up=False)
                if any(report.values()):
                    log.info("notifications: %s", report)
            except Exception:  # keep the loop alive; the next round retries
                log.exception("sending notifications failed")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
