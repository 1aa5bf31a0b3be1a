"""Load the demo city, 下野市: its departments, procedures and half a year of applications.

Everything goes through the services' commands, so the demo is made of the same
events as real use and every read model is built from them. The applications
are deterministic for a ``seed``: which procedure, channel, applicant, answers
and lifecycle, and when each step happens (weekdays 08:30–17:15 Japan time for
staff; citizens apply online at any hour). Every step is planned first, then
all steps of all applications run in chronological order, none after ``now``.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from application.applications.service import ApplicationService
from application.catalogue.service import CatalogueService
from application.counter.visits import VisitService
from application.demo.catalogue import DEPARTMENTS, PROCEDURES
from application.demo.planning import Planner
from application.dx.survey import SurveyService
from application.payments.service import PaymentService
from application.shared.results import CommandResult
from domain.applications.status import Status
from domain.catalogue.procedures import Procedure
from domain.payments.payment import PaymentRequired
from domain.shared.context import CITY_TIMEZONE, Actor, CommandContext
from domain.shared.vocabulary import CHANNELS

ADMIN = Actor("demo-admin", "admin")
SETUP_DAYS_BEFORE = 200


@dataclass(frozen=True)
class DemoSummary:
    departments: int
    procedures: int
    online: int
    applications: int
    by_status: dict[str, int]
    by_channel: dict[str, int]
    last_position: int
    visits: int = 0  # counter visits (tickets) of the last weekdays


class DemoAlreadyLoaded(Exception):
    """The demo city (its first department) is already in the log."""


def load_demo_city(
    catalogue: CatalogueService,
    applications: ApplicationService,
    *,
    now: datetime,
    seed: int = 2026,
    application_count: int = 320,
    payments: PaymentService | None = None,
    surveys: SurveyService | None = None,
    visits: VisitService | None = None,
) -> DemoSummary:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if catalogue.department_exists(DEPARTMENTS[0]["code"]):
        raise DemoAlreadyLoaded(f"department {DEPARTMENTS[0]['code']} already exists")
    numbers = itertools.count(1)

    def ctx(actor: Actor, at: datetime) -> CommandContext:
        return CommandContext(actor, at.astimezone(UTC), correlation_id=f"demo-{next(numbers)}")

    results: list[CommandResult] = []
    setup_at = now - timedelta(days=SETUP_DAYS_BEFORE)
    for department in DEPARTMENTS:
        results.append(catalogue.establish_department(ctx(ADMIN, setup_at), **department))
    online = 0
    procedures: list[Procedure] = []
    for definition in PROCEDURES:
        fields = {k: v for k, v in definition.items() if k != "online"}
        results.append(catalogue.define_procedure(ctx(ADMIN, setup_at), **fields))
        if definition.get("online") and "online" in definition["channels"]:
            results.append(catalogue.publish_online(ctx(ADMIN, setup_at), definition["code"]))
            online += 1
        procedures.append(catalogue.get_procedure(definition["code"]))

    planner = Planner(random.Random(seed), procedures, now)
    plans = [planner.plan(i, status) for i, status in enumerate(planner.statuses(application_count))]
    steps = sorted(step for plan in plans for step in plan.steps)
    ids: dict[int, str] = {}
    for step in steps:
        c = ctx(step.actor, step.at)
        if step.kind == "submit":
            result = applications.submit(c, **step.payload)
            ids[step.app] = result.id
            application = applications.get(result.id)
            if application.status is Status.AWAITING_CONFIRMATION:  # the applicant opened the link
                application.confirm_email(c)
                result = CommandResult(result.id, applications.log.store(application))
        elif step.kind in ("return_for_correction", "reject", "withdraw"):
            result = getattr(applications, step.kind)(c, ids[step.app], step.payload["reason"])
        elif step.kind == "resubmit":
            result = applications.resubmit(c, ids[step.app], step.payload["answers"])
        else:
            if step.kind == "complete" and payments is not None:
                _pay_at_counter(payments, c, ids[step.app], step.app)
            result = getattr(applications, step.kind)(c, ids[step.app])
        results.append(result)

    if surveys is not None:
        results += _survey(surveys, procedures, now, ctx)
    tickets = 0
    if visits is not None:
        from application.demo.counter import load_demo_counter

        counter, counter_results = load_demo_counter(visits, now=now, ctx=ctx)
        results += counter_results
        tickets = counter.visits

    by_status = Counter(plan.status.value for plan in plans)
    by_channel = Counter(plan.channel for plan in plans)
    return DemoSummary(
        departments=len(DEPARTMENTS),
        procedures=len(procedures),
        online=online,
        applications=len(plans),
        by_status={s.value: by_status.get(s.value, 0) for s in Status},
        by_channel={ch: by_channel.get(ch, 0) for ch in CHANNELS},
        last_position=max(r.position for r in results),
        visits=tickets,
    )


DX_TEAM = Actor("demo-dx-team", "admin")
SURVEY_CODE = "dx-2026"
SURVEY_OWNERS = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村"]
SURVEY_BLOCKERS = ["", "押印が必要（規則改正待ち）", "添付書類の原本確認が必要", "基幹システムとの連携が未整備"]


def _survey(surveys: SurveyService, procedures: list[Procedure], now: datetime, ctx: Any) -> list[CommandResult]:
    """The DX team's survey: opened 40 days ago, due 10 days ago; every department
    but the last has answered about each procedure not yet online (and about its
    first procedure), one answer revised; a third of the target dates have passed."""
    rng = random.Random(7)
    departments = [d["code"] for d in DEPARTMENTS]
    results = [surveys.open_survey(
        ctx(DX_TEAM, now - timedelta(days=40)), code=SURVEY_CODE, title="手続オンライン化調査（令和8年度）",
        deadline=(now - timedelta(days=10)).astimezone(CITY_TIMEZONE).date().isoformat(),
        departments=departments)]
    today = now.astimezone(CITY_TIMEZONE).date()
    answered = set(departments[:-1])  # the last department has not answered: a reminder
    n = 0
    seen: set[str] = set()
    for procedure in procedures:
        first = procedure.department not in seen  # every department answers at least once
        seen.add(procedure.department)
        if procedure.department not in answered or (procedure.online and not first):
            continue
        n += 1
        staff = Actor(f"demo-staff-{procedure.department}", "staff", procedure.department)
        possible = n % 5 != 0
        target = (today + timedelta(days=rng.randint(-60, -5) if n % 3 == 0 else rng.randint(10, 300))) \
            if possible else None
        at = now - timedelta(days=30 - n % 20, hours=1)
        results.append(surveys.answer(
            ctx(staff, at), SURVEY_CODE, procedure_code=procedure.code, online_possible=possible,
            owner=f"{rng.choice(SURVEY_OWNERS)}（{procedure.department}）",
            target_date=target.isoformat() if target else None, blockers=rng.choice(SURVEY_BLOCKERS)))
        if n == 2 and target is not None:  # a department revises its plan: later, same procedure
            results.append(surveys.answer(
                ctx(staff, at + timedelta(days=3)), SURVEY_CODE, procedure_code=procedure.code,
                online_possible=True, owner=f"{SURVEY_OWNERS[0]}（{procedure.department}）",
                target_date=(target + timedelta(days=60)).isoformat(), blockers="予算確保のため延期"))
    return results


def _pay_at_counter(payments: PaymentService, c: CommandContext, app_id: str, index: int) -> None:
    """A fee-bearing application is completed only once paid: the demo's are paid
    at the counter just before, in cash, by card terminal or by QR code."""
    try:
        payments.require_paid(c, payments.applications.get(app_id))
    except PaymentRequired:
        method = ("counter_cash", "counter_card", "counter_qr")[index % 3]
        payments.record_counter_payment(c, app_id, method, f"DEMO-{index:05d}")
