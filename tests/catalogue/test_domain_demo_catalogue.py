"""Shape and sanity checks for the demo city's seed catalogue (下野市)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from application.demo.catalogue import DEMO_APPLICANTS, DEPARTMENTS, PROCEDURES

DEPARTMENT_CODE = re.compile(r"^[a-z][a-z0-9-]{1,31}$")
PROCEDURE_CODE = re.compile(r"^[a-z][a-z0-9-]{1,63}$")
FIELD_KEY = re.compile(r"^[a-z][A-Za-z0-9_]{0,63}$")
ASCII_VALUE = re.compile(r"^[\x21-\x7e]+$")

PROCEDURE_KEYS = {
    "code", "name_ja", "name_en", "department", "channels", "assurance", "fee_yen",
    "processing_days", "requirements_ja", "requirements_en", "contact",
    "retention_years", "online", "fields",
}
FIELD_KEYS = {"key", "label_ja", "label_en", "type", "required", "personal", "constraints"}
CONSTRAINT_KEYS = {
    "text": {"min_length", "max_length", "multiline"},
    "number": {"min", "max", "integer"},
    "date": {"min", "max", "not_future", "not_past"},
    "choice": {"options", "multiple"},
    "boolean": {"must_be_true"},
}
CHANNELS = {"online", "counter", "mail"}
ASSURANCES = {"none", "account", "jpki_signature"}
RETENTION = {1, 3, 5, 10, 30}
ALWAYS_PERSONAL = {"name", "nameKana", "address", "birthDate", "phone", "email"}
# Certificates and copies are charged per copy: the fee is multiplied by `copies`.
PER_COPY = re.compile(r"証明書|写し|謄本|抄本")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _nonempty(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _ids(procedure: dict) -> str:
    return procedure["code"]


# --- departments ----------------------------------------------------------


def test_departments() -> None:
    assert len(DEPARTMENTS) >= 12
    codes = [d["code"] for d in DEPARTMENTS]
    assert len(codes) == len(set(codes))
    for department in DEPARTMENTS:
        assert set(department) == {"code", "name_ja", "name_en"}
        assert DEPARTMENT_CODE.match(department["code"]), department
        assert _nonempty(department["name_ja"]) and _nonempty(department["name_en"])
    names = {d["name_ja"] for d in DEPARTMENTS}
    for required in ("市民課", "保険年金課", "税務課", "こども福祉課", "高齢福祉課", "健康増進課",
                     "環境課", "上下水道課", "学校教育課", "農政課", "商工観光課",
                     "総合政策課", "社会福祉課", "建築課"):
        assert required in names


# --- procedures: catalogue level --------------------------------------------


def test_procedure_counts() -> None:
    assert len(PROCEDURES) >= 95
    online = [p for p in PROCEDURES if p["online"]]
    assert 85 <= len(online) <= 92


def test_procedure_codes_unique() -> None:
    codes = [p["code"] for p in PROCEDURES]
    duplicates = {c for c in codes if codes.count(c) > 1}
    assert not duplicates
    names = [p["name_ja"] for p in PROCEDURES]
    assert len(names) == len(set(names))


def test_every_department_is_used() -> None:
    used = {p["department"] for p in PROCEDURES}
    assert used == {d["code"] for d in DEPARTMENTS}


# --- procedures: one at a time ---------------------------------------------


@pytest.mark.parametrize("procedure", PROCEDURES, ids=_ids)
def test_procedure_shape(procedure: dict) -> None:
    assert set(procedure) - {"fee_quantity_field"} == PROCEDURE_KEYS
    assert PROCEDURE_CODE.match(procedure["code"])
    assert procedure["department"] in {d["code"] for d in DEPARTMENTS}
    for key in ("name_ja", "name_en", "requirements_ja", "requirements_en", "contact"):
        assert _nonempty(procedure[key]), key

    channels = procedure["channels"]
    assert channels and set(channels) <= CHANNELS and len(channels) == len(set(channels))
    assert procedure["assurance"] in ASSURANCES
    assert _is_int(procedure["fee_yen"]) and procedure["fee_yen"] >= 0
    assert _is_int(procedure["processing_days"]) and procedure["processing_days"] >= 0
    assert procedure["retention_years"] in RETENTION
    assert isinstance(procedure["online"], bool)
    if not procedure["online"]:
        assert "counter" in channels
    if "郵送" in procedure["name_ja"]:
        assert "mail" in channels


@pytest.mark.parametrize("procedure", PROCEDURES, ids=_ids)
def test_per_copy_fees_have_copies(procedure: dict) -> None:
    keys = {f["key"]: f for f in procedure["fields"]}
    if procedure["fee_yen"] > 0 and PER_COPY.search(procedure["name_ja"]):
        assert "copies" in keys, procedure["code"]
    if "copies" in keys:
        copies = keys["copies"]
        assert copies["type"] == "number"
        assert copies["required"] is True
        assert copies["constraints"]["integer"] is True
        assert copies["constraints"]["min"] >= 1


@pytest.mark.parametrize("procedure", PROCEDURES, ids=_ids)
def test_fields(procedure: dict) -> None:
    fields = procedure["fields"]
    assert 2 <= len(fields) <= 8, len(fields)
    keys = [f["key"] for f in fields]
    assert len(keys) == len(set(keys)), keys
    for field in fields:
        _check_field(field)


def _check_field(field: dict) -> None:
    assert set(field) == FIELD_KEYS, field
    key = field["key"]
    assert FIELD_KEY.match(key), key
    assert _nonempty(field["label_ja"]) and _nonempty(field["label_en"]), key
    assert isinstance(field["required"], bool) and isinstance(field["personal"], bool), key
    assert field["type"] in CONSTRAINT_KEYS, key
    constraints = field["constraints"]
    assert isinstance(constraints, dict), key
    assert set(constraints) <= CONSTRAINT_KEYS[field["type"]], (key, constraints)
    if key in ALWAYS_PERSONAL:
        assert field["personal"] is True, key
    {
        "text": _check_text,
        "number": _check_number,
        "date": _check_date,
        "choice": _check_choice,
        "boolean": _check_boolean,
    }[field["type"]](key, constraints)


def _check_text(key: str, c: dict) -> None:
    lo, hi = c.get("min_length"), c.get("max_length")
    for bound in (lo, hi):
        assert bound is None or (_is_int(bound) and bound >= 0), key
    if lo is not None and hi is not None:
        assert lo <= hi, key
    assert isinstance(c.get("multiline", False), bool), key


def _check_number(key: str, c: dict) -> None:
    lo, hi = c.get("min"), c.get("max")
    for bound in (lo, hi):
        assert bound is None or _is_number(bound), key
    if lo is not None and hi is not None:
        assert lo <= hi, key
    assert isinstance(c.get("integer", False), bool), key


def _check_date(key: str, c: dict) -> None:
    lo = dt.date.fromisoformat(c["min"]) if c.get("min") is not None else None
    hi = dt.date.fromisoformat(c["max"]) if c.get("max") is not None else None
    if lo is not None and hi is not None:
        assert lo <= hi, key
    assert isinstance(c.get("not_future", False), bool), key
    assert isinstance(c.get("not_past", False), bool), key
    assert not (c.get("not_future") and c.get("not_past")), key


def _check_choice(key: str, c: dict) -> None:
    options = c["options"]
    assert isinstance(options, list) and len(options) >= 2, key
    values = [o["value"] for o in options]
    assert len(values) == len(set(values)), (key, values)
    for option in options:
        assert set(option) == {"value", "label_ja", "label_en"}, key
        assert ASCII_VALUE.match(option["value"]), (key, option["value"])
        assert _nonempty(option["label_ja"]) and _nonempty(option["label_en"]), key
    assert isinstance(c.get("multiple", False), bool), key


def _check_boolean(key: str, c: dict) -> None:
    assert isinstance(c.get("must_be_true", False), bool), key


# --- applicants -------------------------------------------------------------


def test_demo_applicants() -> None:
    assert len(DEMO_APPLICANTS) >= 40
    keys = {"name", "name_kana", "birth_date", "address", "phone", "email"}
    emails = [a["email"] for a in DEMO_APPLICANTS]
    assert len(emails) == len(set(emails))
    for applicant in DEMO_APPLICANTS:
        assert set(applicant) == keys
        assert applicant["email"].endswith("@example.jp")
        assert applicant["address"].startswith("栃木県下野市")
        assert re.fullmatch(r"0\d{1,3}-(00|0000)-\d{4}", applicant["phone"]), applicant["phone"]
        assert dt.date.fromisoformat(applicant["birth_date"]) < dt.date.today()
        assert all(_nonempty(applicant[k]) for k in ("name", "name_kana"))
