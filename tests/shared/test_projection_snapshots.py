"""Snapshots of the past (``build_snapshot``), blue/green rebuilds under load,
and the rate shown by ``status``, over the real stores (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from api.composition import Container
from application.projection.base import Projection, Tables
from application.projection.reading import read_session
from application.projection.state import all_states
from projections.applications.status import list_applications
from projections.dx.figures import city_dashboard
from tests.builders import populate, reading, submit
from tests.shared.test_projection_engine import (
    CODES,
    inbox,
    set_up,
    table_exists,
    truth,
    with_batch_size,
)


def serving(c: Container) -> dict[str, tuple[int, int]]:
    return {s.name: (s.generation, s.position) for s in c.engine.status() if s.serving}


def rows(c: Container, projection: Projection, gen: int, namespace: str = "") -> dict:
    out = {}
    with c.views.read() as cur:
        for logical, physical in Tables(projection.tables, gen, namespace).items():
            cur.execute(f"SELECT * FROM {physical}")
            out[logical] = sorted(cur.fetchall(), key=repr)
    return out


def snapshot_generation(c: Container, name: str, namespace: str) -> tuple[int, str, int]:
    with c.views.read() as cur:
        [gs] = [s for s in all_states(cur) if s.name == name and s.namespace == namespace]
    return gs.generation, gs.status, gs.position


def live_at_head(c: Container) -> tuple[int, dict[str, dict]]:
    """The head, and every serving generation's rows, once caught up to it."""
    c.engine.catch_up()
    live = serving(c)
    return c.log.head(), {p.name: rows(c, p, live[p.name][0]) for p in c.projections}


def test_a_snapshot_equals_the_live_model_when_the_head_was_there(container, clock):
    c = container
    set_up(c, clock)
    populate(c, clock, 6, CODES)
    position, expected = live_at_head(c)
    clock.advance(timedelta(hours=1))
    populate(c, clock, 5, CODES)
    c.engine.catch_up()
    before = serving(c)

    for projection in c.projections:
        assert c.engine.build_snapshot(projection.name, position, "t1") == "snap_t1"
        gen, status, at = snapshot_generation(c, projection.name, "snap_t1")
        assert (status, at) == ("snapshot", position)
        assert rows(c, projection, gen, "snap_t1") == expected[projection.name], projection.name

    assert serving(c) == before  # never switched to, never served
    assert c.engine.run_once() == 0
    with read_session(c.views, c.projections, "snap_t1") as session:
        assert list_applications(session, c.vault).total_count == 6
        day = clock.now().date()
        [month] = city_dashboard(session, day, day, day).months
        assert month.applications == 6
    with reading(c) as session:
        assert list_applications(session, c.vault).total_count == 11
    snap = [s for s in c.engine.status() if s.namespace == "snap_t1"]
    assert len(snap) == len(c.projections)
    assert all(s.status == "snapshot" and not s.serving and s.until_position == position
               and s.lag == 0 for s in snap)

    with pytest.raises(ValueError, match="already has a snapshot"):
        c.engine.build_snapshot("application_status", position, "t1")
    gen, _, _ = snapshot_generation(c, "application_status", "snap_t1")
    physical = Tables(c.engine.projections["application_status"].tables, gen, "snap_t1")
    assert all(table_exists(c, t) for t in physical.values())
    assert c.engine.drop_snapshot("application_status", "t1")
    assert not any(table_exists(c, t) for t in physical.values())
    assert not c.engine.drop_snapshot("application_status", "t1")
    # a rebuild is unaffected by the remaining snapshots, and leaves them alone
    new = c.engine.rebuild("department_inbox", grace=0)
    assert serving(c)["department_inbox"][0] == new
    assert snapshot_generation(c, "department_inbox", "snap_t1")[1] == "snapshot"


class Interrupted(BaseException):
    """Stands for the process being killed mid-build."""


def test_an_interrupted_snapshot_resumes_where_it_stopped(settings, clock):
    c = with_batch_size(settings, clock, 2)
    try:
        set_up(c, clock)
        populate(c, clock, 8, CODES)
        position, expected = live_at_head(c)
        populate(c, clock, 4, CODES)
        c.engine.catch_up()
        before = serving(c)

        apply_batch = c.engine._apply_batch
        calls = 0

        def interrupted(*args, **kwargs):
            nonlocal calls
            calls += 1
            if calls == 5:
                raise Interrupted
            return apply_batch(*args, **kwargs)

        c.engine._apply_batch = interrupted
        with pytest.raises(Interrupted):
            c.engine.build_snapshot("application_status", position, "half")
        c.engine._apply_batch = apply_batch
        gen, status, at = snapshot_generation(c, "application_status", "snap_half")
        assert status == "building" and 0 < at < position
        with read_session(c.views, c.projections, "snap_half") as session:
            assert "application_status" not in session.generations  # unfinished: unreadable
        c.engine.run_once()
        assert snapshot_generation(c, "application_status", "snap_half") == (gen, status, at)
        with pytest.raises(ValueError, match="being built up to"):
            c.engine.build_snapshot("application_status", position - 1, "half")

        progress: list[tuple[int, int]] = []
        c.engine.build_snapshot("application_status", position, "half",
                                progress=lambda p, h: progress.append((p, h)))
        assert progress[0][0] > at and progress[-1] == (position, position)
        assert snapshot_generation(c, "application_status", "snap_half") == (
            gen, "snapshot", position)
        projection = next(p for p in c.projections if p.name == "application_status")
        assert rows(c, projection, gen, "snap_half") == expected["application_status"]
        assert serving(c) == before
    finally:
        c.close()


