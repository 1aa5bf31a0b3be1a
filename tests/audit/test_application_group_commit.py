"""The personal-data access log is group-committed: the records of concurrent
reads share transactions (one hold of the log's insert lock for many reads),
and it stays durable and complete: every read learns of its record only once it
is committed, and a read whose record cannot be written fails, alone."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from uuid import UUID, uuid4

import pytest

from api.composition import Container
from application.audit.trail import AuditTrail
from domain.privacy.access_log import PersonalDataViewed
from domain.shared.context import Actor, CommandContext
from domain.shared.errors import Conflict

READS = 40


def viewed_events(container: Container) -> list[PersonalDataViewed]:
    events = (container.log.mapper.to_domain_event(n)
              for n in container.log.recorder.select_notifications(1, 100_000))
    return [e for e in events if isinstance(e, PersonalDataViewed)]


@pytest.fixture
def trail(container: Container) -> Iterator[AuditTrail]:
    trail = AuditTrail(container.log, group_commit=True)
    yield trail
    trail.close()


def ctx(container: Container) -> CommandContext:
    return CommandContext(Actor.system("staff-1"), container.clock.now(), "c")


def test_concurrent_reads_share_transactions_and_every_record_is_committed_before_it_returns(
    container: Container, trail: AuditTrail,
):
    start = threading.Barrier(READS)
    positions: list[int | None] = []

    def read(i: int) -> None:
        start.wait()
        position = trail.record_view(ctx(container), operation="application", fields=["name"],
                                     records=[(f"app-{i}", f"application:app-{i}")])
        assert position is not None and container.log.head() >= position  # committed
        positions.append(position)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(READS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(positions) == READS
    recorded = {r["id"] for e in viewed_events(container) for r in e.records}
    assert recorded == {f"app-{i}" for i in range(READS)}
    assert trail.committer is not None and trail.committer.transactions < READS


def test_a_read_whose_record_cannot_be_written_fails_and_the_others_are_recorded(
    container: Container, clock,
):
    taken = uuid4()
    AuditTrail(container.log, new_id=lambda: taken).record_view(
        ctx(container), operation="first", fields=["name"], records=[("app-0", "application:app-0")])
    ids = iter([uuid4(), taken, uuid4()])  # the second read's record would reuse an id

    def next_id() -> UUID:
        return next(ids)

    trail = AuditTrail(container.log, new_id=next_id, group_commit=True)
    try:
        futures = [trail.record_view_later(ctx(container), operation=f"read-{i}", fields=["name"],
                                           records=[(f"app-{i}", f"application:app-{i}")])
                   for i in (1, 2, 3)]
        assert futures[0].result(timeout=10) and futures[2].result(timeout=10)
        with pytest.raises(Conflict):
            futures[1].result(timeout=10)
    finally:
        trail.close()
    recorded = {r["id"] for e in viewed_events(container) for r in e.records}
    assert recorded == {"app-0", "app-1", "app-3"}
