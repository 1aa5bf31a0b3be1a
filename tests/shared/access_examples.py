"""Example calls for the authorization matrix (tests/shared/test_api_access_policy.py).

For every operation a role may perform (``ALLOW``, ``OWN``, ``OWN_DEPARTMENT``
in ``application.shared.access.POLICY``), :data:`EXAMPLES` builds one call aimed at a
record of a given :class:`Target` — its owner (a citizen) and its department —
creating fresh records through the services as needed, so each call finds the
record in a state where the operation makes sense. The matrix calls it with:

- :data:`MINE`: citizen-a's record in shimin — every allowed role must get
  past authorization (no ``FORBIDDEN``, ``UNAUTHENTICATED`` or ``NOT_FOUND``);
- :data:`OTHER_CITIZEN` (citizen-b's, in shimin) for ``OWN`` rules and
  :data:`OTHER_DEPARTMENT` (citizen-a's, in zeimu) for ``OWN_DEPARTMENT`` rules:
  those must be ``FORBIDDEN``.

A new operation needs an entry here (the matrix fails without one).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from api.composition import Container
from domain.shared.context import Actor, CommandContext
from tests.counter import reservation_builders as rsv
from tests.shared.api_support import ADDRESS_FIELD, COPIES_FIELD, DEFINE, ESTABLISH, SUBMIT, procedure_input, token

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


Example = Callable[[World, Target, str], Call]


def _by_id(field_: str, state: str, extra: str = "") -> Example:
    document = f"mutation($id: ID!) {{ {field_}(id: $id{extra}) {{ id }} }}"
    return lambda w, t, role: Call(document, {"id": w.application(t, state)})


def _by_code(field_: str, online: bool, extra: str = "") -> Example:
    document = f"mutation($c: String!) {{ {field_}(code: $c{extra}) {{ id }} }}"
    return lambda w, t, role: Call(document, {"c": w.procedure(t.dept, online=online)})


def _submit(w: World, t: Target, role: str) -> Call:
    channel = "COUNTER" if role in ("staff", "manager") else "ONLINE"
    return Call(SUBMIT, {"input": {
        "procedureCode": f"{t.dept}-main", "channel": channel, "applicantName": "下野 太郎",
        "answers": {"copies": 1}}})


def _confirm_email(w: World, t: Target, role: str) -> Call:
    """A fresh anonymous かんたん申請 awaiting its e-mail confirmation, and its link's token."""
    apps, confirmations = w.container.applications, w.container.confirmations
    app_id = apps.submit(w.ctx(Actor.anonymous()), procedure_code=f"{t.dept}-main", channel="online",
                         applicant_name="下野 花子", answers={"copies": 1},
                         contact_email="hanako@example.jp").id
    token = confirmations.tokens.make(app_id, confirmations.expires_at(apps.get(app_id)))
    return Call("mutation($t: String!) { confirmApplicationEmail(token: $t) { id } }", {"t": token})


CARD = {"name": "下野 花子", "address": "栃木県下野市笹原26", "birthDate": "19800401", "sex": "2"}


def _interview(w: World, t: Target, *, identified: bool = True) -> str:
    """A fresh no-writing-counter interview at a visit being served in ``t.dept``."""
    staff = w.staff(t.dept)
    interview_id = w.container.interviews.open(staff, w.visit(t, "in_service")).id
    if identified:
        w.container.interviews.identify_from_card(staff, interview_id, CARD)
    return interview_id


def _query(document: str, **variables: Any) -> Example:
    return lambda w, t, role: Call(document, dict(variables))


