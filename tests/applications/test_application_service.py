"""Specification of the catalogue and application services over the real event
store (SQLite and PostgreSQL): results, conflicts, races, access and event meta."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.applications.application import ApplicationApproved, ApplicationRejected
from domain.applications.status import Status
from domain.catalogue.departments import DepartmentEstablished, department_id
from domain.catalogue.procedures import Procedure, ProcedureDefined, procedure_id
from domain.shared.context import Actor
from domain.shared.errors import Conflict, Forbidden, InvalidTransition, NotFound, Unauthenticated, ValidationFailed
from tests.builders import (
    ADMIN,
    DEPARTMENT,
    PROCEDURE,
    answers,
    citizen,
    ctx,
    definition,
    establish,
    pay_at_counter,
    setup_procedure,
    staff,
    submit,
)

CLERK = staff()


def run_together(*actions: Callable[[], Any]) -> list[Any]:
    """Run the actions in threads released together; each outcome is its result
    or the exception it raised."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[Any] = [None] * len(actions)

    def run(i: int, action: Callable[[], Any]) -> None:
        barrier.wait(timeout=10)
        try:
            outcomes[i] = action()
        except Exception as e:
            outcomes[i] = e

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return outcomes


def all_events(container) -> list[tuple[int, Any]]:
    notifications = container.log.recorder.select_notifications(1, 10_000)
    return [(n.id, container.log.mapper.to_domain_event(n)) for n in notifications]


# --- the happy path -----------------------------------------------------------------


def test_the_full_lifecycle_returns_ids_and_increasing_positions(container, clock):
    positions = []
    dept = container.catalogue.establish_department(
        ctx(clock, ADMIN), code=DEPARTMENT, name_ja="市民課", name_en="Citizens Division")
    defined = container.catalogue.define_procedure(ctx(clock, CLERK), **definition())
    published = container.catalogue.publish_online(ctx(clock, CLERK), PROCEDURE)
    assert (dept.id, defined.id, published.id) == (DEPARTMENT, PROCEDURE, PROCEDURE)
    positions += [dept.position, defined.position, published.position]

    me = citizen("citizen-9")
    submitted = submit(container, clock, actor=me)
    app_id = submitted.id
    assert UUID(app_id)
    pay_at_counter(container, clock, app_id)  # the fee: completion needs it paid
    steps = [
        lambda: container.applications.receive(ctx(clock, CLERK), app_id),
        lambda: container.applications.return_for_correction(ctx(clock, CLERK), app_id, "不備"),
        lambda: container.applications.resubmit(ctx(clock, me), app_id, answers(copies=2)),
        lambda: container.applications.receive(ctx(clock, CLERK), app_id),
        lambda: container.applications.approve(ctx(clock, CLERK), app_id),
        lambda: container.applications.complete(ctx(clock, CLERK), app_id),
    ]
    results = [submitted]
    for step in steps:
        clock.advance(timedelta(minutes=5))
        results.append(step())
    assert {r.id for r in results} == {app_id}
    positions += [r.position for r in results]

    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert container.log.head() == positions[-1]
    application = container.applications.get(app_id)
    assert application.status is Status.COMPLETED
    assert application.version == 7
    assert application.answers["copies"] == 2
    assert application.applicant_subject == "citizen-9"
    assert application.data_subject == f"application:{app_id}"


def test_a_procedure_is_loaded_back_with_its_forms_and_state(container, clock):
    setup_procedure(container, clock)
    container.catalogue.revise_form(ctx(clock, CLERK), PROCEDURE, definition()["fields"][:1])
    procedure = container.catalogue.get_procedure(PROCEDURE)
    assert isinstance(procedure, Procedure)
    assert procedure.online is True
    assert sorted(procedure.forms) == [1, 2]
    assert [f.key for f in procedure.current_form.fields] == ["copies"]
    on_current = container.applications.submit(
        ctx(clock, citizen()), procedure_code=PROCEDURE, channel="online",
        applicant_name="山田", answers={"copies": 1})
    on_first = container.applications.submit(
        ctx(clock, citizen()), procedure_code=PROCEDURE, channel="online",
        applicant_name="山田", answers=answers(), form_version=1)
    assert container.applications.get(on_current.id).form_version == 2
    assert container.applications.get(on_first.id).form_version == 1
    with pytest.raises(ValidationFailed) as failed:
        container.applications.submit(
            ctx(clock, citizen()), procedure_code=PROCEDURE, channel="online",
            applicant_name="山田", answers={"copies": 1, "purpose": "work"})
    assert [(e.path, e.rule) for e in failed.value.errors] == [
        ("answers.purpose", "unknown_field")]


