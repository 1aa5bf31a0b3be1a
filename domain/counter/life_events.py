"""Life-event guidance (手続きナビ) for the no-writing counter (書かない窓口).

A life event (転入, 転出, 転居, 出生, 死亡, 婚姻, 離婚) leads to procedures across
departments. Which ones is configured per procedure (:class:`GuideRule`: the
events it relates to and a household condition); :func:`guide` applies the
rules to a household on a given day. The configuration itself is catalogue data
(the demo city's is ``application/demo/catalogue/life_events.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from domain.shared.errors import FieldError, ValidationFailed


class LifeEvent(StrEnum):
    MOVE_IN = "move_in"
    MOVE_OUT = "move_out"
    MOVE_WITHIN = "move_within"
    BIRTH = "birth"
    DEATH = "death"
    MARRIAGE = "marriage"
    DIVORCE = "divorce"

    @property
    def label_ja(self) -> str:
        return LIFE_EVENT_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return LIFE_EVENT_LABELS[self][1]


LIFE_EVENT_LABELS: dict[LifeEvent, tuple[str, str]] = {
    LifeEvent.MOVE_IN: ("転入", "Moving in"),
    LifeEvent.MOVE_OUT: ("転出", "Moving out"),
    LifeEvent.MOVE_WITHIN: ("転居", "Moving within the city"),
    LifeEvent.BIRTH: ("出生", "Birth"),
    LifeEvent.DEATH: ("死亡", "Death"),
    LifeEvent.MARRIAGE: ("婚姻", "Marriage"),
    LifeEvent.DIVORCE: ("離婚", "Divorce"),
}


class Condition(StrEnum):
    """A household condition a procedure's guidance depends on."""

    ALWAYS = "always"
    CHILD_UNDER_18 = "child_under_18"  # 児童手当 (高校生年代まで), こども医療費
    SCHOOL_AGE_CHILD = "school_age_child"  # 6 to 14: 小・中学校の転校
    AGED_65_OR_OVER = "aged_65_or_over"  # 介護保険
    AGED_75_OR_OVER = "aged_75_or_over"  # 後期高齢者医療
    NATIONAL_HEALTH_INSURANCE = "national_health_insurance"  # 国民健康保険の加入者


# (ja, en) reason shown with a guided procedure
CONDITION_REASONS: dict[Condition, tuple[str, str]] = {
    Condition.ALWAYS: ("{event}に伴う手続きのため", "Required with {event_en}"),
    Condition.CHILD_UNDER_18: ("18歳未満の子がいるため", "A child under 18 is in the household"),
    Condition.SCHOOL_AGE_CHILD: ("小・中学生の年齢の子がいるため", "A school-age child is in the household"),
    Condition.AGED_65_OR_OVER: ("65歳以上の世帯員がいるため", "A household member is aged 65 or over"),
    Condition.AGED_75_OR_OVER: ("75歳以上の世帯員がいるため", "A household member is aged 75 or over"),
    Condition.NATIONAL_HEALTH_INSURANCE: ("国民健康保険の加入者がいるため",
                                          "A household member is in the National Health Insurance"),
}


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on ``day`` (a birthday on 29 February counts from 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True)
class HouseholdMember:
    """What guidance needs about one member of the household (世帯員)."""

    birth_date: date
    relationship: str = ""  # 続柄 as recorded (本人, 妻, 子, …)
    national_health_insurance: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"birth_date": self.birth_date.isoformat(), "relationship": self.relationship,
                "national_health_insurance": self.national_health_insurance}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> HouseholdMember:
        return cls(date.fromisoformat(d["birth_date"]), str(d.get("relationship", "")),
                   bool(d.get("national_health_insurance", False)))


def parse_household(raw: Any, path: str = "household") -> list[HouseholdMember]:
    """Household members from input (``[{birthDate, relationship?, nationalHealthInsurance?}]``);
    raises :class:`ValidationFailed` naming each bad member's field."""
    if not isinstance(raw, list) or len(raw) > 30:
        raise ValidationFailed.single(path, "type", "a list of at most 30 members",
                                      "世帯員は30人以内の一覧で指定してください")
    members, errors = [], []
    for i, item in enumerate(raw):
        at = f"{path}[{i}]"
        if not isinstance(item, Mapping):
            errors.append(FieldError(at, "type", "a member must be an object", "世帯員の形式が正しくありません"))
            continue
        try:
            born = date.fromisoformat(str(item.get("birthDate", "")))
        except ValueError:
            errors.append(FieldError(f"{at}.birthDate", "date_format", "not a date (YYYY-MM-DD)",
                                     "生年月日の形式が正しくありません"))
            continue
        members.append(HouseholdMember(born, str(item.get("relationship") or "")[:20],
                                       bool(item.get("nationalHealthInsurance", False))))
    if errors:
        raise ValidationFailed(errors)
    return members


def holds(condition: Condition, household: Sequence[HouseholdMember], day: date) -> bool:
    ages = [age_on(m.birth_date, day) for m in household]
    match condition:
        case Condition.ALWAYS:
            return True
        case Condition.CHILD_UNDER_18:
            return any(a < 18 for a in ages)
        case Condition.SCHOOL_AGE_CHILD:
            return any(6 <= a < 15 for a in ages)
        case Condition.AGED_65_OR_OVER:
            return any(a >= 65 for a in ages)
        case Condition.AGED_75_OR_OVER:
            return any(a >= 75 for a in ages)
        case Condition.NATIONAL_HEALTH_INSURANCE:
            return any(m.national_health_insurance for m in household)
    raise AssertionError(condition)


@dataclass(frozen=True)
class GuideRule:
    """Catalogue configuration: ``procedure`` relates to ``events`` when ``condition`` holds."""

    procedure: str
    events: frozenset[LifeEvent]
    condition: Condition = Condition.ALWAYS

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> GuideRule:
        return cls(str(d["procedure"]), frozenset(LifeEvent(e) for e in d["events"]),
                   Condition(d.get("condition", Condition.ALWAYS)))


@dataclass(frozen=True)
class Guidance:
    procedure: str
    condition: Condition
    reason_ja: str
    reason_en: str


def guide(
    event: LifeEvent, household: Sequence[HouseholdMember], day: date, rules: Iterable[GuideRule]
) -> list[Guidance]:
    """The procedures ``event`` leads to for this household on ``day``, in rule order,
    each procedure once (its first matching rule gives the reason)."""
    found: dict[str, Guidance] = {}
    for rule in rules:
        if event in rule.events and rule.procedure not in found and holds(rule.condition, household, day):
            ja, en = CONDITION_REASONS[rule.condition]
            found[rule.procedure] = Guidance(
                rule.procedure, rule.condition,
                ja.format(event=event.label_ja), en.format(event_en=event.label_en.lower()),
            )
    return list(found.values())


def parse_life_event(raw: Any, path: str = "event") -> LifeEvent:
    try:
        return LifeEvent(raw)
    except ValueError:
        raise ValidationFailed([FieldError(
            path, "one_of", f"one of {', '.join(e.value for e in LifeEvent)}",
            "転入・転出・転居・出生・死亡・婚姻・離婚のいずれかを選んでください",
            {"allowed": [e.value for e in LifeEvent]})]) from None
