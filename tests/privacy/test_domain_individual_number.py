"""The individual number (個人番号) never enters an event: the pure rule, and every
command that accepts text refusing it with ``individual_number``, naming the field
and never echoing the value."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from domain.applications.application import Application
from domain.catalogue.departments import Department
from domain.catalogue.procedures import Procedure
from domain.privacy.individual_number import (
    check_digit,
    contains_individual_number,
    individual_number_paths,
    is_individual_number,
    redact_individual_numbers,
    retention_expires_on,
    subject_errors,
)
from domain.shared.errors import ValidationFailed
from tests.builders import ctx, defined_procedure, definition, staff
from tests.conftest import START

# valid: the check digit is right (123456789018 is the commonly quoted example)
VALID = ["123456789018", "000000000000", "987654321093", "111111111118", "420130001237"]
INVALID = ["123456789010", "123456789017", "000000000001", "987654321098"]


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers_are_recognised(number):
    assert is_individual_number(number)
    assert check_digit(number[:11]) == int(number[11])
    assert contains_individual_number(number)


@pytest.mark.parametrize("number", INVALID)
def test_a_wrong_check_digit_is_not_an_individual_number(number):
    assert not is_individual_number(number)
    assert not contains_individual_number(number)


def test_check_digit_follows_the_official_weights():
    # Pn counted from the right of the first 11 digits; Qn = n+1 (n<=6), n-5 (n>=7)
    first = "12345678901"
    total = sum(int(d) * (n + 1 if n <= 6 else n - 5) for n, d in enumerate(reversed(first), 1))
    r = total % 11
    assert check_digit(first) == (0 if r <= 1 else 11 - r) == 8
    # every remainder maps into 0..9, and r <= 1 gives 0
    assert {check_digit(f"{i:011d}") for i in range(0, 2000, 7)} <= set(range(10))
    with pytest.raises(ValueError):
        check_digit("1234")


@pytest.mark.parametrize("text", [
    "1234 5678 9018",
    "1234-5678-9018",
    "1234　5678　9018",  # full-width spaces
    "１２３４５６７８９０１８",  # full-width digits
    "１２３４－５６７８－９０１８",
    "1234ー5678ー9018",  # the prolonged sound mark typed as a hyphen
    "1 2 3 4 5 6 7 8 9 0 1 8",
    "私のマイナンバーは123456789018です",
    "番号:1234 - 5678 - 9018。",
    "tel 0285-00-0000 1234 5678 9018",
])
def test_written_in_any_usual_way_it_is_found(text):
    assert contains_individual_number(text)
    redacted = redact_individual_numbers(text)
    assert "[個人番号]" in redacted
    assert not contains_individual_number(redacted)


@pytest.mark.parametrize("text", [
    "1234567890181",  # 13 digits: a corporate number (法人番号) or any longer code
    "12345678901",  # 11 digits
    "090-0000-0000", "0285-32-8888", "329-0492",  # phone numbers, postal codes
    "2026-04-01 10:30", "2026-04-01T00:30:00+00:00",
    "足利銀行 石橋支店 普通 1234567",
    "栃木県下野市笹原26番地",
    "",
])
def test_other_numbers_are_not_individual_numbers(text):
    assert not contains_individual_number(text)
    assert redact_individual_numbers(text) == text


def test_paths_name_where_a_number_is_without_echoing_keys():
    value = {
        "name": "下野 太郎",
        "note": "番号 123456789018",
        "amount": 123456789018,
        "list": ["a", "1234-5678-9018"],
        "nested": {"inner": ["x", {"deep": "１２３４５６７８９０１８"}]},
        "123456789018": "a key",
        "ok": 1234567,
        "flag": True,
    }
    assert individual_number_paths(value, "answers") == [
        "answers", "answers.note", "answers.amount", "answers.list[1]",
        "answers.nested.inner[1].deep",
    ]


def test_retention_runs_whole_years_from_the_day_the_application_finished():
    assert retention_expires_on(date(2026, 4, 1), 1) == date(2027, 4, 1)
    assert retention_expires_on(date(2026, 4, 1), 30) == date(2056, 4, 1)
    assert retention_expires_on(date(2028, 2, 29), 1) == date(2029, 2, 28)


@pytest.mark.parametrize("subject, ok", [
    ("citizen:abc", True), (f"application:{uuid.uuid4()}", True),
    ("application:not-a-uuid", False), ("citizen:", False), ("citizen:a b", False),
    ("someone", False), ("citizen:123456789018", False),
])
def test_a_data_subject_is_a_citizen_or_an_application(subject, ok):
    assert (subject_errors(subject) == []) is ok


# --- every command that takes text ----------------------------------------------------------


def _problems(failed: pytest.ExceptionInfo[ValidationFailed]) -> list[tuple[str, str]]:
    return [(e.path, e.rule) for e in failed.value.errors]


def _no_echo(failed: pytest.ExceptionInfo[ValidationFailed], *numbers: str) -> None:
    text = str(failed.value) + repr([(e.path, e.message_en, e.message_ja, e.params)
                                     for e in failed.value.errors])
    assert not contains_individual_number(text), text
    for n in numbers:
        assert n not in text


def _submit(**overrides):
    procedure = defined_procedure(START)
    kwargs = dict(
        id=uuid.uuid4(), procedure=procedure, form_version=None, channel="online",
        applicant_subject="citizen-1", applicant_name="山田 太郎", contact_email="taro@example.jp",
        answers={"copies": 1, "purpose": "work", "birthDate": "1990-05-01",
                 "address": "栃木県下野市笹原26"},
    )
    kwargs.update(overrides)
    return Application.submit(ctx(START), **kwargs)


@pytest.mark.parametrize("overrides, expected", [
    ({"applicant_name": "山田 123456789018"}, [("applicantName", "individual_number")]),
    ({"contact_email": "123456789018@example.jp"}, [("contactEmail", "individual_number")]),
    ({"answers": {"copies": 1, "purpose": "work", "address": "1234 5678 9018"}},
     [("answers.address", "individual_number")]),
    ({"answers": {"copies": 123456789018, "purpose": "work"}}, [("answers.copies", "individual_number")]),
    ({"answers": {"copies": 1, "purpose": "work", "123456789018": "x"}},
     [("answers", "individual_number")]),
    ({"answers": {"copies": 1, "purpose": "work", "address": ["a", {"b": "１２３４５６７８９０１８"}]}},
     [("answers.address[1].b", "individual_number")]),
])
def test_a_submission_holding_an_individual_number_is_refused(overrides, expected):
    with pytest.raises(ValidationFailed) as failed:
        _submit(**overrides)
    assert _problems(failed) == expected
    _no_echo(failed, "123456789018", "1234 5678 9018")


def test_the_answer_error_names_the_field_by_its_label():
    with pytest.raises(ValidationFailed) as failed:
        _submit(answers={"copies": 1, "purpose": "work", "address": "123456789018"})
    [error] = failed.value.errors
    assert "住所" in error.message_ja and "Address" in error.message_en


def test_a_resubmission_and_reasons_holding_one_are_refused():
    application = _submit()
    clerk = staff()
    application.receive(ctx(START, clerk))
    with pytest.raises(ValidationFailed) as failed:
        application.return_for_correction(ctx(START, clerk), "番号 123456789018 を確認")
    assert _problems(failed) == [("reason", "individual_number")]
    _no_echo(failed, "123456789018")
    application.return_for_correction(ctx(START, clerk), "住所を確認してください")
    with pytest.raises(ValidationFailed) as failed:
        application.resubmit(ctx(START), defined_procedure(START),
                             {"copies": 1, "purpose": "work", "address": "123456789018"})
    assert _problems(failed) == [("answers.address", "individual_number")]
    for reject in (application.withdraw,):
        with pytest.raises(ValidationFailed):
            reject(ctx(START), "123456789018")


@pytest.mark.parametrize("overrides, path", [
    ({"name_ja": "番号123456789018"}, "nameJa"),
    ({"requirements_ja": "1234-5678-9018 を持参"}, "requirementsJa"),
    ({"contact": "123456789018"}, "contact"),
    ({"fields": [{"key": "copies", "label_ja": "通数 123456789018", "label_en": "Copies",
                  "type": "number"}]}, "form.fields[0].label_ja"),
    ({"fields": [{"key": "kind", "label_ja": "種類", "label_en": "Kind", "type": "choice",
                  "constraints": {"options": [{"value": "a", "label_ja": "123456789018",
                                               "label_en": "A"}]}}]},
     "form.fields[0].constraints.options[0].label_ja"),
])
def test_a_procedure_text_holding_one_is_refused(overrides, path):
    with pytest.raises(ValidationFailed) as failed:
        Procedure.define(ctx(START), **definition(**overrides))
    assert (path, "individual_number") in _problems(failed)
    _no_echo(failed, "123456789018", "1234-5678-9018")


def test_procedure_reasons_and_department_names_holding_one_are_refused():
    procedure = defined_procedure(START)
    with pytest.raises(ValidationFailed):
        procedure.withdraw_online(ctx(START), "123456789018")
    with pytest.raises(ValidationFailed):
        procedure.retire(ctx(START), "123456789018")
    with pytest.raises(ValidationFailed) as failed:
        Department.establish(ctx(START), "shimin", "市民課 123456789018", "Citizens")
    assert _problems(failed) == [("nameJa", "individual_number")]
