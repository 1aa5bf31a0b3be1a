"""Read models of the staff review slice (SQLite and PostgreSQL): possible
duplicates are stable across a rebuild and leave no fingerprint behind once the
data is forgotten; message bodies are sealed in ``application_messages``."""

from __future__ import annotations

from datetime import timedelta

from domain.shared.context import Actor
from domain.shared.personal import ERASED_LABEL_JA
from projections.applications.messages import ApplicationMessages, messages_of
from projections.applications.status import ApplicationStatus, get_application
from tests.builders import citizen, ctx, reading, setup_procedure, submit

ME = citizen("citizen-dup")


def _raw(container, projection, table: str) -> list[tuple]:
    with reading(container) as session:
        t = session.tables(projection.name)
        session.cur.execute(t.sql(f"SELECT * FROM {{{table}}}"))
        return session.cur.fetchall()


def test_duplicates_survive_a_rebuild_and_fingerprints_go_with_the_data(container, clock):
    setup_procedure(container, clock)
    first = submit(container, clock, actor=ME)
    clock.advance(timedelta(hours=2))
    second = submit(container, clock, actor=ME)
    container.engine.catch_up()
    with reading(container) as session:
        assert get_application(session, container.vault, second.id).possible_duplicate_of == [first.id]

    container.engine.rebuild(ApplicationStatus.name)
    clock.advance(timedelta(days=30))  # the window is on event timestamps, not on the clock
    container.engine.rebuild(ApplicationStatus.name)
    container.engine.catch_up()
    with reading(container) as session:
        assert get_application(session, container.vault, second.id).possible_duplicate_of == [first.id]
        assert get_application(session, container.vault, first.id).possible_duplicate_of == []
    fingerprints = [r[-1] for r in _raw(container, ApplicationStatus, "status_applications")]
    assert all(f and len(f) == 64 and ME.subject not in f for f in fingerprints)

    container.privacy.forget(ctx(clock, Actor("admin-1", "admin")), f"citizen:{ME.subject}", "本人の請求")
    container.engine.catch_up()
    assert [r[-1] for r in _raw(container, ApplicationStatus, "status_applications")] == [None, None]


def test_message_bodies_are_sealed_and_erased_with_the_application(container, clock):
    setup_procedure(container, clock)
    app = submit(container, clock, actor=ME)
    container.applications.post_message(ctx(clock, ME), app.id, "受け取り方法を教えてください")
    container.engine.catch_up()
    assert "受け取り方法" not in repr(_raw(container, ApplicationMessages, "application_messages"))
    with reading(container) as session:
        [message] = messages_of(session, container.vault, app.id)
    assert (message.author_role, message.body) == ("citizen", "受け取り方法を教えてください")

    container.privacy.forget(ctx(clock, Actor("admin-1", "admin")), f"application:{app.id}", "保存期間満了")
    with reading(container) as session:
        [message] = messages_of(session, container.vault, app.id)
    assert message.body == ERASED_LABEL_JA
