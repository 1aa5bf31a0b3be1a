"""Reads the counter's 手続きナビ rules (``domain/counter/rules.py``) from a JSON file:
``MADOGUCHI_COUNTER_RULES``; unset outside production, the demo city's file
(``application/demo/catalogue/life_events.json``, located without importing the
demo package); unset in production, no rules (the guide lists nothing).

The file is checked as a whole; every problem is reported with its place in the
file (``guide[3].events[0]``) and the rule it breaks, and start-up stops::

    {"guide": [{"procedure": "tennyu", "events": ["move_in"], "condition": "always"}, ...],
     "prefill": {"tenkyo": {"previousAddress": "address", "birthDate": null}, ...}}
"""

from __future__ import annotations

import json
import logging
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Any

from domain.counter.interviews import ITEMS
from domain.counter.life_events import Condition, GuideRule, LifeEvent
from domain.counter.rules import NO_RULES, CounterRules, PrefillMapping
from infra.settings import Settings

log = logging.getLogger("madoguchi.counter_rules")
GUIDE_KEYS = frozenset({"procedure", "events", "condition"})
EVENTS = tuple(e.value for e in LifeEvent)
CONDITIONS = tuple(c.value for c in Condition)


class CounterRulesError(ValueError):
    """The rules file is missing, not JSON, or breaks a rule (each problem named)."""


def demo_rules_path() -> Path:
    return Path(str(files("application").joinpath("demo", "catalogue", "life_events.json")))


def counter_rules_path(settings: Settings) -> Path | None:
    if settings.counter_rules is not None:
        return settings.counter_rules
    return None if settings.env == "production" else demo_rules_path()


def load_counter_rules(settings: Settings) -> CounterRules:
    path = counter_rules_path(settings)
    if path is None:
        log.warning("MADOGUCHI_COUNTER_RULES is unset: the life-event guide (手続きナビ) lists nothing")
        return NO_RULES
    return read_counter_rules(path)


def read_counter_rules(path: Path) -> CounterRules:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise CounterRulesError(f"counter rules {path}: cannot be read ({e.strerror or e})") from None
    except ValueError as e:
        raise CounterRulesError(f"counter rules {path}: not JSON ({e})") from None
    problems: list[str] = []
    rules = parse_counter_rules(data, problems)
    if problems:
        raise CounterRulesError(f"counter rules {path}:\n  " + "\n  ".join(problems))
    return rules


def parse_counter_rules(data: Any, problems: list[str]) -> CounterRules:
    """The rules in ``data``; each problem found is appended to ``problems``."""
    if not isinstance(data, dict):
        problems.append("the file must hold an object with `guide` and `prefill`")
        return NO_RULES
    problems.extend(f"{key}: unknown key (expected guide, prefill)" for key in data if key not in ("guide", "prefill"))
    guide = data.get("guide", [])
    if not isinstance(guide, list):
        problems.append("guide: must be a list of rules")
        guide = []
    prefill = data.get("prefill", {})
    if not isinstance(prefill, dict):
        problems.append("prefill: must be an object (procedure -> field -> item)")
        prefill = {}
    rules = [r for i, raw in enumerate(guide) if (r := _guide_rule(raw, f"guide[{i}]", problems))]
    mappings = {str(code): _prefill(raw, f"prefill.{code}", problems) for code, raw in prefill.items()}
    return CounterRules(tuple(rules), MappingProxyType(mappings))


def _guide_rule(raw: Any, where: str, problems: list[str]) -> GuideRule | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be an object with procedure, events and condition")
        return None
    before = len(problems)
    problems.extend(f"{where}.{key}: unknown key" for key in raw if key not in GUIDE_KEYS)
    procedure = raw.get("procedure")
    if not isinstance(procedure, str) or not procedure:
        problems.append(f"{where}.procedure: required, a procedure code")
    events = raw.get("events")
    if not isinstance(events, list) or not events:
        problems.append(f"{where}.events: required, a non-empty list of life events")
        events = []
    allowed = ", ".join(EVENTS)
    for j, event in enumerate(events):
        if not (isinstance(event, str) and event in EVENTS):
            problems.append(f"{where}.events[{j}]: {event!r} is not a life event (one of {allowed})")
    condition = raw.get("condition", Condition.ALWAYS.value)
    if not (isinstance(condition, str) and condition in CONDITIONS):
        problems.append(f"{where}.condition: {condition!r} is not a condition (one of {', '.join(CONDITIONS)})")
    if len(problems) > before:
        return None
    return GuideRule(procedure, frozenset(LifeEvent(e) for e in events), Condition(condition))


def _prefill(raw: Any, where: str, problems: list[str]) -> PrefillMapping:
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be an object (form field -> item or null)")
        return MappingProxyType({})
    for key, item in raw.items():
        if item is not None and item not in ITEMS:
            problems.append(f"{where}.{key}: {item!r} is not an item (one of {', '.join(ITEMS)}, or null)")
    return MappingProxyType({str(k): v for k, v in raw.items()})
