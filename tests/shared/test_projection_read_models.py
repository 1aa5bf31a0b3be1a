"""Specification of the read models (SQLite and PostgreSQL): application status
and timeline, department inbox counts, the procedure catalogue, pagination."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.applications.status import STAFF_STATUSES, Status
from domain.shared.context import Actor
from projections.applications.inbox import inbox_counts
from projections.applications.status import (
    decode_cursor,
    encode_cursor,
    get_application,
    list_applications,
)
from projections.catalogue.procedure_catalogue import get_procedure, list_departments, list_procedures
from tests.builders import (
    PROCEDURE,
    REJECT_REASON,
    RETURN_REASON,
    answers,
    citizen,
    ctx,
    drive,
    establish,
    pay_at_counter,
    reading,
    setup_procedure,
    staff,
    submit,
)

CLERK = staff()
ME = citizen("citizen-1")


def caught_up(container):
    container.engine.catch_up()
    return reading(container)


# --- application status ----------------------------------------------------------------


def test_application_status_shows_the_current_status_and_the_timeline_with_reasons(
        container, clock):
    setup_procedure(container, clock)
    submitted_at = clock.now()
    app_id = submit(container, clock, actor=ME).id
    steps = [
        (CLERK, lambda c: container.applications.receive(c, app_id)),
        (CLERK, lambda c: container.applications.return_for_correction(c, app_id, RETURN_REASON)),
        (ME, lambda c: container.applications.resubmit(c, app_id, answers(copies=2))),
        (CLERK, lambda c: container.applications.receive(c, app_id)),
        (CLERK, lambda c: container.applications.reject(c, app_id, REJECT_REASON)),
    ]
    times = [submitted_at]
    for actor, step in steps:
        times.append(clock.advance(timedelta(hours=2)))
        step(ctx(clock, actor))

    with caught_up(container) as session:
        view = get_application(session, container.vault, app_id)
    assert view is not None
    assert view.status == "rejected"
    assert Status(view.status).label_ja == "却下"
    assert (view.procedure_code, view.procedure_name_ja, view.department, view.channel) == (
        PROCEDURE, "住民票の写しの交付申請", "shimin", "online")
    assert view.applicant_subject == "citizen-1"
    assert view.applicant_name == "山田 太郎"
    assert view.answers == answers(copies=2)
    assert view.form_version == 1
    assert view.submitted_at == submitted_at.isoformat()
    assert view.updated_at == times[-1].isoformat()
    assert view.due_at == (submitted_at + timedelta(days=3)).isoformat()
    assert view.position == container.log.head()

    timeline = view.timeline
    assert [e.status for e in timeline] == [
        "submitted", "received", "returned", "resubmitted", "received", "rejected"]
    assert [Status(e.status).label_ja for e in timeline] == [
        "申請済み", "受付済み", "差し戻し", "再提出済み", "受付済み", "却下"]
    assert [e.reason for e in timeline] == [None, None, RETURN_REASON, None, None, REJECT_REASON]
    assert [e.actor_role for e in timeline] == [
        "citizen", "staff", "staff", "citizen", "staff", "staff"]
    assert [e.actor_department for e in timeline] == [
        None, "shimin", "shimin", None, "shimin", "shimin"]
    assert [e.at for e in timeline] == [t.isoformat() for t in times]
    assert [e.event for e in timeline][-1] == "ApplicationRejected"
    positions = [e.position for e in timeline]
    assert positions == sorted(positions) and len(set(positions)) == 6


def test_resubmitted_answers_without_personal_values_can_be_read_back(container, clock):
    setup_procedure(container, clock)
    app_id = submit(container, clock, actor=ME).id
    drive(container, clock, app_id, Status.RETURNED)
    container.applications.resubmit(ctx(clock, ME), app_id, {"copies": 2, "purpose": "school"})
    with caught_up(container) as session:
        view = get_application(session, container.vault, app_id)
    assert view.status == "resubmitted"
    assert view.answers == {"copies": 2, "purpose": "school"}


@pytest.mark.parametrize("status", STAFF_STATUSES)
def test_every_status_reaches_the_read_model_with_its_japanese_label(container, clock, status):
    setup_procedure(container, clock)
    app_id = submit(container, clock).id
    drive(container, clock, app_id, status)
    with caught_up(container) as session:
        view = get_application(session, container.vault, app_id)
    assert view.status == status.value
    assert Status(view.status).label_ja == status.label_ja


def test_an_anonymous_application_has_no_applicant_subject(container, clock):
    setup_procedure(container, clock)
    app_id = submit(container, clock, actor=Actor.anonymous(), applicant_name="匿名 希望",
                    contact_email="tokumei@example.jp").id
    with caught_up(container) as session:
        view = get_application(session, container.vault, app_id)
        assert get_application(session, container.vault, "no-such-id") is None
    assert (view.applicant_subject, view.applicant_name, view.contact_email, view.status) == (
        None, "匿名 希望", "tokumei@example.jp", "awaiting_confirmation")
    assert [e.actor_role for e in view.timeline] == ["anonymous"]


def test_applications_can_be_listed_by_department_status_channel_and_applicant(
        container, clock):
    setup_procedure(container, clock)
    setup_procedure(container, clock, "nozei-shomei", "zeimu")
    mine = submit(container, clock, actor=ME).id
    other = submit(container, clock, actor=citizen("citizen-2")).id
    tax = submit(container, clock, "nozei-shomei", actor=ME).id
    counter = submit(container, clock, actor=CLERK, channel="counter").id
    drive(container, clock, other, Status.RECEIVED)

    def ids(**filters) -> set[str]:
        page = list_applications(session, container.vault, **filters)
        assert page.total_count == len(page.items)
        return {v.id for v in page.items}

    with caught_up(container) as session:
        assert ids(department="shimin") == {mine, other, counter}
        assert ids(department="zeimu") == {tax}
        assert ids(status=Status.RECEIVED) == {other}
        assert ids(channel="counter") == {counter}
        assert ids(applicant_subject="citizen-1") == {mine, tax}
        assert ids(department="shimin", status=Status.SUBMITTED) == {mine, counter}


# --- department inbox ------------------------------------------------------------------


def counts(container, department: str) -> dict[str, int]:
    with caught_up(container) as session:
        return {c.status: c.count for c in inbox_counts(session, department)}


def test_inbox_counts_move_between_statuses(container, clock):
    setup_procedure(container, clock)
    setup_procedure(container, clock, "nozei-shomei", "zeimu")
    apps = [submit(container, clock).id for _ in range(3)]
    submit(container, clock, "nozei-shomei")
    zero = dict.fromkeys((s.value for s in STAFF_STATUSES), 0)
    assert counts(container, "shimin") == {**zero, "submitted": 3}
    assert counts(container, "zeimu") == {**zero, "submitted": 1}

    drive(container, clock, apps[0], Status.RECEIVED)
    assert counts(container, "shimin") == {**zero, "submitted": 2, "received": 1}
    container.applications.approve(ctx(clock, CLERK), apps[0])
    assert counts(container, "shimin") == {**zero, "submitted": 2, "approved": 1}
    pay_at_counter(container, clock, apps[0])
    container.applications.complete(ctx(clock, CLERK), apps[0])
    drive(container, clock, apps[1], Status.RESUBMITTED)
    container.applications.withdraw(ctx(clock, citizen()), apps[2])
    assert counts(container, "shimin") == {
        **zero, "completed": 1, "resubmitted": 1, "withdrawn": 1}
    assert counts(container, "zeimu") == {**zero, "submitted": 1}


def test_inbox_lists_every_status_for_every_department(container, clock):
    setup_procedure(container, clock)
    submit(container, clock)
    with caught_up(container) as session:
        everything = inbox_counts(session)
        unknown = inbox_counts(session, "kodomo")
    assert [(c.department, c.status) for c in everything] == [
        ("shimin", s.value) for s in STAFF_STATUSES]
    assert [(c.status, c.count) for c in unknown] == [(s.value, 0) for s in STAFF_STATUSES]


# --- procedure catalogue -----------------------------------------------------------------


@pytest.fixture
def catalogue(container, clock):
    setup_procedure(container, clock)  # shimin, online
    setup_procedure(container, clock, "inkan-toroku", channels=["counter"], online=False)
    setup_procedure(container, clock, "koseki-old")
    container.catalogue.retire(ctx(clock, CLERK), "koseki-old", "制度廃止")
    setup_procedure(container, clock, "nozei-shomei", "zeimu")
    container.catalogue.withdraw_online(ctx(clock, staff("zeimu")), "nozei-shomei", "改修中")
    setup_procedure(container, clock, "kazei-shomei", "zeimu")
    establish(container, clock, "kodomo")
    return container


def codes(views) -> list[str]:
    return [v.code for v in views]


def test_catalogue_lists_active_procedures_by_department_hiding_retired_ones(catalogue):
    with caught_up(catalogue) as session:
        assert codes(list_procedures(session)) == [
            "inkan-toroku", PROCEDURE, "kazei-shomei", "nozei-shomei"]
        assert codes(list_procedures(session, department="shimin")) == [
            "inkan-toroku", PROCEDURE]
        assert codes(list_procedures(session, department="shimin", include_retired=True)) == [
            "inkan-toroku", PROCEDURE, "koseki-old"]
        assert codes(list_procedures(session, department="kodomo")) == []


def test_catalogue_can_show_only_procedures_available_online(catalogue):
    with caught_up(catalogue) as session:
        assert codes(list_procedures(session, online_only=True)) == [PROCEDURE, "kazei-shomei"]
        assert codes(list_procedures(session, department="zeimu", online_only=True)) == [
            "kazei-shomei"]
        assert codes(list_procedures(session, online_only=True, include_retired=True)) == [
            PROCEDURE, "kazei-shomei"]


def test_catalogue_shows_a_procedure_with_its_department_and_current_form(catalogue, clock):
    defined_at = clock.now()
    revised_at = clock.advance(timedelta(days=1))
    catalogue.catalogue.revise_form(ctx(clock, CLERK), PROCEDURE, [
        {"key": "copies", "label_ja": "通数", "label_en": "Copies", "type": "number"}])
    with caught_up(catalogue) as session:
        view = get_procedure(session, PROCEDURE)
        retired = get_procedure(session, "koseki-old")
        assert get_procedure(session, "no-such") is None
    assert (view.department, view.department_name_ja, view.department_name_en) == (
        "shimin", "shimin課", "Shimin Division")
    assert view.channels == ["online", "counter", "mail"]
    assert (view.fee_yen, view.processing_days, view.assurance) == (300, 3, "none")
    assert (view.online, view.retired) == (True, False)
    assert view.form["version"] == 2
    assert [f["key"] for f in view.form["fields"]] == ["copies"]
    assert (view.defined_at, view.updated_at) == (defined_at.isoformat(), revised_at.isoformat())
    assert (retired.online, retired.retired) == (False, True)


def test_departments_count_their_active_and_online_procedures(catalogue):
    with caught_up(catalogue) as session:
        departments = list_departments(session)
    assert [(d.code, d.name_ja, d.procedure_count, d.online_count) for d in departments] == [
        ("kodomo", "kodomo課", 0, 0),
        ("shimin", "shimin課", 2, 1),
        ("zeimu", "zeimu課", 2, 1),
    ]


# --- pagination --------------------------------------------------------------------------


def test_cursor_pagination_visits_every_application_exactly_once(container, clock):
    setup_procedure(container, clock)
    created = []
    for i in range(10):
        if i % 3 == 0:  # several applications share a submission time
            clock.advance(timedelta(minutes=1))
        created.append(submit(container, clock).id)

    pages, after = [], None
    with caught_up(container) as session:
        while True:
            page = list_applications(session, container.vault, first=3, after=after)
            pages.append(page)
            assert page.total_count == 10
            if not page.has_next_page:
                break
            after = page.end_cursor
            assert len(pages) < 10
    visited = [v.id for p in pages for v in p.items]
    assert [len(p.items) for p in pages] == [3, 3, 3, 1]
    assert [p.has_next_page for p in pages] == [True, True, True, False]
    assert len(visited) == len(set(visited)) == 10
    assert set(visited) == set(created)
    keys = [(v.submitted_at, v.id) for p in pages for v in p.items]
    assert keys == sorted(keys, reverse=True)  # newest first
    assert pages[-1].end_cursor == encode_cursor(*keys[-1])
    assert decode_cursor(pages[0].end_cursor) == keys[2]


def test_applications_are_listed_newest_first_whatever_offset_their_time_was_given_in(
        container, clock):
    setup_procedure(container, clock)
    jst = timezone(timedelta(hours=9))
    clock.set(datetime(2026, 4, 1, 9, 0, tzinfo=jst))  # 00:00 UTC
    earlier = submit(container, clock).id
    clock.set(datetime(2026, 4, 1, 0, 30, tzinfo=UTC))
    later = submit(container, clock).id
    with caught_up(container) as session:
        page = list_applications(session, container.vault)
    assert [v.id for v in page.items] == [later, earlier]


def test_pagination_respects_filters_and_an_empty_result_has_no_cursor(container, clock):
    setup_procedure(container, clock)
    setup_procedure(container, clock, "nozei-shomei", "zeimu")
    tax = {submit(container, clock, "nozei-shomei").id for _ in range(4)}
    for _ in range(3):
        submit(container, clock)
    with caught_up(container) as session:
        first = list_applications(session, container.vault, department="zeimu", first=3)
        rest = list_applications(session, container.vault, department="zeimu", first=3,
                                 after=first.end_cursor)
        none = list_applications(session, container.vault, department="kodomo")
    assert (first.total_count, len(first.items), first.has_next_page) == (4, 3, True)
    assert (len(rest.items), rest.has_next_page) == (1, False)
    assert {v.id for v in first.items + rest.items} == tax
    assert (none.items, none.end_cursor, none.has_next_page, none.total_count) == (
        [], None, False, 0)


def test_a_malformed_cursor_is_refused():
    with pytest.raises(ValueError):
        decode_cursor("not a cursor")
