"""On PostgreSQL, madoguchi refuses to start when ``fsync`` or
``synchronous_commit`` is off, unless ``MADOGUCHI_ALLOW_UNSAFE_DURABILITY=1``.
The real server (both on) is checked for real; "off" is simulated."""

from __future__ import annotations

import logging
import uuid

import pytest
from typer.testing import CliRunner

import infra.wiring
from api.cli import app as cli
from api.composition import build_container
from infra.settings import Settings
from infra.store.events import conninfo
from infra.wiring import UnsafeDurability, check_durability, postgres_durability
from tests.conftest import POSTGRES_URL, _drop_schema


@pytest.fixture
def pg_settings(postgres_available, tmp_path):
    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield Settings(env="test", data_dir=tmp_path / "var", database_url=POSTGRES_URL,
                   database_schema=schema)
    _drop_schema(schema)


def test_the_real_server_is_durable_and_starts(pg_settings, clock):
    assert postgres_durability(conninfo(POSTGRES_URL)) == {"fsync": "on", "synchronous_commit": "on"}
    check_durability(pg_settings)
    build_container(pg_settings, clock=clock).close()


@pytest.mark.parametrize("values", [
    {"fsync": "off", "synchronous_commit": "on"},
    {"fsync": "on", "synchronous_commit": "off"},
    {"fsync": "off", "synchronous_commit": "off"},
])
def test_an_unsafe_server_is_refused_unless_allowed(pg_settings, clock, monkeypatch, caplog, values):
    monkeypatch.setattr(infra.wiring, "postgres_durability", lambda _conninfo: values)
    with pytest.raises(UnsafeDurability) as refused:
        build_container(pg_settings, clock=clock)
    message = str(refused.value)
    for name, value in values.items():
        assert (f"{name}={value}" in message) is (value == "off")
    assert "MADOGUCHI_ALLOW_UNSAFE_DURABILITY=1" in message

    allowed = pg_settings.model_copy(update={"allow_unsafe_durability": True})
    with caplog.at_level(logging.WARNING, logger="madoguchi.storage"):
        build_container(allowed, clock=clock).close()
    assert "MADOGUCHI_ALLOW_UNSAFE_DURABILITY" in caplog.text


def test_local_and_remote_synchronous_commit_are_durable(pg_settings, monkeypatch):
    for mode in ("local", "remote_write", "remote_apply"):
        monkeypatch.setattr(infra.wiring, "postgres_durability",
                            lambda _c, m=mode: {"fsync": "on", "synchronous_commit": m})
        check_durability(pg_settings)


def test_sqlite_is_not_asked(tmp_path, clock, monkeypatch):
    def fail(_conninfo):
        raise AssertionError("not PostgreSQL")

    monkeypatch.setattr(infra.wiring, "postgres_durability", fail)
    build_container(Settings(env="test", data_dir=tmp_path / "var"), clock=clock).close()


def test_the_cli_refuses_to_start_with_a_clear_message(pg_settings, monkeypatch):
    monkeypatch.setattr(infra.wiring, "postgres_durability",
                        lambda _c: {"fsync": "off", "synchronous_commit": "on"})
    for key, value in {"MADOGUCHI_DATA_DIR": str(pg_settings.data_dir),
                       "MADOGUCHI_DATABASE_URL": POSTGRES_URL,
                       "MADOGUCHI_DATABASE_SCHEMA": pg_settings.database_schema,
                       "MADOGUCHI_ENV": "test", "MADOGUCHI_LOG_LEVEL": "WARNING"}.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(cli, ["projections", "status"], terminal_width=300)
    assert result.exit_code == 2
    assert "fsync=off" in result.output and "refusing to start" in result.output
    monkeypatch.setenv("MADOGUCHI_ALLOW_UNSAFE_DURABILITY", "1")
    assert CliRunner().invoke(cli, ["projections", "status"]).exit_code == 0
