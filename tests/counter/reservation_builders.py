"""Builders for reservation (来庁予約) and moving-notice tests: the demo city's
転入届 procedure, a queue's slots on a day, and a moving-service notice."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from api.composition import Container
from application.demo.catalogue.shimin import PROCEDURES
from domain.shared.context import CITY_TIMEZONE, CommandContext
from domain.shared.errors import Conflict

EXAMPLE_NOTICE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "moving-notice.json"


def define_tennyu(container: Container, ctx: CommandContext) -> str:
    """The demo city's 転入届 procedure (department shimin), once."""
    definition = next(p for p in PROCEDURES if p["code"] == "tennyu")
    try:
        container.catalogue.define_procedure(ctx, **{k: v for k, v in definition.items() if k != "online"})
    except Conflict:
        pass
    return "tennyu"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of ``day`` in Japan time."""
    return datetime.combine(day, time(hour, minute), CITY_TIMEZONE)


def slots(day: date, *hours_capacity: tuple[float, int], minutes: int = 30) -> list[tuple[datetime, datetime, int]]:
    """Slots of ``minutes`` starting at the given hours (10.5 = 10:30), each with its capacity."""
    out = []
    for hour, capacity in hours_capacity:
        start = at(day, int(hour), round((hour % 1) * 60))
        out.append((start, start + timedelta(minutes=minutes), capacity))
    return out


def notice(notice_id: str, visit_date: date, **overrides: Any) -> dict[str, Any]:
    """The documented example notice (docs/examples/moving-notice.json) with its id,
    planned visit date and move date set, and ``overrides`` applied (top-level keys)."""
    data = copy.deepcopy(json.loads(EXAMPLE_NOTICE.read_text(encoding="utf-8")))
    data["noticeId"] = notice_id
    data["moveDate"] = (visit_date - timedelta(days=3)).isoformat()
    data["plannedVisit"]["date"] = visit_date.isoformat()
    data.update(overrides)
    return data
