"""What a command returns: the affected id and the position of its last event."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommandResult:
    id: str
    position: int
