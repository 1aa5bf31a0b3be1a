"""Department (課): the unit that owns procedures, inboxes and queues."""

from __future__ import annotations

import re
from uuid import UUID, uuid5

from domain.privacy.individual_number import individual_number_errors
from domain.shared.context import CommandContext
from domain.shared.errors import FieldError, ValidationFailed
from domain.shared.events import Created, RecordedAggregate

DEPARTMENT_CODE = re.compile(r"^[a-z][a-z0-9-]{1,31}$")
_NAMESPACE = UUID("6f1c6d0e-3f7e-4c1e-9a55-0d5a3e7c2b10")


def department_id(code: str) -> UUID:
    """Deterministic id: establishing a code twice collides in the event store."""
    return uuid5(_NAMESPACE, f"department:{code}")


def department_code_errors(code: object, path: str) -> list[FieldError]:
    if isinstance(code, str) and DEPARTMENT_CODE.match(code):
        return []
    return [
        FieldError(
            path,
            "pattern",
            "department code must be 2-32 lowercase letters, digits or hyphens",
            "課コードは英小文字・数字・ハイフンの2〜32文字で入力してください",
        )
    ]


def name_errors(value: object, path: str, max_length: int = 200) -> list[FieldError]:
    if isinstance(value, str) and value.strip() and len(value) <= max_length:
        return []
    if isinstance(value, str) and value.strip():
        return [
            FieldError(
                path, "max_length", f"a name may have at most {max_length} characters",
                f"名称は{max_length}文字以内で入力してください", {"max_length": max_length},
            )
        ]
    return [
        FieldError(
            path,
            "required",
            f"a name of 1-{max_length} characters is required",
            f"1〜{max_length}文字の名称を入力してください",
            {"max_length": max_length},
        )
    ]


class DepartmentEstablished(Created):
    code: str
    name_ja: str
    name_en: str

    def apply(self, aggregate: Department) -> None:
        aggregate.code = self.code
        aggregate.name_ja = self.name_ja
        aggregate.name_en = self.name_en


class Department(RecordedAggregate):
    code: str
    name_ja: str
    name_en: str

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def establish(cls, ctx: CommandContext, code: str, name_ja: str, name_en: str) -> Department:
        errors = [
            *department_code_errors(code, "code"),
            *name_errors(name_ja, "nameJa", 100),
            *name_errors(name_en, "nameEn", 100),
            *individual_number_errors(code, "code"),
            *individual_number_errors(name_ja, "nameJa"),
            *individual_number_errors(name_en, "nameEn"),
        ]
        if errors:
            raise ValidationFailed(errors)
        return cls.start(
            ctx,
            DepartmentEstablished,
            id=department_id(code),
            code=code,
            name_ja=name_ja.strip(),
            name_en=name_en.strip(),
        )
