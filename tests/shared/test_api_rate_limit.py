"""Rate limits: token buckets on an injected clock, per token subject or client
address; anonymous submissions and ticket issuing answer ``RATE_LIMITED`` with
``retryAfter`` (and ``Retry-After``) once their bucket is empty."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.app import create_app
from api.composition import Container, build_container
from api.shared.rate_limit import RATE_LIMITS, client_key
from domain.shared.context import Actor
from infra.clock import ManualClock
from infra.rate_limit import Rate, TokenBuckets, retry_after_seconds
from infra.settings import Settings
from tests.shared.api_support import SUBMIT, error, ok, settled, submission, token

ISSUE = """mutation($queue: String!) { issueTicket(input: {queue: $queue}) { __typename } }"""


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- the buckets ------------------------------------------------------------------
@pytest.mark.parametrize(("text", "count", "period"), [
    ("10/min", 10, 60.0), ("5/s", 5, 1.0), (" 100 / hour ", 100, 3600.0), ("1000/day", 1000, 86400.0),
    ("off", 0, 1.0), ("0/min", 0, 60.0),
])
def test_rates_parse(text: str, count: int, period: float) -> None:
    rate = Rate.parse(text)
    assert (rate.count, rate.period) == (count, period)
    assert rate.enabled is (count > 0)


@pytest.mark.parametrize("text", ["10", "ten/min", "10/fortnight", "-1/min", "10/min/s", ""])
def test_bad_rates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Rate.parse(text)
    with pytest.raises(ValidationError):
        Settings(rate_limit_anonymous_submissions=text)


def test_a_bucket_allows_a_burst_then_refills_at_the_rate() -> None:
    clock = Clock()
    buckets = TokenBuckets(Rate.parse("3/min"), clock)
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a") == pytest.approx(20.0)  # one token per 20 s
    assert buckets.take("b") == 0.0  # another caller has their own bucket
    clock.now += 5
    assert buckets.take("a") == pytest.approx(15.0)
    clock.now += 15
    assert buckets.take("a") == 0.0
    assert buckets.take("a") == pytest.approx(20.0)
    clock.now += 3600  # never more than the burst
    assert [buckets.take("a") for _ in range(4)][-1] > 0
    clock.now -= 7200  # a clock going back refills nothing, and breaks nothing
    assert buckets.take("a") > 0


def test_disabled_limits_allow_everything_and_memory_stays_bounded() -> None:
    clock = Clock()
    off = TokenBuckets(Rate.parse("off"), clock)
    assert all(off.take("a") == 0 for _ in range(1000))
    buckets = TokenBuckets(Rate.parse("2/s"), clock, max_keys=100)
    for i in range(1000):
        buckets.take(i)
        clock.now += 0.01
    assert len(buckets) <= 101


def test_retry_after_is_whole_seconds_rounded_up() -> None:
    assert [retry_after_seconds(w) for w in (0.01, 1.0, 1.2, 59.99)] == [1, 1, 2, 60]


def test_callers_are_told_apart_by_subject_or_address() -> None:
    anonymous = Actor.anonymous()
    assert client_key(Actor("c1", "citizen"), "10.0.0.1") == "sub:c1"
    assert client_key(anonymous, "192.0.2.7") == "addr:192.0.2.7"
    assert client_key(anonymous, "::ffff:192.0.2.7") == "addr:192.0.2.7"
    # one IPv6 /64 is one caller: its owner has all of its addresses
    assert client_key(anonymous, "2001:db8:1:2::1") == client_key(anonymous, "2001:db8:1:2:ffff::9")
    assert client_key(anonymous, "2001:db8:1:2::1") != client_key(anonymous, "2001:db8:1:3::1")
    assert client_key(anonymous, None) == "addr:unknown"


def test_every_limited_operation_has_a_setting_and_an_access_rule() -> None:
    from application.shared.access import POLICY

    settings = Settings()
    for rule in RATE_LIMITS:
        assert rule.operation in POLICY, rule
        Rate.parse(getattr(settings, rule.setting))


# -- through the API -------------------------------------------------------------------
AppFactory = Callable[..., AbstractContextManager[TestClient]]


@pytest.fixture
def app_with(container: Container, clock: ManualClock) -> AppFactory:
    @contextmanager
    def make(address: str = "198.51.100.7", **updates: Any) -> Iterator[TestClient]:
        other = build_container(container.settings.model_copy(update=updates), clock=clock)
        try:
            with TestClient(create_app(other), client=(address, 50000)) as c:
                yield c
        finally:
            other.close()

    return make


def run(client: TestClient, query: str, who: str | None = None, **variables: Any) -> Any:
    headers = {"Authorization": f"Bearer {who}"} if who else {}
    return client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


def test_anonymous_submissions_are_limited_per_address(
    app_with: AppFactory, catalogue, container: Container, clock: ManualClock, citizen_a: str
) -> None:
    with app_with(rate_limit_anonymous_submissions="2/min") as client:
        for _ in range(2):
            ok(run(client, SUBMIT, input=submission(contactEmail="hanako@example.jp")).json())
        head = settled(container)  # the notification process has queued their confirmation mails
        response = run(client, SUBMIT, input=submission(contactEmail="hanako@example.jp"))
        extensions = error(response.json())
        assert extensions["code"] == "RATE_LIMITED"
        assert extensions["retryAfter"] == 30 and extensions["retryable"] is True
        assert response.headers["retry-after"] == "30"
        assert container.log.head() == head  # refused before anything happened
        for _ in range(3):  # a signed-in citizen is not limited by this rule
            ok(run(client, SUBMIT, citizen_a, input=submission()).json())
        clock.advance(timedelta(seconds=29))
        limited = run(client, SUBMIT, input=submission(contactEmail="hanako@example.jp")).json()
        assert error(limited)["retryAfter"] == 1
        clock.advance(timedelta(seconds=1))
        ok(run(client, SUBMIT, input=submission(contactEmail="hanako@example.jp")).json())
    with app_with(address="203.0.113.9", rate_limit_anonymous_submissions="2/min") as elsewhere:
        # another address, another bucket
        ok(run(elsewhere, SUBMIT, input=submission(contactEmail="hanako@example.jp")).json())


def test_invalid_submissions_count_too(app_with: AppFactory, catalogue) -> None:
    with app_with(rate_limit_anonymous_submissions="1/hour") as client:
        bad = submission(applicantName="")
        assert error(run(client, SUBMIT, input=bad).json())["code"] == "VALIDATION_FAILED"
        extensions = error(run(client, SUBMIT, input=submission(contactEmail="hanako@example.jp")).json())
        assert (extensions["code"], extensions["retryAfter"]) == ("RATE_LIMITED", 3600)


def test_ticket_issuing_is_limited_per_subject_and_address(app_with: AppFactory) -> None:
    citizen = token(sub="c-9", role="citizen")
    staff = token(sub="s-1", role="staff", dept="shimin")
    with app_with(rate_limit_ticket_issuing="1/min") as client:
        for who in (None, citizen):
            first = error(run(client, ISSUE, who, queue="no-such-queue").json())
            assert first["code"] != "RATE_LIMITED"  # reached the command
            assert error(run(client, ISSUE, who, queue="no-such-queue").json())["code"] == "RATE_LIMITED"
        for _ in range(3):  # reception staff issue tickets for visitors: not limited
            assert error(run(client, ISSUE, staff, queue="no-such-queue").json())["code"] != "RATE_LIMITED"


def test_limits_can_be_switched_off(app_with: AppFactory, catalogue) -> None:
    with app_with(rate_limit_anonymous_submissions="off") as client:
        for _ in range(12):
            ok(run(client, SUBMIT, input=submission(contactEmail="hanako@example.jp")).json())
