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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from application.applications.service import ApplicationService
from application.catalogue.service import CatalogueService
from application.counter.visits import VisitService
from application.demo.answers import Person, generate_answers
from application.demo.catalogue import DEMO_APPLICANTS, DEPARTMENTS, PROCEDURES
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
HISTORY_DAYS = 180
OPEN_AT, CLOSE_AT = time(8, 30), time(17, 15)

# the share of applications ending in each status
STATUS_SHARES: dict[Status, float] = {
    Status.SUBMITTED: 0.10, Status.RECEIVED: 0.15, Status.RETURNED: 0.06,
    Status.RESUBMITTED: 0.04, Status.APPROVED: 0.10, Status.COMPLETED: 0.45,
    Status.REJECTED: 0.04, Status.WITHDRAWN: 0.06,
}
# applications still open are recent: at most this many days old
RECENT_DAYS = {
    Status.SUBMITTED: 14, Status.RECEIVED: 60, Status.RETURNED: 60,
    Status.RESUBMITTED: 45, Status.APPROVED: 30,
}
CHANNEL_WEIGHTS = {"online": 8, "counter": 4, "mail": 2}
RETURN_REASONS = [
    "添付書類が不足しています",
    "本人確認書類の写しが不鮮明です。再度ご提出ください",
    "記載内容に不備があります（生年月日の記入漏れ）",
    "振込先口座の名義が申請者と異なります",
]
REJECT_REASONS = [
    "支給要件（所得制限）を満たしていないため",
    "申請期限を過ぎているため",
    "対象区域外のため",
]
WITHDRAW_REASONS = ["申請内容を誤ったため取り下げます", "別の方法で手続きを済ませたため", ""]


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


@dataclass(order=True)
class Step:
    at: datetime
    app: int
    seq: int
    kind: str = field(compare=False)
    actor: Actor = field(compare=False)
    payload: dict[str, Any] = field(compare=False, default_factory=dict)


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

    planner = _Planner(random.Random(seed), procedures, now)
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


# --- planning -------------------------------------------------------------------


@dataclass
class Plan:
    status: Status
    channel: str
    steps: list[Step]


def _usable_channels(procedure: Procedure) -> list[str]:
    """Online only where identity can be met online today (not ``jpki_signature``)."""
    return [
        ch for ch in procedure.channels
        if procedure.accepts(ch)
        and (ch != "online" or procedure.assurance in ("none", "account"))
    ]


def _office_time(moment: datetime, rng: random.Random) -> datetime:
    """``moment``, or the next moment the city hall is open (weekdays 08:30–17:15)."""
    local = moment.astimezone(CITY_TIMEZONE)
    day = local.date()
    if local.weekday() < 5 and OPEN_AT <= local.time() <= CLOSE_AT:
        return local
    if local.weekday() < 5 and local.time() < OPEN_AT:
        return _at(day, OPEN_AT) + timedelta(minutes=rng.randint(0, 90))
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return _at(day, OPEN_AT) + timedelta(minutes=rng.randint(0, 120))


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=CITY_TIMEZONE)


