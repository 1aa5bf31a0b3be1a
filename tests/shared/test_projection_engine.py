"""Specification of the projection engine over the real stores (SQLite and
PostgreSQL): catch-up, live follow, crash safety, exactly-once, rebuilds."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from api.composition import Container, build_container
from application.projection.base import Projection, Tables
from application.projection.engine import ProjectionEngine
from application.projection.state import all_states
from domain.applications.application import ApplicationRejected
from domain.applications.status import STAFF_STATUSES, STATUS_AFTER_EVENT
from projections.applications.inbox import DepartmentInbox, inbox_counts
from projections.applications.status import get_application, list_applications
from projections.catalogue.procedure_catalogue import list_departments, list_procedures
from tests.builders import PROCEDURE, ctx, populate, reading, setup_procedure, staff, submit

SECOND = "nozei-shomei"  # a procedure of the tax division
CODES = (PROCEDURE, SECOND)


def set_up(container: Container, clock) -> None:
    setup_procedure(container, clock)
    setup_procedure(container, clock, SECOND, "zeimu")


def eventually(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    """Poll ``check`` until it returns something truthy (at most ``timeout`` s)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


def with_batch_size(settings, clock, size: int) -> Container:
    return build_container(settings.model_copy(update={"projection_batch_size": size}), clock)


@pytest.fixture
def small_batches(settings, clock) -> Iterator[Container]:
    c = with_batch_size(settings, clock, 2)
    yield c
    c.close()


def generation(container: Container, name: str) -> int:
    [gs] = [s for s in container.engine.status() if s.name == name]
    return gs.generation


def rows(container: Container, projection: Projection, gen: int) -> dict[str, list[tuple]]:
    """Every row of each logical table of one generation, sorted: bit for bit,
    sealed personal values included."""
    out = {}
    with container.views.read() as cur:
        for logical, physical in Tables(projection.tables, gen).items():
            cur.execute(f"SELECT * FROM {physical}")
            out[logical] = sorted(cur.fetchall(), key=repr)
    return out


def table_exists(container: Container, physical: str) -> bool:
    with container.views.read() as cur:
        if container.views.dialect == "sqlite":
            cur.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
                        (physical,))
        else:
            cur.execute("SELECT COUNT(*) FROM information_schema.tables"
                        " WHERE table_schema = current_schema() AND table_name = ?", (physical,))
        return cur.fetchone()[0] == 1


def truth(container: Container, up_to: int | None = None) -> Counter:
    """(department, status) → count, replayed straight from the event log."""
    latest: dict[Any, tuple[str, str]] = {}
    for n in container.log.recorder.select_notifications(1, 100_000, stop=up_to):
        event = container.log.mapper.to_domain_event(n)
        status = STATUS_AFTER_EVENT.get(type(event).__name__)
        if status is not None:
            department = getattr(event, "department", None) or latest[event.originator_id][0]
            latest[event.originator_id] = (department, status.value)
    return Counter(latest.values())


def inbox(container: Container) -> Counter:
    with reading(container) as session:
        return Counter({(c.department, c.status): c.count
                        for c in inbox_counts(session) if c.count})


# --- catching up and following ------------------------------------------------------------


def test_catching_up_builds_the_three_read_models(container, clock):
    set_up(container, clock)
    expected = populate(container, clock, 8, CODES)
    container.engine.catch_up()

    with reading(container) as session:
        assert [p.code for p in list_procedures(session)] == [PROCEDURE, SECOND]
        assert [(d.code, d.procedure_count, d.online_count)
                for d in list_departments(session)] == [("shimin", 1, 1), ("zeimu", 1, 1)]
        for app_id, status in expected.items():
            view = get_application(session, container.vault, app_id)
            assert view is not None and view.status == status.value
    assert inbox(container) == truth(container)
    assert sum(inbox(container).values()) == 8
    head = container.log.head()
    assert {(s.name, s.position, s.lag, s.error) for s in container.engine.status()} == {
        (name, head, 0, None)
        for name in ("procedure_catalogue", "application_status", "department_inbox",
                     *container.engine.projections)}  # every other read model is caught up too
    assert container.engine.run_once() == 0


