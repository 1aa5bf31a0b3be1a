"""The world of the authorization matrix's example calls (tests/shared/test_api_access_policy.py).

For every operation a role may perform (``ALLOW``, ``OWN``, ``OWN_DEPARTMENT``
in ``application.shared.access.POLICY``), ``EXAMPLES`` (tests/shared/access_calls.py)
builds one call aimed at a record of a given :class:`Target` — its owner (a
citizen) and its department — creating fresh records through the :class:`World`'s
services as needed, so each call finds the record in a state where the operation
makes sense. The matrix calls it with:

- :data:`MINE`: citizen-a's record in shimin — every allowed role must get
  past authorization (no ``FORBIDDEN``, ``UNAUTHENTICATED`` or ``NOT_FOUND``);
- :data:`OTHER_CITIZEN` (citizen-b's, in shimin) for ``OWN`` rules and
  :data:`OTHER_DEPARTMENT` (citizen-a's, in zeimu) for ``OWN_DEPARTMENT`` rules:
  those must be ``FORBIDDEN``.

A new operation needs an entry in ``EXAMPLES`` (the matrix fails without one).
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from api.composition import Container
from domain.shared.context import Actor, CommandContext
from tests.counter import reservation_builders as rsv
from tests.shared.api_support import ADDRESS_FIELD, COPIES_FIELD, token

SHIMIN, ZEIMU = "shimin", "zeimu"
CITIZEN_A, CITIZEN_B = "citizen-a", "citizen-b"


@dataclass(frozen=True)
class Target:
    owner: str  # the citizen whose record it is
    dept: str  # the department it belongs to


MINE = Target(CITIZEN_A, SHIMIN)
OTHER_CITIZEN = Target(CITIZEN_B, SHIMIN)
OTHER_DEPARTMENT = Target(CITIZEN_A, ZEIMU)


def caller(role: str) -> str | None:
    """The token of the matrix's caller of ``role`` (staff and managers of shimin)."""
    if role == "anonymous":
        return None
    if role == "citizen":
        return token(sub=CITIZEN_A, role="citizen")
    if role in ("staff", "manager"):
        return token(sub=f"{role}-1", role=role, dept=SHIMIN)
    return token(sub=f"{role}-1", role=role)


@dataclass(frozen=True)
class Call:
    """A GraphQL document and variables, or an HTTP request (``http``: "METHOD /path")."""

    document: str = ""
    variables: dict[str, Any] = field(default_factory=dict)
    http: str | None = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


