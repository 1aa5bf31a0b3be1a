"""Caller identity from ``Authorization: Bearer <JWT>``.

Two kinds of token are accepted, never mixed up:

- **HS256**, signed with ``MADOGUCHI_JWT_SECRET`` (or, outside production, the
  development secret of the data directory): what ``madoguchi token`` mints.
- **RS256 / ES256** from a real identity provider, verified against the public
  keys of the JWKS file ``MADOGUCHI_JWKS_FILE``, the key chosen by the token's
  ``kid``. The file is re-read when it changes (key rotation needs no restart);
  if it then fails to load, those tokens are refused until it is fixed.

The algorithm a token may use is decided by us, not by its header: HS256 only
with the secret, a JWKS key only with its own algorithm (RS256 for RSA keys,
ES256 for P-256 keys), ``none`` and everything else never. ``sub`` and ``exp``
are required and ``exp`` is enforced without leeway; ``iss`` and ``aud`` are
checked when ``MADOGUCHI_JWT_ISSUER`` / ``MADOGUCHI_JWT_AUDIENCE`` are set.

Claims: ``role`` (one of :data:`TOKEN_ROLES`), ``dept`` (staff and managers),
``scope`` (space-separated, or a list; ``pii`` lets an auditor see personal data).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jwt

from application.shared.access import PII_SCOPE
from domain.shared.context import Actor
from domain.shared.errors import Unauthenticated

if TYPE_CHECKING:
    from infra.settings import Settings

log = logging.getLogger("madoguchi.api")

TOKEN_ROLES = ("citizen", "staff", "manager", "analyst", "auditor", "admin")
DEPARTMENT_ROLES = ("staff", "manager")
HS256 = "HS256"
JWKS_ALGORITHMS = ("RS256", "ES256")


@dataclass(frozen=True)
class Caller:
    actor: Actor
    scopes: frozenset[str] = frozenset()

    @property
    def may_see_pii(self) -> bool:
        return PII_SCOPE in self.scopes


ANONYMOUS = Caller(Actor.anonymous())


def mint_token(
    secret: str, *, sub: str, role: str, dept: str | None = None, ttl_seconds: int = 8 * 3600,
    scopes: tuple[str, ...] = (),
) -> str:
    """An HS256 token (development and tests)."""
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
    return jwt.encode(claims, secret, algorithm=HS256)


class JwksError(ValueError):
    """The JWKS file cannot be used."""


def parse_jwks(data: Any, source: str = "JWKS") -> dict[str, jwt.PyJWK]:
    """``kid`` → key for every signing key of an allowed algorithm. Keys without
    a ``kid``, for encryption, symmetric or of another algorithm are left out
    (and logged); a set with none left, or with a ``kid`` twice, is an error."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise JwksError(f"{source}: not a JWK set (an object with a 'keys' list)")
    keys: dict[str, jwt.PyJWK] = {}
    for i, jwk in enumerate(data["keys"]):
        kid = jwk.get("kid") if isinstance(jwk, dict) else None
        if not isinstance(kid, str) or not kid:
            log.warning("%s: key %d has no kid; ignored", source, i)
            continue
        if jwk.get("use", "sig") != "sig":
            log.info("%s: key %s is not for signatures; ignored", source, kid)
            continue
        try:
            key = jwt.PyJWK(jwk)
        except jwt.PyJWTError as e:
            log.warning("%s: key %s unusable (%s); ignored", source, kid, e)
            continue
        if key.algorithm_name not in JWKS_ALGORITHMS:
            log.warning("%s: key %s is %s, not one of %s; ignored", source, kid,
                        key.algorithm_name, ", ".join(JWKS_ALGORITHMS))
            continue
        if kid in keys:
            raise JwksError(f"{source}: kid {kid!r} appears twice")
        keys[kid] = key
    if not keys:
        raise JwksError(f"{source}: no usable RS256 or ES256 signing key with a kid")
    return keys


