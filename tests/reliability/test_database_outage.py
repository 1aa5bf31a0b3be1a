"""PostgreSQL restarted under load. The shared server is not touched: the test
starts a private cluster (initdb + pg_ctl on a free port), points a container
and ``madoguchi serve`` at it, stops it with ``pg_ctl stop -m immediate``
during a steady load and starts it again.

While it is down the API answers ``UNAVAILABLE`` (``retryable: true``; ``/readyz``
503 with ``Retry-After``), never a 500; it recovers by itself; and nothing
partial is committed: every acknowledged command is in the log and every
refused one left no event."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from api.composition import Container, build_container
from infra.clock import ManualClock
from infra.settings import Settings
from tests.conftest import START
from tests.reliability.support import (
    Api,
    Load,
    assert_log_intact,
    assert_read_models_equal_a_rebuild,
    free_port,
    recorded,
    set_up_counter_and_procedure,
)
from tests.shared.api_support import token
from tests.tokens import TEST_JWT_SECRET

pytestmark = pytest.mark.slow
LOAD_EVENTS = ("ApplicationSubmitted", "ApplicationReceived", "ApplicationApproved", "TicketIssued",
               "TicketCalled")


class PrivateCluster:
    """A throw-away PostgreSQL cluster (as the ``postgres`` OS user when run as root)."""

    def __init__(self, root: Path) -> None:
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not binaries:
            _unavailable("no PostgreSQL server binaries (initdb) on this machine")
        self.bin = Path(binaries[-1]).parent
        self.dir, self.port = root / "pgdata", free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(root, "postgres")
        self._run("initdb", "-D", str(self.dir), "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_postgres, str(self.bin / tool), *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)

    def start(self) -> None:
        options = f"-k {self.dir} -p {self.port} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "start", "-w", "-D", str(self.dir), "-l", str(self.dir / "log"),
                  "-o", options)

    def stop(self) -> None:
        self._run("pg_ctl", "stop", "-m", "immediate", "-D", str(self.dir))

    def running(self) -> bool:
        try:
            with psycopg.connect(self.url, connect_timeout=2):
                return True
        except psycopg.Error:
            return False


def _unavailable(reason: str) -> None:
    if os.environ.get("MADOGUCHI_REQUIRE_POSTGRES"):
        pytest.fail(f"PostgreSQL is required: {reason}")
    pytest.skip(reason)


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    root = Path(tempfile.mkdtemp(prefix="madoguchi-pg-"))  # pytest's tmp_path is root-only
    try:
        pg = PrivateCluster(root)
        pg.start()
    except subprocess.CalledProcessError as e:
        shutil.rmtree(root, ignore_errors=True)
        _unavailable(f"cannot start a private PostgreSQL cluster: {e} {e.stderr!r}")
    except (OSError, subprocess.SubprocessError) as e:
        shutil.rmtree(root, ignore_errors=True)
        _unavailable(f"cannot start a private PostgreSQL cluster: {e}")
    yield pg
    if pg.running():
        pg.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def outage_container(cluster: PrivateCluster, tmp_path: Path) -> Iterator[Container]:
    settings = Settings(env="test", data_dir=tmp_path / "var", database_url=cluster.url,
                        database_schema=f"t_{uuid.uuid4().hex[:12]}", jwt_secret=TEST_JWT_SECRET)
    c = build_container(settings, clock=ManualClock(START))
    yield c
    c.close()


def _wait_for_unavailable(load: Load, more: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    count = sum(code == "UNAVAILABLE" for _, code, _ in load.refused) + more
    while sum(code == "UNAVAILABLE" for _, code, _ in load.refused) < count:
        assert time.monotonic() < deadline, f"no UNAVAILABLE answers: {load.refused[-3:]}"
        time.sleep(0.05)


def test_a_database_restart_under_load_answers_unavailable_and_commits_nothing_partial(
    cluster: PrivateCluster, outage_container: Container
) -> None:
    container = outage_container
    set_up_counter_and_procedure(container, container.clock)
    before = container.log.head()
    api = Api(container.settings, projections=True)
    api.start()
    try:
        with Load(api.url) as load:
            load.wait_for(10)
            cluster.stop()
            _wait_for_unavailable(load, 2)
            ready = httpx.get(f"{api.url}/readyz", timeout=30)
            assert ready.status_code == 503 and ready.headers["Retry-After"], ready.text
            exported = httpx.get(f"{api.url}/exports/dashboards/city.json", timeout=30,
                                 params={"from": "2026-04-01", "to": "2026-04-30"},
                                 headers={"Authorization": f"Bearer {token(sub='a', role='admin')}"})
            assert exported.status_code == 503 and exported.headers["Retry-After"], exported.text
            assert exported.json()["code"] == "UNAVAILABLE"
            cluster.start()
            load.wait_for(10)  # the same API process recovers by itself
            assert api.proc is not None and api.proc.poll() is None, "the API was restarted"
    finally:
        api.kill()
    assert not load.server_errors, load.server_errors[:3]
    assert load.unanswered == 0, "every request got an answer"
    unavailable = [e for _, code, e in load.refused if code == "UNAVAILABLE"]
    assert unavailable and all(e.get("retryable") is True for e in unavailable)

    assert_log_intact(container, load)
    # nothing partial: exactly one event per acknowledged command, none for a refused one
    logged = Counter(event for position, _, _, event in recorded(container)
                     if position > before and event in LOAD_EVENTS)
    assert logged == Counter(event for event, _, _ in load.acked)
    container.engine.catch_up()
    assert_read_models_equal_a_rebuild(container)
