"""GraphQL for counter history (来庁の実績): the congestion forecast (混雑予想)
citizens use to pick a quieter time, and a queue's statistics for one day."""

from __future__ import annotations

from datetime import date as Date

import strawberry
from strawberry.types import Info

from api.graphql.counter.visits import _existing
from api.graphql.shared.context import ApiContext
from application.projection.reading import ReadSession
from application.shared.access import authorize
from projections.counter import history as counter_history


@strawberry.type(description="時間帯別の混雑予想 / the expected wait for an hour of the day")
class HourlyCongestion:
    hour: int = strawberry.field(description="hour of the day, Japan time (8 = 8:00–8:59)")
    expected_wait_minutes: float | None = strawberry.field(description="null: no history for that hour")
    samples: int = strawberry.field(description="tickets the mean is of")


@strawberry.type(description="混雑予想 / congestion forecast for a queue and date")
class CongestionForecast:
    queue: str
    date: str
    weekday: int = strawberry.field(description="ISO weekday, 1 = Monday")
    weeks: int = strawberry.field(description="same weekdays of this many past weeks")
    hours: list[HourlyCongestion]


@strawberry.type
class PurposeServiceTime:
    purpose: str = strawberry.field(description='procedure code; "" for no stated purpose')
    services: int
    mean_minutes: float


@strawberry.type
class WindowBusyTime:
    window: int
    calls: int = strawberry.field(description="calls of this queue's visits to the window")
    busy_minutes: float = strawberry.field(description="call → leaving the window (any queue's visit), summed")
    open_minutes: float = strawberry.field(description="open that day (until now, for today)")
    idle_minutes: float = strawberry.field(description="open and not busy")


@strawberry.type(description="窓口の実績 / a queue's counter statistics for one day")
class CounterStatistics:
    queue: str
    date: str
    tickets: int = strawberry.field(description="tickets issued into the queue")
    served: int
    no_shows: int
    cancelled: int
    transferred_out: int
    mean_wait_minutes: float | None
    median_wait_minutes: float | None
    p90_wait_minutes: float | None
    service_time_by_purpose: list[PurposeServiceTime]
    windows: list[WindowBusyTime]


@strawberry.type
class CounterHistoryQuery:
    @strawberry.field(description="混雑予想 / expected wait by hour (8–17, Japan time) on a date, "
                                  "from the same weekday of the last 8 weeks")
    async def congestion_forecast(
        self, info: Info[ApiContext, None], queue: str, date: Date
    ) -> CongestionForecast:
        ctx = info.context
        authorize(ctx.actor, "congestionForecast")

        def read(s: ReadSession) -> list[counter_history.HourForecast]:
            _existing(s, queue)
            return counter_history.congestion_forecast(s, queue, date)

        hours = await ctx.read(read)
        return CongestionForecast(
            queue=queue, date=date.isoformat(), weekday=date.isoweekday(),
            weeks=counter_history.FORECAST_WEEKS,
            hours=[HourlyCongestion(hour=h.hour, expected_wait_minutes=h.expected_wait_minutes,
                                    samples=h.samples) for h in hours],
        )

    @strawberry.field(description="窓口の実績 / a queue's statistics for one day (Japan time)")
    async def counter_statistics(
        self, info: Info[ApiContext, None], queue: str, date: Date
    ) -> CounterStatistics:
        ctx = info.context
        authorize(ctx.actor, "counterStatistics")
        department = await ctx.read(lambda s: _existing(s, queue))
        authorize(ctx.actor, "counterStatistics", department=department)
        now = ctx.container.clock.now()
        st = await ctx.read(lambda s: counter_history.counter_statistics(s, queue, date, now))
        return CounterStatistics(
            queue=queue, date=st.day, tickets=st.tickets, served=st.served, no_shows=st.no_shows,
            cancelled=st.cancelled, transferred_out=st.transferred_out,
            mean_wait_minutes=st.mean_wait, median_wait_minutes=st.median_wait,
            p90_wait_minutes=st.p90_wait,
            service_time_by_purpose=[PurposeServiceTime(purpose=p.purpose, services=p.services,
                                                        mean_minutes=p.mean_minutes) for p in st.purposes],
            windows=[WindowBusyTime(window=w.window, calls=w.visits, busy_minutes=w.busy_minutes,
                                    open_minutes=w.open_minutes, idle_minutes=w.idle_minutes)
                     for w in st.windows],
        )
