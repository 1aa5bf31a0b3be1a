"""One example call per operation for the authorization matrix
(tests/shared/test_api_access_policy.py): :data:`EXAMPLES` maps each operation
(GraphQL field or "METHOD /path") to a function building its call, aimed at a
record of a given :class:`~tests.shared.access_examples.Target` of the
:class:`~tests.shared.access_examples.World` (see that module).

A new operation needs an entry here (the matrix fails without one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.shared.context import Actor
from tests.shared.access_examples import SHIMIN, ZEIMU, Call, Target, World
from tests.shared.api_support import COPIES_FIELD, DEFINE, ESTABLISH, SUBMIT, procedure_input

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
    "auditConsistency": _query("{ auditConsistency(fromSize: 1) { proof } }"),
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