class World:
    """Departments shimin and zeimu, each with an online + counter procedure;
    records are made fresh, through the services, by the system actor."""

    def __init__(self, container: Container) -> None:
        self.container = container
        self._n = itertools.count(1)
        self._windows = itertools.count(1)
        for dept, ja in ((SHIMIN, "市民課"), (ZEIMU, "税務課")):
            self.container.catalogue.establish_department(self.ctx(), code=dept, name_ja=ja, name_en=dept)
            self.procedure(dept, code=f"{dept}-main")
            self.queue(dept, code=f"q-{dept}")

    def ctx(self, actor: Actor | None = None) -> CommandContext:
        return CommandContext(actor or Actor.system("matrix"), self.container.clock.now(), uuid.uuid4().hex)

    def staff(self, dept: str) -> CommandContext:
        return self.ctx(Actor(f"staff-of-{dept}", "staff", dept))

    def fresh(self, prefix: str) -> str:
        return f"{prefix}-{next(self._n)}"

    def procedure(self, dept: str, *, code: str | None = None, online: bool = True) -> str:
        code = code or self.fresh(f"p-{dept}")
        definition = {
            "code": code, "name_ja": "手続", "name_en": "Procedure", "department": dept,
            "channels": ["online", "counter", "mail"], "assurance": "none",
            "processing_days": 3, "fields": [_snake(COPIES_FIELD), _snake(ADDRESS_FIELD)],
            "fee_yen": 300,
        }
        self.container.catalogue.define_procedure(self.ctx(), **definition)
        if online:
            self.container.catalogue.publish_online(self.ctx(), code)
        return code

    def application(self, target: Target, state: str = "submitted") -> str:
        """A fresh application of ``target.owner`` in ``target.dept``, moved to ``state``."""
        apps = self.container.applications
        result = apps.submit(
            self.ctx(), procedure_code=f"{target.dept}-main", channel="online",
            applicant_name="下野 花子", answers={"copies": 1, "address": "栃木県下野市"},
            applicant_subject=target.owner,
        )
        app_id = result.id
        steps = {
            "submitted": [],
            "received": [apps.receive],
            "returned": [apps.receive, lambda c, i: apps.return_for_correction(c, i, "不足")],
            "approved": [apps.receive, apps.approve],
        }[state]
        for step in steps:
            step(self.ctx(), app_id)
        return app_id

    # -- counter visits ------------------------------------------------------
    def queue(self, dept: str, *, code: str | None = None) -> str:
        code = code or self.fresh(f"q-{dept}")
        self.container.visits.define_queue(self.ctx(), code=code, department=dept, name_ja="証明",
                                           name_en="Certificates", prefix="A")
        return code

    def window(self, dept: str, *, queue: str | None = None, open: bool = True) -> int:
        number = next(self._windows)
        self.container.visits.define_window(self.ctx(), number=number, name_ja=f"{number}番",
                                            queues=[queue or f"q-{dept}"])
        if open:
            self.container.visits.open_window(self.staff(dept), number)
        return number

    def visit(self, target: Target, state: str = "waiting") -> str:
        """A visit of ``target.owner`` (who took the ticket) in ``target.dept``."""
        visits = self.container.visits
        queue = f"q-{target.dept}" if state == "waiting" else self.queue(target.dept)
        issued = visits.issue_ticket(self.ctx(Actor(target.owner, "citizen")), queue=queue)
        if state in ("called", "in_service"):
            number = self.window(target.dept, queue=queue)
            visits.call_next(self.staff(target.dept), number)
        if state == "in_service":
            visits.start_service(self.staff(target.dept), issued.id)
        return issued.id

    def anonymous_ticket(self, dept: str) -> str:
        """A ticket taken at the kiosk without signing in, waiting in ``dept``'s queue."""
        return self.container.visits.issue_ticket(self.ctx(Actor.anonymous()), queue=f"q-{dept}").id

    def waiting_window(self, dept: str) -> int:
        """An open window with someone waiting in its (fresh) queue."""
        queue = self.queue(dept)
        self.container.visits.issue_ticket(self.ctx(Actor(CITIZEN_A, "citizen")), queue=queue)
        return self.window(dept, queue=queue)

    # -- payments ------------------------------------------------------------
    def payment(self, target: Target) -> str:
        """A counter payment of the fee of a fresh application of ``target``."""
        assert self.container.payments is not None
        result = self.container.payments.record_counter_payment(
            self.ctx(), self.application(target), "counter_cash", self.fresh("R"))
        return result.id

    # -- issued documents ----------------------------------------------------
    def issued_document(self, target: Target) -> tuple[str, str]:
        """A fresh application of ``target``, paid and completed with one document:
        (application id, document id)."""
        assert self.container.payments is not None
        app_id = self.application(target, "approved")
        self.container.payments.record_counter_payment(self.ctx(), app_id, "counter_cash", self.fresh("R"))
        uploaded = self.container.documents.upload(Actor.system("matrix"), app_id, b"%PDF-1.4 issued",
                                                   media_type="application/pdf", name="住民票の写し.pdf")
        self.container.documents.complete(self.ctx(), app_id, [uploaded["id"]])
        return app_id, uploaded["id"]

    def download_link(self, target: Target, role: str) -> str:
        """A link to a fresh issued document, minted by the matrix's caller of
        ``role`` (by citizen-a for roles that may not mint one)."""
        app_id, document_id = self.issued_document(target)
        if role in ("citizen", "staff", "manager"):
            sub = CITIZEN_A if role == "citizen" else f"{role}-1"
            holder = Actor(sub, role, None if role == "citizen" else SHIMIN)
        else:
            holder = Actor(CITIZEN_A, "citizen")
        return self.container.documents.mint_link(self.ctx(holder), app_id, document_id).url

    # -- DX survey campaigns -----------------------------------------------------
    def survey(self) -> str:
        """A fresh survey asking shimin and zeimu."""
        code = self.fresh("survey")
        self.container.surveys.open_survey(self.ctx(), code=code, title="オンライン化調査",
                                           deadline="2026-05-31", departments=[SHIMIN, ZEIMU])
        return code

    # -- reservations (来庁予約) -------------------------------------------------------
    def slot_start(self, dept: str) -> str:
        """Tomorrow 10:00 (Japan time): a slot with room in ``q-<dept>`` (published once)."""
        day = self.ctx().today + timedelta(days=1)
        if self.container.reservations.day_of(f"q-{dept}", day.isoformat()) is None:
            self.container.reservations.publish_slots(self.ctx(), queue=f"q-{dept}", day=day,
                                                      slots=rsv.slots(day, (10, 100)))
        return rsv.at(day, 10).isoformat()

    def reservation(self, target: Target) -> str:
        """A fresh reservation of ``target.owner`` in ``target.dept``'s queue."""
        start = datetime.fromisoformat(self.slot_start(target.dept))
        return self.container.reservations.make(self.ctx(Actor(target.owner, "citizen")),
                                                queue=f"q-{target.dept}", start=start).id

    def moving_notice(self, dept: str) -> dict[str, Any]:
        """A fresh moving-service notice for tomorrow (the 転入届 procedure defined once)."""
        rsv.define_tennyu(self.container, self.ctx())
        self.slot_start(dept)
        return rsv.notice(self.fresh("MN"), self.ctx().today + timedelta(days=1))

    def catch_up(self) -> None:
        self.container.engine.catch_up()


def _snake(gql_field: dict[str, Any]) -> dict[str, Any]:
    names = {"labelJa": "label_ja", "labelEn": "label_en"}
    return {names.get(k, k): v for k, v in gql_field.items()}
