"""Queue (待ち行列) of counter visits (来庁): it belongs to one department and has
a ticket prefix letter (``A`` in ``A-012``)."""

from __future__ import annotations

import re
from uuid import UUID, uuid5

from domain.catalogue.departments import department_code_errors, name_errors
from domain.shared.context import CommandContext
from domain.shared.errors import FieldError, ValidationFailed
from domain.shared.events import Created, RecordedAggregate

QUEUE_CODE = re.compile(r"^[a-z][a-z0-9-]{1,31}$")
TICKET_PREFIX = re.compile(r"^[A-Z]$")
_NAMESPACE = UUID("2d0c9a4e-7a51-4f0e-9e0c-6b1f3e8d5a77")


def queue_id(code: str) -> UUID:
    """Deterministic id: defining a queue code twice collides in the event store."""
    return uuid5(_NAMESPACE, f"queue:{code}")


def queue_code_errors(code: object, path: str) -> list[FieldError]:
    if isinstance(code, str) and QUEUE_CODE.match(code):
        return []
    return [
        FieldError(
            path, "pattern", "queue code must be 2-32 lowercase letters, digits or hyphens",
            "窓口の待ち行列コードは英小文字・数字・ハイフンの2〜32文字で入力してください",
        )
    ]


class QueueDefined(Created):
    code: str
    department: str
    name_ja: str
    name_en: str
    prefix: str

    def apply(self, aggregate: Queue) -> None:
        aggregate.code = self.code
        aggregate.department = self.department
        aggregate.name_ja = self.name_ja
        aggregate.name_en = self.name_en
        aggregate.prefix = self.prefix


class Queue(RecordedAggregate):
    """A line of visitors for one kind of business, e.g. 市民課 証明 (prefix A)."""

    code: str
    department: str
    name_ja: str
    name_en: str
    prefix: str

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def define(
        cls, ctx: CommandContext, *, code: str, department: str, name_ja: str, name_en: str,
        prefix: str,
    ) -> Queue:
        errors = [
            *queue_code_errors(code, "code"),
            *department_code_errors(department, "department"),
            *name_errors(name_ja, "nameJa", 100),
            *name_errors(name_en, "nameEn", 100),
        ]
        if not (isinstance(prefix, str) and TICKET_PREFIX.match(prefix)):
            errors.append(
                FieldError("prefix", "pattern", "the ticket prefix is one letter A-Z",
                           "番号札の記号は英大文字1文字（A〜Z）です")
            )
        if errors:
            raise ValidationFailed(errors)
        return cls.start(
            ctx, QueueDefined, id=queue_id(code), code=code, department=department,
            name_ja=name_ja.strip(), name_en=name_en.strip(), prefix=prefix,
        )
