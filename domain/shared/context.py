"""Who did it, when, and as part of which request: recorded on every event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CITY_TIMEZONE = ZoneInfo("Asia/Tokyo")

ROLES = ("citizen", "staff", "manager", "analyst", "auditor", "admin", "system", "anonymous")


@dataclass(frozen=True)
class Actor:
    subject: str
    role: str
    department: str | None = None

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(subject="anonymous", role="anonymous")

    @classmethod
    def system(cls, name: str = "madoguchi") -> Actor:
        return cls(subject=f"system:{name}", role="system")

    @property
    def is_staff(self) -> bool:
        return self.role in ("staff", "manager")


@dataclass(frozen=True)
class EventMeta:
    """Metadata every event carries (see docs/events.md)."""

    actor_subject: str
    actor_role: str
    actor_department: str | None
    correlation_id: str
    request_id: str | None = None

    @property
    def actor(self) -> Actor:
        return Actor(self.actor_subject, self.actor_role, self.actor_department)


@dataclass(frozen=True)
class CommandContext:
    """Passed to every command: the actor, correlation and the time it happens.

    ``occurred_at`` comes from the injected clock of the application layer (or a
    simulation); the domain never reads the wall clock.
    """

    actor: Actor
    occurred_at: datetime
    correlation_id: str
    request_id: str | None = None

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be timezone-aware")
        # Events record UTC, so stored times sort the same whatever offset a caller used.
        object.__setattr__(self, "occurred_at", self.occurred_at.astimezone(UTC))

    @property
    def today(self) -> date:
        """The city's calendar date (Japan time) when the command happens."""
        return self.occurred_at.astimezone(CITY_TIMEZONE).date()

    @property
    def meta(self) -> EventMeta:
        return EventMeta(
            actor_subject=self.actor.subject,
            actor_role=self.actor.role,
            actor_department=self.actor.department,
            correlation_id=self.correlation_id,
            request_id=self.request_id,
        )
