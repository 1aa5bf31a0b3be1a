"""Specification of applications (申請): submission rules and the lifecycle."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from domain.applications.application import (
    Application,
    ApplicationReturned,
    ApplicationSubmitted,
    identity_satisfied,
)
from domain.applications.status import STATUS_AFTER_EVENT, TRANSITIONS, Status
from domain.catalogue.procedures import Procedure
from domain.shared.context import Actor, CommandContext
from domain.shared.errors import Forbidden, InvalidTransition, ValidationFailed
from domain.shared.personal import PersonalData, reveal
from tests.builders import DEFAULT_ANSWERS, PATHS, answers, defined_procedure, staff

AT = datetime(2026, 4, 1, 0, 30, tzinfo=UTC)
CLERK = staff()


def ctx(actor: Actor | None = None, at: datetime = AT) -> CommandContext:
    return CommandContext(actor or CLERK, at, correlation_id=uuid.uuid4().hex)


def submit(procedure: Procedure | None = None, *, at: datetime = AT, **overrides: Any
           ) -> Application:
    kwargs: dict[str, Any] = {
        "id": uuid.uuid4(),
        "procedure": procedure or defined_procedure(AT),
        "form_version": None,
        "channel": "online",
        "applicant_subject": "citizen-1",
        "applicant_name": "山田 太郎",
        "contact_email": "taro@example.jp",
        "answers": answers(),
        **overrides,
    }
    return Application.submit(ctx(at=at), **kwargs)


def problems(failed: pytest.ExceptionInfo[ValidationFailed]) -> list[tuple[str, str]]:
    return [(e.path, e.rule) for e in failed.value.errors]


# --- the lifecycle ------------------------------------------------------------------

PROCEDURE = defined_procedure(AT)

COMMANDS: dict[Status, Callable[[Application], None]] = {
    Status.RECEIVED: lambda a: a.receive(ctx()),
    Status.RETURNED: lambda a: a.return_for_correction(ctx(), "添付書類が不足しています"),
    Status.RESUBMITTED: lambda a: a.resubmit(ctx(), PROCEDURE, answers(copies=2)),
    Status.APPROVED: lambda a: a.approve(ctx()),
    Status.REJECTED: lambda a: a.reject(ctx(), "要件を満たしていません"),
    Status.COMPLETED: lambda a: a.complete(ctx()),
    Status.WITHDRAWN: lambda a: a.withdraw(ctx(), "不要になりました"),
}

# after submission; AWAITING_CONFIRMATION (an anonymous かんたん申請) comes before it
AFTER_SUBMISSION = [s for s in Status if s is not Status.AWAITING_CONFIRMATION]
PAIRS = list(itertools.product(AFTER_SUBMISSION, [s for s in AFTER_SUBMISSION if s is not Status.SUBMITTED]))
ALLOWED = [(a, b) for a, b in PAIRS if b in TRANSITIONS[a]]
DISALLOWED = [(a, b) for a, b in PAIRS if b not in TRANSITIONS[a]]


def application_in(status: Status) -> Application:
    application = submit(PROCEDURE)
    for step in PATHS[status]:
        COMMANDS[step](application)
    assert application.status is status
    application.collect_events()
    return application


def test_the_lifecycle_table_is_covered():
    assert len(ALLOWED) == sum(len(TRANSITIONS[s]) for s in AFTER_SUBMISSION)
    assert len(ALLOWED) == 11 and len(DISALLOWED) == 8 * 7 - 11
    assert {s for s in Status if s.is_final} == {
        Status.REJECTED, Status.COMPLETED, Status.WITHDRAWN}


@pytest.mark.parametrize("source, target", ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_an_allowed_transition_records_one_event_leading_to_the_target(source, target):
    application = application_in(source)
    version = application.version
    COMMANDS[target](application)
    [event] = application.collect_events()
    assert application.status is target
    assert STATUS_AFTER_EVENT[type(event).__name__] is target
    assert event.originator_version == version + 1


@pytest.mark.parametrize("source, target", DISALLOWED,
                         ids=[f"{a}->{b}" for a, b in DISALLOWED])
def test_a_disallowed_transition_is_refused_and_records_nothing(source, target):
    application = application_in(source)
    version = application.version
    with pytest.raises(InvalidTransition) as refused:
        COMMANDS[target](application)
    assert refused.value.message_ja == f"「{source.label_ja}」の申請を「{target.label_ja}」にはできません"
    assert application.collect_events() == []
    assert application.status is source
    assert application.version == version


def test_returned_application_can_be_resubmitted_with_changed_answers():
    application = application_in(Status.RETURNED)
    application.resubmit(ctx(), PROCEDURE, answers(copies="３", purpose="school"))
    assert application.status is Status.RESUBMITTED
    assert application.answers["copies"] == 3
    assert application.answers["purpose"] == "school"
    application.receive(ctx())
    application.approve(ctx())
    assert application.status is Status.APPROVED


def test_resubmitted_answers_are_validated_against_the_original_form_version():
    procedure = defined_procedure(AT)
    application = submit(procedure)
    procedure.revise_form(ctx(), [{"key": "reason", "label_ja": "理由", "label_en": "Reason",
                                   "type": "text", "required": True}])
    application.receive(ctx())
    application.return_for_correction(ctx(), "通数を確認してください")
    application.collect_events()
    with pytest.raises(ValidationFailed) as failed:
        application.resubmit(ctx(), procedure, answers(copies=11))
    assert problems(failed) == [("answers.copies", "max")]
    assert application.collect_events() == []
    application.resubmit(ctx(), procedure, answers(copies=5))
    assert application.form_version == 1
    assert application.answers["copies"] == 5


@pytest.mark.parametrize("reason", ["", "   ", None])
@pytest.mark.parametrize("command", ["return_for_correction", "reject"])
def test_returning_and_rejecting_need_a_reason(command, reason):
    application = application_in(Status.RECEIVED)
    with pytest.raises(ValidationFailed) as failed:
        getattr(application, command)(ctx(), reason)
    assert problems(failed) == [("reason", "required")]
    assert application.collect_events() == []
    assert application.status is Status.RECEIVED


def test_reasons_are_trimmed_and_limited_in_length():
    application = application_in(Status.RECEIVED)
    with pytest.raises(ValidationFailed) as failed:
        application.reject(ctx(), "x" * 2001)
    assert problems(failed) == [("reason", "max_length")]
    application.return_for_correction(ctx(), "  写しが不鮮明です  ")
    [event] = application.collect_events()
    assert isinstance(event, ApplicationReturned) and event.reason == "写しが不鮮明です"


def test_withdrawal_needs_no_reason():
    application = application_in(Status.SUBMITTED)
    application.withdraw(ctx())
    assert application.status is Status.WITHDRAWN


# --- submission -------------------------------------------------------------------------


def test_submission_records_the_procedure_department_channel_and_form_version():
    application = submit()
    [event] = application.collect_events()
    assert isinstance(event, ApplicationSubmitted)
    assert (event.procedure_code, event.department, event.channel, event.form_version) == (
        "jumin-hyo", "shimin", "online", 1)
    assert application.status is Status.SUBMITTED
    assert application.submitted_at == AT


def test_answers_are_validated_against_the_chosen_form_version_naming_the_failing_field():
    procedure = defined_procedure(AT)
    procedure.revise_form(ctx(), [
        {"key": "copies", "label_ja": "通数", "label_en": "Copies", "type": "number",
         "required": True, "constraints": {"min": 1, "max": 99}}])
    many = {"copies": 50}
    assert submit(procedure, answers=many).form_version == 2
    with pytest.raises(ValidationFailed) as failed:
        submit(procedure, form_version=1, answers=answers(copies=50))
    assert problems(failed) == [("answers.copies", "max")]
    with pytest.raises(ValidationFailed) as failed:
        submit(procedure, form_version=2, answers=answers())
    assert {p for p, _ in problems(failed)} == {
        "answers.purpose", "answers.birthDate", "answers.address"}
    with pytest.raises(ValidationFailed) as failed:
        submit(procedure, form_version=7, answers=many)
    assert problems(failed) == [("formVersion", "unknown_version")]


def test_every_failing_input_of_a_submission_is_reported_together():
    with pytest.raises(ValidationFailed) as failed:
        submit(applicant_name=" ", contact_email="not-an-email",
               answers={"copies": "two", "purpose": "work", "colour": "red"})
    assert problems(failed) == [
        ("applicantName", "required"),
        ("contactEmail", "email"),
        ("answers.copies", "type"),
        ("answers.colour", "unknown_field"),
    ]


def test_personal_fields_belong_to_the_application_and_are_owned_by_the_signed_in_citizen():
    """One key per application (retention shreds one application); the citizen
    owns it (forgetting the citizen shreds all of theirs)."""
    app_id = uuid.uuid4()
    application = submit(id=app_id, applicant_subject="citizen-7")
    [event] = application.collect_events()
    subject = f"application:{app_id}"
    assert event.data_subject == subject
    assert event.applicant_name == PersonalData(subject, "山田 太郎")
    assert event.contact_email == PersonalData(subject, "taro@example.jp")
    assert event.answers["address"] == PersonalData(subject, "栃木県下野市笹原26")
    assert event.answers["birthDate"] == PersonalData(subject, "1990-05-01")
    for value in (event.applicant_name, event.contact_email, event.answers["address"],
                  event.answers["birthDate"]):
        assert value.owner == "citizen:citizen-7"
    assert event.answers["copies"] == 1 and event.answers["purpose"] == "work"
    assert reveal(event.answers) == DEFAULT_ANSWERS


def test_an_anonymous_applicants_data_belongs_to_the_application():
    app_id = uuid.uuid4()
    application = submit(id=app_id, applicant_subject=None, contact_email=None, channel="counter")
    [event] = application.collect_events()
    assert event.data_subject == f"application:{app_id}"
    assert event.applicant_name.subject == f"application:{app_id}"
    assert event.contact_email is None
    assert event.answers["address"].subject == f"application:{app_id}"
    assert event.applicant_name.owner is None and event.answers["address"].owner is None


@pytest.mark.parametrize("assurance, channel, subject, ok", [
    ("none", "online", None, True),
    ("none", "online", "citizen-1", True),
    ("account", "online", "citizen-1", True),
    ("account", "online", None, False),
    ("jpki_signature", "online", "citizen-1", False),
    ("jpki_signature", "online", None, False),
    ("jpki_signature", "counter", None, True),
    ("account", "counter", None, True),
    ("jpki_signature", "mail", None, True),
])
def test_identity_assurance_rules(assurance, channel, subject, ok):
    assert identity_satisfied(assurance, channel, subject) is ok
    procedure = defined_procedure(AT, assurance=assurance)
    if ok:
        assert submit(procedure, channel=channel, applicant_subject=subject).channel == channel
    else:
        with pytest.raises(Forbidden):
            submit(procedure, channel=channel, applicant_subject=subject)


def test_a_procedure_that_is_not_online_refuses_online_submissions():
    offline = defined_procedure(AT, online=False)
    with pytest.raises(InvalidTransition):
        submit(offline)
    assert submit(offline, channel="counter", applicant_subject=None).channel == "counter"


@pytest.mark.parametrize("prepare", [
    lambda p: p.withdraw_online(ctx()),
    lambda p: p.retire(ctx()),
])
def test_withdrawn_or_retired_procedures_refuse_online_submissions(prepare):
    procedure = defined_procedure(AT)
    prepare(procedure)
    with pytest.raises(InvalidTransition):
        submit(procedure)


def test_a_channel_the_procedure_does_not_offer_is_refused():
    counter_only = defined_procedure(AT, online=False, channels=["counter"])
    with pytest.raises(InvalidTransition):
        submit(counter_only, channel="mail", applicant_subject=None)


# --- today is Japan's date --------------------------------------------------------------

LATE_UTC = datetime(2026, 4, 1, 15, 30, tzinfo=UTC)  # 2026-04-02 00:30 in Japan


def test_today_is_the_calendar_date_in_japan():
    assert ctx(at=LATE_UTC).today.isoformat() == "2026-04-02"
    assert ctx(at=datetime(2026, 4, 1, 14, 59, tzinfo=UTC)).today.isoformat() == "2026-04-01"


def test_a_not_future_date_that_is_today_in_japan_is_accepted():
    application = submit(at=LATE_UTC, answers=answers(birthDate="2026-04-02"))
    assert reveal(application.answers["birthDate"]) == "2026-04-02"


def test_a_not_future_date_after_today_in_japan_is_refused():
    with pytest.raises(ValidationFailed) as failed:
        submit(at=LATE_UTC, answers=answers(birthDate="2026-04-03"))
    assert problems(failed) == [("answers.birthDate", "not_future")]
    assert failed.value.errors[0].params == {"today": "2026-04-02"}


def test_resubmission_checks_dates_against_the_resubmission_day_in_japan():
    application = application_in(Status.RETURNED)
    application.resubmit(ctx(at=LATE_UTC), PROCEDURE, answers(birthDate="2026-04-02"))
    assert reveal(application.answers["birthDate"]) == "2026-04-02"


def test_an_anonymous_simple_application_awaits_the_confirmation_of_its_email():
    application = submit(applicant_subject=None)
    assert application.status is Status.AWAITING_CONFIRMATION
    assert TRANSITIONS[Status.AWAITING_CONFIRMATION] == {Status.SUBMITTED}
    with pytest.raises(InvalidTransition):
        application.receive(ctx())
    application.confirm_email(ctx(Actor.anonymous()))
    assert application.status is Status.SUBMITTED
    assert [type(e).__name__ for e in application.collect_events()] == [
        "ApplicationSubmitted", "ApplicationEmailConfirmed"]
    with pytest.raises(InvalidTransition):
        application.confirm_email(ctx(Actor.anonymous()))


def test_an_anonymous_simple_application_needs_a_contact_email():
    with pytest.raises(ValidationFailed) as failed:
        submit(applicant_subject=None, contact_email=None)
    assert problems(failed) == [("contactEmail", "required")]


@pytest.mark.parametrize("overrides", [{}, {"channel": "counter", "applicant_subject": None},
                                       {"procedure": defined_procedure(AT, assurance="account")}])
def test_signed_in_counter_and_account_submissions_need_no_confirmation(overrides):
    assert submit(**overrides).status is Status.SUBMITTED
