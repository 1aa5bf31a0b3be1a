"""``madoguchi audit export``: JSON Lines of every event in a time range, personal
data redacted unless ``--pii`` (which is recorded before anything is written)."""

from __future__ import annotations

import json
import stat
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError
from typer.testing import CliRunner

from api.cli import app as cli
from api.composition import Container
from application.audit.trail import REDACTED
from domain.privacy.access_log import PersonalDataViewed
from domain.shared.context import Actor, CommandContext
from infra.clock import ManualClock
from infra.settings import Settings
from tests.shared.access_examples import MINE, OTHER_CITIZEN, World


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {
        "MADOGUCHI_DATA_DIR": str(settings.data_dir),
        "MADOGUCHI_DATABASE_SCHEMA": settings.database_schema,
        "MADOGUCHI_ENV": "test",
        "MADOGUCHI_LOG_LEVEL": "WARNING",
        "MADOGUCHI_JWT_SECRET": settings.jwt_secret or "",
    }
    monkeypatch.delenv("MADOGUCHI_DATABASE_URL", raising=False)
    if settings.database_url:
        values["MADOGUCHI_DATABASE_URL"] = settings.database_url
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


@pytest.fixture
def world(container: Container, clock: ManualClock) -> dict[str, Any]:
    """Set-up on 2026-04-01 (JST), one application on 04-02, another on 04-03."""
    w = World(container)
    clock.advance(timedelta(days=1))
    first = w.application(MINE)
    clock.advance(timedelta(days=1))
    second = w.application(OTHER_CITIZEN)
    return {"first": first, "second": second, "head": container.log.head()}


def export(*args: str) -> tuple[int, list[dict[str, Any]], str]:
    result = CliRunner().invoke(cli, ["audit", "export", *args])
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, lines, result.stderr


def views(container: Container) -> list[Any]:
    return [container.log.mapper.to_domain_event(n)
            for n in container.log.recorder.select_notifications(1, 10_000)
            if n.topic.endswith(":PersonalDataViewed")]


def test_export_writes_every_event_redacted_by_default(env, world, container: Container) -> None:
    code, lines, stderr = export()
    assert code == 0, stderr
    assert [line["position"] for line in lines] == list(range(1, world["head"] + 1))
    submitted = next(line for line in lines if line["id"] == world["first"])
    assert set(submitted) == {"position", "id", "version", "type", "topic", "occurred_at",
                              "metadata", "payload", "redacted"}
    assert submitted["type"] == "ApplicationSubmitted"
    assert submitted["topic"] == "domain.applications.application:ApplicationSubmitted"
    assert submitted["occurred_at"] == "2026-04-02T00:30:00.000000+00:00"
    assert submitted["metadata"]["actorSubject"] == "system:matrix"
    assert submitted["payload"]["applicant_name"] == REDACTED
    assert submitted["payload"]["answers"] == {"copies": 1, "address": REDACTED}
    assert submitted["redacted"] is True
    assert "下野" not in json.dumps(lines, ensure_ascii=False)
    assert f"{world['head']} events exported" in stderr
    assert views(container) == []  # nothing personal was shown


def test_export_selects_by_time_in_japan_time(env, world) -> None:
    code, lines, _ = export("--from", "2026-04-02", "--to", "2026-04-03")
    assert code == 0
    assert {line["id"] for line in lines} == {world["first"]}
    code, lines, _ = export("--from", "2026-04-03T09:30:00+09:00")  # exactly the second: included
    assert {line["id"] for line in lines} == {world["second"]}
    code, lines, _ = export("--to", "2026-04-02")
    assert lines and all(line["type"] not in ("ApplicationSubmitted",) for line in lines)


def test_export_with_pii_reveals_and_records_it_first(env, world, container: Container,
                                                      tmp_path: Path) -> None:
    out = tmp_path / "export.jsonl"
    code, _, stderr = export("--pii", "--out", str(out), "--from", "2026-04-02")
    assert code == 0, stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert {line["payload"]["applicant_name"] for line in lines} == {"下野 花子"}
    assert all(line["redacted"] is False for line in lines)
    [view] = views(container)
    assert isinstance(view, PersonalDataViewed)
    assert view.operation == "audit export"
    assert view.meta.actor_role == "system" and view.meta.actor_subject.startswith("system:audit-export:")
    assert {r["id"] for r in view.records} == {world["first"], world["second"]}
    assert view.fields == ["answers", "applicant_name"]
    assert "revealed and recorded" in stderr


def test_if_the_export_cannot_be_recorded_nothing_is_written(
    env, world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from application.audit import trail as audit_trail

    def down(self, *args: Any, **kwargs: Any) -> None:
        raise OperationalError("the event store is down")

    monkeypatch.setattr(audit_trail.AuditTrail, "record_view", down)
    out = tmp_path / "export.jsonl"
    code, lines, stderr = export("--pii", "--out", str(out))
    assert code == 1
    assert "nothing written" in stderr
    assert not out.exists() and lines == []
    code, lines, stderr = export("--pii")  # to stdout: nothing either
    assert code == 1 and lines == []


def test_export_refuses_bad_input(env, world) -> None:
    for args in (("--from", "soon"), ("--from", "2026-04-03", "--to", "2026-04-02"),
                 ("--raw", "--pii"), ("--raw", "--from", "2026-04-01")):
        code, lines, stderr = export(*args)
        assert code == 2, (args, stderr)
        assert lines == []


def test_raw_export_keeps_the_stored_form(env, world) -> None:
    code, lines, stderr = export("--raw")
    assert code == 0, stderr
    assert [line["position"] for line in lines] == list(range(1, world["head"] + 1))
    assert {"position", "originator_id", "version", "topic", "state"} <= set(lines[0])


def test_the_personal_data_view_of_an_export_is_one_event_per_chunk(container: Container) -> None:
    from application.audit.trail import RECORDS_PER_VIEW, AuditTrail

    ctx = CommandContext(Actor.system("t"), container.clock.now(), "c")
    records = [(f"app-{i}", f"application:app-{i}") for i in range(RECORDS_PER_VIEW * 2 + 1)]
    head = container.log.head()
    AuditTrail(container.log).record_view(ctx, operation="audit export", fields=["x"], records=records)
    assert container.log.head() == head + 3
    assert AuditTrail(container.log).record_view(ctx, operation="x", fields=["x"], records=[]) is None


def test_events_are_read_back_by_position_in_few_range_reads(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    from application.audit.trail import read_positions

    World(container)
    head = container.log.head()
    wanted = [1, 2, 3, head, head + 50]  # the last does not exist
    calls: list[tuple[int, int]] = []
    original = container.log.recorder.select_notifications

    def counting(start: int, limit: int, *args: Any, **kwargs: Any):
        calls.append((start, limit))
        return original(start, limit, *args, **kwargs)

    monkeypatch.setattr(container.log.recorder, "select_notifications", counting)
    found = read_positions(container.log, wanted, gap=2)
    assert sorted(found) == [1, 2, 3, head]
    assert all(found[p].id == p for p in found)
    assert calls[0] == (1, 3) and len(calls) == 3
