"""The access policy: one table of operation × role → rule.

Every GraphQL query and mutation and every HTTP endpoint has an entry; a test
fails for an operation without one. Rules:

- ``ALLOW``: any caller of that role;
- ``OWN``: only for the caller's own records (a citizen's own applications);
- ``OWN_DEPARTMENT``: only for records of the caller's department (staff, managers);
- ``DENY`` (also every role not listed).

Seeing personal data (個人情報) is a second question, answered by
:func:`reveals_personal_data`: a citizen sees their own, staff and managers
those of the records they may read, auditors and admins only with the ``pii``
scope in their token; analysts never. Every time personal data is shown to
someone other than its data subject, that is recorded (``PersonalDataViewed``).
"""

from __future__ import annotations

from enum import StrEnum

from domain.shared.context import Actor
from domain.shared.errors import Forbidden, Unauthenticated


class Rule(StrEnum):
    ALLOW = "allow"
    OWN = "own"
    OWN_DEPARTMENT = "own_department"
    DENY = "deny"


A, OWN, DEPT = Rule.ALLOW, Rule.OWN, Rule.OWN_DEPARTMENT
EVERYONE = ("anonymous", "citizen", "staff", "manager", "analyst", "auditor", "admin")


def _everyone() -> dict[str, Rule]:
    return dict.fromkeys(EVERYONE, A)


_CATALOGUE_EDIT = {"staff": DEPT, "manager": DEPT, "admin": A}
_REVIEW = {"staff": DEPT, "manager": DEPT}
# DX dashboards: aggregates only (no personal data); staff see their own department's
_DASHBOARDS = {"manager": A, "analyst": A, "auditor": A, "admin": A}
_DEPARTMENT_DASHBOARD = {"staff": DEPT, "manager": DEPT, "analyst": A, "auditor": A, "admin": A}