class _Planner:
    def __init__(self, rng: random.Random, procedures: list[Procedure], now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.procedures = [p for p in procedures if _usable_channels(p)]
        # certificates (with a fee) are asked for more often than the rest
        self.weights = [3 if p.fee_yen > 0 else 1 for p in self.procedures]
        self.people = [Person(entry) for entry in DEMO_APPLICANTS]
        today = now.astimezone(CITY_TIMEZONE).date()
        self.days = [today - timedelta(days=n) for n in range(HISTORY_DAYS + 1)]
        # the spring rush of moves, school entries and tax returns
        self.day_weights = [2.0 if d.month in (3, 4) else 1.0 for d in self.days]

    def statuses(self, count: int) -> list[Status]:
        """Final statuses in their shares (largest remainder), in a random order."""
        exact = {s: share * count for s, share in STATUS_SHARES.items()}
        quota = {s: int(v) for s, v in exact.items()}
        for s in sorted(exact, key=lambda s: exact[s] - quota[s], reverse=True)[
            : count - sum(quota.values())
        ]:
            quota[s] += 1
        statuses = [s for s, n in quota.items() for _ in range(n)]
        self.rng.shuffle(statuses)
        return statuses

    def plan(self, index: int, status: Status) -> Plan:
        rng = self.rng
        procedure = rng.choices(self.procedures, self.weights)[0]
        channels = _usable_channels(procedure)
        channel = rng.choices(channels, [CHANNEL_WEIGHTS[ch] for ch in channels])[0]
        who = rng.randrange(len(self.people))
        person = self.people[who]
        if channel != "online":
            submitter = Actor(f"demo-staff-{procedure.department}", "staff", procedure.department)
        elif procedure.assurance == "none":
            submitter = Actor.anonymous()
        else:
            submitter = Actor(f"demo-citizen-{who}", "citizen")
        for attempt in range(60):
            recent = RECENT_DAYS.get(status, HISTORY_DAYS) if attempt < 30 else HISTORY_DAYS
            submitted_at = self._submission_time(channel, recent)
            timeline = self._timeline(status, channel, procedure, submitted_at)
            if timeline[-1][0] < self.now:
                break
        else:  # pragma: no cover - only when ``now`` leaves no room at all
            raise ValueError("cannot fit the demo applications before now")
        staff = Actor(f"demo-staff-{procedure.department}", "staff", procedure.department)
        owner = submitter if submitter.role == "citizen" else staff
        form = procedure.current_form
        others = [p for i, p in enumerate(self.people) if i != who]

        def answers(at: datetime) -> dict[str, Any]:
            today = at.astimezone(CITY_TIMEZONE).date()
            return generate_answers(form, person, others, today=today, rng=rng)

        email = person.email if channel == "online" or rng.random() < 0.3 else None
        steps = [
            Step(submitted_at, index, 0, "submit", submitter, {
                "procedure_code": procedure.code, "channel": channel,
                "applicant_name": person.name, "answers": answers(submitted_at),
                "form_version": form.version, "contact_email": email,
            })
        ]
        for seq, (at, kind) in enumerate(timeline[1:], start=1):
            payload: dict[str, Any] = {}
            actor = staff
            if kind == "return_for_correction":
                payload["reason"] = rng.choice(RETURN_REASONS)
            elif kind == "reject":
                payload["reason"] = rng.choice(REJECT_REASONS)
            elif kind == "withdraw":
                payload["reason"] = rng.choice(WITHDRAW_REASONS)
                actor = owner
            elif kind == "resubmit":
                payload["answers"] = answers(at)
                actor = owner
            steps.append(Step(at, index, seq, kind, actor, payload))
        return Plan(status, channel, steps)

    def _submission_time(self, channel: str, recent: int) -> datetime:
        rng = self.rng
        n = min(recent, HISTORY_DAYS) + 1
        while True:
            day = rng.choices(self.days[:n], self.day_weights[:n])[0]
            if channel == "online":  # citizens apply from home, any day, mostly evenings
                minutes = rng.choice([rng.randint(7 * 60, 24 * 60 - 1), rng.randint(19 * 60, 23 * 60)])
                moment = _at(day, time(0)) + timedelta(minutes=minutes)
            elif day.weekday() >= 5:
                continue
            else:
                moment = _at(day, OPEN_AT) + timedelta(minutes=rng.randint(0, 8 * 60 + 15))
            if moment < self.now - timedelta(minutes=5):
                return moment

    def _timeline(
        self, status: Status, channel: str, procedure: Procedure, submitted_at: datetime
    ) -> list[tuple[datetime, str]]:
        """(time, command) of each step: the submission, then the staff's and the applicant's."""
        rng = self.rng
        path = self._path(status)
        same_day = channel == "counter" and (procedure.processing_days <= 3 or rng.random() < 0.3)
        timeline = [(submitted_at, "submit")]
        for kind in path:
            previous = timeline[-1][0]
            if same_day and kind in ("receive", "approve", "complete"):
                delay = timedelta(minutes=rng.randint(3, 25))
            elif kind == "receive":
                delay = timedelta(hours=rng.randint(2, 72)) if channel != "counter" \
                    else timedelta(minutes=rng.randint(3, 30))
            elif kind == "approve":
                days = max(procedure.processing_days, 1)
                delay = timedelta(hours=rng.randint(4, 24 * days + 24))
            elif kind == "resubmit":
                delay = timedelta(hours=rng.randint(12, 24 * 10))
            else:
                delay = timedelta(hours=rng.randint(2, 24 * 5))
            moment = previous + delay
            citizen_acts = kind in ("resubmit", "withdraw") and channel == "online"
            if not citizen_acts:
                moment = _office_time(moment, rng)
            timeline.append((max(moment, previous + timedelta(minutes=1)), kind))
        return timeline

    def _path(self, status: Status) -> list[str]:
        rng = self.rng
        correction = ["receive", "return_for_correction", "resubmit"]
        if status is Status.SUBMITTED:
            return []
        if status is Status.RECEIVED:
            return ["receive"]
        if status is Status.RETURNED:
            return correction[:2]
        if status is Status.RESUBMITTED:
            return correction
        if status is Status.APPROVED:
            return ["receive", "approve"]
        if status is Status.COMPLETED:
            prefix = correction if rng.random() < 0.1 else []
            return [*prefix, "receive", "approve", "complete"]
        if status is Status.REJECTED:
            return ["receive", "reject"]
        return ["receive", "withdraw"] if rng.random() < 0.5 else ["withdraw"]
