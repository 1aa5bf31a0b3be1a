"""Field types for Japanese contact data and attachments.

- ``postal_code``: 7 digits, ``〒`` and the hyphen optional, full-width digits
  accepted; stored as ``"329-0492"``.
- ``phone``: a domestic number of 10 or 11 digits starting with 0 (``+81``
  becomes 0); hyphens, spaces and brackets are ignored; stored as digits only.
- ``email``: one ``@``, a dotted domain, at most 254 characters; the domain is
  stored in lower case.
- ``address``: ``{"prefecture", "municipality", "rest"}``; the prefecture one of
  the 47 (optionally limited by the ``prefectures`` constraint).
- ``attachment``: a reference to an uploaded file, ``{"blob": <sha256>,
  "media_type", "size", "name"}``, limited by ``max_bytes`` and ``media_types``
  (the upload endpoint enforces the same limits on the bytes themselves).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from domain.catalogue.form_fields import Check, FieldType, child_path, item_path, register, schema_error
from domain.shared.errors import FieldError

PREFECTURES: tuple[str, ...] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
_DASHES = re.compile(r"[\s\-‐‑‒–—―−ー－()（）]")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
                    r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9*][a-z0-9!#$&^_.+*-]*$")


def _digits(value: str) -> str:
    return _DASHES.sub("", unicodedata.normalize("NFKC", value))


@register
class PostalCodeType(FieldType):
    name = "postal_code"
    expected_en = "a postal code of 7 digits"
    expected_ja = "{label}は7桁の郵便番号で入力してください"

    def check(self, value: Any, c: Check) -> Any:
        if not isinstance(value, str):
            return self.wrong_type(c)
        digits = _digits(value).removeprefix("〒")
        if not re.fullmatch(r"\d{7}", digits):
            c.fail("postal_code", "{label} must be a postal code of 7 digits (329-0492)",
                   "{label}は7桁の郵便番号（例: 329-0492）で入力してください")
            return None
        return f"{digits[:3]}-{digits[3:]}"


@register
class PhoneType(FieldType):
    name = "phone"
    expected_en = "a phone number"
    expected_ja = "{label}は電話番号で入力してください"

    def check(self, value: Any, c: Check) -> Any:
        if not isinstance(value, str):
            return self.wrong_type(c)
        digits = _digits(value)
        if digits.startswith("+81"):
            digits = "0" + digits[3:].removeprefix("0")
        if not re.fullmatch(r"0\d{9,10}", digits):
            c.fail("phone", "{label} must be a phone number of 10 or 11 digits starting with 0",
                   "{label}は0から始まる10桁または11桁の電話番号で入力してください")
            return None
        return digits


@register
class EmailType(FieldType):
    name = "email"
    expected_en = "an e-mail address"
    expected_ja = "{label}はメールアドレスで入力してください"

    def check(self, value: Any, c: Check) -> Any:
        if not isinstance(value, str):
            return self.wrong_type(c)
        text = value.strip()
        if len(text) > 254 or not _EMAIL.match(text):
            c.fail("email", "{label} must be an e-mail address such as name@example.jp",
                   "{label}は正しいメールアドレス（例: name@example.jp）で入力してください")
            return None
        local, domain = text.rsplit("@", 1)
        return f"{local}@{domain.lower()}"


def _prefectures_spec(value: Any, path: str) -> list[FieldError]:
    if not isinstance(value, (list, tuple)) or not value:
        return [schema_error(path, "type", "must be a non-empty list of prefectures",
                             "都道府県を1つ以上のリストで指定してください")]
    return [schema_error(item_path(path, i), "choice", f"{p!r} is not a prefecture",
                         "都道府県名が正しくありません")
            for i, p in enumerate(value) if p not in PREFECTURES]


_ADDRESS_PARTS = {
    "prefecture": ("prefecture", "都道府県", 4),
    "municipality": ("municipality", "市区町村", 50),
    "rest": ("street address", "町名・番地等", 200),
}


@register
class AddressType(FieldType):
    name = "address"
    constraint_specs = {"prefectures": _prefectures_spec}
    expected_en = "an address (prefecture, municipality, rest)"
    expected_ja = "{label}は都道府県・市区町村・町名番地に分けて入力してください"

    def is_missing(self, value: Any) -> bool:
        return super().is_missing(value) or (
            isinstance(value, Mapping) and all(super(AddressType, self).is_missing(value.get(k))
                                               for k in _ADDRESS_PARTS))

    def check(self, value: Any, c: Check) -> Any:
        if not isinstance(value, Mapping):
            return self.wrong_type(c)
        canonical: dict[str, str] = {}
        for extra in value:
            if extra not in _ADDRESS_PARTS:
                c.fail("unknown_field", "{label} has no part " + repr(str(extra)),
                       "{label}にこの項目はありません", at=child_path(c.path, str(extra)))
        for part, (en, ja, limit) in _ADDRESS_PARTS.items():
            at = child_path(c.path, part)
            text = value.get(part)
            if not isinstance(text, str) or not text.strip():
                c.fail("required", f"{{label}}: the {en} is required",
                       f"{{label}}の{ja}を入力してください", at=at)
                continue
            text = unicodedata.normalize("NFKC", text.strip()) if part == "prefecture" else text.strip()
            if len(text) > limit:
                c.fail("max_length", f"{{label}}: the {en} must be at most {limit} characters",
                       f"{{label}}の{ja}は{limit}文字以内で入力してください", at=at, max_length=limit)
            canonical[part] = text
        prefecture = canonical.get("prefecture")
        allowed = c.constraints.get("prefectures") or PREFECTURES
        if prefecture is not None and prefecture not in allowed:
            c.fail("prefecture", "{label}: the prefecture is not accepted",
                   "{label}の都道府県が正しくないか、受け付けていない都道府県です",
                   at=child_path(c.path, "prefecture"),
                   **({"allowed": list(allowed)} if allowed is not PREFECTURES else {}))
        return canonical


def _max_bytes_spec(value: Any, path: str) -> list[FieldError]:
    if (not isinstance(value, int) or isinstance(value, bool)
            or not 1 <= value <= MAX_ATTACHMENT_BYTES):
        return [schema_error(path, "range", f"must be a whole number from 1 to {MAX_ATTACHMENT_BYTES}",
                             f"1〜{MAX_ATTACHMENT_BYTES}の整数で指定してください",
                             min=1, max=MAX_ATTACHMENT_BYTES)]
    return []


def _media_types_spec(value: Any, path: str) -> list[FieldError]:
    if not isinstance(value, (list, tuple)) or not value:
        return [schema_error(path, "type", "must be a non-empty list of media types",
                             "ファイル形式を1つ以上のリストで指定してください")]
    return [schema_error(item_path(path, i), "media_type", "must be a media type such as application/pdf",
                         "ファイル形式は application/pdf のように指定してください")
            for i, t in enumerate(value) if not isinstance(t, str) or not _MEDIA_TYPE.match(t)]


def media_type_allowed(media_type: str, allowed: Any) -> bool:
    """``image/*`` allows every image type; no list allows every type."""
    if not allowed:
        return True
    major = media_type.split("/", 1)[0]
    return any(a == media_type or a == f"{major}/*" for a in allowed)


@register
class AttachmentType(FieldType):
    name = "attachment"
    constraint_specs = {"max_bytes": _max_bytes_spec, "media_types": _media_types_spec}
    expected_en = "a reference to an uploaded file"
    expected_ja = "{label}はアップロードしたファイルを指定してください"

    def check(self, value: Any, c: Check) -> Any:
        if not isinstance(value, Mapping):
            return self.wrong_type(c)
        blob, media_type, size, name = (value.get(k) for k in ("blob", "media_type", "size", "name"))
        if (not isinstance(blob, str) or not _SHA256.match(blob)
                or not isinstance(media_type, str) or not _MEDIA_TYPE.match(media_type)
                or not isinstance(size, int) or isinstance(size, bool) or size < 0
                or not isinstance(name, str) or not name.strip() or len(name) > 255
                or set(value) - {"blob", "media_type", "size", "name"}):
            return self.wrong_type(c)
        limit = c.constraints.get("max_bytes", DEFAULT_MAX_BYTES)
        if size > limit:
            c.fail("max_bytes", f"{{label}} must be at most {limit} bytes",
                   f"{{label}}のファイルは{limit}バイト以下にしてください", max_bytes=limit)
        allowed = c.constraints.get("media_types")
        if not media_type_allowed(media_type, allowed):
            c.fail("media_type", "{label} must be a file of an accepted type",
                   "{label}はこの形式のファイルを添付できません", media_types=list(allowed))
        return {"blob": blob, "media_type": media_type, "size": size, "name": name.strip()}
