"""DX dashboards equal an independent recomputation from the raw events.

The demo city (with its survey) plus a morning of counter visits is built
through commands on SQLite and on PostgreSQL; the test then reads every stored
event back from the log and recomputes each monthly figure with plain Python
(``statistics`` for medians and percentiles, datetimes rather than stored text),
without any projection code, and compares with what the read model serves."""

from __future__ import annotations

import statistics
import uuid
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from api.composition import Container
from application.demo.catalogue import DEPARTMENTS
from application.demo.loader import SURVEY_CODE, load_demo_city
from application.projection.reading import read_session
from domain.shared.context import CITY_TIMEZONE, Actor, CommandContext
from infra.clock import ManualClock
from projections.dx import dashboard as model
from projections.dx import figures as dx_figures

CASHLESS = {"credit_card", "qr_code", "e_money", "pay_easy", "counter_card", "counter_qr"}
SHIMIN = "shimin"


def _ctx(clock: ManualClock, actor: Actor) -> CommandContext:
    return CommandContext(actor, clock.now(), uuid.uuid4().hex)


def _visits(container: Container, clock: ManualClock) -> None:
    """A morning at the 市民課 counter: six tickets, waits of 3-40 minutes, one no-show."""
    admin, staff = Actor("dx-admin", "admin"), Actor("dx-staff", "staff", SHIMIN)
    visits = container.visits
    visits.define_queue(_ctx(clock, admin), code="dx-q", department=SHIMIN, name_ja="証明",
                        name_en="Certificates", prefix="D")
    visits.define_window(_ctx(clock, admin), number=77, name_ja="77番", queues=["dx-q"])
    visits.open_window(_ctx(clock, staff), 77)
    ids = []
    for _ in range(6):
        ids.append(visits.issue_ticket(_ctx(clock, Actor.anonymous()), queue="dx-q").id)
        clock.advance(timedelta(minutes=2))
    for i, visit_id in enumerate(ids[:5]):
        clock.advance(timedelta(minutes=3 + 7 * i))
        visits.call_next(_ctx(clock, staff), 77)
        if i == 2:
            for _ in range(2):
                visits.recall(_ctx(clock, staff), visit_id)
            visits.mark_no_show(_ctx(clock, staff), visit_id)
        else:
            visits.start_service(_ctx(clock, staff), visit_id)
            visits.complete_service(_ctx(clock, staff), visit_id)


@pytest.fixture
def city(container: Container, clock: ManualClock) -> Container:
    load_demo_city(container.catalogue, container.applications, now=clock.now(), application_count=90,
                   payments=container.payments, surveys=container.surveys)
    _visits(container, clock)
    container.engine.catch_up()
    return container


def _events(container: Container) -> list[Any]:
    recorder, mapper = container.log.recorder, container.log.mapper
    out, after = [], 0
    while True:
        batch = recorder.select_notifications(start=after + 1, limit=500)
        if not batch:
            return out
        out += [mapper.to_domain_event(n) for n in batch]
        after = batch[-1].id


def _local(moment: datetime) -> datetime:
    return moment.astimezone(CITY_TIMEZONE)


