"""手続きナビ: which procedures a life event leads to, given the household."""

from __future__ import annotations

from datetime import date

import pytest

from application.demo.catalogue.life_events import GUIDE
from domain.counter.life_events import (
    Condition,
    GuideRule,
    HouseholdMember,
    LifeEvent,
    age_on,
    guide,
    parse_household,
    parse_life_event,
)
from domain.shared.errors import ValidationFailed

DAY = date(2026, 4, 1)
RULES = [GuideRule.from_dict(r) for r in GUIDE]
ADULT = HouseholdMember(date(1985, 6, 15), "本人")


def codes(event: LifeEvent, *members: HouseholdMember) -> list[str]:
    return [g.procedure for g in guide(event, list(members), DAY, RULES)]


def test_every_life_event_has_a_japanese_and_english_name_and_guidance() -> None:
    assert [e.label_ja for e in LifeEvent] == ["転入", "転出", "転居", "出生", "死亡", "婚姻", "離婚"]
    assert all(e.label_en for e in LifeEvent)
    assert all(codes(e, ADULT) for e in LifeEvent if e is not LifeEvent.DIVORCE)


def test_a_household_with_a_school_child_and_a_member_over_65_is_guided_across_departments() -> None:
    child = HouseholdMember(date(2016, 5, 1), "子")
    grandmother = HouseholdMember(date(1955, 9, 30), "母")
    found = {g.procedure: g for g in guide(LifeEvent.MOVE_IN, [ADULT, child, grandmother], DAY, RULES)}
    assert list(found) == ["tennyu", "jido-teate", "kodomo-iryo", "shitei-gakko-henko",
                           "kaigo-card-reissue", "suido-start"]
    assert found["kaigo-card-reissue"].reason_ja == "65歳以上の世帯員がいるため"
    assert found["jido-teate"].reason_ja == "18歳未満の子がいるため"
    assert found["tennyu"].reason_ja == "転入に伴う手続きのため"


def test_a_single_adult_moving_in_gets_only_the_unconditional_procedures() -> None:
    assert codes(LifeEvent.MOVE_IN, ADULT) == ["tennyu", "suido-start"]


def test_national_health_insurance_members_are_guided_to_kokuho() -> None:
    insured = HouseholdMember(date(1985, 6, 15), "本人", national_health_insurance=True)
    assert "kokuho-join" in codes(LifeEvent.MOVE_IN, insured)
    assert "kokuho-sosai" in codes(LifeEvent.DEATH, insured)
    assert "kokuho-sosai" not in codes(LifeEvent.DEATH, ADULT)


def test_ages_turn_on_the_birthday() -> None:
    assert age_on(date(1961, 4, 1), DAY) == 65 and age_on(date(1961, 4, 2), DAY) == 64
    turning = HouseholdMember(date(1961, 4, 2))
    assert "kaigo-card-reissue" not in codes(LifeEvent.MOVE_WITHIN, ADULT, turning)
    assert "kaigo-card-reissue" in codes(LifeEvent.MOVE_WITHIN, ADULT, HouseholdMember(date(1961, 4, 1)))


def test_a_birth_always_leads_to_the_child_allowance_and_each_procedure_is_listed_once() -> None:
    found = codes(LifeEvent.BIRTH, ADULT, HouseholdMember(date(2020, 1, 1)))
    assert found[:2] == ["shussei-todoke", "jido-teate"]
    assert len(found) == len(set(found))


def test_bad_household_input_names_the_member_and_field() -> None:
    with pytest.raises(ValidationFailed) as failed:
        parse_household([{"birthDate": "1985-06-15"}, {"birthDate": "15/06/1985"}])
    assert [(e.path, e.rule) for e in failed.value.errors] == [("household[1].birthDate", "date_format")]
    with pytest.raises(ValidationFailed) as bad_event:
        parse_life_event("moving")
    assert bad_event.value.errors[0].rule == "one_of"
    assert Condition("aged_65_or_over") is Condition.AGED_65_OR_OVER
