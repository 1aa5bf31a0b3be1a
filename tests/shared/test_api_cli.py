"""The ``madoguchi`` command line, on the same storage the tests use."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from api.cli import app
from infra.settings import Settings


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    values = {
        "MADOGUCHI_DATA_DIR": str(settings.data_dir),
        "MADOGUCHI_DATABASE_SCHEMA": settings.database_schema,
        "MADOGUCHI_ENV": "test",
        "MADOGUCHI_LOG_LEVEL": "WARNING",
    }
    if settings.database_url:
        values["MADOGUCHI_DATABASE_URL"] = settings.database_url
    return values


def run(env: dict[str, str], *args: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("MADOGUCHI_DATABASE_URL", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_demo_load_builds_the_city_and_catches_the_read_models_up(env, monkeypatch):
    output = run(env, "demo", "load", monkeypatch=monkeypatch)
    assert "17 departments" in output and "102 procedures" in output and "(91 online)" in output
    status = run(env, "projections", "status", monkeypatch=monkeypatch)
    for name in ("application_status", "department_inbox", "procedure_catalogue"):
        assert name in status
    assert "active" in status and "failed" not in status
    again = run(env, "demo", "load", monkeypatch=monkeypatch)
    assert "already loaded" in again


def test_rebuild_all_switches_every_read_model_to_a_new_generation(env, monkeypatch, container):
    run(env, "demo", "load", monkeypatch=monkeypatch)
    before = {s.name: s.generation for s in container.engine.status() if s.serving}
    output = run(env, "projections", "rebuild", "--all", monkeypatch=monkeypatch)
    after = {s.name: (s.generation, s.lag) for s in container.engine.status() if s.serving}
    assert "now serving" in output
    assert {name: gen for name, (gen, _) in after.items()} == {n: g + 1 for n, g in before.items()}
    assert all(lag == 0 for _, lag in after.values())


def test_rebuild_of_an_unknown_projection_is_refused(env, monkeypatch):
    monkeypatch.delenv("MADOGUCHI_DATABASE_URL", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(app, ["projections", "rebuild", "no_such_model"])
    assert result.exit_code == 2
    assert "Name a projection" in result.output


def test_schema_prints_the_sdl():
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    assert "type Query" in result.output and "submitApplication" in result.output


def test_snapshots_from_the_command_line(env, monkeypatch, container, clock):
    from datetime import timedelta

    from tests.builders import populate, setup_procedure

    setup_procedure(container, clock)
    populate(container, clock, 3)
    container.engine.catch_up()
    position = container.log.head()
    cut = clock.now().isoformat()
    clock.advance(timedelta(hours=1))
    populate(container, clock, 2)
    container.engine.catch_up()
    serving = {s.name: s.generation for s in container.engine.status() if s.serving}

    output = run(env, "projections", "rebuild", "application_status",
                 "--until-position", str(position), monkeypatch=monkeypatch)
    assert f"snapshot snap_p{position} at position {position} (not served)" in output
    output = run(env, "projections", "rebuild", "department_inbox", "--until", cut,
                 "--namespace", "cut", monkeypatch=monkeypatch)
    assert f"position {position}" in output and "snapshot snap_cut" in output
    status = run(env, "projections", "status", monkeypatch=monkeypatch)
    assert f"snap_p{position}" in status and "snap_cut" in status and "snapshot" in status
    assert {s.name: s.generation for s in container.engine.status() if s.serving} == serving

    output = run(env, "projections", "drop-snapshot", "department_inbox", "--namespace", "cut",
                 monkeypatch=monkeypatch)
    assert "dropped" in output
    assert [s.namespace for s in container.engine.status() if s.namespace] == [
        f"snap_p{position}"]
    result = CliRunner().invoke(app, ["projections", "drop-snapshot", "department_inbox",
                                      "--namespace", "cut"])
    assert result.exit_code == 1
    result = CliRunner().invoke(app, ["projections", "rebuild", "department_inbox",
                                      "--until-position", "1", "--until", cut])
    assert result.exit_code == 2
