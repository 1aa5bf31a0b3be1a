"""GraphQL for DX progress dashboards (DX推進ダッシュボード) and survey campaigns.

Dashboards are aggregates only: counts, rates, medians and percentiles per
calendar month (Japan time); no citizen's data. Plans name their owner (a staff
member) only for staff, managers and administrators; analysts and auditors get
``owner: null``. Survey answers (owner, blockers) are shown to the answering
department's staff and managers and to administrators; others see which
departments have answered (reminders) and counts."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.graphql.shared.context import ApiContext
from api.graphql.shared.errors import ApiError
from api.graphql.shared.types import CommandPayload
from application.shared.access import Rule, authorize
from domain.shared.context import CITY_TIMEZONE, Actor
from domain.shared.errors import NotFound
from projections.dx import dashboard as model
from projections.dx import figures

DX = (model.DxDashboard.name,)
MAX_PERIOD_DAYS = 731
From = Annotated[date, strawberry.argument(name="from", description="first day (Japan time)")]
OWNER_ROLES = frozenset({"staff", "manager", "admin"})


@strawberry.type(description="ひと月の指標 / the figures of one calendar month (Japan time); see docs/analytics.md")
class MonthFigures:
    month: str = strawberry.field(description="YYYY-MM")
    first_day: str
    last_day: str
    as_of: str = strawberry.field(description="the day procedure and plan figures are taken at")
    procedures: int
    procedures_online: int
    online_rate: float | None
    procedures_from_template: int
    planned: int = strawberry.field(description="not yet online, can go online, with a target date")
    planned_overdue: int = strawberry.field(description="planned whose target date has passed")
    applications: int
    applications_online: int
    applications_counter: int
    applications_mail: int
    online_share: float | None
    completed: int
    median_days: float | None = strawberry.field(description="submission to completion, days")
    p90_days: float | None
    completed_overdue: int = strawberry.field(description="completed after 標準処理期間")
    open_overdue: int = strawberry.field(description="not finished and past 標準処理期間 at asOf")
    received: int
    returned: int
    return_rate: float | None = strawberry.field(description="returns for correction / receipts")
    visits: int
    mean_wait_minutes: float | None
    p90_wait_minutes: float | None
    no_shows: int
    fees_yen: int
    cashless_fees_yen: int
    cashless_share: float | None = strawberry.field(description="cashless yen / all fees collected")


@strawberry.type(description="オンライン化計画 / a procedure's plan from the latest survey answer")
class PlanItem:
    procedure_code: str
    procedure_name_ja: str
    department: str
    online_possible: bool
    target_date: str | None
    owner: str | None = strawberry.field(description="staff name; null for analysts and auditors")
    state: str = strawberry.field(description="online, on_track, overdue, no_target or not_possible")
    answered_at: str


@strawberry.type
class Dashboard:
    scope: str = strawberry.field(description="city or department")
    department: str | None
    department_name_ja: str | None
    first_day: str
    last_day: str
    months: list[MonthFigures]
    plans: list[PlanItem]

    @classmethod
    def of(cls, d: figures.Dashboard, actor: Actor) -> Dashboard:
        show_owner = actor.role in OWNER_ROLES
        return cls(
            scope=d.scope, department=d.department, department_name_ja=d.department_name_ja,
            first_day=d.first_day, last_day=d.last_day,
            months=[MonthFigures(**asdict(m)) for m in d.months],
            plans=[PlanItem(**{**asdict(p), "owner": p.owner if show_owner else None}) for p in d.plans],
        )


@strawberry.type
class SurveyAnswer:
    department: str
    procedure_code: str
    online_possible: bool
    owner: str
    target_date: str | None
    blockers: str
    revisions: int
    answered_at: str


@strawberry.type(description="DXアンケート / a survey campaign and who has not answered yet")
class Survey:
    code: str
    title: str
    deadline: str
    past_deadline: bool
    departments: list[str]
    answered_departments: list[str]
    unanswered_departments: list[str] = strawberry.field(description="reminders: not answered yet")
    answer_count: int
    answers: list[SurveyAnswer] = strawberry.field(
        description="the latest answer per procedure: your department's (staff, managers), all (admins)")


def period(first: date, last: date) -> None:
    if last < first or (last - first).days > MAX_PERIOD_DAYS:
        raise ApiError(f"the period must be 0-{MAX_PERIOD_DAYS} days", "VALIDATION_FAILED",
                       field="to", rule="range")


def today(ctx: ApiContext) -> date:
    return ctx.container.clock.now().astimezone(CITY_TIMEZONE).date()


@strawberry.type
class DashboardQuery:
    @strawberry.field(description="全庁ダッシュボード / the city's monthly DX figures")
    async def city_dashboard(self, info: Info[ApiContext, None], from_: From,
                             to: date,
                             at_least_position: int | None = None) -> Dashboard:
        ctx = info.context
        authorize(ctx.actor, "cityDashboard")
        period(from_, to)
        await ctx.wait_for(at_least_position, DX)
        d = await ctx.read(lambda s: figures.city_dashboard(s, from_, to, today(ctx)))
        return Dashboard.of(d, ctx.actor)

    @strawberry.field(description="課別ダッシュボード（全課）/ every department's monthly DX figures")
    async def department_dashboards(self, info: Info[ApiContext, None],
                                    from_: From, to: date,
                                    at_least_position: int | None = None) -> list[Dashboard]:
        ctx = info.context
        authorize(ctx.actor, "departmentDashboards")
        period(from_, to)
        await ctx.wait_for(at_least_position, DX)
        ds = await ctx.read(lambda s: figures.department_dashboards(s, from_, to, today(ctx)))
        return [Dashboard.of(d, ctx.actor) for d in ds]

    @strawberry.field(description="課別ダッシュボード / one department's monthly DX figures")
    async def department_dashboard(self, info: Info[ApiContext, None], code: str,
                                   from_: From,
                                   to: date,
                                   at_least_position: int | None = None) -> Dashboard:
        ctx = info.context
        authorize(ctx.actor, "departmentDashboard", department=code)
        period(from_, to)
        await ctx.wait_for(at_least_position, DX)
        d = await ctx.read(lambda s: figures.department_dashboard(s, code, from_, to, today(ctx)))
        if d is None:
            raise NotFound(f"department {code} not found", message_ja="課が見つかりません")
        return Dashboard.of(d, ctx.actor)

    @strawberry.field(description="DXアンケート / a survey campaign, its reminders and answers")
    async def survey(self, info: Info[ApiContext, None], code: str,
                     at_least_position: int | None = None) -> Survey:
        ctx = info.context
        actor = ctx.actor
        rule = authorize(actor, "survey")
        await ctx.wait_for(at_least_position, DX)
        v = await ctx.read(lambda s: model.get_survey(s, code))
        if v is None:
            raise NotFound(f"survey {code} not found", message_ja="アンケートが見つかりません")
        if actor.role == "admin":
            visible = v.answers
        elif actor.role in ("staff", "manager") and rule is not Rule.DENY:
            visible = [a for a in v.answers if a.department == actor.department]
        else:
            visible = []
        return Survey(code=v.code, title=v.title, deadline=v.deadline, past_deadline=v.overdue(today(ctx)),
                      departments=v.departments, answered_departments=v.answered,
                      unanswered_departments=v.unanswered, answer_count=len(v.answers),
                      answers=[SurveyAnswer(**asdict(a)) for a in visible])


@strawberry.type
class DashboardMutation:
    @strawberry.mutation(description="DXアンケートを開始 / open a survey campaign to departments (DX team)")
    async def open_survey(self, info: Info[ApiContext, None], code: str, title: str, deadline: date,
                          departments: list[str]) -> CommandPayload:
        ctx = info.context
        return await ctx.execute(ctx.container.surveys.open_survey, code=code, title=title,
                                 deadline=deadline.isoformat(), departments=departments)

    @strawberry.mutation(description="DXアンケートに回答（再回答は改訂）/ answer or revise, per procedure")
    async def answer_survey(self, info: Info[ApiContext, None], code: str, procedure_code: str,
                            online_possible: bool, owner: str, target_date: date | None = None,
                            blockers: str = "") -> CommandPayload:
        ctx = info.context
        return await ctx.execute(ctx.container.surveys.answer, code, procedure_code=procedure_code,
                                 online_possible=online_possible, owner=owner,
                                 target_date=target_date.isoformat() if target_date else None,
                                 blockers=blockers)