POLICY: dict[str, dict[str, Rule]] = {
    # queries
    "procedures": _everyone(),
    "procedure": _everyone(),
    "departments": _everyone(),
    "application": {"citizen": OWN, "staff": DEPT, "manager": DEPT, "auditor": A},
    "applications": {"staff": DEPT, "manager": DEPT, "auditor": A},
    # a citizen's own applications: the list is scoped to the caller, so ALLOW
    "myApplications": {"citizen": A},
    "inbox": {"staff": DEPT, "manager": DEPT, "analyst": A, "auditor": A, "admin": A},
    "auditEvents": {"auditor": A, "admin": A},
    "personalDataAccesses": {"auditor": A},
    "auditProof": {"auditor": A, "admin": A},
    "auditConsistency": {"auditor": A, "admin": A},
    # mutations
    "establishDepartment": {"admin": A},
    "defineProcedure": _CATALOGUE_EDIT,
    "reviseForm": _CATALOGUE_EDIT,
    "publishProcedureOnline": _CATALOGUE_EDIT,
    "withdrawProcedureOnline": _CATALOGUE_EDIT,
    "retireProcedure": _CATALOGUE_EDIT,
    # procedure templates (ひな形): application/catalogue/template_service.py
    "procedureTemplates": {"staff": A, "manager": A, "analyst": A, "auditor": A, "admin": A},
    "defineProcedureFromTemplate": _CATALOGUE_EDIT,
    "submitApplication": {"anonymous": A, "citizen": A, "staff": DEPT, "manager": DEPT},
    "receiveApplication": _REVIEW,
    "returnApplication": _REVIEW,
    "resubmitApplication": {"citizen": OWN, "staff": DEPT, "manager": DEPT},
    "approveApplication": _REVIEW,
    "rejectApplication": _REVIEW,
    "completeApplication": _REVIEW,
    "withdrawApplication": {"citizen": OWN, "staff": DEPT, "manager": DEPT},
    # 問い合わせ: also who may read Application.messages (api/graphql/applications/threads.py)
    "postApplicationMessage": {"citizen": OWN, "staff": DEPT, "manager": DEPT},
    # issued documents (交付文書): a signed download link for the caller (application/applications/issued_documents.py)
    "createDownloadLink": {"citizen": OWN, "staff": DEPT, "manager": DEPT},
    # online identity: a nonce for a My Number card signature (application/applications/identity.py)
    "signingChallenge": {"anonymous": A, "citizen": A},
    # かんたん申請: the signed token of the confirmation link is the credential
    "confirmApplicationEmail": {"anonymous": A, "citizen": A},
    "GET /confirm-email": _everyone(),  # the e-mail link: the signed token is the authority
    # personal data: crypto-shredding a data subject (application/privacy/service.py)
    "forgetSubject": {"admin": A},
    # counter visits (来庁): queries, then mutations (application/counter/visits.py)
    "queues": _everyone(),
    "windows": _everyone(),
    "queueBoard": _everyone(),  # the hall's board; visit ids and priority only for staff
    "visit": {"citizen": OWN, "staff": DEPT, "manager": DEPT, "auditor": A},
    # a ticket's place and predicted wait (query and subscription): a citizen their own; a
    # ticket taken anonymously by anyone holding its id (an unguessable UUID from the kiosk)
    "ticket": {"anonymous": A, "citizen": OWN, "staff": DEPT, "manager": DEPT, "auditor": A},
    "congestionForecast": _everyone(),  # aggregates of past waits, for the city's web site
    "counterStatistics": {"staff": DEPT, "manager": DEPT, "analyst": A, "auditor": A, "admin": A},
    "defineQueue": {"manager": DEPT, "admin": A},
    "defineWindow": {"manager": DEPT, "admin": A},
    "openWindow": {"staff": DEPT, "manager": DEPT},
    "closeWindow": {"staff": DEPT, "manager": DEPT},
    "issueTicket": {"anonymous": A, "citizen": A, "staff": DEPT, "manager": DEPT},
    "callNext": {"staff": DEPT, "manager": DEPT},
    "recall": {"staff": DEPT, "manager": DEPT},
    "markNoShow": {"staff": DEPT, "manager": DEPT},
    "startService": {"staff": DEPT, "manager": DEPT},
    "completeService": {"staff": DEPT, "manager": DEPT},
    "transferVisit": {"staff": DEPT, "manager": DEPT},
    "cancelVisit": {"citizen": OWN, "staff": DEPT, "manager": DEPT},
    # the no-writing counter (書かない窓口): staff of the visit's department (application/counter/interviews.py)
    "interview": {"staff": DEPT, "manager": DEPT},
    "lifeEventGuide": {"staff": DEPT, "manager": DEPT},
    "openInterview": {"staff": DEPT, "manager": DEPT},
    "identifyCitizenFromCard": {"staff": DEPT, "manager": DEPT},
    "identifyCitizenFromResidentRecord": {"staff": DEPT, "manager": DEPT},
    "chooseLifeEvent": {"staff": DEPT, "manager": DEPT},
    "completeForm": {"staff": DEPT, "manager": DEPT},
    "confirmInterview": {"staff": DEPT, "manager": DEPT},
    "cancelInterview": {"staff": DEPT, "manager": DEPT},
    "GET /interviews/{id}/forms.pdf": {"staff": DEPT, "manager": DEPT},
    # reservations (来庁予約) and the moving-service pre-notice (application/counter/reservations.py,
    # application/counter/moving_notice.py); a reservation taken anonymously: anyone holding its id
    "reservationSlots": _everyone(),
    "reservation": {"anonymous": A, "citizen": OWN, "staff": DEPT, "manager": DEPT, "auditor": A},
    "myReservations": {"citizen": A},
    "publishReservationSlots": {"staff": DEPT, "manager": DEPT},
    "makeReservation": {"anonymous": A, "citizen": A, "staff": DEPT, "manager": DEPT},
    "cancelReservation": {"citizen": OWN, "staff": DEPT, "manager": DEPT},
    "importMovingNotice": {"staff": DEPT, "manager": DEPT},
    # payments (決済): queries, then mutations (application/payments/service.py)
    "payment": {"citizen": OWN, "staff": DEPT, "manager": DEPT, "auditor": A},
    "paymentsForApplication": {"citizen": OWN, "staff": DEPT, "manager": DEPT, "auditor": A},
    "dailyPaymentTotals": {"staff": DEPT, "manager": DEPT, "analyst": A, "auditor": A, "admin": A},
    "cashlessShare": {"staff": DEPT, "manager": DEPT, "analyst": A, "auditor": A, "admin": A},
    "paymentReconciliation": {"staff": DEPT, "manager": DEPT, "auditor": A},
    "createPayment": {"citizen": OWN},
    "recordCounterPayment": {"staff": DEPT, "manager": DEPT},
    "cancelPayment": {"staff": DEPT, "manager": DEPT},
    "requestRefund": {"staff": DEPT, "manager": DEPT},
    # DX progress dashboards and survey campaigns (application/dx/survey.py, projections/dx/dashboard.py)
    "cityDashboard": _DASHBOARDS,
    "departmentDashboards": _DASHBOARDS,
    "departmentDashboard": _DEPARTMENT_DASHBOARD,
    "survey": {"staff": A, "manager": A, "analyst": A, "auditor": A, "admin": A},  # owners: see docs/analytics.md
    "openSurvey": {"admin": A},
    "answerSurvey": {"staff": DEPT, "manager": DEPT},
    "GET /exports/dashboards/city.csv": _DASHBOARDS,
    "GET /exports/dashboards/city.json": _DASHBOARDS,
    "GET /exports/dashboards/department.csv": _DEPARTMENT_DASHBOARD,
    "GET /exports/dashboards/department.json": _DEPARTMENT_DASHBOARD,
    # HTTP endpoints
    "POST /attachments": {"anonymous": A, "citizen": A, "staff": A, "manager": A},  # as submitApplication
    "GET /applications/{id}/attachments/{blob}": {"citizen": OWN, "staff": DEPT, "manager": DEPT},
    "POST /documents": {"staff": DEPT, "manager": DEPT},  # a document to issue with completeApplication
    "GET /downloads/{token}": {"citizen": A, "staff": A, "manager": A},  # the link binds its holder
    "POST /webhooks/payments": _everyone(),  # authenticated by its HMAC signature, not a token
    # the pages (api/pages): they hold no data; their modules read it through GraphQL
    # under the operations' own entries (queueBoard, ticket, congestionForecast, dashboards)
    "GET /board": _everyone(),
    "GET /board/{queue}": _everyone(),
    "GET /t/{ticket}": _everyone(),  # the ticket page: its unguessable id is the capability
    "GET /t/{ticket}/qr.svg": _everyone(),  # a QR code of the page's URL, no data
    "GET /t/{ticket}/qr.png": _everyone(),
    "GET /congestion": _everyone(),
    "GET /dx": _everyone(),  # the analyst's token stays in the browser (sessionStorage)
    "GET /healthz": _everyone(),
    "GET /readyz": _everyone(),
    "POST /graphql": _everyone(),
    # subscriptions (graphql-transport-ws); each subscribed operation is checked by its own entry
    "WEBSOCKET /graphql": _everyone(),
}


