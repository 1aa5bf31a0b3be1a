"""手続きナビ for the demo city: which procedures each life event leads to, and
how the no-writing counter pre-fills their forms (docs/no-writing-counter.md).

Pure data. ``GUIDE``: one row per (procedure, household condition) with the life
events it relates to, in the order the counter lists them. ``PREFILL``: per
procedure, form field key -> source item (``name``, ``name_kana``, ``address``,
``birth_date``, ``sex``, ``household_size``), or ``None`` to keep a field the
default mapping would fill (e.g. the child's birth date on 出生届) empty.
"""

from __future__ import annotations

from typing import Any

_MOVES = ["move_in", "move_out", "move_within"]

GUIDE: list[dict[str, Any]] = [
    # 市民課: the notification itself
    {"procedure": "tennyu", "events": ["move_in"]},
    {"procedure": "tenshutsu", "events": ["move_out"]},
    {"procedure": "tenkyo", "events": ["move_within"]},
    {"procedure": "shussei-todoke", "events": ["birth"]},
    {"procedure": "konin-todoke", "events": ["marriage"]},
    # 保険年金課
    {"procedure": "kokuho-join", "events": ["move_in", "birth", "divorce"],
     "condition": "national_health_insurance"},
    {"procedure": "kokuho-withdraw", "events": ["move_out", "death"],
     "condition": "national_health_insurance"},
    {"procedure": "kokuho-sosai", "events": ["death"], "condition": "national_health_insurance"},
    {"procedure": "koki-card-reissue", "events": ["move_within"], "condition": "aged_75_or_over"},
    # こども福祉課
    {"procedure": "jido-teate", "events": ["birth"]},
    {"procedure": "jido-teate", "events": ["move_in"], "condition": "child_under_18"},
    {"procedure": "jido-teate-change", "events": [*_MOVES[1:], "marriage", "divorce", "death"],
     "condition": "child_under_18"},
    {"procedure": "kodomo-iryo", "events": ["birth"]},
    {"procedure": "kodomo-iryo", "events": ["move_in"], "condition": "child_under_18"},
    {"procedure": "jido-fuyo", "events": ["divorce"], "condition": "child_under_18"},
    # 学校教育課
    {"procedure": "shitei-gakko-henko", "events": ["move_in", "move_within"],
     "condition": "school_age_child"},
    {"procedure": "kuikigai-shugaku", "events": ["move_out"], "condition": "school_age_child"},
    # 高齢福祉課
    {"procedure": "kaigo-card-reissue", "events": ["move_in", "move_within"],
     "condition": "aged_65_or_over"},
    # 上下水道課
    {"procedure": "suido-start", "events": ["move_in", "move_within"]},
    {"procedure": "suido-stop", "events": ["move_out", "move_within"]},
    {"procedure": "suido-meigi", "events": ["death", "marriage"]},
]

PREFILL: dict[str, dict[str, str | None]] = {
    "tenkyo": {"previousAddress": "address", "householdMembers": "household_size"},
    "tenshutsu": {"householdMembers": "household_size"},
    "tennyu": {"householdMembers": "household_size"},
    "shussei-todoke": {"birthDate": None, "informantName": "name"},
    "kokuho-join": {"householderName": "name", "insuredName": "name"},
    "kokuho-withdraw": {"householderName": "name", "insuredName": "name"},
    "kokuho-sosai": {"chiefMournerName": "name"},
    "jido-teate": {"claimantName": "name"},
    "jido-teate-change": {"claimantName": "name"},
    "kodomo-iryo": {"guardianName": "name"},
    "jido-fuyo": {"claimantName": "name"},
    "suido-start": {"userName": "name", "userNameKana": "name_kana"},
    "suido-stop": {"userName": "name", "serviceAddress": "address"},
    "suido-meigi": {"newName": "name"},
}
