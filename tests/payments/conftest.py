"""Payments fixtures: the container with a fake provider and webhook secrets
(on SQLite and PostgreSQL), the API fixtures, and helpers to sign webhooks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from api.composition import Container, build_container
from application.payments.service import sign
from infra.clock import ManualClock
from infra.settings import Settings
from tests.payments.fake_provider import FakeProvider
from tests.shared.api_fixtures import (  # noqa: F401 — the API fixtures, for the payment API tests
    admin,
    analyst,
    auditor,
    catalogue,
    citizen_a,
    citizen_b,
    client,
    gql,
    shimin_staff,
    zeimu_staff,
)

OLD_SECRET, NEW_SECRET = "whsec_old_0123456789", "whsec_new_9876543210"


@pytest.fixture
def provider() -> FakeProvider:
    return FakeProvider()


@pytest.fixture
def container(settings: Settings, clock: ManualClock, provider: FakeProvider) -> Iterator[Container]:
    configured = settings.model_copy(
        update={"payment_webhook_secrets": SecretStr(f"{OLD_SECRET}, {NEW_SECRET}")})
    c = build_container(configured, clock=clock, payment_provider=provider)
    yield c
    c.close()


def webhook(event_id: str, kind: str, ppid: str, created: int, **data: Any) -> bytes:
    return json.dumps({"id": event_id, "type": kind, "created": created,
                       "data": {"provider_payment_id": ppid, **data}}).encode()


def signed(body: bytes, timestamp: int, secret: str = NEW_SECRET) -> dict[str, str]:
    return {"Madoguchi-Signature": sign(secret, timestamp, body), "Content-Type": "application/json"}