class Replay:
    """The facts, from the raw events, by plain Python."""

    def __init__(self, events: list[Any]) -> None:
        self.departments: dict[str, str] = {}
        self.procedures: dict[str, dict[str, Any]] = {}
        self.by_id: dict[Any, str] = {}
        self.apps: dict[Any, dict[str, Any]] = {}
        self.reviews: list[tuple[str, str, datetime]] = []
        self.visits: dict[Any, dict[str, Any]] = {}
        self.payments: dict[Any, dict[str, Any]] = {}
        self.answers: list[tuple[datetime, str, bool, str | None]] = []
        for e in events:
            name, ts = type(e).__name__, e.timestamp
            if name == "DepartmentEstablished":
                self.departments[e.code] = e.name_ja
            elif name == "ProcedureDefined":
                self.procedures[e.code] = {"dept": e.department, "template": e.template_code,
                                           "days": e.processing_days, "defined": ts, "changes": []}
                self.by_id[e.originator_id] = e.code
            elif name in ("ProcedurePublishedOnline", "ProcedureWithdrawnOnline", "ProcedureRetired"):
                self.procedures[self.by_id[e.originator_id]]["changes"].append((ts, name))
            elif name == "ApplicationSubmitted":
                days = self.procedures[e.procedure_code]["days"]
                self.apps[e.originator_id] = {"dept": e.department, "channel": e.channel, "submitted": ts,
                                              "due": ts + timedelta(days=days), "completed": None, "end": None}
            elif name in ("ApplicationReceived", "ApplicationReturned"):
                self.reviews.append((self.apps[e.originator_id]["dept"], name, ts))
            elif name in ("ApplicationCompleted", "ApplicationRejected", "ApplicationWithdrawn"):
                self.apps[e.originator_id]["end"] = ts
                if name == "ApplicationCompleted":
                    self.apps[e.originator_id]["completed"] = ts
            elif name == "TicketIssued":
                self.visits[e.originator_id] = {"dept": e.department, "issued": ts, "called": None,
                                                "no_show": False}
            elif name == "TicketCalled":
                self.visits[e.originator_id]["called"] = self.visits[e.originator_id]["called"] or ts
            elif name == "TicketNoShow":
                self.visits[e.originator_id]["no_show"] = True
            elif name in ("PaymentCreated", "CounterPaymentRecorded"):
                self.payments[e.originator_id] = {"dept": e.department, "method": e.method,
                                                  "amount": e.amount,
                                                  "paid": ts if name == "CounterPaymentRecorded" else None}
            elif name in ("PaymentSucceeded", "LateSuccessRecorded"):
                p = self.payments[e.originator_id]
                p["amount"], p["paid"] = e.amount, p["paid"] or ts
            elif name in ("DepartmentAnswered", "AnswerRevised"):
                self.answers.append((ts, e.procedure_code, e.online_possible, e.target_date))

    def month(self, dept: str | None, first: date, last: date, today: date) -> dict[str, Any]:
        def mine(d: str) -> bool:
            return dept is None or d == dept

        def within(ts: datetime | None) -> bool:
            return ts is not None and first <= _local(ts).date() <= last

        as_of = min(last, today)
        online: dict[str, bool] = {}
        for code, p in self.procedures.items():
            if not mine(p["dept"]) or _local(p["defined"]).date() > as_of:
                continue
            state: bool | None = False
            for ts, name in p["changes"]:
                if _local(ts).date() <= as_of:
                    state = None if name == "ProcedureRetired" else name == "ProcedurePublishedOnline"
            if state is not None:
                online[code] = state
        latest: dict[str, tuple[bool, str | None]] = {}
        for ts, code, possible, target in self.answers:
            if _local(ts).date() <= as_of and code in online:
                latest[code] = (possible, target)
        planned = [c for c, (possible, target) in latest.items() if possible and target and not online[c]]
        apps = [a for a in self.apps.values() if mine(a["dept"])]
        submitted = [a for a in apps if within(a["submitted"])]
        done = [a for a in apps if within(a["completed"])]
        days = [(a["completed"] - a["submitted"]) / timedelta(days=1) for a in done]
        cutoff = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), tzinfo=CITY_TIMEZONE)
        reviews = [r for r in self.reviews if mine(r[0]) and within(r[2])]
        received = sum(1 for r in reviews if r[1] == "ApplicationReceived")
        returned = sum(1 for r in reviews if r[1] == "ApplicationReturned")
        visits = [v for v in self.visits.values() if mine(v["dept"]) and within(v["issued"])]
        waits = [(v["called"] - v["issued"]) / timedelta(minutes=1) for v in visits if v["called"]]
        paid = [p for p in self.payments.values() if mine(p["dept"]) and within(p["paid"])]
        fees = sum(p["amount"] for p in paid)
        cashless = sum(p["amount"] for p in paid if p["method"] in CASHLESS)
        channels = [a["channel"] for a in submitted]

        def share(a: float, b: float) -> float | None:
            return a / b if b else None

        def p90(xs: list[float]) -> float | None:
            if not xs:
                return None
            return xs[0] if len(xs) == 1 else statistics.quantiles(xs, n=10, method="inclusive")[8]

        return {
            "month": first.strftime("%Y-%m"), "first_day": first.isoformat(), "last_day": last.isoformat(),
            "as_of": as_of.isoformat(),
            "procedures": len(online), "procedures_online": sum(online.values()),
            "online_rate": share(sum(online.values()), len(online)),
            "procedures_from_template": sum(1 for c in online if self.procedures[c]["template"]),
            "planned": len(planned),
            "planned_overdue": sum(1 for c in planned if date.fromisoformat(latest[c][1]) < as_of),
            "applications": len(submitted), "applications_online": channels.count("online"),
            "applications_counter": channels.count("counter"), "applications_mail": channels.count("mail"),
            "online_share": share(channels.count("online"), len(channels)),
            "completed": len(done), "median_days": statistics.median(days) if days else None,
            "p90_days": p90(days), "completed_overdue": sum(1 for a in done if a["completed"] > a["due"]),
            "open_overdue": sum(1 for a in apps if a["submitted"] < cutoff and a["due"] < cutoff
                                and (a["end"] is None or a["end"] >= cutoff)),
            "received": received, "returned": returned, "return_rate": share(returned, received),
            "visits": len(visits), "mean_wait_minutes": statistics.mean(waits) if waits else None,
            "p90_wait_minutes": p90(waits), "no_shows": sum(1 for v in visits if v["no_show"]),
            "fees_yen": fees, "cashless_fees_yen": cashless, "cashless_share": share(cashless, fees),
        }


