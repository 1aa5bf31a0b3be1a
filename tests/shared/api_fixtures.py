"""API fixtures: a live app (lifespan started, so the projection follower runs),
a ``gql`` helper, bearer tokens for every kind of caller, and a catalogue set up
through GraphQL mutations. Every fixture depends on ``container``, so each API
test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import Container
from tests.shared.api_support import (
    ACCOUNT,
    COPIES_FIELD,
    COUNTER,
    DEFINE,
    ESTABLISH,
    PUBLISH,
    SHIMIN,
    SIMPLE,
    ZEIMU,
    Gql,
    ok,
    post_graphql,
    procedure_input,
    token,
)


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container)) as c:
        yield c


@pytest.fixture
def gql(client: TestClient) -> Gql:
    def run(query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
        response = post_graphql(client, query, token, variables)
        assert response.status_code == 200, response.text
        return response.json()

    return run


@pytest.fixture
def admin() -> str:
    return token(sub="admin-1", role="admin")


@pytest.fixture
def shimin_staff() -> str:
    return token(sub="staff-shimin", role="staff", dept=SHIMIN)


@pytest.fixture
def zeimu_staff() -> str:
    return token(sub="staff-zeimu", role="staff", dept=ZEIMU)


@pytest.fixture
def citizen_a() -> str:
    return token(sub="citizen-a", role="citizen")


@pytest.fixture
def citizen_b() -> str:
    return token(sub="citizen-b", role="citizen")


@pytest.fixture
def analyst() -> str:
    return token(sub="analyst-1", role="analyst")


@pytest.fixture
def auditor() -> str:
    return token(sub="auditor-1", role="auditor")


@dataclass(frozen=True)
class Catalogue:
    simple: str
    account: str
    counter: str
    position: int  # of the last set-up event


@pytest.fixture
def catalogue(gql: Gql, admin: str, shimin_staff: str, zeimu_staff: str) -> Catalogue:
    """Departments shimin and zeimu; a none-level online procedure and a counter-only
    one in shimin, an account-level online procedure in zeimu."""
    positions = []
    for code, ja, en in ((SHIMIN, "市民課", "Citizens Division"), (ZEIMU, "税務課", "Tax Division")):
        positions.append(ok(gql(ESTABLISH, admin, code=code, nameJa=ja, nameEn=en))
                         ["establishDepartment"]["position"])
    definitions = (
        (shimin_staff, procedure_input(SIMPLE, SHIMIN), True),
        (zeimu_staff, procedure_input(
            ACCOUNT, ZEIMU, nameJa="納税証明書の交付申請", nameEn="Tax payment certificate",
            assurance="ACCOUNT", fields=[COPIES_FIELD]), True),
        (admin, procedure_input(
            COUNTER, SHIMIN, nameJa="戸籍謄本の交付申請", nameEn="Family register copy",
            channels=["COUNTER"], fields=[COPIES_FIELD]), False),
    )
    for who, definition, online in definitions:
        positions.append(ok(gql(DEFINE, who, input=definition))["defineProcedure"]["position"])
        if online:
            published = ok(gql(PUBLISH, who, code=definition["code"]))
            positions.append(published["publishProcedureOnline"]["position"])
    assert positions == sorted(set(positions)), positions
    return Catalogue(SIMPLE, ACCOUNT, COUNTER, positions[-1])