EXAMPLES: dict[str, Example] = {
    # catalogue
    "procedures": _query("{ procedures { code } }"),
    "procedure": _query("query($c: String!) { procedure(code: $c) { code } }", c="shimin-main"),
    "departments": _query("{ departments { code } }"),
    "establishDepartment": lambda w, t, role: Call(
        ESTABLISH, {"code": w.fresh("dept"), "nameJa": "新課", "nameEn": "New"}),
    "defineProcedure": lambda w, t, role: Call(
        DEFINE, {"input": procedure_input(w.fresh("def"), t.dept)}),
    "reviseForm": lambda w, t, role: Call(
        "mutation($c: String!, $f: [FormFieldInput!]!) { reviseForm(code: $c, fields: $f) { id } }",
        {"c": w.procedure(t.dept), "f": [COPIES_FIELD]}),
    "publishProcedureOnline": _by_code("publishProcedureOnline", online=False),
    "withdrawProcedureOnline": _by_code("withdrawProcedureOnline", online=True),
    "retireProcedure": _by_code("retireProcedure", online=True),
    "procedureTemplates": _query("{ procedureTemplates { code } }"),
    "defineProcedureFromTemplate": lambda w, t, role: Call(
        "mutation($c: String!, $d: String!) { defineProcedureFromTemplate(templateCode: \"survey\","
        " code: $c, nameJa: \"アンケート\", nameEn: \"Survey\", department: $d) { id } }",
        {"c": w.fresh("tpl"), "d": t.dept}),
    # applications
    "application": lambda w, t, role: Call(
        "query($id: ID!) { application(id: $id) { id applicantName } }", {"id": w.application(t)}),
    "applications": lambda w, t, role: Call(
        "query($d: String) { applications(department: $d) { totalCount } }", {"d": t.dept}),
    "inbox": lambda w, t, role: Call(
        "query($d: String) { inbox(department: $d) { count } }", {"d": t.dept}),
    "submitApplication": _submit,
    "receiveApplication": _by_id("receiveApplication", "submitted"),
    "returnApplication": _by_id("returnApplication", "received", ', reason: "不足"'),
    "resubmitApplication": lambda w, t, role: Call(
        "mutation($id: ID!) { resubmitApplication(id: $id, answers: {copies: 2}) { id } }",
        {"id": w.application(t, "returned")}),
    "approveApplication": _by_id("approveApplication", "received"),
    "rejectApplication": _by_id("rejectApplication", "received", ', reason: "要件外"'),
    "completeApplication": _by_id("completeApplication", "approved"),
    "withdrawApplication": _by_id("withdrawApplication", "submitted"),
    "myApplications": _query("{ myApplications(first: 5) { totalCount nodes { id } } }"),
    "createDownloadLink": lambda w, t, role: Call(
        "mutation($a: ID!, $d: ID!) { createDownloadLink(applicationId: $a, documentId: $d) { url } }",
        dict(zip(("a", "d"), w.issued_document(t), strict=True))),
    "postApplicationMessage": lambda w, t, role: Call(
        'mutation($id: ID!) { postApplicationMessage(id: $id, body: "書類について確認させてください") { id } }',
        {"id": w.application(t)}),
    "confirmApplicationEmail": _confirm_email,
    "signingChallenge": lambda w, t, role: Call(
        "mutation($c: String!) { signingChallenge(procedureCode: $c) { nonce expiresAt } }",
        {"c": f"{t.dept}-main"}),
    # audit
    "auditEvents": _query("{ auditEvents(first: 5) { nodes { position payload } } }"),
    "personalDataAccesses": _query("{ personalDataAccesses(first: 5) { nodes { applicationId } } }"),
    "auditProof": _query("{ auditProof(position: 1) { root } }"),
    # personal data
    "forgetSubject": lambda w, t, role: Call(
        "mutation($s: String!) { forgetSubject(subject: $s, reason: \"本人からの請求\") { id } }",
        {"s": f"application:{w.application(t)}"}),
    # counter visits
    "queues": lambda w, t, role: Call(
        "query($d: String) { queues(department: $d) { code } }", {"d": t.dept}),
    "windows": _query("{ windows { number } }"),
    "queueBoard": lambda w, t, role: Call(
        "query($q: String!) { queueBoard(queue: $q) { waitingCount } }", {"q": f"q-{t.dept}"}),
    "visit": lambda w, t, role: Call(
        "query($id: ID!) { visit(id: $id) { id } }", {"id": w.visit(t)}),
    # an anonymous caller reads a ticket taken anonymously; everyone else target.owner's
    "ticket": lambda w, t, role: Call(
        "query($id: ID!) { ticket(id: $id) { ahead turnNear predictedWait { minutes } } }",
        {"id": w.anonymous_ticket(t.dept) if role == "anonymous" else w.visit(t)}),
    "congestionForecast": lambda w, t, role: Call(
        "query($q: String!) { congestionForecast(queue: $q, date: \"2026-04-01\") { hours { hour } } }",
        {"q": f"q-{t.dept}"}),
    "counterStatistics": lambda w, t, role: Call(
        "query($q: String!) { counterStatistics(queue: $q, date: \"2026-04-01\") { tickets } }",
        {"q": f"q-{t.dept}"}),
    "defineQueue": lambda w, t, role: Call(
        "mutation($c: String!, $d: String!) { defineQueue(code: $c, department: $d, nameJa: \"証明\","
        " nameEn: \"Certificates\", prefix: \"B\") { id } }", {"c": w.fresh("q-new"), "d": t.dept}),
    "defineWindow": lambda w, t, role: Call(
        "mutation($n: Int!, $q: String!) { defineWindow(number: $n, nameJa: \"窓口\", queues: [$q]) { id } }",
        {"n": 900 + next(w._windows) % 99, "q": f"q-{t.dept}"}),
    "openWindow": lambda w, t, role: Call(
        "mutation($n: Int!) { openWindow(number: $n) { id } }", {"n": w.window(t.dept, open=False)}),
    "closeWindow": lambda w, t, role: Call(
        "mutation($n: Int!) { closeWindow(number: $n) { id } }", {"n": w.window(t.dept)}),
    "issueTicket": lambda w, t, role: Call(
        "mutation($q: String!) { issueTicket(input: {queue: $q}) { id } }", {"q": f"q-{t.dept}"}),
    "callNext": lambda w, t, role: Call(
        "mutation($n: Int!) { callNext(window: $n) { id } }", {"n": w.waiting_window(t.dept)}),
    "recall": lambda w, t, role: Call(
        "mutation($id: ID!) { recall(id: $id) { id } }", {"id": w.visit(t, "called")}),
    "markNoShow": lambda w, t, role: Call(
        "mutation($id: ID!) { markNoShow(id: $id) { id } }", {"id": w.visit(t, "called")}),
    "startService": lambda w, t, role: Call(
        "mutation($id: ID!) { startService(id: $id) { id } }", {"id": w.visit(t, "called")}),
    "completeService": lambda w, t, role: Call(
        "mutation($id: ID!) { completeService(id: $id) { id } }", {"id": w.visit(t, "in_service")}),
    "transferVisit": lambda w, t, role: Call(
        "mutation($id: ID!, $q: String!) { transferVisit(id: $id, queue: $q) { id } }",
        {"id": w.visit(t), "q": f"q-{ZEIMU if t.dept == SHIMIN else SHIMIN}"}),
    "cancelVisit": lambda w, t, role: Call(
        "mutation($id: ID!) { cancelVisit(id: $id) { id } }", {"id": w.visit(t)}),
    # the no-writing counter (書かない窓口)
    "interview": lambda w, t, role: Call(
        "query($id: ID!) { interview(id: $id) { id } }", {"id": _interview(w, t)}),
    "lifeEventGuide": lambda w, t, role: Call(
        "query($id: ID!) { lifeEventGuide(event: MOVE_IN, interviewId: $id) { code } }",
        {"id": _interview(w, t)}),
    "openInterview": lambda w, t, role: Call(
        "mutation($v: ID!) { openInterview(visitId: $v) { id } }", {"v": w.visit(t, "in_service")}),
    "identifyCitizenFromCard": lambda w, t, role: Call(
        "mutation($id: ID!, $card: JSON!) { identifyCitizenFromCard(id: $id, card: $card) { id } }",
        {"id": _interview(w, t, identified=False), "card": CARD}),
    "identifyCitizenFromResidentRecord": lambda w, t, role: Call(
        "mutation($id: ID!) { identifyCitizenFromResidentRecord(id: $id, residentId: \"R-1\") { id } }",
        {"id": _interview(w, t, identified=False)}),
    "chooseLifeEvent": lambda w, t, role: Call(
        "mutation($id: ID!) { chooseLifeEvent(id: $id, event: MOVE_IN) { id } }", {"id": _interview(w, t)}),
    "completeForm": lambda w, t, role: Call(
        "mutation($id: ID!) { completeForm(id: $id, procedure: \"tennyu\", answers: {}) { id } }",
        {"id": _interview(w, t)}),
    "confirmInterview": lambda w, t, role: Call(
        "mutation($id: ID!) { confirmInterview(id: $id) { id } }", {"id": _interview(w, t)}),
    "cancelInterview": lambda w, t, role: Call(
        "mutation($id: ID!) { cancelInterview(id: $id) { id } }", {"id": _interview(w, t)}),
    "GET /interviews/{id}/forms.pdf": lambda w, t, role: Call(
        http=f"GET /interviews/{_interview(w, t)}/forms.pdf"),
    # reservations (来庁予約)
    "reservationSlots": lambda w, t, role: Call(
        "query($q: String!) { reservationSlots(queue: $q, date: \"2026-04-02\") { remaining } }",
        {"q": f"q-{t.dept}"}),
    "reservation": lambda w, t, role: Call(
        "query($id: ID!) { reservation(id: $id) { id holderName } }", {"id": w.reservation(t)}),
    "myReservations": _query("{ myReservations { id } }"),
    "publishReservationSlots": lambda w, t, role: Call(
        "mutation($q: String!, $s: [ReservationSlotInput!]!) {"
        " publishReservationSlots(queue: $q, date: \"2026-04-03\", slots: $s) { id } }",
        {"q": f"q-{t.dept}", "s": [{"start": "2026-04-03T10:00:00+09:00",
                                    "end": "2026-04-03T10:30:00+09:00", "capacity": 2}]}),
    "makeReservation": lambda w, t, role: Call(
        "mutation($q: String!, $s: DateTime!) { makeReservation(input: {queue: $q, start: $s,"
        " holderName: \"下野 花子\"}) { id } }", {"q": f"q-{t.dept}", "s": w.slot_start(t.dept)}),
    "cancelReservation": lambda w, t, role: Call(
        "mutation($id: ID!) { cancelReservation(id: $id) { id } }", {"id": w.reservation(t)}),
    "importMovingNotice": lambda w, t, role: Call(
        "mutation($n: JSON!, $q: String!) { importMovingNotice(json: $n, queue: $q) { id } }",
        {"n": w.moving_notice(t.dept), "q": f"q-{t.dept}"}),
    # payments
    "payment": lambda w, t, role: Call(
        "query($id: ID!) { payment(id: $id) { id } }", {"id": w.payment(t)}),
    "paymentsForApplication": lambda w, t, role: Call(
        "query($id: ID!) { paymentsForApplication(applicationId: $id) { id } }",
        {"id": w.application(t)}),
    "dailyPaymentTotals": lambda w, t, role: Call(
        "query($d: String) { dailyPaymentTotals(date: \"2026-04-01\", department: $d) { count } }",
        {"d": t.dept}),
    "cashlessShare": lambda w, t, role: Call(
        "query($d: String) { cashlessShare(fromDate: \"2026-04-01\", toDate: \"2026-04-30\","
        " department: $d) { share } }", {"d": t.dept}),
    "paymentReconciliation": lambda w, t, role: Call(
        "query($d: String) { paymentReconciliation(date: \"2026-04-01\", department: $d, settlementCsv:"
        " \"settled_on,type,provider_payment_id,reference,amount\\n\") { balanced } }", {"d": t.dept}),
    "createPayment": lambda w, t, role: Call(
        "mutation($id: ID!) { createPayment(applicationId: $id, method: CREDIT_CARD) { id } }",
        {"id": w.application(t)}),
    "recordCounterPayment": lambda w, t, role: Call(
        "mutation($id: ID!, $r: String!) { recordCounterPayment(applicationId: $id,"
        " method: COUNTER_CASH, receiptNumber: $r) { id } }", {"id": w.application(t), "r": w.fresh("R")}),
    "cancelPayment": lambda w, t, role: Call(
        "mutation($id: ID!) { cancelPayment(id: $id) { id } }", {"id": w.payment(t)}),
    "requestRefund": lambda w, t, role: Call(
        "mutation($id: ID!) { requestRefund(paymentId: $id, amount: 300, expectedRefundable: 300) { id } }",
        {"id": w.payment(t)}),
    # DX dashboards and survey campaigns
    "cityDashboard": _query('{ cityDashboard(from: "2026-03-01", to: "2026-04-30") { months { applications } } }'),
    "departmentDashboards": _query(
        '{ departmentDashboards(from: "2026-03-01", to: "2026-04-30") { department months { visits } } }'),
    "departmentDashboard": lambda w, t, role: Call(
        'query($c: String!) { departmentDashboard(code: $c, from: "2026-03-01", to: "2026-04-30")'
        " { months { onlineRate } plans { owner } } }", {"c": t.dept}),
    "survey": lambda w, t, role: Call(
        "query($c: String!) { survey(code: $c) { unansweredDepartments answers { owner } } }",
        {"c": w.survey()}),
    "openSurvey": lambda w, t, role: Call(
        'mutation($c: String!, $d: [String!]!) { openSurvey(code: $c, title: "調査", deadline: "2026-05-31",'
        " departments: $d) { id } }", {"c": w.fresh("survey-new"), "d": [t.dept]}),
    "answerSurvey": lambda w, t, role: Call(
        "mutation($c: String!, $p: String!) { answerSurvey(code: $c, procedureCode: $p, onlinePossible: true,"
        ' owner: "佐藤", targetDate: "2026-09-30", blockers: "押印") { id } }',
        {"c": w.survey(), "p": f"{t.dept}-main"}),
    **{f"GET /exports/dashboards/{scope}.{fmt}": (
        lambda w, t, role, scope=scope, fmt=fmt: Call(
            http=f"GET /exports/dashboards/{scope}.{fmt}?from=2026-03-01&to=2026-04-30"
                 + (f"&department={t.dept}" if scope == "department" else "")))
       for scope in ("city", "department") for fmt in ("csv", "json")},
    # HTTP endpoints
    "POST /documents": lambda w, t, role: Call(
        http=f"POST /documents?application={w.application(t, 'approved')}&name=a.pdf", body=b"%PDF-1.4",
        headers={"content-type": "application/pdf"}),
    "GET /downloads/{token}": lambda w, t, role: Call(http=f"GET {w.download_link(t, role)}"),
    "POST /attachments": lambda w, t, role: Call(
        http="POST /attachments?name=a.pdf", body=b"%PDF-1.4", headers={"content-type": "application/pdf"}),
    # an application of the target's; the blob is not among its answers: 404 once past authorization
    "GET /applications/{id}/attachments/{blob}": lambda w, t, role: Call(
        http=f"GET /applications/{w.application(t)}/attachments/{'0' * 64}"),
    "POST /webhooks/payments": lambda w, t, role: Call(http="POST /webhooks/payments", body=b"{}"),
    # the e-mail link: any caller; a wrong token is a 400 page once past authorization
    "GET /confirm-email": lambda w, t, role: Call(http="GET /confirm-email?token=x"),
    **{f"GET {page}": (lambda w, t, role, page=page: Call(http=f"GET {page}"))
       for page in ("/board", "/congestion", "/dx")},
    "GET /board/{queue}": lambda w, t, role: Call(http=f"GET /board/q-{t.dept}"),
    **{f"GET /t/{{ticket}}{tail}": (lambda w, t, role, tail=tail: Call(
        http=f"GET /t/{w.anonymous_ticket(t.dept)}{tail}")) for tail in ("", "/qr.svg", "/qr.png")},
    "GET /healthz": lambda w, t, role: Call(http="GET /healthz"),
    "GET /readyz": lambda w, t, role: Call(http="GET /readyz"),
    "POST /graphql": _query("{ __typename }"),
    # the WebSocket endpoint is open to all; each subscription is checked by its operation's
    # entry (tests/counter/test_api_visits.py connects to it); the matrix posts a plain query
    "WEBSOCKET /graphql": _query("{ __typename }"),
}