PII_SCOPE = "pii"
# Roles that see personal data only when their token carries the ``pii`` scope.
PII_SCOPE_ROLES = frozenset({"auditor", "admin"})
# Roles that never see personal data (aggregates only).
NO_PII_ROLES = frozenset({"anonymous", "analyst"})


def reveals_personal_data(actor: Actor, scopes: frozenset[str] | set[str] = frozenset()) -> bool:
    """Whether personal values are shown to ``actor`` (on records it may read
    at all) rather than replaced by ``[REDACTED]``."""
    if actor.role in NO_PII_ROLES:
        return False
    if actor.role in PII_SCOPE_ROLES:
        return PII_SCOPE in scopes
    return True


def rule_for(role: str, operation: str) -> Rule:
    try:
        table = POLICY[operation]
    except KeyError:
        raise Forbidden(f"operation {operation} has no access rule") from None
    return table.get(role, Rule.DENY)


def authorize(
    actor: Actor,
    operation: str,
    *,
    department: str | None = None,
    owner: str | None = None,
) -> Rule:
    """Raise ``Unauthenticated``/``Forbidden`` unless ``actor`` may perform
    ``operation`` on a record of ``department`` owned by ``owner``.

    Pass ``department``/``owner`` as known; for list operations the caller
    applies the returned rule as a filter (own department, own records)."""
    if actor.role == "system":
        return Rule.ALLOW
    rule = rule_for(actor.role, operation)
    if rule is Rule.DENY:
        if actor.role == "anonymous":
            raise Unauthenticated("sign in to do this", message_ja="ログインが必要です")
        raise Forbidden(
            f"role {actor.role} may not perform {operation}",
            message_ja="この操作を行う権限がありません",
        )
    if rule is Rule.OWN and owner is not None and owner != actor.subject:
        raise Forbidden("not your record", message_ja="この情報を扱う権限がありません")
    if rule is Rule.OWN and owner is None and department is not None:
        raise Forbidden("not your record", message_ja="この情報を扱う権限がありません")
    if rule is Rule.OWN_DEPARTMENT and department is not None and department != actor.department:
        raise Forbidden(
            "this belongs to another department",
            message_ja="他の課の情報は扱えません",
        )
    return rule
