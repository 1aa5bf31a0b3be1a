"""Builders for the fields of the shipped templates (pure data)."""

from __future__ import annotations

from typing import Any

Field = dict[str, Any]


def f(key: str, ja: str, en: str, type_: str, *, required: bool = True, personal: bool = False,
      show_if: dict[str, Any] | None = None, **constraints: Any) -> Field:
    field: Field = {"key": key, "label_ja": ja, "label_en": en, "type": type_,
                    "required": required, "personal": personal, "constraints": constraints}
    if show_if is not None:
        field["show_if"] = show_if
    return field


def options(*items: tuple[str, str, str]) -> list[dict[str, str]]:
    return [{"value": v, "label_ja": ja, "label_en": en} for v, ja, en in items]


def applicant() -> list[Field]:
    """氏名・ふりがな・住所・電話・メール: the applicant block most forms start with."""
    return [
        f("name", "氏名", "Name", "text", personal=True, max_length=50),
        f("nameKana", "ふりがな", "Name (kana)", "text", personal=True, max_length=50,
          script="hiragana"),
        f("postalCode", "郵便番号", "Postal code", "postal_code", personal=True),
        f("address", "住所", "Address", "address", personal=True),
        f("phone", "電話番号", "Phone", "phone", personal=True),
        f("email", "メールアドレス", "E-mail", "email", required=False, personal=True),
    ]


def consent() -> Field:
    return f("consent", "個人情報の取扱いへの同意", "Consent to the handling of personal data",
             "boolean", must_be_true=True)


def bank_account() -> list[Field]:
    return [
        f("bankName", "金融機関名", "Bank", "text", max_length=50),
        f("branchName", "支店名", "Branch", "text", max_length=50),
        f("accountType", "預金種目", "Account type", "choice",
          options=options(("ordinary", "普通", "Ordinary"), ("current", "当座", "Current"))),
        f("accountNumber", "口座番号", "Account number", "text", personal=True, min_length=7,
          max_length=7, script="halfwidth"),
        f("accountHolderKana", "口座名義（カナ）", "Account holder (kana)", "text", personal=True,
          max_length=60, script="katakana"),
    ]


PDF_OR_IMAGE = ["application/pdf", "image/jpeg", "image/png"]


def attachment(key: str, ja: str, en: str, *, required: bool = True) -> Field:
    return f(key, ja, en, "attachment", required=required, max_bytes=10 * 1024 * 1024,
             media_types=PDF_OR_IMAGE)
