"""The national moving service's pre-notice (引越し手続オンラインサービス:
転出届 / 転入予約), as documented in docs/moving-notice.md: parsing and
validation (pure), the deterministic ids of what an import creates, and the
answers of the 転入届 (``tennyu``) form it pre-fills.

Every failing input is reported as a ``FieldError`` naming its JSON path
(``applicant.birthDate``, ``householdMembers[1].nameKana``); an individual number
(個人番号) anywhere is refused and never echoed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from uuid import UUID, uuid5

from domain.privacy.individual_number import individual_number_errors
from domain.shared.context import CITY_TIMEZONE
from domain.shared.errors import FieldError, ValidationFailed
from domain.shared.kana import matches_script, to_script

FORMAT = "madoguchi.moving-notice/1"
TENNYU_PROCEDURE = "tennyu"  # 転入届（来庁予定の事前届出）
MOVING_QUEUE = "shimin-ido"  # 市民課 異動 (住所異動の窓口)
SEXES = {"male": ("男", "Male"), "female": ("女", "Female")}
MAX_MEMBERS = 19  # with the applicant, the tennyu form's limit of 20 persons moving
MAX_TEXT = {"nameKanji": 60, "nameKana": 80, "relationship": 20, "address": 200}
_NOTICE_ID = re.compile(r"^[A-Za-z0-9-]{4,40}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_NAMESPACE = UUID("5f3a9c1e-7b2d-4e6f-8a0b-3c4d5e6f7a8b")


@dataclass(frozen=True)
class Person:
    name_kanji: str
    name_kana: str
    birth_date: date
    sex: str
    relationship: str


@dataclass(frozen=True)
class MovingNotice:
    notice_id: str
    applicant: Person
    members: list[Person]
    old_address: str
    new_address: str
    move_date: date
    visit_date: date
    visit_time: time | None
    email: str | None

    @property
    def application_id(self) -> UUID:
        return uuid5(_NAMESPACE, f"moving-notice:{self.notice_id}:application")

    @property
    def reservation_id(self) -> UUID:
        return uuid5(_NAMESPACE, f"moving-notice:{self.notice_id}:reservation")

    def visit_after(self) -> datetime:
        """Book the first slot starting at or after the planned time (UTC)."""
        at = datetime.combine(self.visit_date, self.visit_time or time(0, 0), CITY_TIMEZONE)
        return at.astimezone(UTC)

    def tennyu_answers(self) -> dict[str, Any]:
        """The 転入届 form's answers, pre-filled (the form wraps the personal ones)."""
        return {
            "name": self.applicant.name_kanji,
            "birthDate": self.applicant.birth_date.isoformat(),
            "previousAddress": self.old_address,
            "newAddress": self.new_address,
            "moveDate": self.move_date.isoformat(),
            "visitDate": self.visit_date.isoformat(),
            "householdMembers": 1 + len(self.members),
            "consent": True,
        }


def _err(path: str, rule: str, en: str, ja: str, **params: Any) -> FieldError:
    return FieldError(path, rule, en, ja, params)