class JwksFile:
    """The keys of a JWKS file, re-read when the file changes (fail closed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._keys: dict[str, jwt.PyJWK] = {}
        self._error: str | None = None
        self._load(self._current_stamp())  # at start, a bad file is fatal
        if self._error:
            raise JwksError(self._error)

    def _current_stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def _load(self, stamp: tuple[int, int] | None) -> None:
        self._stamp = stamp
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self._keys, self._error = parse_jwks(data, str(self.path)), None
        except (OSError, ValueError) as e:
            self._keys, self._error = {}, str(e)
            log.error("JWKS file unusable, tokens from the identity provider are refused: %s", e)

    def key(self, kid: str) -> jwt.PyJWK | None:
        stamp = self._current_stamp()
        with self._lock:
            if stamp != self._stamp:
                self._load(stamp)
            return self._keys.get(kid)


class TokenVerifier:
    def __init__(
        self,
        secret: str | None,
        jwks: JwksFile | None = None,
        *,
        issuer: str | None = None,
        audience: str | None = None,
    ) -> None:
        self.secret = secret
        self.jwks = jwks
        self.issuer = issuer
        self.audience = audience

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenVerifier:
        jwks = JwksFile(Path(settings.jwks_file)) if settings.jwks_file else None
        return cls(settings.effective_jwt_secret, jwks,
                   issuer=settings.jwt_issuer, audience=settings.jwt_audience)

    @property
    def configured(self) -> bool:
        return bool(self.secret or self.jwks)

    def caller(self, header: str | None) -> Caller:
        """The caller for an ``Authorization`` header value; anonymous without one.
        A present but invalid token is refused rather than treated as anonymous."""
        if not header:
            return ANONYMOUS
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("Authorization must be 'Bearer <token>'",
                                  message_ja="認証情報の形式が正しくありません")
        if not self.configured:
            raise Unauthenticated("token verification is not configured", message_ja="認証が構成されていません")
        try:
            claims = self._verified_claims(token)
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("token expired", message_ja="認証の有効期限が切れています") from None
        except jwt.PyJWTError:
            raise Unauthenticated("invalid token", message_ja="認証情報が正しくありません") from None
        return caller_from_claims(claims)

    def _verified_claims(self, token: str) -> dict[str, Any]:
        header = jwt.get_unverified_header(token)
        alg = header.get("alg")
        key: str | jwt.PyJWK
        if alg == HS256:
            if not self.secret:
                raise jwt.InvalidAlgorithmError("HS256 tokens are not accepted here")
            key = self.secret
        elif alg in JWKS_ALGORITHMS and self.jwks is not None:
            kid = header.get("kid")
            found = self.jwks.key(kid) if isinstance(kid, str) else None
            if found is None:
                raise jwt.InvalidKeyError("no key with this kid")
            if found.algorithm_name != alg:
                raise jwt.InvalidAlgorithmError(f"key {kid} is for {found.algorithm_name}")
            key = found
        else:
            raise jwt.InvalidAlgorithmError(f"algorithm {alg!r} is not accepted")
        required = ["sub", "exp"] + (["iss"] if self.issuer else []) + (["aud"] if self.audience else [])
        return jwt.decode(
            token, key, algorithms=[alg], options={"require": required},
            issuer=self.issuer, audience=self.audience,
        )


def caller_from_claims(claims: dict[str, Any]) -> Caller:
    role = claims.get("role")
    sub = claims.get("sub")
    dept = claims.get("dept")
    if role not in TOKEN_ROLES or not isinstance(sub, str) or not sub:
        raise Unauthenticated("token lacks a valid role or subject", message_ja="認証情報が正しくありません")
    if role in DEPARTMENT_ROLES and (not isinstance(dept, str) or not dept):
        raise Unauthenticated("staff tokens need a department", message_ja="所属課のない職員トークンです")
    raw_scope = claims.get("scope", "")
    if isinstance(raw_scope, str):
        scopes = frozenset(raw_scope.split())
    elif isinstance(raw_scope, list):
        scopes = frozenset(s for s in raw_scope if isinstance(s, str))
    else:
        scopes = frozenset()
    return Caller(Actor(subject=sub, role=role, department=dept if isinstance(dept, str) else None), scopes)
