"""The standalone projection worker (``madoguchi projections run``) survives kill -9:
restarted, its read models equal a clean rebuild; a standby takes over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from api.composition import Container
from application.projection.base import Tables
from tests.builders import setup_procedure, submit

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _worker(settings, batch_size: int) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        MADOGUCHI_DATA_DIR=str(settings.data_dir),
        MADOGUCHI_DATABASE_SCHEMA=settings.database_schema,
        MADOGUCHI_PROJECTION_BATCH_SIZE=str(batch_size),
        MADOGUCHI_LOG_LEVEL="WARNING",
    )
    if settings.database_url:
        env["MADOGUCHI_DATABASE_URL"] = settings.database_url
    else:
        env.pop("MADOGUCHI_DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "projections", "run"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def _positions(container: Container) -> dict[str, int]:
    return {s.name: s.position for s in container.engine.status() if s.serving}


def _wait(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _dump(container: Container) -> dict[str, list[tuple]]:
    """Every row of every serving table, by logical table name."""
    dump: dict[str, list[tuple]] = {}
    status = {s.name: s.generation for s in container.engine.status() if s.serving}
    with container.views.read() as cur:
        for name, projection in container.engine.projections.items():
            t = Tables(projection.tables, status[name])
            for logical, physical in t.items():
                cur.execute(f"SELECT * FROM {physical}")
                dump[logical] = sorted(tuple(map(str, r)) for r in cur.fetchall())
    return dump


def _fill(container: Container, clock, n: int) -> int:
    setup_procedure(container, clock)
    last = 0
    for i in range(n):
        last = submit(container, clock, applicant_name=f"住民 {i}").position
    return last


def test_killed_worker_resumes_to_a_read_model_equal_to_a_clean_rebuild(container, clock):
    head = _fill(container, clock, 400)
    worker = _worker(container.settings, batch_size=5)
    try:
        assert _wait(lambda: 0 < min(_positions(container).values()) < head), "worker never started"
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        partial = min(_positions(container).values())
        assert partial < head
        worker = _worker(container.settings, batch_size=50)
        # the log's head, not ``head``: the payment process appends PaymentRequested as it follows
        assert _wait(lambda: min(_positions(container).values()) >= container.log.head()), \
            "worker did not resume"
    finally:
        worker.kill()
        worker.wait(10)
    live = _dump(container)
    assert len(live["status_applications"]) == 400
    for name in list(container.engine.projections):
        container.engine.rebuild(name, grace=0)
    assert _dump(container) == live


def test_a_standby_worker_takes_over_when_the_leader_dies(container, clock):
    _fill(container, clock, 5)
    leader = _worker(container.settings, batch_size=50)
    standby = None
    try:
        assert _wait(lambda: min(_positions(container).values()) >= container.log.head())
        standby = _worker(container.settings, batch_size=50)
        time.sleep(1.0)  # let the standby start and find the lock taken
        leader.send_signal(signal.SIGKILL)
        leader.wait(10)
        position = submit(container, clock, applicant_name="後から 太郎").position
        assert _wait(lambda: min(_positions(container).values()) >= position, timeout=30)
        assert standby.poll() is None
    finally:
        for proc in (leader, standby):
            if proc is not None:
                proc.kill()
                proc.wait(10)


def test_two_workers_never_apply_the_same_projection_at_once(container, clock):
    head = _fill(container, clock, 150)
    workers = [_worker(container.settings, batch_size=3) for _ in range(2)]
    try:
        assert _wait(lambda: min(_positions(container).values()) >= head)
    finally:
        for w in workers:
            w.kill()
            w.wait(10)
    dump = _dump(container)
    assert len(dump["status_applications"]) == 150
    assert sum(int(r[2]) for r in dump["inbox_counts"]) == 150