# --- conflicts and races -----------------------------------------------------------------


def test_defining_the_same_procedure_code_twice_is_a_conflict(container, clock):
    setup_procedure(container, clock, online=False)
    head = container.log.head()
    with pytest.raises(Conflict):
        container.catalogue.define_procedure(
            ctx(clock, CLERK), **definition(name_ja="別の手続き"))
    assert container.log.head() == head
    assert container.catalogue.get_procedure(PROCEDURE).name_ja == "住民票の写しの交付申請"


def test_establishing_the_same_department_twice_is_a_conflict(container, clock):
    establish(container, clock)
    with pytest.raises(Conflict):
        container.catalogue.establish_department(
            ctx(clock, ADMIN), code=DEPARTMENT, name_ja="別の課", name_en="Other")


def test_a_procedure_needs_an_existing_department(container, clock):
    with pytest.raises(ValidationFailed) as failed:
        container.catalogue.define_procedure(ctx(clock), **definition(department="nosuch"))
    assert [(e.path, e.rule) for e in failed.value.errors] == [("department", "exists")]
    assert container.log.head() == 0


def test_unknown_procedures_and_applications_are_not_found(container, clock):
    with pytest.raises(NotFound):
        container.catalogue.get_procedure("nosuch")
    with pytest.raises(NotFound):
        container.applications.get("not-a-uuid")
    establish(container, clock)
    with pytest.raises(NotFound):  # an id of another kind of aggregate
        container.applications.get(str(department_id(DEPARTMENT)))


def test_two_concurrent_conflicting_reviews_let_exactly_one_win(container, clock):
    setup_procedure(container, clock)
    app_id = submit(container, clock).id
    container.applications.receive(ctx(clock, CLERK), app_id)
    first = container.applications.get(app_id)
    second = container.applications.get(app_id)
    first.approve(ctx(clock, CLERK))
    second.reject(ctx(clock, CLERK), "要件を満たしていません")

    outcomes = run_together(lambda: container.log.store(first),
                            lambda: container.log.store(second))

    winners = [o for o in outcomes if isinstance(o, int)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], Conflict), repr(losers[0])
    final = container.applications.get(app_id)
    expected = Status.APPROVED if isinstance(outcomes[0], int) else Status.REJECTED
    assert final.status is expected
    assert final.version == 3
    decisions = [e for _, e in all_events(container)
                 if isinstance(e, (ApplicationApproved, ApplicationRejected))]
    assert len(decisions) == 1


def test_racing_review_commands_through_the_service_let_exactly_one_win(container, clock):
    setup_procedure(container, clock)
    app_id = submit(container, clock).id
    container.applications.receive(ctx(clock, CLERK), app_id)
    outcomes = run_together(
        lambda: container.applications.approve(ctx(clock, CLERK), app_id),
        lambda: container.applications.reject(ctx(clock, CLERK), app_id, "不適合"),
    )
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    [loser] = [o for o in outcomes if isinstance(o, Exception)]
    # the loser either saw the stale version (Conflict) or the decided application
    assert isinstance(loser, (Conflict, InvalidTransition)), repr(loser)
    assert container.applications.get(app_id).status in (Status.APPROVED, Status.REJECTED)


