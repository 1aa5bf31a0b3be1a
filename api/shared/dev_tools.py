"""Development tools that work offline: GraphiQL at ``GET /graphql`` and the
API docs (Swagger UI) at ``/docs``, from assets vendored under
``api/static/vendor`` (see its README). Neither is served in production."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.shared.pages import STATIC_URL

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor"
VENDOR_URL = "/static/vendor"

GRAPHIQL_HTML = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>GraphiQL | madoguchi</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{VENDOR_URL}/graphiql/graphiql.min.css">
<link rel="stylesheet" href="{STATIC_URL}/graphiql.css">
</head>
<body>
<div id="graphiql">Loading…</div>
<script src="{VENDOR_URL}/react/react.production.min.js"></script>
<script src="{VENDOR_URL}/react/react-dom.production.min.js"></script>
<script src="{VENDOR_URL}/graphiql/graphiql.min.js"></script>
<script src="{STATIC_URL}/graphiql.js"></script>
</body>
</html>
"""


def mount_vendor(app: FastAPI) -> None:
    app.mount(VENDOR_URL, StaticFiles(directory=VENDOR), name="vendor")


def add_docs(app: FastAPI) -> None:
    """Swagger UI at ``/docs`` with the vendored bundle (``/openapi.json`` as FastAPI serves it)."""

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title="madoguchi — API docs",
            swagger_js_url=f"{VENDOR_URL}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{VENDOR_URL}/swagger-ui/swagger-ui.css",
            swagger_favicon_url="data:,",
        )
