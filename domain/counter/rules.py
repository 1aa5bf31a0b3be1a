"""The counter's 手続きナビ configuration (docs/no-writing-counter.md): city data,
not code. ``guide``: one :class:`GuideRule` per (procedure, household condition)
with the life events it relates to, in the order the counter lists them.
``prefill``: per procedure, form field key -> the citizen's item it is pre-filled
from (one of :data:`~domain.counter.interviews.ITEMS`), or ``None`` to keep a
field the default mapping would fill (e.g. the child's birth date on 出生届) empty.

A city's rules come from a JSON file (``MADOGUCHI_COUNTER_RULES``; the adapter
``infra/counter_rules.py`` reads and checks it); the demo city ships its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from domain.counter.life_events import GuideRule

PrefillMapping = Mapping[str, str | None]


@dataclass(frozen=True)
class CounterRules:
    guide: tuple[GuideRule, ...] = ()
    prefill: Mapping[str, PrefillMapping] = field(default_factory=lambda: MappingProxyType({}))

    def prefill_for(self, procedure: str) -> PrefillMapping:
        return self.prefill.get(procedure, {})

    @property
    def procedures(self) -> frozenset[str]:
        """The procedures the guide names."""
        return frozenset(rule.procedure for rule in self.guide)


NO_RULES = CounterRules()
