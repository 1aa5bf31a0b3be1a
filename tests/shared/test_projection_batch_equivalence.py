"""Applying a batch at once (``ReadModel.apply_batch``) leaves exactly the tables
that applying the same events one at a time (``apply``) leaves: row for row,
sealed values included, for every read model, on random event sequences cut
into random batches."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from application.projection.base import ReadModel, Tables
from domain.applications.status import Status
from tests.builders import citizen as citizen_actor
from tests.builders import ctx, drive, submit
from tests.shared.test_projection_engine import CODES, SECOND, set_up

STATUSES = tuple(Status.__members__.values())
# (procedure, applicant, status to drive it to): the same applicant and answers twice flag a duplicate
actions = st.lists(st.tuples(st.sampled_from(CODES), st.integers(0, 3),
                             st.sampled_from([s for s in STATUSES if s is not Status.AWAITING_CONFIRMATION])),
                   min_size=1, max_size=6)


def _events(container: Any, model: ReadModel) -> list[tuple[int, Any]]:
    """The log as the engine gives it to ``model``: decoded events it handles (raw: every notification)."""
    notifications = list(container.log.recorder.select_notifications(0, 1_000_000, inclusive_of_start=False))
    if model.raw:
        return [(n.id, n) for n in notifications]
    decoded = [(n.id, container.log.mapper.to_domain_event(n)) for n in notifications if n.topic in model.topics]
    return [(p, e) for p, e in decoded if e.__class__ in model.handles]


def _tables(container: Any, model: ReadModel, t: Tables) -> dict[str, list[tuple]]:
    with container.views.read() as cur:
        out = {}
        for logical, physical in t.items():
            cur.execute(f"SELECT * FROM {physical}")
            out[logical] = sorted(cur.fetchall(), key=repr)
        return out


def _cut(events: list, sizes: list[int]) -> list[list]:
    batches, start, i = [], 0, 0
    while start < len(events):
        size = sizes[i % len(sizes)]
        batches.append(events[start:start + size])
        start, i = start + size, i + 1
    return batches


@hypothesis_settings(max_examples=8, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=actions, sizes=st.lists(st.integers(1, 40), min_size=1, max_size=5), retire=st.booleans())
def test_a_batch_applied_at_once_leaves_the_tables_event_by_event_leaves(container, clock, steps, sizes, retire):
    if not container.catalogue.department_exists("zeimu"):
        set_up(container, clock)
    for code, who, status in steps:
        if code == SECOND and not container.catalogue.get_procedure(SECOND).online:
            continue
        app_id = submit(container, clock, code, actor=citizen_actor(f"citizen-{who}")).id
        drive(container, clock, app_id, status)
    if retire and container.catalogue.get_procedure(SECOND).online:
        container.catalogue.retire(ctx(clock), SECOND, "制度廃止")
    models = [p for p in container.engine.projections.values() if isinstance(p, ReadModel) and p.tables]
    for number, model in enumerate(models, start=1):
        events = _events(container, model)
        one_by_one, batched = Tables(model.tables, number, "eq_each"), Tables(model.tables, number, "eq_batch")
        with container.views.transaction() as cur:
            model.create(cur, one_by_one)
            model.create(cur, batched)
        try:
            with container.views.transaction() as cur:
                model.apply_each(cur, one_by_one, events)
            for batch in _cut(events, sizes):
                with container.views.transaction(pipeline=True) as cur:
                    model.apply_batch(cur, batched, batch)
            assert _tables(container, model, batched) == _tables(container, model, one_by_one), model.name
        finally:
            with container.views.transaction() as cur:
                model.drop(cur, one_by_one)
                model.drop(cur, batched)
