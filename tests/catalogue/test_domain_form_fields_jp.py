"""Specification of the Japanese field types, 和暦 dates, repeating groups and conditions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.catalogue.forms import FormSchema
from domain.shared.errors import FieldError, ValidationFailed
from domain.shared.personal import PersonalData
from domain.shared.wareki import WarekiError, parse_date_input, to_wareki

TODAY = date(2026, 6, 15)
SHA = "a" * 64


def fld(key: str, type_: str, **kw: Any) -> dict[str, Any]:
    return {"key": key, "label_ja": kw.pop("label_ja", key), "label_en": kw.pop("label_en", key),
            "type": type_, **kw}


def rules(errors: list[FieldError]) -> list[tuple[str, str]]:
    return [(e.path, e.rule) for e in errors]


def check(field: dict[str, Any], value: Any) -> tuple[dict[str, Any], list[FieldError]]:
    form = FormSchema.from_fields([field])
    errors = form.validate({field["key"]: value}, today=TODAY)
    if errors:
        return {}, errors
    return form.normalise({field["key"]: value}, today=TODAY, subject="s"), []


def schema_rules(fields: list[dict[str, Any]]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as failed:
        FormSchema.from_fields(fields)
    return rules(failed.value.errors)


# --- text scripts -------------------------------------------------------------------


@pytest.mark.parametrize("script,value,ok,canonical", [
    ("hiragana", "やまだ たろう", True, "やまだ たろう"),
    ("hiragana", "ヤマダ", False, None),
    ("hiragana", "yamada", False, None),
    ("katakana", "ヤマダ　タロウ", True, "ヤマダ　タロウ"),
    ("katakana", "ﾔﾏﾀﾞ ﾀﾛｳ", True, "ヤマダ タロウ"),
    ("katakana", "やまだ", False, None),
    ("halfwidth", "ﾔﾏﾀﾞ ﾀﾛｳ", True, "ﾔﾏﾀﾞ ﾀﾛｳ"),
    ("halfwidth", "ABC-123", True, "ABC-123"),
    ("halfwidth", "ＡＢＣ", False, None),
])
def test_text_scripts(script, value, ok, canonical):
    answers, errors = check(fld("kana", "text", constraints={"script": script}), value)
    if ok:
        assert answers == {"kana": canonical}
    else:
        assert rules(errors) == [("answers.kana", "script")]
        assert errors[0].message_ja and errors[0].message_en


def test_text_script_must_be_known():
    assert schema_rules([fld("kana", "text", constraints={"script": "kanji"})]) == [
        ("form.fields[0].constraints.script", "choice")]


# --- 和暦 ------------------------------------------------------------------------------


@pytest.mark.parametrize("text,iso", [
    ("令和8年4月1日", "2026-04-01"), ("R8.4.1", "2026-04-01"), ("r08/04/01", "2026-04-01"),
    ("令和元年5月1日", "2019-05-01"), ("平成31年4月30日", "2019-04-30"), ("H1.1.8", "1989-01-08"),
    ("昭和64年1月7日", "1989-01-07"), ("S50-3-3", "1975-03-03"), ("大正15年12月24日", "1926-12-24"),
    ("明治45年7月29日", "1912-07-29"), ("㋿８年４月１日", "2026-04-01"), ("令和 8 年 4 月 1 日", "2026-04-01"),
])
def test_wareki_conversion(text, iso):
    assert parse_date_input(text).isoformat() == iso


@pytest.mark.parametrize("text,rule", [
    ("平成31年5月1日", "era_range"), ("昭和64年1月8日", "era_range"), ("令和1年4月30日", "era_range"),
    ("大正1年7月29日", "era_range"), ("令和8年2月30日", "date_format"), ("令和0年1月1日", "date_format"),
    ("X8.4.1", "date_format"), ("令和8年4月", "date_format"), ("2026/04/01", "date_format"),
])
def test_wareki_rejects(text, rule):
    with pytest.raises(WarekiError) as bad:
        parse_date_input(text)
    assert bad.value.rule == rule


def test_to_wareki():
    assert to_wareki(date(2019, 5, 1)) == "令和元年5月1日"
    assert to_wareki(date(2019, 4, 30)) == "平成31年4月30日"


def test_date_field_accepts_wareki_and_stores_iso():
    field = fld("birthDate", "date", constraints={"not_future": True})
    assert check(field, "平成2年4月1日")[0] == {"birthDate": "1990-04-01"}
    assert rules(check(field, "令和9年1月1日")[1]) == [("answers.birthDate", "not_future")]
    _, errors = check(field, "平成31年5月1日")
    assert rules(errors) == [("answers.birthDate", "era_range")]
    assert "平成" in errors[0].message_ja and errors[0].params == {"era": "平成"}


# --- postal code, phone, e-mail ---------------------------------------------------------


@pytest.mark.parametrize("value,canonical", [
    ("329-0492", "329-0492"), ("〒329-0492", "329-0492"), ("3290492", "329-0492"),
    ("〒３２９－０４９２", "329-0492"), (" 329 0492 ", "329-0492"),
])
def test_postal_code(value, canonical):
    assert check(fld("zip", "postal_code"), value)[0] == {"zip": canonical}


@pytest.mark.parametrize("value", ["329-049", "32904921", "abc-defg", 3290492])
def test_postal_code_rejects(value):
    assert rules(check(fld("zip", "postal_code"), value)[1])[0][0] == "answers.zip"


@pytest.mark.parametrize("value,canonical", [
    ("0285-32-8900", "0285328900"), ("090-1234-5678", "09012345678"),
    ("(0285) 32-8900", "0285328900"), ("+81 90 1234 5678", "09012345678"),
    ("０２８５－３２－８９００", "0285328900"),
])
def test_phone(value, canonical):
    assert check(fld("tel", "phone"), value)[0] == {"tel": canonical}


@pytest.mark.parametrize("value", ["12345", "1234567890", "090-1234-56789", "電話"])
def test_phone_rejects(value):
    assert rules(check(fld("tel", "phone"), value)[1]) == [("answers.tel", "phone")]


def test_email():
    assert check(fld("mail", "email"), " Hanako@Example.JP ")[0] == {"mail": "Hanako@example.jp"}
    for bad in ("hanako", "hanako@", "@example.jp", "hanako@example", "a b@example.jp"):
        assert rules(check(fld("mail", "email"), bad)[1]) == [("answers.mail", "email")]


# --- address ---------------------------------------------------------------------------------


def test_address():
    value = {"prefecture": "栃木県", "municipality": "下野市", "rest": "笹原26番地"}
    assert check(fld("addr", "address"), value)[0] == {"addr": value}


def test_address_reports_each_part():
    _, errors = check(fld("addr", "address"), {"prefecture": "栃木", "municipality": " ", "x": "1"})
    assert sorted(rules(errors)) == sorted([
        ("answers.addr.x", "unknown_field"), ("answers.addr.municipality", "required"),
        ("answers.addr.rest", "required"), ("answers.addr.prefecture", "prefecture")])


def test_address_limited_to_prefectures():
    field = fld("addr", "address", constraints={"prefectures": ["栃木県"]})
    value = {"prefecture": "茨城県", "municipality": "結城市", "rest": "1"}
    assert rules(check(field, value)[1]) == [("answers.addr.prefecture", "prefecture")]
    assert schema_rules([fld("addr", "address", constraints={"prefectures": ["下野国"]})]) == [
        ("form.fields[0].constraints.prefectures[0]", "choice")]


# --- attachments -----------------------------------------------------------------------------


ATTACHMENT = fld("doc", "attachment", constraints={"max_bytes": 1000, "media_types": ["application/pdf",
                                                                                        "image/*"]})


def test_attachment():
    ref = {"blob": SHA, "media_type": "image/png", "size": 10, "name": "a.png"}
    assert check(ATTACHMENT, ref)[0] == {"doc": ref}


def test_attachment_limits():
    ref = {"blob": SHA, "media_type": "text/plain", "size": 2000, "name": "a.txt"}
    assert sorted(rules(check(ATTACHMENT, ref)[1])) == [
        ("answers.doc", "max_bytes"), ("answers.doc", "media_type")]
    assert rules(check(ATTACHMENT, {"blob": "nope", "media_type": "image/png", "size": 1,
                                    "name": "a"})[1]) == [("answers.doc", "type")]


def test_attachment_constraints_are_checked():
    assert sorted(schema_rules([fld("doc", "attachment", constraints={
        "max_bytes": 0, "media_types": ["pdf"]})])) == [
        ("form.fields[0].constraints.max_bytes", "range"),
        ("form.fields[0].constraints.media_types[0]", "media_type")]


# --- repeating groups ------------------------------------------------------------------------


MEMBERS = fld("members", "group", label_ja="世帯員", required=True, constraints={
    "min": 1, "max": 3, "fields": [
        fld("name", "text", required=True, personal=True),
        fld("birthDate", "date", required=True, constraints={"not_future": True}),
        fld("relation", "choice", constraints={"options": [
            {"value": "child", "label_ja": "子", "label_en": "Child"},
            {"value": "other", "label_ja": "その他", "label_en": "Other"}]}),
        fld("relationNote", "text", required=True, show_if={"field": "relation", "equals": "other"}),
    ]})


def test_group_items_are_checked_with_their_paths():
    value = [{"name": "花子", "birthDate": "令和2年1月1日"},
             {"name": "", "birthDate": "2099-01-01", "relation": "other", "extra": 1}]
    _, errors = check(MEMBERS, value)
    assert sorted(rules(errors)) == sorted([
        ("answers.members[1].name", "required"), ("answers.members[1].birthDate", "not_future"),
        ("answers.members[1].relationNote", "required"), ("answers.members[1].extra", "unknown_field")])
    assert all(e.message_ja and e.message_en for e in errors)


def test_group_canonical_answers_are_personal_as_a_whole():
    value = [{"name": "花子", "birthDate": "令和2年1月1日", "relation": "child", "relationNote": "x"}]
    answers, errors = check(MEMBERS, value)
    assert not errors
    assert isinstance(answers["members"], PersonalData)
    assert answers["members"].value == [{"name": "花子", "birthDate": "2020-01-01", "relation": "child"}]


def test_group_counts():
    item = {"name": "花子", "birthDate": "2020-01-01"}
    assert rules(check(MEMBERS, [item] * 4)[1]) == [("answers.members", "max_items")]
    assert rules(check(MEMBERS, [])[1]) == [("answers.members", "required")]
    optional = {**MEMBERS, "required": False, "constraints": {**MEMBERS["constraints"], "min": 2}}
    assert rules(check(optional, [item])[1]) == [("answers.members", "min_items")]
    assert rules(check(MEMBERS, {"name": "x"})[1]) == [("answers.members", "type")]


def test_group_fields_are_checked_in_the_schema():
    bad = fld("members", "group", constraints={"min": 3, "max": 1, "fields": [
        fld("name", "text"), fld("name", "colour"), fld("x", "text", show_if={"field": "nope",
                                                                            "equals": 1})]})
    assert sorted(schema_rules([bad])) == sorted([
        ("form.fields[0].constraints.fields[1].type", "unknown_type"),
        ("form.fields[0].constraints.fields[1].key", "duplicate_key"),
        ("form.fields[0].constraints.fields[2].show_if.field", "unknown_field"),
        ("form.fields[0].constraints.max", "range")])
    assert schema_rules([fld("members", "group")]) == [("form.fields[0].constraints.fields", "required")]


# --- conditional fields ----------------------------------------------------------------------


CONDITIONAL = [
    fld("hasChildren", "boolean", required=True),
    fld("childCount", "number", required=True, show_if={"field": "hasChildren", "equals": True}),
]


def test_conditional_field_required_only_when_shown():
    form = FormSchema.from_fields(CONDITIONAL)
    assert rules(form.validate({"hasChildren": True}, today=TODAY)) == [("answers.childCount", "required")]
    assert form.validate({"hasChildren": False}, today=TODAY) == []


def test_answer_to_a_hidden_field_is_dropped():
    form = FormSchema.from_fields(CONDITIONAL)
    answers = form.normalise({"hasChildren": False, "childCount": "many"}, today=TODAY, subject="s")
    assert answers == {"hasChildren": False}
    assert form.normalise({"hasChildren": True, "childCount": "2"}, today=TODAY,
                          subject="s") == {"hasChildren": True, "childCount": 2}


def test_condition_on_a_multiple_choice_and_a_hidden_field():
    options = [{"value": v, "label_ja": v, "label_en": v} for v in ("a", "b")]
    form = FormSchema.from_fields([
        fld("docs", "choice", constraints={"options": options, "multiple": True}),
        fld("bNote", "text", required=True, show_if={"field": "docs", "equals": "b"}),
        fld("bDetail", "text", required=True, show_if={"field": "bNote", "equals": "x"}),
    ])
    assert rules(form.validate({"docs": ["a", "b"]}, today=TODAY)) == [("answers.bNote", "required")]
    assert form.validate({"docs": ["a"], "bNote": "x"}, today=TODAY) == []  # bNote hidden → bDetail too


def test_condition_must_refer_to_another_field():
    assert schema_rules([fld("a", "text", show_if={"field": "b", "equals": "x"})]) == [
        ("form.fields[0].show_if.field", "unknown_field")]
    assert schema_rules([fld("a", "text", show_if={"field": "a", "equals": "x"})]) == [
        ("form.fields[0].show_if.field", "unknown_field")]
    assert sorted(schema_rules([fld("b", "text"), fld("a", "text", show_if={"equals": [1], "x": 1})])) == sorted([
        ("form.fields[1].show_if.x", "unknown_property"), ("form.fields[1].show_if.field", "required"),
        ("form.fields[1].show_if.equals", "type")])


def test_show_if_round_trips_and_is_omitted_when_absent():
    form = FormSchema.from_fields(CONDITIONAL)
    assert FormSchema.from_dict(form.to_dict()) == form
    assert "show_if" not in form.to_dict()["fields"][0]
    assert form.to_dict()["fields"][1]["show_if"] == {"field": "hasChildren", "equals": True}
