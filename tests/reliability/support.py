"""Helpers of the process-level reliability tests: the API (``madoguchi serve``)
as a subprocess on a free port, a client thread driving a steady mixed load and
recording every acknowledged and every refused command, and the checks of the
log afterwards. The projection worker and the read-model dump are those of
tests/shared/test_projection_worker_process.py."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from api.composition import Container
from infra.settings import Settings
from tests.builders import ADMIN, DEFAULT_ANSWERS, ctx, setup_procedure, staff
from tests.shared.api_support import SHIMIN, submission, token
from tests.shared.test_projection_worker_process import _dump
from tests.tokens import TEST_JWT_SECRET

ROOT = Path(__file__).resolve().parents[2]
QUEUE = "shomei"

SUBMIT = "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id position } }"
RECEIVE = "mutation($id: ID!) { receiveApplication(id: $id) { id position } }"
APPROVE = "mutation($id: ID!) { approveApplication(id: $id) { id position } }"
ISSUE = "mutation($queue: String!) { issueTicket(input: {queue: $queue}) { id position } }"
CALL = "mutation { callNext(window: 1) { id position } }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        MADOGUCHI_ENV="test", MADOGUCHI_DATA_DIR=str(settings.data_dir),
        MADOGUCHI_DATABASE_SCHEMA=settings.database_schema, MADOGUCHI_JWT_SECRET=TEST_JWT_SECRET,
        MADOGUCHI_LOG_LEVEL="WARNING", MADOGUCHI_RATE_LIMIT_ANONYMOUS_SUBMISSIONS="100000/min",
        MADOGUCHI_RATE_LIMIT_TICKET_ISSUING="100000/min", **extra,
    )
    if settings.database_url:
        env["MADOGUCHI_DATABASE_URL"] = settings.database_url
    else:
        env.pop("MADOGUCHI_DATABASE_URL", None)
    return env


class Api:
    """``madoguchi serve`` on a free port, restartable on it; its projections run
    elsewhere unless ``projections``."""

    def __init__(self, settings: Settings, projections: bool = False) -> None:
        self.settings, self.port, self.projections = settings, free_port(), projections
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from api.cli import main; main()", "serve", "--no-demo",
             "--projections" if self.projections else "--no-projections",
             "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env=process_env(self.settings), stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.proc.stderr.read().decode()[-3000:]
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("the API did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stderr(self) -> str:
        assert self.proc is not None and self.proc.poll() is not None
        return self.proc.stderr.read().decode(errors="replace")


def set_up_counter_and_procedure(container: Container, clock: Any) -> None:
    """The jumin-hyo procedure of shimin, queue ``shomei`` and window 1, open."""
    setup_procedure(container, clock)
    container.visits.define_queue(ctx(clock, ADMIN), code=QUEUE, department=SHIMIN,
                                  name_ja="証明", name_en="Certificates", prefix="A")
    container.visits.define_window(ctx(clock, ADMIN), number=1, name_ja="1番", queues=[QUEUE])
    container.visits.open_window(ctx(clock, staff(SHIMIN)), 1)


@dataclass
class Load:
    """A client thread sending submit / receive / approve / issue / call commands in
    turn. ``acked`` holds (event class, aggregate id, position) of every success,
    ``refused`` (command, code, extensions) of every coded error; a request that got no
    answer (connection refused or cut) is in neither."""

    url: str
    acked: list[tuple[str, str, int]] = field(default_factory=list)
    refused: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    unanswered: int = 0
    server_errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._submitted: list[str] = []
        self._received: list[str] = []
        self._citizen = token(sub="citizen-load", role="citizen")
        self._staff = token(sub="staff-load", role="staff", dept=SHIMIN)

    def __enter__(self) -> Load:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(30)

    def _send(self, client: httpx.Client, name: str, event: str, query: str, who: str,
              **variables: Any) -> str | None:
        try:
            response = client.post("/graphql", json={"query": query, "variables": variables},
                                   headers={"Authorization": f"Bearer {who}"})
        except httpx.TransportError:
            self.unanswered += 1
            time.sleep(0.05)
            return None
        if response.status_code >= 500 or "Traceback" in response.text:
            self.server_errors.append(f"{response.status_code} {response.text[:500]}")
            return None
        body = response.json()
        if body.get("errors"):
            extensions = body["errors"][0].get("extensions") or {}
            code = extensions.get("code")
            self.refused.append((name, code, extensions))
            if not code or code == "INTERNAL_ERROR":  # uncoded, or a masked crash
                self.server_errors.append(f"{code} {body}")
            return None
        result = body["data"][name]
        self.acked.append((event, result["id"], result["position"]))
        return result["id"]

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:  # an outage answers in ~12 s
            while not self._stop.is_set():
                if app_id := self._send(client, "submitApplication", "ApplicationSubmitted",
                                        SUBMIT, self._citizen,
                                        input=submission(answers=dict(DEFAULT_ANSWERS))):
                    self._submitted.append(app_id)
                if self._submitted and (app_id := self._send(
                        client, "receiveApplication", "ApplicationReceived", RECEIVE, self._staff,
                        id=self._submitted[0])):
                    self._received.append(self._submitted.pop(0))
                if self._received and self._send(client, "approveApplication", "ApplicationApproved",
                                                 APPROVE, self._staff, id=self._received[0]):
                    self._received.pop(0)
                self._send(client, "issueTicket", "TicketIssued", ISSUE, self._staff, queue=QUEUE)
                self._send(client, "callNext", "TicketCalled", CALL, self._staff)

    def wait_for(self, more: int, timeout: float = 60) -> None:
        """Until ``more`` further commands have been acknowledged."""
        target, deadline = len(self.acked) + more, time.monotonic() + timeout
        while len(self.acked) < target:
            assert time.monotonic() < deadline, f"load stalled at {len(self.acked)} acks"
            assert self._thread.is_alive(), "the load thread died"
            time.sleep(0.05)


def recorded(container: Container) -> list[tuple[int, str, int, str]]:
    """(position, originator id, version, event class) of every event in the log."""
    rows, start = [], 1
    recorder = container.log.recorder
    while True:
        batch = recorder.select_notifications(start=start, limit=500)
        rows += [(n.id, str(n.originator_id), n.originator_version, n.topic.rsplit(":", 1)[-1].rsplit(".", 1)[-1])
                 for n in batch]
        if len(batch) < 500:
            return rows
        start = batch[-1].id + 1


def assert_log_intact(container: Container, load: Load) -> None:
    """Every acknowledged command's event is in the log at or before the position it
    was acknowledged with; no position and no (aggregate, version) appears twice."""
    rows = recorded(container)
    positions = [r[0] for r in rows]
    assert len(positions) == len(set(positions))
    duplicates = [k for k, n in Counter((r[1], r[2]) for r in rows).items() if n > 1]
    assert not duplicates, duplicates
    first_at = {}
    for position, originator, _, event in rows:
        first_at.setdefault((event, originator), position)
    missing = [a for a in load.acked if first_at.get((a[0], a[1]), a[2] + 1) > a[2]]
    assert not missing, f"acknowledged but not in the log: {missing[:5]}"


def assert_read_models_equal_a_rebuild(container: Container) -> None:
    live = _dump(container)
    for name in list(container.engine.projections):
        container.engine.rebuild(name, grace=0)
    assert _dump(container) == live
