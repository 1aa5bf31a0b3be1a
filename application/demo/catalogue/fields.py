"""Small builders for the demo catalogue's form fields and procedures.

Pure data assembly: every function returns a fresh ``dict`` in the exact
shape the catalogue uses, so the department modules stay short and
consistent. Nothing here imports from the rest of the project.
"""

from __future__ import annotations

from typing import Any

Field = dict[str, Any]
Option = tuple[str, str, str]  # (value, label_ja, label_en)


def _field(
    key: str,
    label_ja: str,
    label_en: str,
    type_: str,
    *,
    required: bool,
    personal: bool,
    constraints: dict[str, Any],
) -> Field:
    return {
        "key": key,
        "label_ja": label_ja,
        "label_en": label_en,
        "type": type_,
        "required": required,
        "personal": personal,
        "constraints": {k: v for k, v in constraints.items() if v is not None},
    }


# --- generic field types -------------------------------------------------


def text(
    key: str,
    label_ja: str,
    label_en: str,
    *,
    required: bool = True,
    personal: bool = False,
    min_length: int | None = None,
    max_length: int = 200,
    multiline: bool = False,
) -> Field:
    return _field(
        key, label_ja, label_en, "text", required=required, personal=personal,
        constraints={"min_length": min_length, "max_length": max_length, "multiline": multiline},
    )


def number(
    key: str,
    label_ja: str,
    label_en: str,
    *,
    required: bool = True,
    minimum: int | None = 0,
    maximum: int | None = None,
    integer: bool = True,
) -> Field:
    return _field(
        key, label_ja, label_en, "number", required=required, personal=False,
        constraints={"min": minimum, "max": maximum, "integer": integer},
    )


def date(
    key: str,
    label_ja: str,
    label_en: str,
    *,
    required: bool = True,
    personal: bool = False,
    minimum: str | None = None,
    maximum: str | None = None,
    not_future: bool = False,
    not_past: bool = False,
) -> Field:
    constraints: dict[str, Any] = {"min": minimum, "max": maximum}
    if not_future:
        constraints["not_future"] = True
    if not_past:
        constraints["not_past"] = True
    return _field(
        key, label_ja, label_en, "date", required=required, personal=personal,
        constraints=constraints,
    )


def choice(
    key: str,
    label_ja: str,
    label_en: str,
    options: list[Option],
    *,
    required: bool = True,
    multiple: bool = False,
) -> Field:
    return _field(
        key, label_ja, label_en, "choice", required=required, personal=False,
        constraints={
            "options": [{"value": v, "label_ja": ja, "label_en": en} for v, ja, en in options],
            "multiple": multiple,
        },
    )


def boolean(
    key: str,
    label_ja: str,
    label_en: str,
    *,
    required: bool = False,
    must_be_true: bool = False,
) -> Field:
    return _field(
        key, label_ja, label_en, "boolean", required=required, personal=False,
        constraints={"must_be_true": must_be_true},
    )


# --- common personal fields ---------------------------------------------


def name(
    key: str = "name",
    label_ja: str = "氏名",
    label_en: str = "Full name",
    *,
    required: bool = True,
) -> Field:
    return text(key, label_ja, label_en, required=required, personal=True, max_length=60)


def name_kana(
    key: str = "nameKana",
    label_ja: str = "氏名（フリガナ）",
    label_en: str = "Full name (katakana)",
    *,
    required: bool = True,
) -> Field:
    return text(key, label_ja, label_en, required=required, personal=True, max_length=80)


def address(
    key: str = "address",
    label_ja: str = "住所",
    label_en: str = "Address",
    *,
    required: bool = True,
) -> Field:
    return text(key, label_ja, label_en, required=required, personal=True, max_length=200)


def birth_date(
    key: str = "birthDate",
    label_ja: str = "生年月日",
    label_en: str = "Date of birth",
    *,
    required: bool = True,
) -> Field:
    return date(
        key, label_ja, label_en, required=required, personal=True,
        minimum="1900-01-01", not_future=True,
    )


def phone(
    key: str = "phone",
    label_ja: str = "日中の連絡先電話番号",
    label_en: str = "Daytime phone number",
    *,
    required: bool = True,
) -> Field:
    return text(
        key, label_ja, label_en, required=required, personal=True, min_length=10, max_length=13
    )


def email(
    key: str = "email",
    label_ja: str = "メールアドレス",
    label_en: str = "E-mail address",
    *,
    required: bool = False,
) -> Field:
    return text(key, label_ja, label_en, required=required, personal=True, max_length=254)


def remarks(
    key: str = "remarks",
    label_ja: str = "備考",
    label_en: str = "Remarks",
    *,
    required: bool = False,
    max_length: int = 1000,
) -> Field:
    """Free text: may describe a person, so it is always treated as personal."""
    return text(
        key, label_ja, label_en, required=required, personal=True,
        max_length=max_length, multiline=True,
    )


# --- common non-personal fields -----------------------------------------


def copies(maximum: int = 10) -> Field:
    return number("copies", "通数", "Copies", minimum=1, maximum=maximum)


PURPOSES: list[Option] = [
    ("employment", "勤務先への提出", "Submission to an employer"),
    ("pension", "年金の手続き", "Pension procedure"),
    ("insurance", "保険の手続き", "Insurance procedure"),
    ("bank", "金融機関への提出", "Submission to a bank"),
    ("vehicle", "自動車の登録", "Vehicle registration"),
    ("real-estate", "不動産の登記", "Real estate registration"),
    ("inheritance", "相続手続き", "Inheritance procedure"),
    ("other", "その他", "Other"),
]


def purpose(
    options: list[Option] | None = None,
    *,
    key: str = "purpose",
    label_ja: str = "使用目的・提出先",
    label_en: str = "Purpose / where it will be submitted",
) -> Field:
    return choice(key, label_ja, label_en, options if options is not None else PURPOSES)


RELATIONSHIPS: list[Option] = [
    ("self", "本人", "Self"),
    ("household", "同一世帯の方", "Member of the same household"),
    ("family", "配偶者・親族", "Spouse or relative"),
    ("agent", "代理人", "Authorised agent"),
]


def relationship(
    options: list[Option] | None = None,
    *,
    key: str = "applicantRelationship",
    label_ja: str = "申請者と対象者の関係",
    label_en: str = "Applicant's relationship to the subject",
) -> Field:
    return choice(key, label_ja, label_en, options if options is not None else RELATIONSHIPS)


def consent(
    key: str = "consent",
    label_ja: str = "記載内容に相違ないことを確認し、申請します",
    label_en: str = "I confirm the above is true and submit this application",
) -> Field:
    return boolean(key, label_ja, label_en, required=True, must_be_true=True)


# --- procedure ----------------------------------------------------------


def procedure(
    code: str,
    name_ja: str,
    name_en: str,
    department: str,
    *,
    channels: list[str],
    assurance: str,
    fee_yen: int = 0,
    processing_days: int,
    requirements_ja: str,
    requirements_en: str,
    contact: str,
    retention_years: int,
    fields: list[Field],
    online: bool = True,
    fee_quantity_field: str | None = None,
) -> dict[str, Any]:
    return {
        **({"fee_quantity_field": fee_quantity_field} if fee_quantity_field else {}),
        "code": code,
        "name_ja": name_ja,
        "name_en": name_en,
        "department": department,
        "channels": list(channels),
        "assurance": assurance,
        "fee_yen": fee_yen,
        "processing_days": processing_days,
        "requirements_ja": requirements_ja,
        "requirements_en": requirements_en,
        "contact": contact,
        "retention_years": retention_years,
        "online": online,
        "fields": fields,
    }