def _months(first: date, last: date) -> list[tuple[date, date]]:
    out, day = [], first
    while day <= last:
        end = day
        while end + timedelta(days=1) <= last and (end + timedelta(days=1)).month == day.month:
            end += timedelta(days=1)
        out.append((day, end))
        day = end + timedelta(days=1)
    return out


def _same(served: dict[str, Any], expected: dict[str, Any], where: str) -> None:
    assert served.keys() == expected.keys(), where
    for key, value in expected.items():
        if isinstance(value, float):
            assert served[key] == pytest.approx(value, rel=1e-9, abs=1e-9), f"{where} {key}"
        else:
            assert served[key] == value, f"{where} {key}: {served[key]!r} != {value!r}"


def test_every_figure_equals_a_recomputation_from_the_raw_events(city: Container, clock: ManualClock) -> None:
    today = _local(clock.now()).date()
    first, last = today - timedelta(days=190), today + timedelta(days=3)
    replay = Replay(_events(city))
    with read_session(city.views, city.projections) as s:
        served = [dx_figures.city_dashboard(s, first, last, today),
                  *dx_figures.department_dashboards(s, first, last, today)]
    months = _months(first, last)
    assert len(months) == 8
    assert [d.department for d in served] == [None, *sorted(replay.departments)]
    for dashboard in served:
        assert len(dashboard.months) == len(months)
        for figures, (a, b) in zip(dashboard.months, months, strict=True):
            expected = replay.month(dashboard.department, a, b, today)
            _same(asdict(figures), expected, f"{dashboard.department or 'city'} {figures.month}")
    city_now = served[0].months[-1]
    # the demo has something in every figure worth checking
    assert city_now.procedures == len(replay.procedures) and 0 < city_now.online_rate < 1
    assert city_now.planned > city_now.planned_overdue > 0
    assert city_now.visits == 6 and city_now.no_shows == 1 and city_now.mean_wait_minutes
    totals = [m for d in served[:1] for m in d.months]
    assert sum(m.completed for m in totals) > 20 and any(m.p90_days for m in totals)
    assert sum(m.returned for m in totals) > 0 and sum(m.fees_yen for m in totals) > 0


def test_the_survey_lists_who_has_not_answered(city: Container) -> None:
    with read_session(city.views, city.projections) as s:
        survey = model.get_survey(s, SURVEY_CODE)
    assert survey is not None
    assert survey.unanswered == [DEPARTMENTS[-1]["code"]]
    assert any(a.revisions == 1 for a in survey.answers)
    assert survey.overdue(date.fromisoformat(survey.deadline) + timedelta(days=1))
    assert not survey.overdue(date.fromisoformat(survey.deadline))
