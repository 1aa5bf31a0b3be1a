"""Window (窓口): a numbered counter position that serves one or more queues and
is opened by a member of staff and closed again."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from domain.catalogue.departments import name_errors
from domain.counter.queues import Queue
from domain.counter.visits import instant
from domain.shared.context import CommandContext
from domain.shared.errors import FieldError, InvalidTransition, ValidationFailed
from domain.shared.events import Created, Event, RecordedAggregate

MAX_WINDOW_NUMBER = 999
MAX_QUEUES_PER_WINDOW = 20
_NAMESPACE = UUID("8a3b1f52-0c7d-4e29-b6a4-1d9e2f7c3b58")


def window_id(number: int) -> UUID:
    """Deterministic id: defining a window number twice collides in the event store."""
    return uuid5(_NAMESPACE, f"window:{number}")


class WindowDefined(Created):
    number: int
    name_ja: str
    queues: list[str]
    departments: list[str]  # the departments of ``queues``, in the same order

    def apply(self, aggregate: Window) -> None:
        aggregate.number = self.number
        aggregate.name_ja = self.name_ja
        aggregate.queues = list(self.queues)
        aggregate.departments = list(self.departments)
        aggregate.open = False
        aggregate.staff = None
        aggregate.schedule = []


class WindowOpened(Event):
    staff: str  # the subject of the member of staff at the window

    def apply(self, aggregate: Window) -> None:
        aggregate.open = True
        aggregate.staff = self.staff


class WindowClosed(Event):
    def apply(self, aggregate: Window) -> None:
        aggregate.open = False
        aggregate.staff = None


class WindowSchedulePublished(Event):
    """The published staffing plan of the window: it serves its queues in each
    ``[open, close)`` period (UTC ISO instants, sorted, not overlapping). A new
    publication replaces the previous plan."""

    periods: list[list[str]]

    def apply(self, aggregate: Window) -> None:
        aggregate.schedule = [list(p) for p in self.periods]


class Window(RecordedAggregate):
    """A counter position (窓口 1番) serving one or more queues."""

    number: int
    name_ja: str
    queues: list[str]
    departments: list[str]
    open: bool
    staff: str | None
    schedule: list[list[str]]  # published [open, close) periods

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def define(
        cls, ctx: CommandContext, *, number: int, name_ja: str, queues: list[Queue]
    ) -> Window:
        errors: list[FieldError] = []
        if not (isinstance(number, int) and not isinstance(number, bool)
                and 1 <= number <= MAX_WINDOW_NUMBER):
            errors.append(
                FieldError("number", "range", f"a window number is 1-{MAX_WINDOW_NUMBER}",
                           f"窓口番号は1〜{MAX_WINDOW_NUMBER}の整数です",
                           {"min": 1, "max": MAX_WINDOW_NUMBER})
            )
        errors += name_errors(name_ja, "nameJa", 100)
        codes = [q.code for q in queues]
        if not codes or len(codes) > MAX_QUEUES_PER_WINDOW:
            errors.append(
                FieldError("queues", "required",
                           f"a window serves 1-{MAX_QUEUES_PER_WINDOW} queues",
                           f"窓口が受け持つ待ち行列を1〜{MAX_QUEUES_PER_WINDOW}件指定してください")
            )
        elif len(set(codes)) != len(codes):
            errors.append(
                FieldError("queues", "duplicate_choice", "queues must not repeat",
                           "待ち行列が重複しています")
            )
        if errors:
            raise ValidationFailed(errors)
        return cls.start(
            ctx, WindowDefined, id=window_id(number), number=number, name_ja=name_ja.strip(),
            queues=codes, departments=[q.department for q in queues],
        )

    def open_by(self, ctx: CommandContext) -> None:
        if self.open:
            raise InvalidTransition(f"window {self.number} is already open",
                                    message_ja=f"{self.number}番窓口は既に開いています")
        self.record(ctx, WindowOpened, staff=ctx.actor.subject)

    def close(self, ctx: CommandContext) -> None:
        if not self.open:
            raise InvalidTransition(f"window {self.number} is not open",
                                    message_ja=f"{self.number}番窓口は開いていません")
        self.record(ctx, WindowClosed)

    def publish_schedule(self, ctx: CommandContext, periods: list[tuple[datetime, datetime]]) -> None:
        ordered = sorted(periods)
        for i, (start, end) in enumerate(ordered):
            if start.tzinfo is None or end.tzinfo is None or not start < end:
                raise ValidationFailed.single(f"periods[{i}]", "range", "open < close, timezone-aware",
                                              "開始時刻は終了時刻より前にしてください")
            if i and ordered[i - 1][1] > start:
                raise ValidationFailed.single(f"periods[{i}]", "overlap", "periods must not overlap",
                                              "時間帯が重複しています")
        self.record(ctx, WindowSchedulePublished,
                    periods=[[instant(a), instant(b)] for a, b in ordered])

    def require_open(self) -> None:
        if not self.open:
            raise InvalidTransition(f"window {self.number} is not open",
                                    message_ja=f"{self.number}番窓口は開いていません")