def _text(data: dict[str, Any], key: str, path: str, errors: list[FieldError],
          limit: int, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        errors.append(_err(path, "required", f"{path} is required", f"{path} は必須です"))
        return ""
    if len(value) > limit:
        errors.append(_err(path, "max_length", f"at most {limit} characters",
                           f"{path} は{limit}文字以内です", max_length=limit))
    return value.strip()


def _date(data: dict[str, Any], key: str, path: str, errors: list[FieldError]) -> date | None:
    value = data.get(key)
    try:
        if isinstance(value, str) and len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    errors.append(_err(path, "date", f"{path} must be a date YYYY-MM-DD",
                       f"{path} は YYYY-MM-DD 形式の日付で入力してください"))
    return None


def _person(data: Any, path: str, errors: list[FieldError], today: date) -> Person | None:
    if not isinstance(data, dict):
        errors.append(_err(path, "object", f"{path} must be an object", f"{path} の形式が正しくありません"))
        return None
    before = len(errors)
    kanji = _text(data, "nameKanji", f"{path}.nameKanji", errors, MAX_TEXT["nameKanji"])
    kana = to_script(_text(data, "nameKana", f"{path}.nameKana", errors, MAX_TEXT["nameKana"]),
                     "katakana")
    if kana and not matches_script(kana, "katakana"):
        errors.append(_err(f"{path}.nameKana", "script", "the kana name must be katakana",
                           "フリガナはカタカナで入力してください", script="katakana"))
    birth = _date(data, "birthDate", f"{path}.birthDate", errors)
    if birth is not None and not date(1900, 1, 1) <= birth <= today:
        errors.append(_err(f"{path}.birthDate", "range", "a birth date from 1900 until today",
                           "生年月日が正しくありません"))
    sex = data.get("sex")
    if sex not in SEXES:
        errors.append(_err(f"{path}.sex", "choice", "sex is male or female",
                           "性別は male（男）または female（女）です", allowed=sorted(SEXES)))
    relationship = _text(data, "relationship", f"{path}.relationship", errors,
                         MAX_TEXT["relationship"])
    if len(errors) > before or birth is None:
        return None
    return Person(kanji, kana, birth, str(sex), relationship)


def parse_notice(data: Any, today: date) -> MovingNotice:
    """The notice, or ``ValidationFailed`` naming every failing field."""
    if not isinstance(data, dict):
        raise ValidationFailed.single("$", "object", "the notice must be a JSON object",
                                      "届出データはJSONオブジェクトです")
    if errors := individual_number_errors(data, "$"):
        raise ValidationFailed([FieldError(e.path.removeprefix("$."), e.rule, e.message_en,
                                           e.message_ja) for e in errors])
    errors: list[FieldError] = []
    if data.get("format") != FORMAT:
        errors.append(_err("format", "choice", f"format must be {FORMAT}",
                           f"format は {FORMAT} です", allowed=[FORMAT]))
    notice_id = data.get("noticeId")
    if not (isinstance(notice_id, str) and _NOTICE_ID.match(notice_id)):
        errors.append(_err("noticeId", "pattern", "4-40 letters, digits or hyphens",
                           "届出番号は英数字・ハイフンの4〜40文字です"))
    applicant = _person(data.get("applicant"), "applicant", errors, today)
    raw_members = data.get("householdMembers", [])
    members: list[Person] = []
    if not isinstance(raw_members, list) or len(raw_members) > MAX_MEMBERS:
        errors.append(_err("householdMembers", "max_items", f"a list of at most {MAX_MEMBERS}",
                           f"同一世帯の異動者は{MAX_MEMBERS}人までです", max_items=MAX_MEMBERS))
    else:
        for i, raw in enumerate(raw_members):
            if (member := _person(raw, f"householdMembers[{i}]", errors, today)) is not None:
                members.append(member)
    old_address = _text(data, "oldAddress", "oldAddress", errors, MAX_TEXT["address"])
    new_address = _text(data, "newAddress", "newAddress", errors, MAX_TEXT["address"])
    move_date = _date(data, "moveDate", "moveDate", errors)
    visit = data.get("plannedVisit")
    visit_date: date | None = None
    visit_time: time | None = None
    if not isinstance(visit, dict):
        errors.append(_err("plannedVisit", "required", "the planned visit is required",
                           "来庁予定日は必須です"))
    else:
        visit_date = _date(visit, "date", "plannedVisit.date", errors)
        if visit_date is not None and visit_date < today:
            errors.append(_err("plannedVisit.date", "not_past", "the planned visit is in the past",
                               "来庁予定日が過ぎています"))
        raw_time = visit.get("time")
        if raw_time is not None:
            if isinstance(raw_time, str) and _TIME.match(raw_time):
                visit_time = time.fromisoformat(raw_time)
            else:
                errors.append(_err("plannedVisit.time", "time", "a time HH:MM", "時刻は HH:MM 形式です"))
        if move_date is not None and visit_date is not None and visit_date < move_date:
            errors.append(_err("plannedVisit.date", "after_move", "the visit is on or after the move",
                               "来庁予定日は異動日以降にしてください"))
    email = data.get("contactEmail")
    if email is not None and not (isinstance(email, str) and "@" in email and len(email) <= 254):
        errors.append(_err("contactEmail", "email", "not a valid e-mail address",
                           "メールアドレスの形式が正しくありません"))
    if errors:
        raise ValidationFailed(errors)
    assert applicant is not None and move_date is not None and visit_date is not None
    return MovingNotice(str(notice_id), applicant, members, old_address, new_address, move_date,
                        visit_date, visit_time, email)
