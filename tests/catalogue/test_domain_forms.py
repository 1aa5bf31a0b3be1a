"""Specification of procedure forms: schema definition and answer validation."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from domain.catalogue.forms import FIELD_TYPES, ChoiceOption, FormField, FormSchema, check_answers
from domain.shared.errors import FieldError, ValidationFailed
from domain.shared.personal import PersonalData, reveal

TODAY = date(2024, 6, 15)
SUBJECT = "citizen:abc"


def opt(value: str, ja: str = "ラベル", en: str = "Label") -> dict[str, str]:
    return {"value": value, "label_ja": ja, "label_en": en}


def fld(key: str, type_: str, **kw: Any) -> dict[str, Any]:
    return {"key": key, "label_ja": kw.pop("label_ja", key), "label_en": kw.pop("label_en", key),
            "type": type_, **kw}


FIELDS: list[dict[str, Any]] = [
    {"key": "copies", "label_ja": "通数", "label_en": "Copies", "type": "number",
     "required": True, "personal": False, "constraints": {"min": 1, "max": 10, "integer": True}},
    {"key": "name", "label_ja": "氏名", "label_en": "Name", "type": "text", "required": True,
     "personal": True, "constraints": {"max_length": 50}},
    {"key": "purpose", "label_ja": "使用目的", "label_en": "Purpose", "type": "choice",
     "required": True, "personal": False,
     "constraints": {"options": [opt("work", "勤務先提出", "For employer"), opt("school")],
                     "multiple": False}},
    fld("birthDate", "date", label_ja="生年月日", label_en="Date of birth", personal=True,
        constraints={"not_future": True, "min": "1900-01-01"}),
    fld("moveIn", "date", label_ja="転入予定日",
        constraints={"not_past": True, "max": "2024-12-31"}),
    fld("docs", "choice", label_ja="必要書類", constraints={
        "options": [opt("a"), opt("b"), opt("c")], "multiple": True}),
    fld("note", "text", label_ja="備考", constraints={"min_length": 3, "multiline": True}),
    fld("consent", "boolean", label_ja="個人情報の取扱いへの同意", required=True,
        constraints={"must_be_true": True}),
    fld("mailing", "boolean", label_ja="郵送希望"),
]
VALID = {"copies": 2, "name": "山田 太郎", "purpose": "work", "consent": True}


@pytest.fixture
def form() -> FormSchema:
    return FormSchema.from_fields(copy.deepcopy(FIELDS))


def errors_of(form: FormSchema, **answers: Any) -> list[FieldError]:
    return form.validate({**VALID, **answers}, today=TODAY)


def rules(errors: list[FieldError]) -> list[tuple[str, str]]:
    return [(e.path, e.rule) for e in errors]


def schema_problems(fields: list[dict[str, Any]], version: Any = 1) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as failed:
        FormSchema.from_dict({"version": version, "fields": fields})
    return rules(failed.value.errors)


# --- answers -------------------------------------------------------------------


def test_valid_answers_have_no_errors(form):
    assert form.validate(VALID, today=TODAY) == []


def test_missing_required_field_is_reported_with_its_path(form):
    errors = form.validate({"copies": 1, "purpose": "work", "consent": True}, today=TODAY)
    assert rules(errors) == [("answers.name", "required")]
    assert errors[0].message_ja == "「氏名」は必須です"
    assert errors[0].message_en == "Name is required"


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_text_counts_as_missing(form, blank):
    assert rules(errors_of(form, name=blank)) == [("answers.name", "required")]


def test_every_failing_field_is_reported_at_once(form):
    errors = form.validate(
        {"copies": 0, "purpose": "holiday", "birthDate": "2030-01-01", "consent": False,
         "extra": 1},
        today=TODAY,
    )
    assert rules(errors) == [
        ("answers.copies", "min"),
        ("answers.name", "required"),
        ("answers.purpose", "choice"),
        ("answers.birthDate", "not_future"),
        ("answers.consent", "must_be_true"),
        ("answers.extra", "unknown_field"),
    ]
    assert errors[0].message_ja == "「通数」は1以上で入力してください"
    assert errors[0].params == {"min": 1}


def test_missing_optional_fields_are_fine_and_omitted_from_normalised_answers(form):
    result = form.normalise(VALID, today=TODAY, subject=SUBJECT)
    assert set(result) == {"copies", "name", "purpose", "consent"}


def test_personal_fields_are_wrapped_for_their_subject(form):
    result = form.normalise({**VALID, "name": "  山田 太郎 ", "birthDate": "1990-04-01"},
                            today=TODAY, subject=SUBJECT)
    assert result["name"] == PersonalData(subject=SUBJECT, value="山田 太郎")
    assert result["birthDate"] == PersonalData(subject=SUBJECT, value="1990-04-01")
    assert result["copies"] == 2 and result["purpose"] == "work"  # not personal: bare
    assert reveal(result)["name"] == "山田 太郎"


def test_normalise_raises_with_every_error(form):
    with pytest.raises(ValidationFailed) as failed:
        form.normalise({"copies": "x"}, today=TODAY, subject=SUBJECT)
    assert rules(failed.value.errors) == [
        ("answers.copies", "type"), ("answers.name", "required"),
        ("answers.purpose", "required"), ("answers.consent", "required"),
    ]


@pytest.mark.parametrize("answers", [None, [], "copies=1", 3])
def test_answers_that_are_not_a_mapping_are_one_type_error(form, answers):
    errors = form.validate(answers, today=TODAY)
    assert rules(errors) == [("answers", "type")]


def test_an_unknown_answer_is_reported(form):
    errors = errors_of(form, nickname="taro")
    assert rules(errors) == [("answers.nickname", "unknown_field")]


@pytest.mark.parametrize(("value", "rule"), [
    (42, "type"), (["a"], "type"), ("ab", "min_length"), (" ab  ", "min_length"),
])
def test_text_rules(form, value, rule):
    assert rules(errors_of(form, note=value)) == [("answers.note", rule)]


def test_text_max_length_message(form):
    [error] = errors_of(form, name="あ" * 51)
    assert (error.rule, error.params) == ("max_length", {"max_length": 50})
    assert error.message_ja == "「氏名」は50文字以内で入力してください"


@pytest.mark.parametrize(("value", "rule"), [
    (True, "type"), ("three", "type"), ("1,000", "type"), ([1], "type"), (float("nan"), "type"),
    (0, "min"), (11, "max"), (2.5, "integer"), ("2.5", "integer"),
])
def test_number_rules(form, value, rule):
    assert rules(errors_of(form, copies=value)) == [("answers.copies", rule)]


@pytest.mark.parametrize(("value", "canonical"), [
    ("3", 3), (" 3 ", 3), ("３", 3), (3.0, 3), (10, 10),
])
def test_numbers_are_coerced(form, value, canonical):
    result = form.normalise({**VALID, "copies": value}, today=TODAY, subject=SUBJECT)
    assert result["copies"] == canonical and type(result["copies"]) is int


def test_non_integer_numbers_keep_their_value():
    form = FormSchema.from_fields([fld("weight", "number", constraints={"min": 0.5})])
    assert form.normalise({"weight": "1.25"}, today=TODAY, subject=SUBJECT) == {"weight": 1.25}
    [error] = form.validate({"weight": 0.25}, today=TODAY)
    assert error.message_ja == "「weight」は0.5以上で入力してください"


@pytest.mark.parametrize(("value", "rule"), [
    (19900401, "type"), ("1990/04/01", "date_format"), ("1990-4-1", "date_format"),
    ("1990-02-30", "date_format"), ("19900401", "date_format"), ("2024-06-16", "not_future"),
    ("1899-12-31", "min"),
])
def test_date_rules(form, value, rule):
    assert rules(errors_of(form, birthDate=value)) == [("answers.birthDate", rule)]


def test_date_messages_are_natural_japanese(form):
    [before] = errors_of(form, birthDate="1899-12-31")
    assert before.message_ja == "「生年月日」は1900年1月1日以降の日付を入力してください"
    [past, late] = errors_of(form, moveIn="2024-06-14"), errors_of(form, moveIn="2025-01-01")
    assert rules(past) == [("answers.moveIn", "not_past")]
    assert past[0].message_ja == "「転入予定日」に過去の日付は入力できません"
    assert late[0].message_ja == "「転入予定日」は2024年12月31日以前の日付を入力してください"


def test_today_is_neither_past_nor_future(form):
    assert errors_of(form, birthDate="2024-06-15", moveIn="2024-06-15") == []


def test_dates_are_stored_as_iso(form):
    result = form.normalise({**VALID, "moveIn": date(2024, 7, 1)}, today=TODAY, subject=SUBJECT)
    assert result["moveIn"] == "2024-07-01"


@pytest.mark.parametrize(("value", "expected"), [
    ("school", []), (3, [("answers.purpose", "type")]), (["work"], [("answers.purpose", "type")]),
    ("WORK", [("answers.purpose", "choice")]),
])
def test_single_choice(form, value, expected):
    assert rules(errors_of(form, purpose=value)) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("a", [("answers.docs", "type")]),
    (["a", "x"], [("answers.docs[1]", "choice")]),
    (["b", 1], [("answers.docs[1]", "type")]),
    (["a", "b", "a"], [("answers.docs[2]", "duplicate_choice")]),
])
def test_multiple_choice(form, value, expected):
    assert rules(errors_of(form, docs=value)) == expected


def test_multiple_choice_is_stored_in_the_order_of_the_options(form):
    result = form.normalise({**VALID, "docs": ["c", "a"]}, today=TODAY, subject=SUBJECT)
    assert result["docs"] == ["a", "c"]


def test_an_empty_multiple_choice_counts_as_missing():
    form = FormSchema.from_fields([fld("docs", "choice", required=True,
                                       constraints={"options": [opt("a")], "multiple": True})])
    assert rules(form.validate({"docs": []}, today=TODAY)) == [("answers.docs", "required")]


@pytest.mark.parametrize(("value", "expected"), [
    ("true", [("answers.mailing", "type")]), (1, [("answers.mailing", "type")]),
    (False, []), (True, []),
])
def test_boolean(form, value, expected):
    assert rules(errors_of(form, mailing=value)) == expected


def test_consent_must_be_given(form):
    [error] = errors_of(form, consent=False)
    assert error.rule == "must_be_true"
    assert error.message_ja == "「個人情報の取扱いへの同意」にチェックを入れてください"


def test_an_optional_must_be_true_field_cannot_be_left_unanswered():
    form = FormSchema.from_fields([fld("ok", "boolean", constraints={"must_be_true": True})])
    assert rules(form.validate({}, today=TODAY)) == [("answers.ok", "must_be_true")]


def test_nested_answers_get_nested_paths(form):
    members = [fld("birthDate", "date", label_ja="生年月日", constraints={"not_future": True})]
    fields = FormSchema.from_fields(members).fields
    _, errors = check_answers(fields, {"birthDate": "2099-01-01"}, "answers.members[1]",
                              today=TODAY)
    assert rules(errors) == [("answers.members[1].birthDate", "not_future")]


# --- schema --------------------------------------------------------------------


def test_field_types():
    assert set(FIELD_TYPES) == {"text", "number", "date", "choice", "boolean", "postal_code",
                                "phone", "email", "address", "attachment", "group"}


def test_defaults_of_a_field():
    field = FormField.from_dict(fld("memo", "text"))
    assert (field.required, field.personal, dict(field.constraints)) == (False, False, {})
    assert field.to_dict() == {**fld("memo", "text"), "required": False, "personal": False,
                               "constraints": {}}


def test_round_trip_through_plain_dicts(form):
    data = form.to_dict()
    assert data["version"] == 1 and data["fields"][0] == FIELDS[0]
    assert type(data["fields"][2]["constraints"]["options"]) is list
    assert type(data["fields"][2]["constraints"]["options"][0]) is dict
    assert FormSchema.from_dict(data) == form
    assert FormSchema.from_dict(data).to_dict() == data


def test_a_schema_is_immutable_and_hashable(form):
    assert hash(form) == hash(FormSchema.from_dict(form.to_dict()))
    with pytest.raises(TypeError):
        form.field("copies").constraints["min"] = 5  # type: ignore[index]


def test_lookup_by_key_and_options(form):
    assert form.field("purpose").options[0] == ChoiceOption("work", "勤務先提出", "For employer")
    assert form.field("copies").options == ()
    assert form.field("nope") is None


def test_revision_bumps_the_version(form):
    revised = form.revised([*copy.deepcopy(FIELDS), fld("phoneNote", "text")])
    assert revised.version == 2 and revised.field("phoneNote") is not None
    assert form.version == 1 and form.field("phoneNote") is None
    assert revised.revised(FIELDS).version == 3


def test_a_revision_is_validated_too(form):
    with pytest.raises(ValidationFailed) as failed:
        form.revised([fld("x", "colour")])
    assert rules(failed.value.errors) == [("form.fields[0].type", "unknown_type")]


def test_all_schema_problems_are_reported_at_once():
    problems = schema_problems([
        {"key": "Name", "label_ja": "", "type": "text", "colour": "red"},
        fld("copies", "number", constraints={"min": 5, "max": 1, "step": 2}),
        fld("copies", "text", required="yes"),
        "not a field",
    ], version=0)
    assert problems == [
        ("form.version", "min"),
        ("form.fields[0].colour", "unknown_property"),
        ("form.fields[0].label_ja", "required"),
        ("form.fields[0].label_en", "required"),
        ("form.fields[0].key", "key_format"),
        ("form.fields[1].constraints.step", "unknown_constraint"),
        ("form.fields[1].constraints.max", "range"),
        ("form.fields[2].required", "type"),
        ("form.fields[3]", "type"),
        ("form.fields[2].key", "duplicate_key"),
    ]


@pytest.mark.parametrize(("field", "problem"), [
    (fld("a", "text", constraints={"max_length": -1}), ("constraints.max_length", "min")),
    (fld("a", "text", constraints={"max_length": "5"}), ("constraints.max_length", "type")),
    (fld("a", "text", constraints={"min_length": 5, "max_length": 2}),
     ("constraints.max_length", "range")),
    (fld("a", "text", constraints={"multiline": "yes"}), ("constraints.multiline", "type")),
    (fld("a", "number", constraints={"max": True}), ("constraints.max", "type")),
    (fld("a", "number", constraints={"min": "1"}), ("constraints.min", "type")),
    (fld("a", "number", constraints={"integer": 1}), ("constraints.integer", "type")),
    (fld("a", "date", constraints={"min": "2024/01/01"}), ("constraints.min", "date_format")),
    (fld("a", "date", constraints={"min": "2025-01-01", "max": "2024-01-01"}),
     ("constraints.max", "range")),
    (fld("a", "date", constraints={"not_future": None}), ("constraints.not_future", "type")),
    (fld("a", "choice"), ("constraints.options", "required")),
    (fld("a", "choice", constraints={"options": []}), ("constraints.options", "required")),
    (fld("a", "choice", constraints={"options": "a,b"}), ("constraints.options", "type")),
    (fld("a", "choice", constraints={"options": [opt("x"), opt("x")]}),
     ("constraints.options[1].value", "duplicate_value")),
    (fld("a", "choice", constraints={"options": [{"value": "x", "label_ja": "エックス"}]}),
     ("constraints.options[0].label_en", "required")),
    (fld("a", "choice", constraints={"options": [opt("x")], "multiple": "no"}),
     ("constraints.multiple", "type")),
    (fld("a", "boolean", constraints={"must_be_true": "yes"}),
     ("constraints.must_be_true", "type")),
    (fld("a", "boolean", constraints={"min": 1}), ("constraints.min", "unknown_constraint")),
    (fld("a", "text", constraints=[]), ("constraints", "type")),
    (fld("a", "text", personal=1), ("personal", "type")),
    (fld("a", 7), ("type", "type")),
    (fld("a" * 65, "text"), ("key", "key_format")),
    (fld("a-b", "text"), ("key", "key_format")),
    ({"label_ja": "x", "label_en": "x", "type": "text"}, ("key", "required")),
])
def test_schema_errors(field, problem):
    path, rule = problem
    assert schema_problems([field]) == [(f"form.fields[0].{path}", rule)]


def test_keys_may_use_camel_case_and_digits():
    assert FormSchema.from_fields([fld("a", "text"), fld("birthDate2", "date"),
                                   fld("x" * 64, "text")]).fields[2].key == "x" * 64


@pytest.mark.parametrize(("form", "problem"), [
    ({"fields": []}, ("form.version", "required")),
    ({"version": "1", "fields": []}, ("form.version", "type")),
    ({"version": True, "fields": []}, ("form.version", "type")),
    ({"version": 1}, ("form.fields", "required")),
    ({"version": 1, "fields": {}}, ("form.fields", "type")),
    ({"version": 1, "fields": [], "title": "x"}, ("form.title", "unknown_property")),
    ([], ("form", "type")),
])
def test_form_level_schema_errors(form, problem):
    with pytest.raises(ValidationFailed) as failed:
        FormSchema.from_dict(form)
    assert rules(failed.value.errors) == [problem]


def test_field_from_dict_reports_under_the_given_path():
    with pytest.raises(ValidationFailed) as failed:
        FormField.from_dict(fld("a", "number", constraints={"max": "x"}),
                            path="form.fields[2]")
    assert rules(failed.value.errors) == [("form.fields[2].constraints.max", "type")]


def test_fields_built_directly_are_checked_too():
    with pytest.raises(ValidationFailed):
        FormField(key="a", label_ja="a", label_en="a", type="text", constraints={"max": 1})
    with pytest.raises(ValidationFailed):
        FormSchema(version=1, fields=(FormField.from_dict(fld("a", "text")),) * 2)