def test_a_snapshot_as_of_a_time(container, clock):
    c = container
    set_up(c, clock)
    populate(c, clock, 4, CODES)
    position, expected = live_at_head(c)
    cut = clock.now()
    clock.advance(timedelta(minutes=10))
    populate(c, clock, 3, CODES)
    assert c.engine.position_at(cut) == position
    assert c.engine.position_at(cut + timedelta(minutes=20)) == c.log.head()
    assert c.engine.position_at(cut - timedelta(days=365)) == 0
    c.engine.build_snapshot("department_inbox", c.engine.position_at(cut), "cut")
    projection = next(p for p in c.projections if p.name == "department_inbox")
    gen, _, _ = snapshot_generation(c, "department_inbox", "snap_cut")
    assert rows(c, projection, gen, "snap_cut") == expected["department_inbox"]
    with pytest.raises(ValueError):
        c.engine.build_snapshot("department_inbox", c.log.head() + 1, "future")
    with pytest.raises(ValueError):
        c.engine.build_snapshot("department_inbox", 1, "Bad-Label")


def test_blue_green_rebuild_never_serves_a_half_built_model(settings, clock):
    c = with_batch_size(settings, clock, 3)
    try:
        set_up(c, clock)
        submitted = list(populate(c, clock, 12, CODES))
        c.start_projections()
        from tests.shared.test_projection_engine import eventually

        def counted() -> int:  # the worker catches up (a catch_up here would race it)
            with reading(c) as session:
                return list_applications(session, c.vault, first=1).total_count

        at_start = eventually(lambda: counted() == 12 and 12)
        assert at_start == 12
        done = threading.Event()
        errors: list[BaseException] = []
        seen: list[int] = []

        def keep_submitting() -> None:
            try:
                # at least 30; at most 400, however long the rebuild takes on a loaded machine
                while (not done.is_set() or len(submitted) < 30) and len(submitted) < 400:
                    submitted.append(submit(c, clock, CODES[len(submitted) % 2]).id)
                    time.sleep(0.002)  # a busy counter, not a tight loop starving the worker
            except BaseException as e:
                errors.append(e)

        def keep_reading() -> None:
            try:
                while not done.is_set():
                    with reading(c) as session:
                        seen.append(list_applications(session, c.vault, first=1).total_count)
                    seen.append(sum(inbox(c).values()))
            except BaseException as e:
                errors.append(e)

        threads = [threading.Thread(target=keep_submitting), threading.Thread(target=keep_reading)]
        for t in threads:
            t.start()
        try:
            new = c.engine.rebuild("application_status", grace=0.2)
            new_inbox = c.engine.rebuild("department_inbox", grace=0.2)
        finally:
            done.set()
            for t in threads:
                t.join(timeout=60)
        assert errors == []
        assert (new, new_inbox) == (2, 2)
        assert len(seen) > 2 and min(seen) >= at_start  # never a half-built generation
        total = len(submitted)

        def all_visible() -> bool:
            with reading(c) as session:
                listed = list_applications(session, c.vault, first=5000)
            return listed.total_count == total and sum(inbox(c).values()) == total

        # the worker also runs the payment process, which appends events: allow it time
        assert eventually(all_visible, 60)
        assert inbox(c) == truth(c)
    finally:
        c.close()


def test_status_shows_the_recent_rate(container, clock):
    c = container
    set_up(c, clock)
    assert {s.rate for s in c.engine.status()} == {None}  # nothing applied yet: unknown
    c.engine.catch_up()
    first, t0 = c.log.head(), clock.now()
    clock.advance(timedelta(seconds=10))
    populate(c, clock, 3, CODES)
    c.engine.catch_up()
    head = c.log.head()

    def expected() -> float:
        return (head - first) / (clock.now() - t0).total_seconds()

    rates = {s.name: s.rate for s in c.engine.status()}
    assert rates["application_status"] == pytest.approx(expected()) and expected() > 0
    clock.advance(timedelta(seconds=30))
    rates = {s.name: s.rate for s in c.engine.status()}
    assert rates["application_status"] == pytest.approx(expected())
    clock.advance(timedelta(minutes=2))
    assert {s.rate for s in c.engine.status()} == {0.0}  # idle for a minute
