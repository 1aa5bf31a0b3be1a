"""Reading read models: one consistent read, with each projection's serving
tables, or with the tables of one snapshot namespace (``snap_<label>``, built
by ``madoguchi projections rebuild NAME --until-position P``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from application.projection.base import Projection, Tables
from application.projection.state import active_generations, all_states
from application.shared.ports import ViewCursor, ViewStore


@dataclass
class ReadSession:
    cur: ViewCursor
    generations: dict[str, int]
    projections: dict[str, Projection]
    namespace: str = ""

    def tables(self, name: str) -> Tables:
        """The tables to read ``name`` from; KeyError when the namespace has no
        finished snapshot of it."""
        return Tables(self.projections[name].tables, self.generations[name], self.namespace)


@contextmanager
def read_session(
    store: ViewStore, projections: Sequence[Projection], namespace: str | None = None
) -> Iterator[ReadSession]:
    """Read the serving generations, or with ``namespace`` the finished
    snapshots of that namespace (never one still being built)."""
    with store.read() as cur:
        if namespace:
            generations = {
                gs.name: gs.generation for gs in all_states(cur)
                if gs.namespace == namespace and gs.status == "snapshot"
            }
        else:
            generations = {name: gs.generation for name, gs in active_generations(cur).items()}
        yield ReadSession(cur, generations, {p.name: p for p in projections}, namespace or "")


def positions(store: ViewStore, names: Sequence[str]) -> dict[str, int]:
    with store.read() as cur:
        active = active_generations(cur)
    return {name: active[name].position if name in active else 0 for name in names}
