"""The composition root (api/composition/): everything built at once, in an
immutable container; what one capability adds to another is given at construction."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from api.composition import Container, build_container
from application.payments.guard import FeePaidGuard
from infra.clock import ManualClock
from infra.counter_rules import CounterRulesError
from infra.settings import Settings


def test_the_container_cannot_be_rewired(container: Container) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        container.payments = None  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        container.interviews = None  # type: ignore[misc]


def test_the_payments_guard_and_the_live_listener_are_given_at_construction(container: Container) -> None:
    (guard,) = container.applications.completion_guards
    assert isinstance(guard, FeePaidGuard)
    assert container.live.notify in container.engine.listeners
    assert [p.name for p in container.projections][-2:] == ["payment_process", "notification_process"]


def test_every_service_is_there_from_the_start(container: Container) -> None:
    missing = [f.name for f in dataclasses.fields(container) if getattr(container, f.name) is None]
    assert missing == []


def test_a_refused_configuration_stops_start_up_and_leaves_the_store_usable(
    settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    broken = tmp_path / "rules.json"
    broken.write_text('{"guide": [{"procedure": "tennyu", "events": ["moving"]}]}')
    with pytest.raises(CounterRulesError, match=r"guide\[0\]\.events\[0\]"):
        build_container(settings.model_copy(update={"counter_rules": broken}), clock=clock)
    again = build_container(settings, clock=clock)  # nothing was left open or locked
    again.close()
