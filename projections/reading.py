"""Reading read models: one snapshot, with each projection's serving tables."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from application.ports import ViewCursor, ViewStore
from application.projection import Projection, Tables
from application.projection_state import active_generations


@dataclass
class ReadSession:
    cur: ViewCursor
    generations: dict[str, int]
    projections: dict[str, Projection]

    def tables(self, name: str) -> Tables:
        return Tables(self.projections[name].tables, self.generations[name])


@contextmanager
def read_session(store: ViewStore, projections: Sequence[Projection]) -> Iterator[ReadSession]:
    with store.read() as cur:
        generations = {name: gs.generation for name, gs in active_generations(cur).items()}
        yield ReadSession(cur, generations, {p.name: p for p in projections})


def positions(store: ViewStore, names: Sequence[str]) -> dict[str, int]:
    with store.read() as cur:
        active = active_generations(cur)
    return {name: active[name].position if name in active else 0 for name in names}
