"""Helpers for the HTTP payment tests: run an ASGI app with uvicorn in a thread
on a free loopback port, and wire the sandbox provider to our API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from api.app import create_app
from api.composition import Container, build_container
from infra.clock import ManualClock
from infra.payment_provider import HttpPaymentProvider
from infra.sandbox_provider import Sandbox, WebhookDispatcher
from infra.sandbox_provider import create_app as sandbox_app
from infra.settings import Settings
from tests.shared.live_server import serving


@dataclass
class Live:
    container: Container
    sandbox: Sandbox
    sandbox_url: str
    api_url: str

    @property
    def dispatcher(self) -> WebhookDispatcher:
        return self.sandbox.dispatcher

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until every released webhook is delivered (or given up), then
        until the read models have caught up."""
        assert self.dispatcher.wait_idle(timeout), "webhooks still in flight"
        self.container.engine.catch_up()


@contextmanager
def live_payments(settings: Settings, clock: ManualClock, secret: str, *, hold: bool = False,
                  api_key: str | None = "sk_test_sandbox", **overrides: Any) -> Iterator[Live]:
    dispatcher = WebhookDispatcher(None, secret, now=lambda: clock.now().timestamp(),
                                   base_delay=0.02, max_delay=0.2, max_attempts=10, hold=hold)
    sandbox = Sandbox(dispatcher, api_key=api_key, now=lambda: clock.now().timestamp())
    with serving(sandbox_app(sandbox)) as sandbox_url:
        sandbox.public_url = sandbox_url
        provider = HttpPaymentProvider(sandbox_url, api_key, timeout=5)
        container = build_container(settings.model_copy(update=overrides), clock=clock,
                                    payment_provider=provider)
        try:
            with serving(create_app(container)) as api_url:
                dispatcher.url = f"{api_url}/webhooks/payments"
                dispatcher.start()
                try:
                    yield Live(container, sandbox, sandbox_url, api_url)
                finally:
                    dispatcher.stop()
        finally:
            provider.close()
            container.close()
