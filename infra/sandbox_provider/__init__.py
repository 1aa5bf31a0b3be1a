"""A sandbox payment provider: a small separate FastAPI service that behaves like
a real provider, for development and tests (``madoguchi sandbox-provider``).
It is an adapter-side simulator — nothing in ``domain``/``application`` knows it."""

from infra.sandbox_provider.app import Sandbox, create_app
from infra.sandbox_provider.webhooks import WebhookDispatcher

__all__ = ["Sandbox", "WebhookDispatcher", "create_app"]
