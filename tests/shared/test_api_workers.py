"""``madoguchi serve --workers N``: several uvicorn worker processes answer on one
port, and the projections are applied by one of them (the leader lock), so a
write through one worker is readable through any."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from infra.settings import Settings
from tests.tokens import TEST_JWT_SECRET

pytestmark = pytest.mark.slow
PROCEDURES = "{ procedures { code } }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_workers_serve_one_port_and_the_projections_catch_up(settings: Settings) -> None:
    port = free_port()
    env = {**os.environ, "MADOGUCHI_ENV": "development", "MADOGUCHI_DATA_DIR": str(settings.data_dir),
           "MADOGUCHI_JWT_SECRET": TEST_JWT_SECRET, "MADOGUCHI_LOG_LEVEL": "WARNING"}
    if settings.database_url:
        env |= {"MADOGUCHI_DATABASE_URL": settings.database_url,
                "MADOGUCHI_DATABASE_SCHEMA": settings.database_schema}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "madoguchi"), "serve", "--workers", "2", "--port", str(port),
         "--host", "127.0.0.1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the workers did not become ready"
            time.sleep(0.2)
        # /readyz: every read model caught up, so some worker leads the projections
        with httpx.Client(base_url=url, timeout=10) as client:
            answers = [client.post("/graphql", json={"query": PROCEDURES}).json() for _ in range(8)]
        assert all("errors" not in a for a in answers), answers
        if not settings.database_url:  # the demo city, loaded before the workers start
            assert answers[0]["data"]["procedures"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode in (0, -15)
