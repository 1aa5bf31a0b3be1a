"""The app for ``madoguchi serve --workers N``: each uvicorn worker process
builds its own container from the environment (MADOGUCHI_*) and closes it when
it stops. Projections: every worker that runs them competes for the leader lock
(PostgreSQL advisory lock, SQLite file lock), so one worker applies them and the
others stand by; or none does (``--no-projections``) and ``madoguchi projections
run`` applies them in its own process (docs/operations.md)."""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from api.composition import build_container
from infra.settings import Settings


def worker_app() -> FastAPI:
    """``uvicorn --factory api.asgi:worker_app``."""
    container = build_container(Settings())
    return create_app(container, close_container=True)
