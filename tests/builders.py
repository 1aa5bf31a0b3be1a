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
from application.projection.reading import ReadSession, read_session
from application.shared.results import CommandResult
from domain.applications.status import STAFF_STATUSES, Status
from domain.catalogue.procedures import Procedure
from domain.payments.payment import fee_for
from domain.shared.context import Actor, CommandContext
from infra.clock import ManualClock

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
    contact_email: str | None = None,
    **answer_changes: Any,
) -> CommandResult:
    return container.applications.submit(
        ctx(clock, actor or citizen()),
        procedure_code=code,
        channel=channel,
        applicant_name=applicant_name,
        answers=answers(**answer_changes),
        contact_email=contact_email,
    )


@contextmanager
def reading(container: Container) -> Iterator[ReadSession]:
    with read_session(container.views, container.projections) as session:
        yield session


# the steps (after submission) that lead an application to each status
PATHS: dict[Status, tuple[Status, ...]] = {
    Status.SUBMITTED: (),
    Status.RECEIVED: (Status.RECEIVED,),
    Status.RETURNED: (Status.RECEIVED, Status.RETURNED),
    Status.RESUBMITTED: (Status.RECEIVED, Status.RETURNED, Status.RESUBMITTED),
    Status.APPROVED: (Status.RECEIVED, Status.APPROVED),
    Status.REJECTED: (Status.RECEIVED, Status.REJECTED),
    Status.COMPLETED: (Status.RECEIVED, Status.APPROVED, Status.COMPLETED),
    Status.WITHDRAWN: (Status.WITHDRAWN,),
}
RETURN_REASON = "添付書類が不足しています"
REJECT_REASON = "要件を満たしていません"


def drive(container: Container, clock: ManualClock, app_id: str, status: Status) -> None:
    """Move a submitted application to ``status`` through the services, as the
    department's staff (and the applicant for resubmission)."""
    application = container.applications.get(app_id)
    clerk = staff(application.department)
    owner = citizen(application.applicant_subject) if application.applicant_subject else clerk
    service = container.applications
    for step in PATHS[status]:
        if step is Status.RECEIVED:
            service.receive(ctx(clock, clerk), app_id)
        elif step is Status.RETURNED:
            service.return_for_correction(ctx(clock, clerk), app_id, RETURN_REASON)
        elif step is Status.RESUBMITTED:
            service.resubmit(ctx(clock, owner), app_id, answers(copies=2))
        elif step is Status.APPROVED:
            service.approve(ctx(clock, clerk), app_id)
        elif step is Status.REJECTED:
            service.reject(ctx(clock, clerk), app_id, REJECT_REASON)
        elif step is Status.COMPLETED:
            pay_at_counter(container, clock, app_id)
            service.complete(ctx(clock, clerk), app_id)
        elif step is Status.WITHDRAWN:
            service.withdraw(ctx(clock, owner), app_id, "")


def pay_at_counter(container: Container, clock: ManualClock, app_id: str) -> None:
    """Record the application's fee as paid in cash at the counter (when it has one
    and is not paid yet): a fee-bearing application is completed only once paid."""
    payments = container.payments
    assert payments is not None
    application = container.applications.get(app_id)
    procedure = container.catalogue.get_procedure(application.procedure_code)
    if fee_for(procedure, application.answers, application.channel).total == 0:
        return
    if any(p.settles_fee for p in payments.attempts(app_id)):
        return
    payments.record_counter_payment(ctx(clock, staff(application.department)), app_id,
                                    "counter_cash", f"R-{app_id[:8]}")


def populate(
    container: Container, clock: ManualClock, count: int, codes: tuple[str, ...] = (PROCEDURE,)
) -> dict[str, Status]:
    """Submit ``count`` applications (round-robin over ``codes``, which must be set
    up) and move the i-th one to the i-th status in turn. Returns id → status."""
    statuses = list(STAFF_STATUSES)  # from submitted on (not an unconfirmed かんたん申請)
    result: dict[str, Status] = {}
    for i in range(count):
        app_id = submit(container, clock, codes[i % len(codes)],
                        actor=citizen(f"citizen-{i}")).id
        status = statuses[i % len(statuses)]
        drive(container, clock, app_id, status)
        result[app_id] = status
    return result
