"""Specification of procedures (手続き): definition, publication, retirement and
form revision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.catalogue.procedures import (
    MAX_FEE_YEN,
    MAX_PROCESSING_DAYS,
    FormRevised,
    Procedure,
    ProcedureDefined,
    ProcedurePublishedOnline,
    ProcedureRetired,
    ProcedureWithdrawnOnline,
    procedure_id,
)
from domain.shared.context import Actor, CommandContext, EventMeta
from domain.shared.errors import InvalidTransition, ValidationFailed
from tests.builders import default_fields, defined_procedure, definition, staff

AT = datetime(2026, 4, 1, 0, 30, tzinfo=UTC)


def ctx(actor: Actor | None = None, at: datetime = AT) -> CommandContext:
    return CommandContext(actor or staff(), at, correlation_id="corr-1", request_id="req-1")


def failures(**overrides) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as failed:
        Procedure.define(ctx(), **definition(**overrides))
    return [(e.path, e.rule) for e in failed.value.errors]


# --- defining ------------------------------------------------------------------------


def test_a_valid_definition_creates_an_offline_procedure_with_form_version_1():
    procedure = Procedure.define(ctx(), **definition())
    assert procedure.id == procedure_id("jumin-hyo")
    assert procedure.code == "jumin-hyo"
    assert procedure.department == "shimin"
    assert procedure.channels == ("online", "counter", "mail")
    assert (procedure.fee_yen, procedure.processing_days, procedure.retention_years) == (300, 3, 5)
    assert procedure.online is False and procedure.retired is False
    assert list(procedure.forms) == [1]
    assert [f.key for f in procedure.current_form.fields] == [
        "copies", "purpose", "birthDate", "address"]


def test_the_procedure_id_is_derived_from_the_code():
    assert procedure_id("jumin-hyo") == procedure_id("jumin-hyo")
    assert procedure_id("jumin-hyo") != procedure_id("koseki")


def test_defining_reports_every_invalid_input_at_once_with_its_path():
    problems = failures(
        code="Bad Code!",
        name_ja="   ",
        name_en="x" * 201,
        department="Shimin Ka",
        channels=["online", "fax"],
        assurance="strong",
        fee_yen=-1,
        processing_days=MAX_PROCESSING_DAYS + 1,
        contact="c" * 201,
        requirements_ja=42,
        retention_years=7,
        fields=[{"key": "copies", "label_ja": "通数", "label_en": "Copies", "type": "colour"}],
    )
    assert problems == [
        ("code", "pattern"),
        ("nameJa", "required"),
        ("nameEn", "max_length"),
        ("department", "pattern"),
        ("channels[1]", "choice"),
        ("assurance", "choice"),
        ("feeYen", "range"),
        ("processingDays", "range"),
        ("requirementsJa", "max_length"),
        ("contact", "max_length"),
        ("retentionYears", "choice"),
        ("form.fields[0].type", "unknown_type"),
    ]


@pytest.mark.parametrize("code", ["a", "1abc", "-abc", "ABC", "a_b", "a" * 65, "", None])
def test_procedure_codes_must_be_2_to_64_lowercase_letters_digits_or_hyphens(code):
    assert failures(code=code) == [("code", "pattern")]


@pytest.mark.parametrize("code", ["ab", "jumin-hyo-2", "a" * 64])
def test_codes_matching_the_pattern_are_accepted(code):
    assert Procedure.define(ctx(), **definition(code=code)).code == code


@pytest.mark.parametrize("channels, expected", [
    ([], [("channels", "required")]),
    (None, [("channels", "required")]),
    (["counter", "counter"], [("channels", "duplicate_choice")]),
    (["post"], [("channels[0]", "choice")]),
])
def test_channels_must_be_distinct_known_channels(channels, expected):
    assert failures(channels=channels) == expected


def test_channels_that_are_not_text_are_reported_rather_than_crashing():
    assert failures(channels=[{"name": "online"}, "counter"]) == [("channels[0]", "choice")]


@pytest.mark.parametrize("assurance", ["none", "account", "jpki_signature"])
def test_every_assurance_level_is_accepted(assurance):
    assert Procedure.define(ctx(), **definition(assurance=assurance)).assurance == assurance


@pytest.mark.parametrize("fee, ok", [
    (0, True), (MAX_FEE_YEN, True), (-1, False), (MAX_FEE_YEN + 1, False),
    (300.0, False), (True, False), ("300", False),
])
def test_fee_is_a_whole_number_of_yen_within_range(fee, ok):
    if ok:
        assert Procedure.define(ctx(), **definition(fee_yen=fee)).fee_yen == fee
    else:
        assert failures(fee_yen=fee) == [("feeYen", "range")]


@pytest.mark.parametrize("days, ok", [
    (0, True), (MAX_PROCESSING_DAYS, True), (-1, False), (MAX_PROCESSING_DAYS + 1, False),
    (False, False),
])
def test_processing_days_are_a_whole_number_up_to_a_year(days, ok):
    if ok:
        assert Procedure.define(ctx(), **definition(processing_days=days)).processing_days == days
    else:
        assert failures(processing_days=days) == [("processingDays", "range")]


@pytest.mark.parametrize("years, ok", [
    (1, True), (3, True), (5, True), (10, True), (30, True), (0, False), (2, False), ("5", False),
])
def test_retention_is_one_of_the_statutory_periods(years, ok):
    if ok:
        assert Procedure.define(ctx(), **definition(retention_years=years)).retention_years == years
    else:
        assert failures(retention_years=years) == [("retentionYears", "choice")]


def test_names_are_required_and_trimmed():
    procedure = Procedure.define(ctx(), **definition(name_ja="  住民票  ", name_en=" Residence "))
    assert (procedure.name_ja, procedure.name_en) == ("住民票", "Residence")
    assert failures(name_ja="", name_en=None) == [("nameJa", "required"), ("nameEn", "required")]


def test_an_invalid_form_is_reported_under_form_fields():
    bad = default_fields()
    bad[1]["key"] = "copies"
    assert failures(fields=bad) == [("form.fields[1].key", "duplicate_key")]


# --- publishing, withdrawing, retiring ---------------------------------------------------


def test_publishing_puts_the_procedure_online():
    procedure = Procedure.define(ctx(), **definition())
    assert procedure.accepts("online") is False
    procedure.publish_online(ctx())
    assert procedure.online is True
    assert procedure.accepts("online") is True
    assert [type(e) for e in procedure.collect_events()] == [
        ProcedureDefined, ProcedurePublishedOnline]


def test_counter_and_mail_are_accepted_without_publishing():
    procedure = Procedure.define(ctx(), **definition(channels=["counter"]))
    assert procedure.accepts("counter") is True
    assert procedure.accepts("mail") is False
    assert procedure.accepts("online") is False


def test_publishing_requires_an_online_channel():
    procedure = Procedure.define(ctx(), **definition(channels=["counter", "mail"]))
    procedure.collect_events()
    with pytest.raises(InvalidTransition):
        procedure.publish_online(ctx())
    assert procedure.online is False
    assert procedure.collect_events() == []


def test_publishing_twice_is_an_invalid_transition():
    procedure = defined_procedure(AT)
    with pytest.raises(InvalidTransition) as refused:
        procedure.publish_online(ctx())
    assert refused.value.code == "INVALID_TRANSITION"
    assert refused.value.message_ja == "既にオンライン公開中です"
    assert procedure.collect_events() == []


def test_withdrawing_takes_the_procedure_offline_with_a_reason():
    procedure = defined_procedure(AT)
    procedure.withdraw_online(ctx(), reason="システム更新のため")
    assert procedure.online is False
    assert procedure.accepts("online") is False
    [event] = procedure.collect_events()
    assert isinstance(event, ProcedureWithdrawnOnline)
    assert event.reason == "システム更新のため"


def test_withdrawing_an_offline_procedure_is_an_invalid_transition():
    procedure = defined_procedure(AT, online=False)
    with pytest.raises(InvalidTransition):
        procedure.withdraw_online(ctx())
    assert procedure.collect_events() == []


def test_a_withdrawn_procedure_can_be_published_again():
    procedure = defined_procedure(AT)
    procedure.withdraw_online(ctx())
    procedure.publish_online(ctx())
    assert procedure.online is True


def test_retiring_takes_the_procedure_offline_and_refuses_every_channel():
    procedure = defined_procedure(AT)
    procedure.retire(ctx(), reason="制度廃止")
    assert procedure.retired is True and procedure.online is False
    assert [procedure.accepts(c) for c in ("online", "counter", "mail")] == [False] * 3
    [event] = procedure.collect_events()
    assert isinstance(event, ProcedureRetired) and event.reason == "制度廃止"


@pytest.mark.parametrize("command", [
    lambda p: p.publish_online(ctx()),
    lambda p: p.withdraw_online(ctx()),
    lambda p: p.retire(ctx()),
    lambda p: p.revise_form(ctx(), default_fields()),
])
def test_a_retired_procedure_refuses_every_command(command):
    procedure = defined_procedure(AT)
    procedure.retire(ctx())
    procedure.collect_events()
    with pytest.raises(InvalidTransition):
        command(procedure)
    assert procedure.collect_events() == []
    assert procedure.retired is True


# --- revising the form ---------------------------------------------------------------------


def test_revising_the_form_bumps_the_version_and_keeps_the_old_versions():
    procedure = defined_procedure(AT)
    fields = default_fields()
    fields.append({"key": "note", "label_ja": "備考", "label_en": "Note", "type": "text"})
    procedure.revise_form(ctx(), fields)
    procedure.revise_form(ctx(), default_fields()[:2])

    assert sorted(procedure.forms) == [1, 2, 3]
    assert procedure.current_form.version == 3
    assert [f.key for f in procedure.form_version(1).fields] == [
        "copies", "purpose", "birthDate", "address"]
    assert procedure.form_version(2).field("note") is not None
    assert [f.key for f in procedure.form_version(3).fields] == ["copies", "purpose"]
    assert procedure.form_version(None).version == 3
    events = procedure.collect_events()
    assert [type(e) for e in events] == [FormRevised, FormRevised]
    assert [e.form["version"] for e in events] == [2, 3]


def test_asking_for_an_unknown_form_version_names_form_version():
    procedure = defined_procedure(AT)
    with pytest.raises(ValidationFailed) as failed:
        procedure.form_version(2)
    assert [(e.path, e.rule) for e in failed.value.errors] == [("formVersion", "unknown_version")]


def test_an_invalid_revision_records_nothing_and_keeps_the_current_form():
    procedure = defined_procedure(AT)
    with pytest.raises(ValidationFailed) as failed:
        procedure.revise_form(ctx(), [{"key": "Bad Key", "label_ja": "x", "label_en": "x",
                                       "type": "text"}])
    assert [(e.path, e.rule) for e in failed.value.errors] == [
        ("form.fields[0].key", "key_format")]
    assert procedure.collect_events() == []
    assert list(procedure.forms) == [1]


# --- what events carry ------------------------------------------------------------------------


def test_events_carry_the_commands_meta_and_occurred_at_not_the_wall_clock():
    defined_at = datetime(2019, 5, 1, 9, 0, tzinfo=timezone(timedelta(hours=9)))
    published_at = defined_at + timedelta(days=3, minutes=7)
    clerk = Actor("staff:42", "staff", "shimin")
    procedure = Procedure.define(ctx(clerk, defined_at), **definition())
    procedure.publish_online(
        CommandContext(clerk, published_at, correlation_id="corr-2", request_id=None))

    defined, published = procedure.collect_events()
    assert defined.timestamp == defined_at
    assert published.timestamp == published_at
    assert defined.meta == EventMeta("staff:42", "staff", "shimin", "corr-1", "req-1")
    assert published.meta == EventMeta("staff:42", "staff", "shimin", "corr-2", None)
    assert procedure.created_on == defined_at
    assert procedure.modified_on == published_at
    assert (defined.originator_version, published.originator_version) == (1, 2)


def test_a_context_needs_a_timezone_aware_time():
    with pytest.raises(ValueError):
        CommandContext(staff(), datetime(2026, 4, 1, 9, 0), correlation_id="c")
