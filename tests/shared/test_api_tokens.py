"""Bearer tokens: the per-data-directory development secret shared by ``serve``
and ``madoguchi token``; HS256 only with a secret; RS256/ES256 only against the
JWKS file, by ``kid``; ``exp`` enforced; anything else refused."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from pydantic import ValidationError
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli
from api.composition import Container, build_container
from api.shared.auth import JwksError, JwksFile, TokenVerifier, mint_token
from domain.shared.errors import Unauthenticated
from infra import dev_secret
from infra.clock import ManualClock
from infra.settings import Settings
from tests.shared.api_support import post_graphql

WHOAMI = "{ departments { code } }"  # any caller may ask; a bad token fails it


# -- keys and tokens ------------------------------------------------------------
@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def jwk(key: Any, kid: str, **extra: Any) -> dict[str, Any]:
    algorithm = RSAAlgorithm if isinstance(key, rsa.RSAPrivateKey) else ECAlgorithm
    data = algorithm.to_jwk(key.public_key(), as_dict=True)
    return {**data, "kid": kid, "use": "sig", **extra}


def write_jwks(path: Path, *keys: dict[str, Any]) -> Path:
    path.write_text(json.dumps({"keys": list(keys)}), encoding="utf-8")
    return path


@pytest.fixture
def jwks_path(tmp_path: Path, rsa_key, ec_key) -> Path:
    return write_jwks(tmp_path / "jwks.json", jwk(rsa_key, "rsa-1"), jwk(ec_key, "ec-1"))


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"sub": "staff-7", "role": "staff", "dept": "shimin", "iat": now, "exp": now + 600,
            "scope": "pii", **overrides}


def signed(key: Any, alg: str, kid: str | None, **overrides: Any) -> str:
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(claims(**overrides), key, algorithm=alg, headers=headers)


def refused(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(Unauthenticated) as caught:
        verifier.caller(f"Bearer {token}")
    return caught.value.message


# -- the development secret -----------------------------------------------------
def test_the_dev_secret_is_generated_once_per_data_directory(tmp_path: Path) -> None:
    settings = Settings(env="development", data_dir=tmp_path / "var")
    assert not settings.dev_jwt_secret_path.exists()
    secret = settings.effective_jwt_secret
    path = settings.dev_jwt_secret_path
    assert path == tmp_path / "var" / "dev-jwt-secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(secret) >= 32
    assert Settings(env="test", data_dir=tmp_path / "var").effective_jwt_secret == secret
    other = Settings(env="development", data_dir=tmp_path / "elsewhere").effective_jwt_secret
    assert other != secret  # no shared, published development secret


def test_concurrent_first_use_agrees_on_one_secret(tmp_path: Path) -> None:
    path = tmp_path / "var" / "dev-jwt-secret"
    results: list[str] = []
    barrier = threading.Barrier(8)

    def create() -> None:
        barrier.wait()
        results.append(dev_secret.load_or_create(path))

    threads = [threading.Thread(target=create) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1
    assert path.read_text().strip() == results[0]
    assert [p.name for p in path.parent.iterdir()] == ["dev-jwt-secret"]  # no temp files left


def test_production_has_no_dev_secret(tmp_path: Path) -> None:
    settings = Settings(env="production", data_dir=tmp_path / "var")
    assert settings.effective_jwt_secret is None
    assert not settings.dev_jwt_secret_path.exists()
    configured = "p" * 40
    assert Settings(env="production", jwt_secret=configured).effective_jwt_secret == configured


def test_a_short_configured_secret_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(jwt_secret="too-short")
    assert Settings(env="production", jwt_secret="").effective_jwt_secret is None


# -- madoguchi token --------------------------------------------------------------
def _cli(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], *args: str):
    for key in ("MADOGUCHI_JWT_SECRET", "MADOGUCHI_DATABASE_URL", "MADOGUCHI_JWKS_FILE"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return CliRunner().invoke(cli, list(args))


def test_token_and_serve_share_the_dev_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, clock: ManualClock
) -> None:
    env = {"MADOGUCHI_ENV": "development", "MADOGUCHI_DATA_DIR": str(tmp_path / "var")}
    result = _cli(monkeypatch, env, "token", "--role", "auditor", "--sub", "a1", "--scope", "pii")
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    secret = (tmp_path / "var" / "dev-jwt-secret").read_text().strip()
    decoded = jwt.decode(token, secret, algorithms=["HS256"])
    assert (decoded["sub"], decoded["role"], decoded["scope"]) == ("a1", "auditor", "pii")

    served = build_container(Settings(env="development", data_dir=tmp_path / "var"), clock=clock)
    try:
        caller = served.verifier.caller(f"Bearer {token}")
        assert (caller.actor.subject, caller.actor.role, caller.may_see_pii) == ("a1", "auditor", True)
    finally:
        served.close()


def test_token_refuses_to_mint_without_a_secret_in_production(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env = {"MADOGUCHI_ENV": "production", "MADOGUCHI_DATA_DIR": str(tmp_path / "var")}
    result = _cli(monkeypatch, env, "token", "--role", "admin", "--sub", "x")
    assert result.exit_code == 2
    assert "Refusing to mint" in result.output
    assert not (tmp_path / "var" / "dev-jwt-secret").exists()


def test_token_mints_with_a_configured_secret(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = "s" * 48
    env = {"MADOGUCHI_ENV": "development", "MADOGUCHI_DATA_DIR": str(tmp_path / "var"),
           "MADOGUCHI_JWT_SECRET": secret}
    result = _cli(monkeypatch, env, "token", "--role", "staff", "--dept", "shimin", "--sub", "s1")
    assert result.exit_code == 0, result.output
    assert jwt.decode(result.output.strip(), secret, algorithms=["HS256"])["dept"] == "shimin"
    assert not (tmp_path / "var" / "dev-jwt-secret").exists()
    bad = _cli(monkeypatch, env, "token", "--role", "staff", "--sub", "s1")
    assert bad.exit_code == 2 and "needs a department" in bad.output


# -- HS256 ----------------------------------------------------------------------
def test_hs256_tokens_need_the_secret() -> None:
    secret = "h" * 40
    good = mint_token(secret, sub="c1", role="citizen")
    assert TokenVerifier(secret).caller(f"Bearer {good}").actor.subject == "c1"
    assert refused(TokenVerifier("x" * 40), good) == "invalid token"
    assert refused(TokenVerifier(None, None), good) == "token verification is not configured"
    expired = mint_token(secret, sub="c1", role="citizen", ttl_seconds=-1)
    assert refused(TokenVerifier(secret), expired) == "token expired"
    no_exp = jwt.encode({"sub": "c1", "role": "citizen"}, secret, algorithm="HS256")
    assert refused(TokenVerifier(secret), no_exp) == "invalid token"
    hs512 = jwt.encode(claims(), secret * 2, algorithm="HS512")
    assert refused(TokenVerifier(secret), hs512) == "invalid token"
    unsigned = jwt.encode(claims(), None, algorithm="none")
    assert refused(TokenVerifier(secret), unsigned) == "invalid token"


# -- JWKS -------------------------------------------------------------------------
def test_rs256_and_es256_tokens_are_verified_by_kid(jwks_path: Path, rsa_key, ec_key) -> None:
    verifier = TokenVerifier(None, JwksFile(jwks_path))
    for key, alg, kid in ((rsa_key, "RS256", "rsa-1"), (ec_key, "ES256", "ec-1")):
        caller = verifier.caller(f"Bearer {signed(key, alg, kid)}")
        assert caller.actor.subject == "staff-7"
        assert caller.actor.department == "shimin"
        assert caller.may_see_pii


def test_jwks_tokens_are_refused_when_anything_is_off(jwks_path: Path, rsa_key, ec_key) -> None:
    verifier = TokenVerifier(None, JwksFile(jwks_path))
    assert refused(verifier, signed(rsa_key, "RS256", "unknown")) == "invalid token"
    assert refused(verifier, signed(rsa_key, "RS256", None)) == "invalid token"  # no kid
    assert refused(verifier, signed(rsa_key, "RS256", "ec-1")) == "invalid token"  # wrong key
    assert refused(verifier, signed(ec_key, "ES256", "rsa-1")) == "invalid token"
    assert refused(verifier, signed(rsa_key, "RS512", "rsa-1")) == "invalid token"  # wrong alg
    assert refused(verifier, signed(rsa_key, "PS256", "rsa-1")) == "invalid token"
    expired = signed(rsa_key, "RS256", "rsa-1", exp=int(time.time()) - 5)
    assert refused(verifier, expired) == "token expired"
    assert refused(verifier, signed(rsa_key, "RS256", "rsa-1", exp=None)) == "invalid token"

    header, _, signature = signed(rsa_key, "RS256", "rsa-1").split(".")
    forged = jwt.utils.base64url_encode(
        json.dumps(claims(role="admin", dept=None)).encode()).decode()
    assert refused(verifier, f"{header}.{forged}.{signature}") == "invalid token"  # tampered

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert refused(verifier, signed(other, "RS256", "rsa-1")) == "invalid token"  # not the IdP's key

    # HS256 "signed" with the RSA public key as its secret (algorithm confusion)
    public_pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    confused = _hs256_raw(claims(), public_pem, kid="rsa-1")
    assert refused(verifier, confused) == "invalid token"  # no secret configured: no HS256
    assert refused(TokenVerifier("z" * 40, JwksFile(jwks_path)), confused) == "invalid token"


def _hs256_raw(payload: dict[str, Any], key: bytes, *, kid: str) -> str:
    """An HS256 token with an arbitrary byte key (PyJWT refuses PEM keys for HMAC)."""
    import hashlib
    import hmac

    enc = jwt.utils.base64url_encode
    head = enc(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = enc(json.dumps(payload).encode())
    sig = enc(hmac.new(key, head + b"." + body, hashlib.sha256).digest())
    return b".".join((head, body, sig)).decode()


def test_issuer_and_audience_are_checked_when_configured(jwks_path: Path, rsa_key) -> None:
    verifier = TokenVerifier(None, JwksFile(jwks_path), issuer="https://idp.example.jp",
                             audience="madoguchi")
    good = signed(rsa_key, "RS256", "rsa-1", iss="https://idp.example.jp", aud="madoguchi")
    assert verifier.caller(f"Bearer {good}").actor.subject == "staff-7"
    for bad in ({"iss": "https://evil.example", "aud": "madoguchi"},
                {"iss": "https://idp.example.jp", "aud": "someone-else"},
                {"aud": "madoguchi"}, {"iss": "https://idp.example.jp"}):
        assert refused(verifier, signed(rsa_key, "RS256", "rsa-1", **bad)) == "invalid token", bad


def test_a_jwks_set_keeps_only_usable_signing_keys(tmp_path: Path, rsa_key, ec_key, caplog) -> None:
    p384 = ec.generate_private_key(ec.SECP384R1())
    path = write_jwks(
        tmp_path / "jwks.json",
        jwk(rsa_key, "rsa-1"),
        {k: v for k, v in jwk(rsa_key, "x").items() if k != "kid"},  # no kid
        jwk(ec_key, "enc-1", use="enc"),
        jwk(p384, "p384"),  # ES384: not accepted
        {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac"},  # symmetric: never from a JWKS
        jwk(rsa_key, "rsa-512", alg="RS512"),
    )
    verifier = TokenVerifier(None, JwksFile(path))
    assert verifier.caller(f"Bearer {signed(rsa_key, 'RS256', 'rsa-1')}").actor.role == "staff"
    for kid, key, alg in (("enc-1", ec_key, "ES256"), ("p384", p384, "ES384"),
                          ("rsa-512", rsa_key, "RS512"), ("rsa-512", rsa_key, "RS256")):
        assert refused(verifier, signed(key, alg, kid)) == "invalid token", kid
    hmac_token = jwt.encode(claims(), "k" * 32, algorithm="HS256", headers={"kid": "hmac"})
    assert refused(verifier, hmac_token) == "invalid token"


@pytest.mark.parametrize("content", ["not json", '{"keys": "no"}', '{"keys": []}',
                                     '{"keys": [{"kty": "oct", "k": "eA", "kid": "h"}]}'])
def test_an_unusable_jwks_file_stops_start_up(tmp_path: Path, content: str) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(content)
    with pytest.raises(JwksError):
        JwksFile(path)
    with pytest.raises(JwksError):
        JwksFile(tmp_path / "missing.json")


def test_a_duplicate_kid_is_an_error(tmp_path: Path, rsa_key, ec_key) -> None:
    path = write_jwks(tmp_path / "jwks.json", jwk(rsa_key, "k"), jwk(ec_key, "k"))
    with pytest.raises(JwksError, match="twice"):
        JwksFile(path)


def test_key_rotation_is_picked_up_and_a_broken_file_fails_closed(
    tmp_path: Path, rsa_key, ec_key
) -> None:
    path = write_jwks(tmp_path / "jwks.json", jwk(rsa_key, "old"))
    verifier = TokenVerifier(None, JwksFile(path))
    old = signed(rsa_key, "RS256", "old")
    assert verifier.caller(f"Bearer {old}")
    write_jwks(path, jwk(ec_key, "new"))
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert verifier.caller(f"Bearer {signed(ec_key, 'ES256', 'new')}")
    assert refused(verifier, old) == "invalid token"  # removed from the set: revoked
    path.write_text("{broken")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 2 * 10**9))
    assert refused(verifier, signed(ec_key, "ES256", "new")) == "invalid token"


# -- through the API, on both backends --------------------------------------------
@pytest.fixture
def idp_client(container: Container, clock: ManualClock, jwks_path: Path) -> Iterator[TestClient]:
    """The API with a JWKS file (and only its own development secret for HS256)."""
    settings = container.settings.model_copy(update={"jwt_secret": None, "jwks_file": jwks_path})
    other = build_container(settings, clock=clock)
    try:
        with TestClient(create_app(other, run_projections=False)) as c:
            yield c
    finally:
        other.close()


def test_the_api_accepts_identity_provider_tokens_and_nothing_else(
    idp_client: TestClient, rsa_key, ec_key
) -> None:
    for token in (signed(rsa_key, "RS256", "rsa-1"), signed(ec_key, "ES256", "ec-1")):
        response = post_graphql(idp_client, WHOAMI, token)
        assert not response.json().get("errors"), response.json()
    hs256 = mint_token("t" * 40, sub="x", role="admin")  # not this installation's secret
    for token in (hs256, signed(rsa_key, "RS256", "nope"),
                  signed(rsa_key, "RS256", "rsa-1", exp=int(time.time()) - 1)):
        body = post_graphql(idp_client, WHOAMI, token).json()
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", body


def test_a_bad_jwks_file_stops_the_app_at_start(container: Container, clock: ManualClock,
                                                 tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{}")
    settings = container.settings.model_copy(update={"jwks_file": path})
    other = build_container(settings, clock=clock)
    try:
        with pytest.raises(JwksError):
            create_app(other)
    finally:
        other.close()
