"""Anonymous uploads are rate limited per client address
(``MADOGUCHI_RATE_LIMIT_ANONYMOUS_UPLOADS``): over the limit ``POST /attachments``
answers 429 ``RATE_LIMITED`` with ``Retry-After``; signed-in callers are not
limited by it, and the bucket refills with time."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import Container, build_container
from infra.clock import ManualClock
from tests.shared.api_support import token

PDF = b"%PDF-1.4 test"


def _upload(client: TestClient, who: str | None = None):
    headers = {"content-type": "application/pdf", **({"Authorization": f"Bearer {who}"} if who else {})}
    return client.post("/attachments", params={"name": "a.pdf"}, content=PDF, headers=headers)


def test_anonymous_uploads_over_the_rate_are_refused_429(container: Container, clock: ManualClock):
    other = build_container(container.settings.model_copy(update={"rate_limit_anonymous_uploads": "3/min"}),
                            clock=clock)
    try:
        with TestClient(create_app(other, run_projections=False)) as client:
            statuses = [_upload(client).status_code for _ in range(4)]
            refused = _upload(client)
            citizen = _upload(client, token(sub="citizen-a", role="citizen"))
            clock.advance(timedelta(seconds=20))
            later = _upload(client)
    finally:
        other.close()
    assert statuses == [201, 201, 201, 429]
    assert refused.json()["code"] == "RATE_LIMITED" and int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["retryAfter"] >= 1
    assert citizen.status_code == 201
    assert later.status_code == 201


def test_the_default_anonymous_upload_rate_is_configured(container: Container):
    assert container.settings.rate_limit_anonymous_uploads == "20/min"