def test_concurrent_definitions_of_the_same_code_let_exactly_one_succeed(container, clock):
    establish(container, clock)
    outcomes = run_together(*[
        (lambda n=n: container.catalogue.define_procedure(
            ctx(clock, CLERK), **definition(name_ja=f"手続き{n}")))
        for n in range(8)
    ])
    successes = [o for o in outcomes if not isinstance(o, Exception)]
    failures = [o for o in outcomes if isinstance(o, Exception)]
    assert len(successes) == 1
    assert len(failures) == 7 and all(isinstance(f, Conflict) for f in failures), failures
    defined = [e for _, e in all_events(container) if isinstance(e, ProcedureDefined)]
    assert len(defined) == 1
    assert container.catalogue.get_procedure(PROCEDURE).name_ja == defined[0].name_ja


# --- access ---------------------------------------------------------------------------


@pytest.fixture
def received(container, clock) -> str:
    setup_procedure(container, clock)
    setup_procedure(container, clock, "nozei-shomei", "zeimu")
    app_id = submit(container, clock, actor=citizen("citizen-1")).id
    container.applications.receive(ctx(clock, CLERK), app_id)
    return app_id


@pytest.mark.parametrize("command", ["approve", "receive", "complete"])
def test_staff_of_another_department_may_not_review(container, clock, received, command):
    head = container.log.head()
    with pytest.raises(Forbidden):
        getattr(container.applications, command)(ctx(clock, staff("zeimu")), received)
    assert container.log.head() == head


def test_staff_of_another_department_may_not_edit_the_catalogue(container, clock, received):
    with pytest.raises(Forbidden):
        container.catalogue.retire(ctx(clock, staff("zeimu")), PROCEDURE)
    with pytest.raises(Forbidden):
        container.catalogue.define_procedure(ctx(clock, staff("zeimu")), **definition("other"))
    assert container.catalogue.get_procedure(PROCEDURE).retired is False


def test_anonymous_callers_must_sign_in_to_review(container, clock, received):
    with pytest.raises(Unauthenticated):
        container.applications.approve(ctx(clock, Actor.anonymous()), received)
    with pytest.raises(Unauthenticated):
        container.applications.reject(ctx(clock, Actor.anonymous()), received, "x")


def test_citizens_may_not_review_even_their_own_application(container, clock, received):
    with pytest.raises(Forbidden):
        container.applications.approve(ctx(clock, citizen("citizen-1")), received)


def test_a_citizen_may_withdraw_their_own_application_but_not_anothers(
        container, clock, received):
    with pytest.raises(Forbidden):
        container.applications.withdraw(ctx(clock, citizen("citizen-2")), received)
    assert container.applications.get(received).status is Status.RECEIVED
    container.applications.withdraw(ctx(clock, citizen("citizen-1")), received, "不要")
    assert container.applications.get(received).status is Status.WITHDRAWN


def test_a_citizen_may_not_resubmit_anothers_application(container, clock, received):
    container.applications.return_for_correction(ctx(clock, CLERK), received, "不備")
    with pytest.raises(Forbidden):
        container.applications.resubmit(ctx(clock, citizen("citizen-2")), received, answers())
    container.applications.resubmit(ctx(clock, citizen("citizen-1")), received, answers())
    assert container.applications.get(received).status is Status.RESUBMITTED


@pytest.mark.parametrize("actor", [CLERK, citizen(), Actor.anonymous()])
def test_only_administrators_establish_departments(container, clock, actor):
    with pytest.raises((Forbidden, Unauthenticated)):
        container.catalogue.establish_department(
            ctx(clock, actor), code="kodomo", name_ja="こども課", name_en="Children")
    assert not container.catalogue.department_exists("kodomo")


def test_nobody_owns_an_anonymous_application_online(container, clock, received):
    app_id = submit(container, clock, actor=Actor.anonymous(), contact_email="tokumei@example.jp").id
    assert container.applications.get(app_id).applicant_subject is None
    confirmations = container.confirmations  # the かんたん申請 is the staff's once its e-mail is confirmed
    token = confirmations.tokens.make(app_id, confirmations.expires_at(container.applications.get(app_id)))
    confirmations.confirm(ctx(clock, Actor.anonymous()), token)
    with pytest.raises(Forbidden):
        container.applications.withdraw(ctx(clock, citizen("citizen-1")), app_id)
    container.applications.withdraw(ctx(clock, CLERK), app_id)
    assert container.applications.get(app_id).status is Status.WITHDRAWN


