"""``rebuild --all``: one shared pass over the log rebuilds every read model into
new generations equal row for row, resumes an interrupted pass, and keeps a
failing projection from stopping the others."""

from __future__ import annotations

import pytest

from application.projection.engine import ProjectionFailed
from application.projection.rebuild import begin_generation, rebuild_many
from application.projection.state import all_states
from domain.applications.status import Status
from tests.builders import PROCEDURE, citizen, ctx, drive, submit
from tests.shared.test_projection_engine import (
    CODES,
    SECOND,
    BrokenInbox,
    engine_with,
    generation,
    inbox,
    rows,
    set_up,
    truth,
)

STATUSES = (Status.SUBMITTED, Status.RECEIVED, Status.RETURNED, Status.APPROVED,
            Status.REJECTED, Status.COMPLETED, Status.WITHDRAWN)


def _filled(container, clock) -> None:
    set_up(container, clock)
    for i in range(12):
        code = CODES[i % 2] if i < 8 else PROCEDURE
        app_id = submit(container, clock, code, actor=citizen(f"citizen-{i}")).id
        drive(container, clock, app_id, STATUSES[i % len(STATUSES)])
        if i == 7:
            container.catalogue.retire(ctx(clock), SECOND, "制度廃止")
    container.engine.catch_up()


def _serving_rows(container) -> dict[str, dict]:
    serving = {s.name: s.generation for s in container.engine.status() if s.serving}
    return {p.name: rows(container, p, serving[p.name]) for p in container.projections}


def test_a_shared_pass_rebuilds_every_read_model_equal_row_for_row(container, clock):
    _filled(container, clock)
    before = _serving_rows(container)
    names = [p.name for p in container.projections]

    generations = rebuild_many(container.engine, names, grace=0, batch_size=7)

    assert generations == {name: 2 for name in names}
    assert {p.name: generation(container, p.name) for p in container.projections} == generations
    assert _serving_rows(container) == before
    head = container.log.head()
    assert all(s.position == head and s.status == "active" for s in container.engine.status())
    with container.views.read() as cur:  # the retired generations are gone
        assert sorted({s.status for s in all_states(cur)}) == ["active"]


def test_an_interrupted_shared_pass_resumes_its_building_generations(container, clock):
    _filled(container, clock)
    before = _serving_rows(container)
    started, _ = begin_generation(container.engine, "department_inbox")
    assert begin_generation(container.engine, "department_inbox") == (started, 0)

    generations = rebuild_many(container.engine, ["department_inbox", "application_status"],
                               grace=0, batch_size=5)

    assert generations["department_inbox"] == started  # continued, not a third generation
    assert _serving_rows(container) == before


def test_a_failing_projection_does_not_stop_the_others_switching(container, clock):
    _filled(container, clock)
    engine = engine_with(container, BrokenInbox())
    before = _serving_rows(container)

    with pytest.raises(ProjectionFailed) as failure:
        rebuild_many(engine, list(engine.projections), grace=0, batch_size=4)

    assert failure.value.name == "department_inbox"
    status = {s.name: s for s in engine.status() if s.serving}
    assert status["department_inbox"].generation == 1  # the old generation still serves
    [building] = [s for s in engine.status() if s.name == "department_inbox" and not s.serving]
    assert (building.status, building.error_position) == ("failed", failure.value.position)
    assert inbox(container) == truth(container)
    for name in ("application_status", "procedure_catalogue", "audit_index"):
        assert status[name].generation == 2
    assert _serving_rows(container) == before
