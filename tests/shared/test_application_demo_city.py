"""The demo city (下野市) loads through the services' commands on SQLite and
PostgreSQL, and the read models agree with what was loaded."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from application.demo.catalogue import DEMO_APPLICANTS, DEPARTMENTS, PROCEDURES
from application.demo.loader import DemoAlreadyLoaded, load_demo_city
from application.projection.reading import read_session
from domain.applications.status import STAFF_STATUSES
from domain.shared.context import CITY_TIMEZONE
from domain.shared.vocabulary import CHANNELS
from projections.applications.inbox import inbox_counts
from projections.applications.status import list_applications

COUNT = 120


@pytest.fixture
def loaded(container, clock):
    summary = load_demo_city(
        container.catalogue, container.applications, now=clock.now(), application_count=COUNT,
        payments=container.payments,
    )
    return summary


def test_the_catalogue_and_applications_are_loaded(container, loaded) -> None:
    assert loaded.departments == len(DEPARTMENTS) >= 12
    assert loaded.procedures == len(PROCEDURES) >= 95
    assert 85 <= loaded.online <= 92
    assert loaded.applications == COUNT
    assert sum(loaded.by_status.values()) == COUNT
    assert sum(loaded.by_channel.values()) == COUNT
    assert {s.value for s in STAFF_STATUSES} == {s for s, n in loaded.by_status.items() if n > 0}
    assert all(loaded.by_channel[ch] > 0 for ch in CHANNELS)
    assert loaded.by_status["completed"] > COUNT // 3
    assert loaded.last_position == container.log.head()
    assert all(container.catalogue.department_exists(d["code"]) for d in DEPARTMENTS)


def test_loading_twice_is_refused(container, clock, loaded) -> None:
    head = container.log.head()
    with pytest.raises(DemoAlreadyLoaded):
        load_demo_city(container.catalogue, container.applications, now=clock.now())
    assert container.log.head() == head


def test_the_read_models_agree(container, clock, loaded) -> None:
    container.engine.catch_up()
    now = clock.now()
    with read_session(container.views, container.projections) as session:
        page = list_applications(session, container.vault, first=500)
        counts = inbox_counts(session)
        citizens = {
            f"demo-citizen-{i}": list_applications(
                session, container.vault, applicant_subject=f"demo-citizen-{i}", first=500
            ).total_count
            for i in range(len(DEMO_APPLICANTS))
        }
    assert page.total_count == COUNT == len(page.items)
    assert sum(c.count for c in counts) == COUNT
    by_status = Counter()
    for c in counts:
        by_status[c.status] += c.count
    assert {s: n for s, n in by_status.items() if n} == {
        s: n for s, n in loaded.by_status.items() if n
    }
    assert Counter(v.status for v in page.items) == by_status
    assert Counter(v.channel for v in page.items) == {
        ch: n for ch, n in loaded.by_channel.items() if n
    }
    for view in page.items:
        submitted = datetime.fromisoformat(view.submitted_at)
        updated = datetime.fromisoformat(view.updated_at)
        assert submitted <= updated < now
        assert (now - submitted).days <= 181
        assert view.answers, view.procedure_code
        if view.channel != "online":  # entered by staff at the counter or from the post
            local = submitted.astimezone(CITY_TIMEZONE)
            assert local.weekday() < 5
            assert "08:30" <= local.strftime("%H:%M") <= "17:15"
    # online applications of signed-in citizens are theirs (「マイページ」 shows them)
    online_signed_in = [v for v in page.items if v.applicant_subject]
    assert online_signed_in
    assert all(v.channel == "online" for v in online_signed_in)
    assert sum(citizens.values()) == len(online_signed_in)


def test_the_demo_counter_has_past_days_and_a_morning_in_progress(container, clock) -> None:
    from datetime import timedelta

    from projections.counter.history import congestion_forecast, counter_statistics
    from projections.counter.queue_board import queue_board

    clock.set(datetime(2026, 6, 10, 10, 30, tzinfo=CITY_TIMEZONE))  # a Wednesday, mid-morning
    summary = load_demo_city(container.catalogue, container.applications, now=clock.now(), application_count=10,
                             payments=container.payments, visits=container.visits)
    assert summary.visits > 100
    container.engine.catch_up()
    today = clock.now().astimezone(CITY_TIMEZONE).date()
    with read_session(container.views, container.projections) as session:
        yesterday = counter_statistics(session, "shimin-shomei", today - timedelta(days=1))
        board = queue_board(session, "shimin-shomei", today.isoformat())
        forecast = congestion_forecast(session, "shimin-ido", today)
    assert yesterday.tickets > 20 and yesterday.served > 0 and yesterday.mean_wait is not None
    assert yesterday.served + yesterday.cancelled == yesterday.tickets  # the day is closed: nobody left waiting
    assert {w.window for w in yesterday.windows} == {1, 2} and all(w.busy_minutes > 0 for w in yesterday.windows)
    assert board is not None and board.now_serving  # the counter is open this morning
    assert sum(h.samples for h in forecast) > 10  # the same weekday of the last weeks
