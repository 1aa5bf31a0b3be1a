"""Liveness and readiness probes."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from api.composition import Container
from tests.shared.api_support import SUBMIT, Gql, ok, submission


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_each_projection_once_caught_up(
    client: TestClient, gql: Gql, container: Container, catalogue
) -> None:
    position = ok(gql(SUBMIT, input=submission(contactEmail="hanako@example.jp")))["submitApplication"]["position"]
    assert container.log.head() >= position  # the payment process may record the fee due
    deadline = time.monotonic() + 10
    while True:
        response = client.get("/readyz")
        body = response.json()
        lags = [p["lag"] for p in body.get("projections", {}).values()]
        if response.status_code == 200 and lags and not any(lags):
            break
        assert time.monotonic() < deadline, body
        time.sleep(0.05)
    assert body["ready"] is True and body["database"] == "ok"
    assert set(body["projections"]) == {p.name for p in container.projections}
    heads = {p["head"] for p in body["projections"].values()}
    assert len(heads) == 1 and heads.pop() >= position
    for name, p in body["projections"].items():
        assert p == {"position": p["head"], "head": p["head"], "lag": 0, "status": "active"}, name


def test_readyz_shows_the_lag_while_the_follower_is_stopped(
    client: TestClient, gql: Gql, container: Container, catalogue
) -> None:
    container.stop_projections()
    head = container.log.head()
    position = ok(gql(SUBMIT, input=submission(contactEmail="hanako@example.jp")))["submitApplication"]["position"]
    body = client.get("/readyz").json()
    lags = {name: p["lag"] for name, p in body["projections"].items()}
    # the application projections have not seen the submission (catalogue may be behind too)
    assert lags["application_status"] >= position - head > 0
    assert all(p["head"] == position for p in body["projections"].values())


def test_readyz_is_503_when_the_database_is_unreachable(
    client: TestClient, container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable() -> None:
        raise OSError("connection refused")

    monkeypatch.setattr(container.engine, "status", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"ready": False, "database": "unreachable"}
    assert response.headers["retry-after"] == "5"
    assert client.get("/healthz").status_code == 200  # liveness does not depend on it
