"""``GET /exports/dashboards/{city|department}.{csv|json}``: DX dashboard exports.

Bearer token as for GraphQL; the rules are the ``GET /exports/…`` entries of
``application.shared.access.POLICY`` (analysts allowed: aggregates only). Query
parameters: ``from`` and ``to`` (YYYY-MM-DD, Japan time, inclusive) and, for
``department.*``, ``department`` (a code; staff get their own department when
it is omitted, others every department). CSV is UTF-8 with a BOM and Japanese
headers, so Excel opens it correctly."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from api.composition import Container
from api.dx.export_formats import to_csv, to_json
from application.projection.reading import read_session
from application.shared.access import Rule, authorize
from domain.shared.context import CITY_TIMEZONE
from domain.shared.errors import Forbidden, Unauthenticated
from projections.dx import figures as model

MAX_PERIOD_DAYS = 731
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


def dashboard_exports(container: Container) -> APIRouter:
    router = APIRouter()

    async def export(request: Request, scope: str, fmt: str) -> Response:
        operation = f"GET /exports/dashboards/{scope}.{fmt}"
        department = request.query_params.get("department") or None
        try:
            actor = container.verifier.caller(request.headers.get("authorization")).actor
            rule = authorize(actor, operation, department=department)
        except Unauthenticated as e:
            return _error(401, e.code, e.message)
        except Forbidden as e:
            return _error(403, e.code, e.message)
        if rule is Rule.OWN_DEPARTMENT and department is None:
            department = actor.department
        try:
            first = date.fromisoformat(request.query_params["from"])
            last = date.fromisoformat(request.query_params["to"])
        except (KeyError, ValueError):
            return _error(400, "VALIDATION_FAILED", "from and to are required dates (YYYY-MM-DD)")
        if last < first or (last - first).days > MAX_PERIOD_DAYS:
            return _error(400, "VALIDATION_FAILED", f"the period must be 0-{MAX_PERIOD_DAYS} days")
        today = container.clock.now().astimezone(CITY_TIMEZONE).date()

        def build() -> list[model.Dashboard] | None:
            with read_session(container.views, container.projections) as s:
                if scope == "city":
                    return [model.city_dashboard(s, first, last, today)]
                if department is None:
                    return model.department_dashboards(s, first, last, today)
                one = model.department_dashboard(s, department, first, last, today)
                return [one] if one else None

        dashboards = await run_in_threadpool(build)
        if dashboards is None:
            return _error(404, "NOT_FOUND", f"department {department} not found")
        body = to_csv(dashboards) if fmt == "csv" else to_json(dashboards)
        name = f"dx-{scope}{'-' + department if department else ''}-{first}-{last}.{fmt}"
        return Response(body.encode("utf-8"), media_type=MEDIA[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    def endpoint_for(scope: str, fmt: str) -> Any:
        async def endpoint(request: Request) -> Response:
            return await export(request, scope, fmt)

        return endpoint

    for scope in ("city", "department"):
        for fmt in ("csv", "json"):
            router.add_api_route(f"/exports/dashboards/{scope}.{fmt}", endpoint_for(scope, fmt),
                                 methods=["GET"], name=f"export_{scope}_{fmt}")
    return router
