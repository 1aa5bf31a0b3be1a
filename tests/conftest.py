"""Shared fixtures: every application, projection and API test runs on SQLite and
on PostgreSQL. PostgreSQL tests skip only when the server is unreachable AND
``MADOGUCHI_REQUIRE_POSTGRES`` is unset (``.ci/run`` sets it, so CI fails instead)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from api.composition import Container, build_container
from domain.shared.context import Actor, CommandContext
from infra.clock import ManualClock
from infra.settings import Settings
from tests.tokens import TEST_JWT_SECRET

pytest_plugins = ["tests.shared.api_fixtures"]

POSTGRES_URL = os.environ.get(
    "MADOGUCHI_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
START = datetime(2026, 4, 1, 0, 30, tzinfo=UTC)  # 09:30 in Shimotsuke


def _postgres_reachable() -> str | None:
    try:
        with psycopg.connect(
            POSTGRES_URL.replace("postgresql://", "postgresql://", 1), connect_timeout=3
        ):
            return None
    except psycopg.Error as e:
        return str(e)


@pytest.fixture(scope="session")
def postgres_available() -> bool:
    problem = _postgres_reachable()
    if problem is None:
        return True
    if os.environ.get("MADOGUCHI_REQUIRE_POSTGRES"):
        pytest.fail(f"PostgreSQL is required but unreachable: {problem}")
    pytest.skip(f"PostgreSQL unreachable: {problem}")
    return False


def _drop_schema(schema: str) -> None:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres":
        request.getfixturevalue("postgres_available")
    return request.param


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Iterator[Settings]:
    if backend == "postgres":
        schema = f"t_{uuid.uuid4().hex[:12]}"
        yield Settings(
            env="test", data_dir=tmp_path / "var", database_url=POSTGRES_URL,
            database_schema=schema, jwt_secret=TEST_JWT_SECRET,
        )
        _drop_schema(schema)
    else:
        yield Settings(env="test", data_dir=tmp_path / "var", jwt_secret=TEST_JWT_SECRET)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def container(settings: Settings, clock: ManualClock) -> Iterator[Container]:
    c = build_container(settings, clock=clock)
    yield c
    c.close()


def context(clock: ManualClock, actor: Actor | None = None) -> CommandContext:
    return CommandContext(actor or Actor.system(), clock.now(), correlation_id=uuid.uuid4().hex)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test that runs on PostgreSQL carries the ``postgres`` marker, so the
    quick loop is ``pytest -m "not postgres and not slow"`` (docs/architecture.md)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("backend") == "postgres":
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Chromium driven by Playwright, for the pages' browser tests (tests/shared/browser.py)."""
    from tests.shared.browser import launch

    yield from launch()
