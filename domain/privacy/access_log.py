"""The personal-data access log (個人情報の閲覧記録): who was shown whose personal data.

Each showing is its own small aggregate with a random id, created by one
``PersonalDataViewed`` event, so concurrent views never conflict with each
other. The viewer, time, correlation and request ids are the event's metadata
(``meta``, ``timestamp``), like for every other event.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain.shared.context import CommandContext
from domain.shared.events import Created, RecordedAggregate


class PersonalDataViewed(Created):
    """``operation`` (e.g. the GraphQL field ``application``) showed ``fields``
    of each record in ``records`` (``{"id", "subject"}``: the record — an
    application, today — and its data subject) to the actor in ``meta``."""

    operation: str
    fields: list[str]
    records: list[dict[str, str]]

    def apply(self, aggregate: PersonalDataAccess) -> None:
        aggregate.operation = self.operation
        aggregate.fields = list(self.fields)
        aggregate.records = list(self.records)


class PersonalDataAccess(RecordedAggregate):
    operation: str
    fields: list[str]
    records: list[dict[str, str]]

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def viewed(
        cls,
        ctx: CommandContext,
        *,
        id: UUID,
        operation: str,
        fields: Sequence[str],
        records: Sequence[tuple[str, str]],
    ) -> PersonalDataAccess:
        """``records``: (record id, data subject) pairs; at least one."""
        if not records:
            raise ValueError("a personal-data view needs at least one record")
        if not operation:
            raise ValueError("a personal-data view needs an operation")
        return cls.start(
            ctx, PersonalDataViewed, id=id, operation=operation,
            fields=sorted(set(fields)),
            records=[{"id": i, "subject": s} for i, s in records],
        )

