"""Generic GraphQL types every capability uses: labels in Japanese and English,
the shared vocabulary's enums (channels, assurance levels), pages and command
payloads. A capability's own types live in ``api/graphql/<capability>/types.py``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

import strawberry

from domain.shared.vocabulary import ASSURANCE_LABELS, CHANNEL_LABELS


def labelled_enum(name: str, labels: Mapping[str, tuple[str, str]], description: str) -> Any:
    """A GraphQL enum whose every value carries its Japanese and English label
    (``"オンライン / Online"``) from the domain's vocabulary, so the SDL, GraphiQL and
    the README's enum table (tested) show them. Names are the values upper-cased."""
    return strawberry.enum(
        Enum(name, {value.upper(): strawberry.enum_value(value, description=f"{ja} / {en}")
                    for value, (ja, en) in labels.items()}),
        description=description)


def member_labels(members: Iterable[Any]) -> dict[str, tuple[str, str]]:
    """``value → (ja, en)`` of a domain enum whose members have ``label_ja`` / ``label_en``."""
    return {m.value: (m.label_ja, m.label_en) for m in members}


ChannelEnum = labelled_enum("Channel", CHANNEL_LABELS, "受付方法 / channel")
AssuranceEnum = labelled_enum("Assurance", ASSURANCE_LABELS, "本人確認の水準 / identity assurance level")


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