def test_following_makes_new_applications_visible_without_a_manual_catch_up(container, clock):
    set_up(container, clock)
    container.start_projections()
    app_id = submit(container, clock).id

    def visible():
        with reading(container) as session:
            return get_application(session, container.vault, app_id)

    view = eventually(visible)
    assert view is not None and view.status == "submitted"
    container.applications.receive(ctx(clock, staff()), app_id)
    assert eventually(lambda: inbox(container) == Counter({("shimin", "received"): 1}))
    assert eventually(lambda: all(s.lag == 0 for s in container.engine.status()))


# --- crash safety ------------------------------------------------------------------------


class BrokenInbox(DepartmentInbox):
    """The real inbox, except that it cannot handle rejections."""

    def apply(self, cur, t, event, position):
        if isinstance(event, ApplicationRejected):
            raise RuntimeError("cannot count rejections")
        super().apply(cur, t, event, position)


def engine_with(container: Container, inbox_projection: Projection) -> ProjectionEngine:
    projections = [p for p in container.projections if p.name != DepartmentInbox.name]
    return ProjectionEngine(container.log, container.views, [*projections, inbox_projection],
                            container.clock, batch_size=container.settings.projection_batch_size)


def test_a_failing_projection_stops_only_itself_at_its_last_good_batch(small_batches, clock):
    c = small_batches
    set_up(c, clock)
    populate(c, clock, 12, CODES)
    ids = [n.id for n in c.log.recorder.select_notifications(1, 100_000)]
    failing = next(n.id for n in c.log.recorder.select_notifications(1, 100_000)
                   if n.topic.endswith("ApplicationRejected"))
    index = ids.index(failing)
    last_good = ids[index - index % 2 - 1] if index >= 2 else 0
    assert 0 < last_good < failing

    engine = engine_with(c, BrokenInbox())
    engine.catch_up()
    engine.run_once()  # a failed projection is not retried by this engine

    status = {s.name: s for s in engine.status()}
    head = c.log.head()
    broken = status["department_inbox"]
    assert (broken.status, broken.position, broken.error_position) == (
        "failed", last_good, failing)
    assert "cannot count rejections" in broken.error
    assert broken.lag == head - last_good
    for name in ("procedure_catalogue", "application_status"):
        assert (status[name].status, status[name].position, status[name].error) == (
            "active", head, None)
    assert inbox(c) == truth(c, up_to=last_good)
    with reading(c) as session:
        assert list_applications(session, c.vault).total_count == 12


def test_a_repaired_projection_resumes_where_it_stopped(small_batches, clock):
    c = small_batches
    set_up(c, clock)
    populate(c, clock, 12, CODES)
    engine_with(c, BrokenInbox()).catch_up()
    assert inbox(c) != truth(c)

    repaired = engine_with(c, DepartmentInbox())
    repaired.catch_up()
    [inbox_status] = [s for s in repaired.status() if s.name == "department_inbox"]
    assert (inbox_status.status, inbox_status.error, inbox_status.error_position) == (
        "active", None, None)
    assert inbox_status.position == c.log.head()
    assert inbox(c) == truth(c)


# --- exactly once --------------------------------------------------------------------------


def assert_equal_to_a_clean_rebuild(c: Container) -> None:
    for projection in c.projections:
        live = generation(c, projection.name)
        before = rows(c, projection, live)
        rebuilt = c.engine.rebuild(projection.name, grace=0)
        assert rebuilt > live
        assert rows(c, projection, rebuilt) == before, projection.name


def test_running_once_repeatedly_never_applies_an_event_twice(small_batches, clock):
    c = small_batches
    set_up(c, clock)
    for i in range(6):
        populate(c, clock, 3, CODES)
        for _ in range(i % 3):
            c.engine.run_once()
    c.engine.catch_up()
    for _ in range(3):
        assert c.engine.run_once() == 0
    assert inbox(c) == truth(c)
    assert sum(inbox(c).values()) == 18
    assert_equal_to_a_clean_rebuild(c)


