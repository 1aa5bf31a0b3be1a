"""The city's one ordered event log.

All aggregates of a city (procedures, applications, departments, and later
payments and visits) are stored by one eventsourcing ``Application`` whose
notification sequence is the single global order that projections, the audit
chain and exports follow. Capability services are thin classes over it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding

from domain.shared.errors import Conflict, NotFound
from domain.shared.events import RecordedAggregate
from domain.shared.topics import register_legacy_topics


class CityLog(Application):
    name = "Madoguchi"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        transcodings: Sequence[Transcoding] = (),
    ) -> None:
        self._extra_transcodings = list(transcodings)
        self._listeners: list[Callable[[int], None]] = []
        register_legacy_topics()  # stores written before a class moved keep loading
        super().__init__(env)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        for transcoding in self._extra_transcodings:
            transcoder.register(transcoding)

    def on_saved(self, listener: Callable[[int], None]) -> None:
        """Call ``listener(position)`` after each successful save (in-process wake-ups)."""
        self._listeners.append(listener)

    def store(self, *aggregates: RecordedAggregate) -> int:
        """Save the aggregates' pending events atomically; return the position
        (global notification id) of the last one. A concurrent change of the same
        aggregate, or a second creation of a deterministic id, is a ``Conflict``."""
        try:
            recordings = self.save(*aggregates)
        except IntegrityError as e:
            raise Conflict(
                "the record was changed by someone else, or already exists; reload and retry",
                message_ja="他の操作と競合しました。再読み込みしてやり直してください",
            ) from e
        if not recordings:
            return self.head()
        position = max(r.notification.id for r in recordings)
        for listener in self._listeners:
            listener(position)
        return position

    def load(self, aggregate_class: type[Any], aggregate_id: Any, what: str) -> Any:
        try:
            aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(f"{what} not found", message_ja="見つかりません") from None
        if not isinstance(aggregate, aggregate_class):
            raise NotFound(f"{what} not found", message_ja="見つかりません")
        return aggregate

    def exists(self, aggregate_id: Any) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    def head(self) -> int:
        return self.recorder.max_notification_id() or 0
