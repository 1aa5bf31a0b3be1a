"""Caller identity from ``Authorization: Bearer <JWT>`` (HS256 for development)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

from domain.context import Actor
from domain.errors import Unauthenticated

TOKEN_ROLES = ("citizen", "staff", "manager", "analyst", "auditor", "admin")
DEPARTMENT_ROLES = ("staff", "manager")


@dataclass(frozen=True)
class Caller:
    actor: Actor
    scopes: frozenset[str] = frozenset()


ANONYMOUS = Caller(Actor.anonymous())


def mint_token(
    secret: str, *, sub: str, role: str, dept: str | None = None, ttl_seconds: int = 8 * 3600,
    scopes: tuple[str, ...] = (),
) -> str:
    if role not in TOKEN_ROLES:
        raise ValueError(f"role must be one of {', '.join(TOKEN_ROLES)}")
    if role in DEPARTMENT_ROLES and not dept:
        raise ValueError(f"a {role} token needs a department (--dept)")
    now = int(time.time())
    claims: dict[str, object] = {"sub": sub, "role": role, "iat": now, "exp": now + ttl_seconds}
    if dept:
        claims["dept"] = dept
    if scopes:
        claims["scope"] = " ".join(scopes)
    return jwt.encode(claims, secret, algorithm="HS256")


def caller_from_header(header: str | None, secret: str | None) -> Caller:
    """The caller for an ``Authorization`` header value; anonymous without one.
    A present but invalid token is refused rather than treated as anonymous."""
    if not header:
        return ANONYMOUS
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Authorization must be 'Bearer <token>'", message_ja="認証情報の形式が正しくありません")
    if not secret:
        raise Unauthenticated("token verification is not configured", message_ja="認証が構成されていません")
    try:
        claims = jwt.decode(
            token.strip(), secret, algorithms=["HS256"], options={"require": ["sub", "exp"]}
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("token expired", message_ja="認証の有効期限が切れています") from None
    except jwt.PyJWTError:
        raise Unauthenticated("invalid token", message_ja="認証情報が正しくありません") from None
    role = claims.get("role")
    sub = claims.get("sub")
    dept = claims.get("dept")
    if role not in TOKEN_ROLES or not isinstance(sub, str) or not sub:
        raise Unauthenticated("token lacks a valid role or subject", message_ja="認証情報が正しくありません")
    if role in DEPARTMENT_ROLES and not isinstance(dept, str):
        raise Unauthenticated("staff tokens need a department", message_ja="所属課のない職員トークンです")
    scopes = frozenset(str(claims.get("scope", "")).split())
    return Caller(Actor(subject=sub, role=role, department=dept if isinstance(dept, str) else None), scopes)
