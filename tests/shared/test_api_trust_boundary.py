"""The trust boundary around the HTTP server: ``X-Forwarded-For`` is believed only
from ``MADOGUCHI_TRUSTED_PROXIES`` (none by default, so a caller cannot choose
the address its rate limit counts), ``madoguchi serve`` leaves uvicorn's own
proxy-header handling off, and production serves no ``/openapi.json``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.app import create_app
from api.composition import Container, build_container
from api.shared.forwarded import client_behind, parse_proxies
from infra.clock import ManualClock
from infra.settings import Settings
from tests.shared.api_support import SUBMIT, error, submission
from tests.tokens import TEST_JWT_SECRET


def _client(container: Container, clock: ManualClock, peer: str, **updates: Any) -> Iterator[TestClient]:
    if updates.get("env") == "production":
        updates["master_key"] = (container.settings.data_dir / "master.key").read_text().strip()
    other = build_container(container.settings.model_copy(update=updates), clock=clock)
    try:
        with TestClient(create_app(other, run_projections=False), client=(peer, 50000)) as c:
            yield c
    finally:
        other.close()


def _submit_from(client: TestClient, forwarded_for: str, procedure: str) -> dict[str, Any]:
    return client.post("/graphql", json={"query": SUBMIT, "variables": {"input": submission(
        procedure, contactEmail="hanako@example.jp")}},
                       headers={"X-Forwarded-For": forwarded_for}).json()


def test_a_forged_forwarded_for_from_loopback_does_not_escape_the_rate_limit(
        container: Container, clock: ManualClock, catalogue):
    for c in _client(container, clock, "127.0.0.1", rate_limit_anonymous_submissions="2/min"):
        answers = [_submit_from(c, f"198.51.100.{i}", catalogue.simple) for i in range(3)]
    assert [a.get("errors") is None for a in answers] == [True, True, False]
    assert error(answers[2])["code"] == "RATE_LIMITED"


def test_a_trusted_proxy_is_believed(container: Container, clock: ManualClock, catalogue):
    for c in _client(container, clock, "10.0.0.5", rate_limit_anonymous_submissions="2/min",
                     trusted_proxies="10.0.0.0/8"):
        answers = [_submit_from(c, f"198.51.100.{i}, 10.0.0.7", catalogue.simple) for i in range(3)]
    assert all(a.get("errors") is None for a in answers), answers


@pytest.mark.parametrize(("peer", "header", "client"), [
    ("127.0.0.1", "198.51.100.1", "127.0.0.1"),  # loopback is not trusted unless configured
    ("10.0.0.5", "198.51.100.1", "198.51.100.1"),
    ("10.0.0.5", "203.0.113.9, 198.51.100.1, 10.0.0.7", "198.51.100.1"),  # right-most untrusted hop
    ("10.0.0.5", "not-an-address", "10.0.0.5"),
    ("192.0.2.1", "198.51.100.1", "192.0.2.1"),  # not a trusted proxy
])
def test_the_client_behind_a_trusted_proxy(peer: str, header: str, client: str):
    assert client_behind(peer, header, parse_proxies("10.0.0.0/8")) == client


def test_trusted_proxies_must_be_addresses_or_networks():
    assert Settings(trusted_proxies="").trusted_proxies == ""
    with pytest.raises(ValidationError):
        Settings(trusted_proxies="10.0.0.0/8, localhost")


def test_serve_leaves_uvicorns_proxy_headers_off(monkeypatch, tmp_path):
    import uvicorn
    from typer.testing import CliRunner

    from api.cli import app as cli

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda _app, **options: seen.update(options))
    monkeypatch.setenv("MADOGUCHI_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MADOGUCHI_JWT_SECRET", TEST_JWT_SECRET)
    result = CliRunner().invoke(cli, ["serve", "--no-demo", "--no-projections"])
    assert result.exit_code == 0, result.output
    assert seen["proxy_headers"] is False


def test_openapi_json_is_not_served_in_production(container: Container, clock: ManualClock):
    for development in _client(container, clock, "127.0.0.1"):
        assert development.get("/openapi.json").status_code == 200
    for production in _client(container, clock, "127.0.0.1", env="production", jwt_secret=TEST_JWT_SECRET):
        assert production.get("/openapi.json").status_code == 404
        assert production.get("/docs").status_code == 404
