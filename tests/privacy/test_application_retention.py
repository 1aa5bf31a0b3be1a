"""Retention, on SQLite and PostgreSQL: a finished application's personal data is
shredded once its procedure's retention class (1, 3, 5, 10 or 30 years) has run
from the day it finished; each shredding is a ``SubjectForgotten`` event with the
reason ``retention``; running it again changes nothing. Also through the CLI."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from typer.testing import CliRunner

from api.cli import app as cli
from domain.applications.status import Status
from domain.privacy.individual_number import SubjectForgotten, retention_erasure_id
from domain.shared.context import CITY_TIMEZONE, Actor
from projections.applications.status import get_application
from tests.builders import ADMIN, citizen, ctx, drive, reading, setup_procedure, submit

ERASED = "[消去済み]"
SHORT, LONG = "short-kept", "long-kept"


def at(clock, day: str, hour: int = 10) -> None:
    clock.set(datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=CITY_TIMEZONE))


@pytest.fixture
def city(container, clock) -> dict[str, str]:
    """Applications finished on known days (Japan time) under 1- and 5-year procedures."""
    at(clock, "2026-03-01")
    setup_procedure(container, clock, SHORT, retention_years=1, fee_yen=0)
    setup_procedure(container, clock, LONG, retention_years=5, fee_yen=0)
    ids: dict[str, str] = {}
    plan = (
        ("completed", SHORT, Status.COMPLETED, "2026-04-01"),
        ("rejected", SHORT, Status.REJECTED, "2026-06-01"),
        ("withdrawn", LONG, Status.WITHDRAWN, "2026-04-01"),
        ("open", SHORT, Status.RECEIVED, "2026-04-01"),
        ("approved", SHORT, Status.APPROVED, "2026-04-01"),  # not final: kept
    )
    for i, (name, code, status, day) in enumerate(plan):
        at(clock, "2026-03-20")
        ids[name] = submit(container, clock, code, actor=citizen(f"c{i}"),
                           applicant_name=f"保存 {name}").id
        at(clock, day)
        drive(container, clock, ids[name], status)
    # finished just after midnight in Japan, i.e. still the previous day in UTC
    at(clock, "2026-03-20")
    ids["midnight"] = submit(container, clock, SHORT, actor=citizen("c9"), applicant_name="保存 夜").id
    at(clock, "2026-05-01", hour=0)
    clock.advance(timedelta(minutes=30))
    drive(container, clock, ids["midnight"], Status.WITHDRAWN)
    container.engine.catch_up()
    return ids


def run(container, clock, day: str, **kw):
    system = ctx(clock, Actor.system("retention-test"))
    return container.privacy.enforce_retention(system, date.fromisoformat(day), **kw)


def name_of(container, app_id: str) -> str:
    container.engine.catch_up()
    with reading(container) as session:
        return get_application(session, container.vault, app_id).applicant_name


def erasures(container) -> list[tuple[int, SubjectForgotten]]:
    return [(n.id, container.log.mapper.to_domain_event(n))
            for n in container.log.recorder.select_notifications(0, 100_000)
            if n.topic == "domain.privacy.individual_number:SubjectForgotten"]


def test_what_expired_is_found_from_the_event_log(container, clock, city):
    expired = container.privacy.expired_applications(date(2031, 4, 1))
    assert [(e.application_id, e.status, e.finished_on, e.expires_on) for e in expired] == [
        (city["completed"], "completed", date(2026, 4, 1), date(2027, 4, 1)),
        (city["midnight"], "withdrawn", date(2026, 5, 1), date(2027, 5, 1)),
        (city["rejected"], "rejected", date(2026, 6, 1), date(2027, 6, 1)),
        (city["withdrawn"], "withdrawn", date(2026, 4, 1), date(2031, 4, 1)),
    ]
    assert all(e.subject == f"application:{e.application_id}" for e in expired)


def test_expired_applications_are_shredded_each_recorded_once(container, clock, city):
    head = container.log.head()
    assert run(container, clock, "2027-03-31").shredded == []
    assert container.log.head() == head

    dry = run(container, clock, "2027-04-01", dry_run=True)
    assert [e.application_id for e in dry.shredded] == [city["completed"]]
    assert container.log.head() == head and name_of(container, city["completed"]) == "保存 completed"

    first = run(container, clock, "2027-04-01")
    assert [e.application_id for e in first.shredded] == [city["completed"]]
    assert first.position == container.log.head() == head + 1
    assert name_of(container, city["completed"]) == ERASED
    assert name_of(container, city["rejected"]) == "保存 rejected"

    second = run(container, clock, "2027-06-01")
    assert [e.application_id for e in second.shredded] == [city["midnight"], city["rejected"]]
    assert [e.application_id for e in second.already_shredded] == [city["completed"]]

    again = run(container, clock, "2027-06-01")  # idempotent
    assert again.shredded == [] and len(again.already_shredded) == 3
    assert container.log.head() == head + 3

    run(container, clock, "2031-04-01")
    for name in ("completed", "rejected", "withdrawn", "midnight"):
        assert name_of(container, city[name]) == ERASED
    for name in ("open", "approved"):  # not finished: kept whatever the date
        assert name_of(container, city[name]) == f"保存 {name}"

    recorded = erasures(container)
    assert len(recorded) == 4
    for _, event in recorded:
        assert event.reason == "retention" and event.key_subjects == [event.subject]
        assert event.originator_id == retention_erasure_id(event.subject)
        assert event.meta.actor == Actor.system("retention-test")
        assert event.owner and event.owner.startswith("citizen:")

    for projection in container.projections:  # rebuilt: still erased
        container.engine.rebuild(projection.name, grace=0)
    assert name_of(container, city["withdrawn"]) == ERASED
    assert name_of(container, city["open"]) == "保存 open"


def test_what_was_forgotten_on_request_is_not_recorded_again(container, clock, city):
    container.privacy.forget(ctx(clock, ADMIN), f"application:{city['completed']}", "削除請求")
    head = container.log.head()
    report = run(container, clock, "2027-04-01")
    assert report.shredded == [] and [e.application_id for e in report.already_shredded] == [
        city["completed"]]
    assert container.log.head() == head


@pytest.fixture
def env(settings) -> dict[str, str]:
    values = {
        "MADOGUCHI_DATA_DIR": str(settings.data_dir),
        "MADOGUCHI_DATABASE_SCHEMA": settings.database_schema,
        "MADOGUCHI_ENV": "test",
        "MADOGUCHI_LOG_LEVEL": "WARNING",
    }
    if settings.database_url:
        values["MADOGUCHI_DATABASE_URL"] = settings.database_url
    return values


def invoke(env, monkeypatch, *args: str):
    monkeypatch.delenv("MADOGUCHI_DATABASE_URL", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return CliRunner().invoke(cli, list(args), terminal_width=200)


def test_the_cli_enforces_retention_and_forgets_subjects(container, clock, city, env, monkeypatch):
    dry = invoke(env, monkeypatch, "privacy", "enforce-retention", "--as-of", "2027-04-01", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert city["completed"] in dry.output and "would shred 1 application" in dry.output
    assert name_of(container, city["completed"]) == "保存 completed"

    done = invoke(env, monkeypatch, "privacy", "enforce-retention", "--as-of", "2027-04-01")
    assert done.exit_code == 0, done.output
    assert "shredded 1 application" in done.output and city["completed"] in done.output
    container.storage.keys.forget_cached()  # another process did it
    assert name_of(container, city["completed"]) == ERASED
    [(_, event)] = erasures(container)
    assert event.meta.actor_role == "system" and event.meta.actor_subject.startswith("system:cli:")

    again = invoke(env, monkeypatch, "privacy", "enforce-retention", "--as-of", "2027-04-01")
    assert "shredded 0 application" in again.output and "1 expired one(s) already shredded" in again.output

    forgot = invoke(env, monkeypatch, "privacy", "forget", "citizen:c1", "--reason", "本人の請求")
    assert forgot.exit_code == 0, forgot.output
    assert "shredded 1 key" in forgot.output and f"application:{city['rejected']}" in forgot.output
    container.storage.keys.forget_cached()
    assert name_of(container, city["rejected"]) == ERASED
    twice = invoke(env, monkeypatch, "privacy", "forget", "citizen:c1", "--reason", "本人の請求")
    assert twice.exit_code == 0 and "already forgotten" in twice.output

    for args in (("forget", "citizen:nobody", "--reason", "x"), ("forget", "nobody", "--reason", "x"),
                 ("forget", "citizen:c2", "--reason", "123456789018"),
                 ("enforce-retention", "--as-of", "2027/04/01")):
        refused = invoke(env, monkeypatch, "privacy", *args)
        assert refused.exit_code == 2, (args, refused.output)
        assert "123456789018" not in refused.output
