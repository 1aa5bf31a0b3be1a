"""The access policy: one table of operation × role → rule.

Every GraphQL query and mutation and every HTTP endpoint has an entry; a test
fails for an operation without one. Rules:

- ``ALLOW``: any caller of that role;
- ``OWN``: only for the caller's own records (a citizen's own applications);
- ``OWN_DEPARTMENT``: only for records of the caller's department (staff, managers);
- ``DENY`` (also every role not listed).
"""

from __future__ import annotations

from enum import StrEnum

from domain.context import Actor
from domain.errors import Forbidden, Unauthenticated


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

POLICY: dict[str, dict[str, Rule]] = {
    # queries
    "procedures": _everyone(),
    "procedure": _everyone(),
    "departments": _everyone(),
    "application": {"citizen": OWN, "staff": DEPT, "manager": DEPT, "auditor": A},
    "applications": {"staff": DEPT, "manager": DEPT, "auditor": A},
    "inbox": {"staff": DEPT, "manager": DEPT, "analyst": A, "auditor": A, "admin": A},
    # mutations
    "establishDepartment": {"admin": A},
    "defineProcedure": _CATALOGUE_EDIT,
    "reviseForm": _CATALOGUE_EDIT,
    "publishProcedureOnline": _CATALOGUE_EDIT,
    "withdrawProcedureOnline": _CATALOGUE_EDIT,
    "retireProcedure": _CATALOGUE_EDIT,
    "submitApplication": {"anonymous": A, "citizen": A, "staff": DEPT, "manager": DEPT},
    "receiveApplication": _REVIEW,
    "returnApplication": _REVIEW,
    "resubmitApplication": {"citizen": OWN, "staff": DEPT, "manager": DEPT},
    "approveApplication": _REVIEW,
    "rejectApplication": _REVIEW,
    "completeApplication": _REVIEW,
    "withdrawApplication": {"citizen": OWN, "staff": DEPT, "manager": DEPT},
    # HTTP endpoints
    "GET /healthz": _everyone(),
    "GET /readyz": _everyone(),
    "POST /graphql": _everyone(),
}


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
