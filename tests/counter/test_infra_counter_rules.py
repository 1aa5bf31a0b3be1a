"""The counter's 手続きナビ rules come from configuration: a JSON file named by
MADOGUCHI_COUNTER_RULES (the demo city's outside production), checked as a whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from api.composition import build_container
from application.demo.catalogue import PROCEDURES
from domain.counter.life_events import Condition, LifeEvent
from infra.clock import ManualClock
from infra.counter_rules import CounterRulesError, demo_rules_path, load_counter_rules, read_counter_rules
from infra.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_demo_rules_name_only_procedures_of_the_demo_catalogue() -> None:
    rules = read_counter_rules(demo_rules_path())
    codes = {p["code"] for p in PROCEDURES}
    assert rules.procedures <= codes and set(rules.prefill) <= codes
    assert rules.guide[0].procedure == "tennyu" and rules.guide[0].events == {LifeEvent.MOVE_IN}
    assert rules.prefill_for("shussei-todoke")["birthDate"] is None


def test_the_demo_rules_are_the_default_outside_production(tmp_path: Path) -> None:
    for env in ("development", "test"):
        assert load_counter_rules(Settings(env=env, data_dir=tmp_path)) == read_counter_rules(demo_rules_path())
    assert load_counter_rules(Settings(env="production", data_dir=tmp_path)).guide == ()


def test_a_configured_rules_file_replaces_the_demo_rules(settings: Settings, clock: ManualClock,
                                                         tmp_path: Path) -> None:
    path = write(tmp_path / "rules.json", {
        "guide": [{"procedure": "tennyu", "events": ["move_in", "move_within"]},
                  {"procedure": "jido-teate", "events": ["birth"], "condition": "child_under_18"}],
        "prefill": {"tennyu": {"householdMembers": "household_size"}}})
    container = build_container(settings.model_copy(update={"counter_rules": path}), clock=clock)
    try:
        rules = container.interviews.rules
        assert [r.procedure for r in rules.guide] == ["tennyu", "jido-teate"]
        assert rules.guide[1].condition is Condition.CHILD_UNDER_18
        assert rules.prefill_for("tennyu") == {"householdMembers": "household_size"}
    finally:
        container.close()


def test_every_problem_of_a_rules_file_is_named_with_its_place(tmp_path: Path) -> None:
    path = write(tmp_path / "rules.json", {
        "guide": [{"procedure": "tennyu", "events": ["mve_in"]},
                  {"events": [], "condition": "rich", "when": "never"},
                  "tenkyo", {"procedure": "tenkyo", "events": [["move_in"]], "condition": {}}],
        "prefill": {"tennyu": {"householdMembers": "income"}, "tenkyo": []},
        "extra": 1})
    with pytest.raises(CounterRulesError) as refused:
        read_counter_rules(path)
    message = str(refused.value)
    for problem in ("extra: unknown key",
                    "guide[0].events[0]: 'mve_in' is not a life event (one of move_in,",
                    "guide[1].procedure: required", "guide[1].events: required, a non-empty list",
                    "guide[1].condition: 'rich' is not a condition", "guide[1].when: unknown key",
                    "guide[2]: must be an object", "guide[3].events[0]: ['move_in'] is not a life event",
                    "guide[3].condition: {} is not a condition",
                    "prefill.tennyu.householdMembers: 'income' is not an item (one of name,",
                    "prefill.tenkyo: must be an object"):
        assert problem in message, (problem, message)


@pytest.mark.parametrize("content", [None, "{not json", "[]"])
def test_a_missing_or_unreadable_rules_file_stops_start_up(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "rules.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(CounterRulesError, match=str(path)):
        load_counter_rules(Settings(env="production", data_dir=tmp_path, counter_rules=path))


@pytest.mark.slow  # spawns a process
def test_production_wiring_never_imports_the_demo(tmp_path: Path) -> None:
    rules = write(tmp_path / "rules.json", {"guide": [{"procedure": "tennyu", "events": ["move_in"]}]})
    script = (
        "import sys\n"
        "from api.app import create_app\n"
        "from api.composition import build_container\n"
        "from infra.settings import Settings\n"
        "container = build_container(Settings())\n"
        "create_app(container)\n"
        "assert container.interviews.rules.procedures == {'tennyu'}\n"
        "container.close()\n"
        "print(sorted(m for m in sys.modules if m.startswith('application.demo')))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")}
    env.update(MADOGUCHI_ENV="production", MADOGUCHI_DATA_DIR=str(tmp_path / "var"),
               MADOGUCHI_MASTER_KEY="A" * 43 + "=", MADOGUCHI_COUNTER_RULES=str(rules))
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_guide_follows_the_rules_file(container) -> None:
    from domain.counter.life_events import HouseholdMember, guide

    rules = container.interviews.rules  # the demo city's (test environment)
    child = HouseholdMember(date(2016, 5, 1), "子")
    assert "jido-teate" in [g.procedure for g in guide(LifeEvent.MOVE_IN, [child], date(2026, 4, 1), rules.guide)]
