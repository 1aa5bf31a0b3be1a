"""Base classes for the events of every aggregate.

Events are module-level classes named in the past tense (``ApplicationSubmitted``);
each knows how it changes its aggregate (``apply``). Every event carries
:class:`~domain.shared.context.EventMeta` (actor, correlation and request ids) in
``meta``; its ``timestamp`` is the command's ``occurred_at``, taken from the
injected clock, never from the wall clock.
"""

from __future__ import annotations

from typing import Any, Self

from eventsourcing.domain import Aggregate

from domain.shared.context import CommandContext, EventMeta


class Event(Aggregate.Event):
    meta: EventMeta


class Created(Aggregate.Created):
    meta: EventMeta


class RecordedAggregate(Aggregate):
    """An aggregate whose commands take a :class:`CommandContext`."""

    def record(self, ctx: CommandContext, event_class: type[Event], **kwargs: Any) -> None:
        self.trigger_event(event_class, meta=ctx.meta, timestamp=ctx.occurred_at, **kwargs)

    @classmethod
    def start(
        cls, ctx: CommandContext, event_class: type[Created], *, id: Any, **kwargs: Any
    ) -> Self:
        return cls._create(event_class, id=id, meta=ctx.meta, timestamp=ctx.occurred_at, **kwargs)