def test_two_engines_over_the_same_storage_never_apply_an_event_twice(settings, clock):
    first, second = (with_batch_size(settings, clock, 3) for _ in range(2))
    try:
        set_up(first, clock)
        stop = threading.Event()
        errors: list[BaseException] = []

        def follow(engine: ProjectionEngine) -> None:
            try:
                while not stop.is_set():
                    engine.run_once()
                    time.sleep(0.001)  # let the other engine have a turn at SQLite's one writer
            except BaseException as e:
                errors.append(e)

        applied = Counter()
        for name, c in (("first", first), ("second", second)):
            apply_batch = c.engine._apply_batch

            def counting(*args, _name=name, _apply=apply_batch, **kwargs):
                moved = _apply(*args, **kwargs)
                applied[_name] += moved
                return moved

            c.engine._apply_batch = counting
        threads = [threading.Thread(target=follow, args=(c.engine,)) for c in (first, second)]
        for t in threads:
            t.start()
        expected = populate(first, clock, 24, CODES)
        stop.set()
        for t in threads:
            t.join(timeout=30)
        assert errors == []
        assert applied["first"] > 0 and applied["second"] > 0, applied  # both really ran
        first.engine.catch_up()
        second.engine.catch_up()

        assert not first.engine.failed and not second.engine.failed
        assert all(s.error is None for s in second.engine.status())
        assert inbox(second) == truth(first)
        assert sum(inbox(first).values()) == len(expected) == 24
        assert Counter(s.value for s in expected.values()) == Counter(
            {s.value: 3 for s in STAFF_STATUSES})
        assert_equal_to_a_clean_rebuild(first)
    finally:
        first.close()
        second.close()


# --- rebuilding ------------------------------------------------------------------------------


def test_rebuild_produces_a_new_generation_equal_row_for_row(container, clock):
    set_up(container, clock)
    populate(container, clock, 5, CODES)
    container.engine.run_once()
    populate(container, clock, 11, CODES)
    container.catalogue.retire(ctx(clock), SECOND, "制度廃止")
    container.engine.catch_up()
    for projection in container.projections:
        assert generation(container, projection.name) == 1
    assert_equal_to_a_clean_rebuild(container)
    for projection in container.projections:
        assert generation(container, projection.name) == 2


def test_rebuild_drops_the_retired_generations_tables(container, clock):
    set_up(container, clock)
    populate(container, clock, 3)
    container.engine.catch_up()
    for projection in container.projections:
        old = Tables(projection.tables, generation(container, projection.name))
        assert all(table_exists(container, physical) for physical in old.values())
        new = container.engine.rebuild(projection.name, grace=0)
        assert not any(table_exists(container, physical) for physical in old.values())
        assert all(table_exists(container, physical)
                   for physical in Tables(projection.tables, new).values())
        with container.views.read() as cur:
            states = [(s.generation, s.status) for s in all_states(cur)
                      if s.name == projection.name]
        assert states == [(new, "active")]
    with reading(container) as session:
        assert list_applications(session, container.vault).total_count == 3


def test_rebuild_while_applications_keep_arriving_loses_nothing(settings, clock):
    c = with_batch_size(settings, clock, 4)
    try:
        set_up(c, clock)
        submitted = list(populate(c, clock, 10, CODES))
        c.start_projections()
        done = threading.Event()
        errors: list[BaseException] = []

        def keep_submitting() -> None:
            try:
                # at least 30; at most 400, however long the rebuild takes on a loaded machine
                while (not done.is_set() or len(submitted) < 30) and len(submitted) < 400:
                    submitted.append(submit(c, clock, CODES[len(submitted) % 2]).id)
                    time.sleep(0.002)  # a busy counter, not a tight loop starving the worker
            except BaseException as e:
                errors.append(e)

        submitter = threading.Thread(target=keep_submitting)
        submitter.start()
        before_rebuild = len(submitted)
        try:
            new = c.engine.rebuild("application_status", grace=0.2)
            new_inbox = c.engine.rebuild("department_inbox", grace=0.2)
            during_rebuild = len(submitted) - before_rebuild
        finally:
            done.set()
            submitter.join(timeout=60)
        assert errors == []
        assert during_rebuild > 0
        assert (new, new_inbox) == (2, 2)
        total = len(submitted)
        assert total >= 30

        def all_visible() -> bool:
            with reading(c) as session:
                listed = list_applications(session, c.vault, first=5000)
            return listed.total_count == total and sum(inbox(c).values()) == total

        assert eventually(all_visible, timeout=60)
        with reading(c) as session:
            listed = list_applications(session, c.vault, first=5000)
        assert sorted(v.id for v in listed.items) == sorted(submitted)
        assert inbox(c) == truth(c)
        c.stop_projections()
        # the payment process appends events (PaymentRequested) as it follows the
        # log, so the worker may have stopped before the read models saw them all
        c.engine.catch_up()
        assert_equal_to_a_clean_rebuild(c)
    finally:
        c.close()
