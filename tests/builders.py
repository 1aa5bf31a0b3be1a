"""Small builders shared by the specification tests: actors, contexts, a default
form, and one-call set-up of a department with a procedure."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from api.composition import Container
from application.results import CommandResult
from domain.context import Actor, CommandContext
from domain.procedures import Procedure
from infra.clock import ManualClock
from projections.reading import ReadSession, read_session

DEPARTMENT = "shimin"
PROCEDURE = "jumin-hyo"

ADMIN = Actor("admin:1", "admin")


def staff(department: str = DEPARTMENT, subject: str = "staff:1") -> Actor:
    return Actor(subject, "staff", department)


def citizen(subject: str = "citizen-1") -> Actor:
    return Actor(subject, "citizen")


def ctx(clock_or_time: ManualClock | datetime, actor: Actor | None = None) -> CommandContext:
    """A command context at the clock's time (or at the given moment)."""
    at = clock_or_time if isinstance(clock_or_time, datetime) else clock_or_time.now()
    return CommandContext(actor or Actor.system(), at, correlation_id=uuid.uuid4().hex)


def option(value: str, ja: str, en: str) -> dict[str, str]:
    return {"value": value, "label_ja": ja, "label_en": en}


_DEFAULT_FIELDS: list[dict[str, Any]] = [
    {"key": "copies", "label_ja": "通数", "label_en": "Copies", "type": "number",
     "required": True, "constraints": {"min": 1, "max": 10, "integer": True}},
    {"key": "purpose", "label_ja": "使用目的", "label_en": "Purpose", "type": "choice",
     "required": True, "constraints": {"options": [
         option("work", "勤務先提出", "For employer"), option("school", "学校提出", "For school")]}},
    {"key": "birthDate", "label_ja": "生年月日", "label_en": "Date of birth", "type": "date",
     "personal": True, "constraints": {"not_future": True}},
    {"key": "address", "label_ja": "住所", "label_en": "Address", "type": "text",
     "personal": True, "constraints": {"max_length": 200}},
]

DEFAULT_ANSWERS: dict[str, Any] = {
    "copies": 1, "purpose": "work", "birthDate": "1990-05-01", "address": "栃木県下野市笹原26",
}


def default_fields() -> list[dict[str, Any]]:
    return copy.deepcopy(_DEFAULT_FIELDS)


def answers(**changes: Any) -> dict[str, Any]:
    return {**DEFAULT_ANSWERS, **changes}


def definition(
    code: str = PROCEDURE, department: str = DEPARTMENT, **overrides: Any
) -> dict[str, Any]:
    """Keyword arguments for ``Procedure.define`` / ``CatalogueService.define_procedure``."""
    return {
        "code": code,
        "name_ja": "住民票の写しの交付申請",
        "name_en": "Certificate of residence",
        "department": department,
        "channels": ["online", "counter", "mail"],
        "assurance": "none",
        "fee_yen": 300,
        "processing_days": 3,
        "fields": default_fields(),
        **overrides,
    }


def defined_procedure(at: ManualClock | datetime, *, online: bool = True,
                      **overrides: Any) -> Procedure:
    """A procedure aggregate (no storage), published online unless told otherwise."""
    procedure = Procedure.define(ctx(at), **definition(**overrides))
    if online:
        procedure.publish_online(ctx(at))
    procedure.collect_events()
    return procedure


# --- through the services of a container ------------------------------------------


def establish(container: Container, clock: ManualClock, code: str = DEPARTMENT) -> None:
    if not container.catalogue.department_exists(code):
        container.catalogue.establish_department(
            ctx(clock, ADMIN), code=code, name_ja=f"{code}課", name_en=f"{code.title()} Division"
        )


def setup_procedure(
    container: Container,
    clock: ManualClock,
    code: str = PROCEDURE,
    department: str = DEPARTMENT,
    *,
    online: bool = True,
    **overrides: Any,
) -> str:
    """Establish the department (if needed), define the procedure as its staff,
    and publish it online unless told otherwise. Returns the procedure code."""
    establish(container, clock, department)
    container.catalogue.define_procedure(
        ctx(clock, staff(department)), **definition(code, department, **overrides)
    )
    if online:
        container.catalogue.publish_online(ctx(clock, staff(department)), code)
    return code


def submit(
    container: Container,
    clock: ManualClock,
    code: str = PROCEDURE,
    *,
    actor: Actor | None = None,
    channel: str = "online",
    applicant_name: str = "山田 太郎",
    **answer_changes: Any,
) -> CommandResult:
    return container.applications.submit(
        ctx(clock, actor or citizen()),
        procedure_code=code,
        channel=channel,
        applicant_name=applicant_name,
        answers=answers(**answer_changes),
    )


@contextmanager
def reading(container: Container) -> Iterator[ReadSession]:
    with read_session(container.views, container.projections) as session:
        yield session
