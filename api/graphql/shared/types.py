"""Generic GraphQL types every capability uses: labels in Japanese and English,
the shared vocabulary's enums (channels, assurance levels), pages and command
payloads. A capability's own types live in ``api/graphql/<capability>/types.py``."""

from __future__ import annotations

from enum import Enum

import strawberry

from domain.shared.vocabulary import ASSURANCE_LABELS, CHANNEL_LABELS

ChannelEnum = strawberry.enum(
    Enum("Channel", {c.upper(): c for c in CHANNEL_LABELS}), description="受付方法 / channel"
)
AssuranceEnum = strawberry.enum(
    Enum("Assurance", {a.upper(): a for a in ASSURANCE_LABELS}),
    description="本人確認の水準 / identity assurance level",
)


@strawberry.type
class Label:
    ja: str
    en: str


@strawberry.type
class PageInfo:
    end_cursor: str | None
    has_next_page: bool


@strawberry.type
class CommandPayload:
    id: str = strawberry.field(description="The affected record's id (code for procedures)")
    position: int = strawberry.field(
        description="Global position of the command's last event; pass it as atLeastPosition"
    )
