"""The yardstick of ``bench.query_throughput``: a bare FastAPI route that reads
the row the status query reads (``status_applications``) with psycopg and
answers it as JSON. Served like ``madoguchi serve`` (one uvicorn process, a sync
route in the thread pool, a connection pool), from the same MADOGUCHI_* settings:

    uvicorn --factory bench.bare_status:bare_app
"""

from __future__ import annotations

from fastapi import FastAPI, HTTPException
from psycopg_pool import ConnectionPool

from api.composition import build_container
from application.projection.reading import read_session
from infra.settings import Settings
from infra.store.events import conninfo

COLUMNS = "id, status, procedure_code, due_at, updated_at"


def bare_app() -> FastAPI:
    settings = Settings()
    assert settings.database_url, "the bare route reads PostgreSQL"
    container = build_container(settings)
    try:  # the serving generation's physical table
        with read_session(container.views, container.projections) as session:
            query = session.tables("application_status").sql(
                f"SELECT {COLUMNS} FROM {{status_applications}} WHERE id = %s")
    finally:
        container.close()
    pool = ConnectionPool(conninfo(settings.database_url), min_size=2, max_size=10, open=True,
                          kwargs={"options": f"-c search_path={settings.database_schema}"})
    app = FastAPI()

    @app.get("/status/{application_id}")
    def status(application_id: str) -> dict[str, str]:
        with pool.connection() as conn:
            row = conn.execute(query, (application_id,)).fetchone()
        if row is None:
            raise HTTPException(404)
        return dict(zip(("id", "status", "procedureCode", "dueAt", "updatedAt"), row, strict=True))

    return app