def test_a_citizen_is_recorded_as_the_applicant_whatever_they_claim(container, clock):
    setup_procedure(container, clock)
    result = container.applications.submit(
        ctx(clock, citizen("citizen-1")), procedure_code=PROCEDURE, channel="online",
        applicant_name="山田", answers=answers(), applicant_subject="citizen-2")
    assert container.applications.get(result.id).applicant_subject == "citizen-1"


def test_channels_follow_the_role(container, clock):
    setup_procedure(container, clock)
    with pytest.raises(Forbidden):
        submit(container, clock, actor=citizen(), channel="counter")
    with pytest.raises(Forbidden):
        submit(container, clock, actor=CLERK, channel="online")
    with pytest.raises(Forbidden):
        submit(container, clock, actor=staff("zeimu"), channel="counter")
    at_counter = submit(container, clock, actor=CLERK, channel="counter")
    application = container.applications.get(at_counter.id)
    assert (application.channel, application.applicant_subject) == ("counter", None)


@pytest.mark.parametrize("assurance, actor, allowed", [
    ("none", Actor.anonymous(), True),
    ("account", Actor.anonymous(), False),
    ("account", citizen(), True),
    ("jpki_signature", citizen(), False),
])
def test_identity_assurance_is_enforced_online(container, clock, assurance, actor, allowed):
    setup_procedure(container, clock, assurance=assurance)
    if allowed:
        assert submit(container, clock, actor=actor, contact_email="tokumei@example.jp").id
    else:
        with pytest.raises(Forbidden):
            submit(container, clock, actor=actor)


def test_jpki_procedures_are_entered_at_the_counter(container, clock):
    setup_procedure(container, clock, assurance="jpki_signature")
    assert submit(container, clock, actor=CLERK, channel="counter").id


# --- event metadata --------------------------------------------------------------------


def test_stored_events_carry_actor_correlation_and_the_clocks_time(container, clock):
    establish(container, clock)
    clock.advance(timedelta(hours=1))
    define_ctx = ctx(clock, CLERK)
    container.catalogue.define_procedure(define_ctx, **definition())
    clock.advance(timedelta(minutes=10))
    container.catalogue.publish_online(ctx(clock, CLERK), PROCEDURE)
    clock.advance(timedelta(days=2, seconds=7))
    me = citizen("citizen-3")
    submit_ctx = ctx(clock, me)
    app_id = container.applications.submit(
        submit_ctx, procedure_code=PROCEDURE, channel="online", applicant_name="佐藤 花子",
        answers=answers()).id

    events = all_events(container)
    assert [type(e).__name__ for _, e in events] == [
        "DepartmentEstablished", "ProcedureDefined", "ProcedurePublishedOnline",
        "ApplicationSubmitted"]
    established, defined, published, submitted = (e for _, e in events)
    assert isinstance(established, DepartmentEstablished)
    assert established.meta.actor == ADMIN
    assert defined.meta.actor == CLERK
    assert defined.meta.correlation_id == define_ctx.correlation_id
    assert defined.timestamp == define_ctx.occurred_at
    assert submitted.meta.actor == me
    assert submitted.meta.correlation_id == submit_ctx.correlation_id
    assert submitted.originator_id == UUID(app_id)
    assert [e.timestamp - events[0][1].timestamp for _, e in events] == [
        timedelta(0), timedelta(hours=1), timedelta(hours=1, minutes=10),
        timedelta(days=2, hours=1, minutes=10, seconds=7)]
    assert submitted.timestamp == clock.now()
    assert submitted.applicant_name.reveal() == "佐藤 花子"
    assert submitted.answers["address"].subject == f"application:{app_id}"

    loaded = container.log.repository.get(procedure_id(PROCEDURE))
    assert loaded.modified_on == published.timestamp
    assert [e.meta.correlation_id for e in container.log.events.get(UUID(app_id))] == [
        submit_ctx.correlation_id]
