"""What every benchmark shares: a throw-away store, a city to submit to, fast
event generation, a ``madoguchi serve`` process on a free port, GraphQL calls,
percentiles and the printed verdict."""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

from api.composition import Container, build_container
from api.shared.auth import mint_token
from domain.applications.application import Application
from domain.shared.context import Actor, CommandContext
from infra.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get("MADOGUCHI_BENCH_DATABASE_URL",
                              "postgresql://postgres@127.0.0.1:5432/test")
SECRET = "madoguchi-bench-only-secret-0123456789abcdef"
DEPARTMENT, PROCEDURE = "shimin", "juminhyo"
START = datetime(2026, 1, 5, tzinfo=UTC)
FIELDS = [
    {"key": "copies", "label_ja": "通数", "label_en": "Copies", "type": "number",
     "required": True, "constraints": {"min": 1, "max": 10, "integer": True}},
    {"key": "address", "label_ja": "住所", "label_en": "Address", "type": "text",
     "personal": True, "constraints": {"max_length": 200}},
]
SUBMIT = """mutation($input: SubmitApplicationInput!) {
  submitApplication(input: $input) { id position } }"""


def parser(doc: str | None) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small sizes: finishes in under a minute")
    return p


# -- stores --------------------------------------------------------------------------------

@contextmanager
def fresh_settings(backend: str = "postgres", **overrides: Any) -> Iterator[Settings]:
    """Settings for a store of our own: a temp data dir, and on PostgreSQL a fresh
    schema; both are removed afterwards."""
    data = Path(tempfile.mkdtemp(prefix="madoguchi-bench-"))
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    postgres = backend == "postgres"
    settings = Settings(
        env="test", data_dir=data, jwt_secret=SECRET, log_level="WARNING",
        database_url=POSTGRES_URL if postgres else None,
        database_schema=schema if postgres else "public", **overrides,
    )
    try:
        yield settings
    finally:
        if postgres:
            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        shutil.rmtree(data, ignore_errors=True)


def backend_name(settings: Settings) -> str:
    return "PostgreSQL" if settings.database_url else "SQLite"


def set_up_city(container: Container, fee_yen: int = 300) -> None:
    """A department and an online/counter procedure (with a fee, like the demo city's,
    so every submission also runs the payment process)."""
    admin = CommandContext(Actor("bench", "admin"), START, "bench")
    container.catalogue.establish_department(admin, code=DEPARTMENT, name_ja="市民課", name_en="Citizens")
    container.catalogue.define_procedure(
        admin, code=PROCEDURE, name_ja="住民票の写し", name_en="Residence certificate",
        department=DEPARTMENT, channels=["online", "counter"], assurance="none", fee_yen=fee_yen,
        processing_days=3, fields=FIELDS,
    )
    container.catalogue.publish_online(admin, PROCEDURE)


def generate(container: Container, events: int, per_transaction: int = 250) -> None:
    """About ``events`` events, fast: applications taken through their whole life by
    the real domain, saved ``per_transaction`` aggregates at a time through the
    real ``CityLog`` (so they decode as real events)."""
    set_up_city(container)
    procedure = container.catalogue.get_procedure(PROCEDURE)
    staff = Actor("bench-staff", "staff", DEPARTMENT)
    written, batch, i = container.log.head(), [], 0
    while written < events:
        ctx = CommandContext(staff, START + timedelta(seconds=i), f"bench-{i}")
        app = Application.submit(
            ctx, id=uuid.uuid4(), procedure=procedure, form_version=None, channel="counter",
            applicant_subject=None, applicant_name=f"住民 {i}", contact_email=None,
            answers={"copies": 1 + i % 3, "address": "栃木県下野市笹原26"},
        )
        app.receive(ctx)
        app.approve(ctx)
        app.complete(ctx)
        batch.append(app)
        written += 4
        i += 1
        if len(batch) >= per_transaction:
            container.log.save(*batch)
            batch.clear()
    if batch:
        container.log.save(*batch)


@contextmanager
def container_for(settings: Settings) -> Iterator[Container]:
    c = build_container(settings)
    try:
        yield c
    finally:
        c.close()


# -- a server process ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        MADOGUCHI_ENV=settings.env, MADOGUCHI_DATA_DIR=str(settings.data_dir),
        MADOGUCHI_DATABASE_SCHEMA=settings.database_schema, MADOGUCHI_JWT_SECRET=SECRET,
        MADOGUCHI_LOG_LEVEL="WARNING", **extra,
    )
    if settings.database_url:
        env["MADOGUCHI_DATABASE_URL"] = settings.database_url
    else:
        env.pop("MADOGUCHI_DATABASE_URL", None)
    return env


@contextmanager
def server(settings: Settings, *, timeout: float = 120.0, **extra: str) -> Iterator[tuple[str, int]]:
    """``madoguchi serve --no-demo`` on a free port; yields (base URL, pid)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "serve", "--no-demo",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=server_env(settings, **extra),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")
            try:
                if httpx.post(f"{url}/graphql", json={"query": "{ __typename }"}).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start in time")
            time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def token(role: str, sub: str = "bench", dept: str | None = None) -> str:
    return mint_token(SECRET, sub=sub, role=role, dept=dept, ttl_seconds=86_400)


def staff_token() -> str:
    return token("staff", "bench-staff", DEPARTMENT)


def submission(i: int, channel: str = "COUNTER") -> dict[str, Any]:
    return {"procedureCode": PROCEDURE, "channel": channel, "applicantName": f"住民 {i}",
            "answers": {"copies": 1 + i % 3, "address": "栃木県下野市笹原26"}}


def data(response: httpx.Response) -> dict[str, Any]:
    """The ``data`` of a GraphQL response that must have no errors."""
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"GraphQL error {response.status_code}: {body}")
    return body["data"]


def wait_caught_up(settings: Settings, position: int, timeout: float = 1800.0) -> None:
    """Until every serving read model (applied by a server process) has reached
    ``position``; read from the projection state, by a container of our own."""
    deadline = time.monotonic() + timeout
    with container_for(settings) as container:
        while True:
            behind = [s.name for s in container.engine.status()
                      if s.serving and s.position < position]
            if not behind:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"read models did not reach {position}: {behind}")
            time.sleep(0.2)


# -- figures ---------------------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0–100) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil
    return ordered[int(min(rank, len(ordered))) - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def verdict(label: str, figure: str, target: str, met: bool) -> bool:
    """Print one result line: figure, target and whether it is met."""
    print(f"{label}: {figure} (target {target}) -> {'MET' if met else 'MISSED'}")
    return met
