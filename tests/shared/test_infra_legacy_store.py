"""A city database written before the capability re-layout keeps working.

``fixtures/store-0.1`` is the demo city as the 0.1 layout wrote it (every event
stored under its old ``module:Class`` topic, with its master key and audit
signing key). The current code must decode every event, replay every
aggregate, follow and rebuild every read model, and verify the audit chain —
on SQLite (the file as it is) and on PostgreSQL (the same rows copied in)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from api.cli import app
from api.composition import build_container
from application.projection.reading import read_session
from domain.shared.topics import LEGACY_TOPICS
from infra.settings import Settings
from projections.applications.status import ApplicationStatus
from tests.conftest import POSTGRES_URL

FIXTURE = Path(__file__).parent / "fixtures" / "store-0.1"
KEY_FILES = ("master.key", "audit-signing-key.pem", "dev-duplicate-fingerprint-key")


def _fixture_rows() -> list[tuple[str, int, str, bytes]]:
    with sqlite3.connect(FIXTURE / "events.sqlite3") as db:
        return db.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid").fetchall()


def _copy_into_postgres(settings: Settings) -> None:
    """The fixture's events and keys, row for row, into the PostgreSQL schema."""
    build_container(settings).close()  # creates the tables
    with sqlite3.connect(FIXTURE / "events.sqlite3") as db:
        keys = db.execute("SELECT subject, owner, wrapped_key, created_at FROM subject_keys").fetchall()
    with psycopg.connect(POSTGRES_URL) as conn:
        conn.execute(f'SET search_path TO "{settings.database_schema}"')
        table = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s"
            " AND table_name LIKE %s", (settings.database_schema, "%events")).fetchone()[0]
        with conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {table} (originator_id, originator_version, topic, state, notification_id)"
                " VALUES (%s, %s, %s, %s, %s)",
                [(*row, n) for n, row in enumerate(_fixture_rows(), start=1)])
            cur.executemany("INSERT INTO subject_keys (subject, owner, wrapped_key, created_at)"
                            " VALUES (%s, %s, %s, %s)", keys)


@pytest.fixture
def legacy_settings(settings: Settings) -> Settings:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    for name in KEY_FILES:
        shutil.copy(FIXTURE / name, settings.data_dir / name)
    if settings.database_url:
        _copy_into_postgres(settings)
    else:
        shutil.copy(FIXTURE / "events.sqlite3", settings.events_path)
    return settings


def _cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.delenv("MADOGUCHI_DATABASE_URL", raising=False)
    monkeypatch.setenv("MADOGUCHI_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MADOGUCHI_DATABASE_SCHEMA", settings.database_schema)
    monkeypatch.setenv("MADOGUCHI_ENV", "test")
    monkeypatch.setenv("MADOGUCHI_LOG_LEVEL", "WARNING")
    if settings.database_url:
        monkeypatch.setenv("MADOGUCHI_DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_every_old_topic_names_a_class_that_still_exists():
    from eventsourcing.utils import get_topic, resolve_topic

    written = (FIXTURE / "topics-0.1.txt").read_text().split()
    moved = [t for t in written if t in LEGACY_TOPICS]
    assert moved, "the 0.1 topics are registered"
    for old in moved:
        assert get_topic(resolve_topic(LEGACY_TOPICS[old])) == LEGACY_TOPICS[old]
    for topic in set(written) - set(LEGACY_TOPICS):
        resolve_topic(topic)  # unmoved classes still resolve as they are


def test_a_store_written_by_the_old_layout_decodes_and_replays(legacy_settings):
    container = build_container(legacy_settings)
    try:
        log = container.log
        notifications = log.recorder.select_notifications(0, 10_000)
        assert len(notifications) == len(_fixture_rows())
        events = [log.mapper.to_domain_event(n) for n in notifications]
        for originator_id in {e.originator_id for e in events}:
            aggregate = log.repository.get(originator_id)
            assert aggregate.version == max(e.originator_version for e in events
                                            if e.originator_id == originator_id)
    finally:
        container.close()


def test_a_store_written_by_the_old_layout_follows_rebuilds_and_verifies(legacy_settings, monkeypatch):
    container = build_container(legacy_settings)
    try:
        container.engine.catch_up()
        with read_session(container.views, container.projections) as session:
            t = session.tables(ApplicationStatus.name)
            session.cur.execute(f"SELECT COUNT(*) FROM {t['status_applications']}")
            count = session.cur.fetchone()[0]
        assert count == 320
        failed = [s.name for s in container.engine.status() if s.error]
        assert failed == []
    finally:
        container.close()
    assert "now serving" in _cli(legacy_settings, monkeypatch, "projections", "rebuild", "--all")
    _cli(legacy_settings, monkeypatch, "audit", "verify")
