"""The HTML shell of the pages people look at (docs/pages.md; routes in
api/counter/pages.py and api/dx/pages.py): the chosen language's strings from
``api/pages/static/strings.json`` (Japanese first, English with ``?lang=en``), the
page's parameters as JSON, and its ES module (``api/pages/static/{page}.js``).
Everything a page loads is served by this app: the Content-Security-Policy forbids
any other origin. The pages carry no data: their modules read it through GraphQL,
under the operations' own access rules (application/shared/access.py)."""

from __future__ import annotations

import json
from functools import cache
from html import escape
from pathlib import Path

from fastapi import FastAPI, Query
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent.parent / "pages" / "static"
STATIC_URL = "/pages/static"
LANGUAGES = ("ja", "en")
# same-origin only ('self' covers ws:/wss: to this host); inline scripts are not run
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'self'; form-action 'self'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
LANG = Query(None, alias="lang", description="ja (default) or en")


@cache
def strings() -> dict[str, dict[str, str]]:
    return json.loads((STATIC / "strings.json").read_text(encoding="utf-8"))


def language(requested: str | None) -> str:
    return requested if requested in LANGUAGES else "ja"


def _json_for_script(value: object) -> str:
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def render(page: str, lang: str, params: dict[str, object], *, heading: str | None = None) -> str:
    """The page ``page`` (its module is ``static/{page}.js``); ``heading``
    overrides the page's title string (e.g. a queue's name)."""
    s = strings()[lang]
    title = heading or s[f"{page}.title"]
    other = "en" if lang == "ja" else "ja"
    data = {"page": page, "lang": lang, "strings": s, **params}
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} | {escape(s["site"])}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{STATIC_URL}/pages.css">
<script type="application/json" id="page-data">{_json_for_script(data)}</script>
<script type="module" src="{STATIC_URL}/{page}.js"></script>
</head>
<body class="page-{page}">
<a class="skip" href="#main">{escape(s["skip"])}</a>
<header class="site">
<p class="site-name">{escape(s["site"])}</p>
<h1 id="title">{escape(title)}</h1>
<nav class="lang" aria-label="{escape(s["lang.nav"])}"><a href="?lang={other}" lang="{other}" \
hreflang="{other}">{escape(strings()[other]["lang.name"])}</a></nav>
</header>
<main id="main" tabindex="-1">
<noscript><p>{escape(s["noscript"])}</p></noscript>
<div id="app"></div>
</main>
</body>
</html>
"""


def page_response(page: str, lang: str | None, status: int = 200, **params: object) -> HTMLResponse:
    return HTMLResponse(render(page, language(lang), params), status_code=status, headers=HEADERS)


def not_found(lang: str | None) -> HTMLResponse:
    return page_response("notfound", lang, 404)


def mount_static(app: FastAPI) -> None:
    """The pages' modules, styles and strings."""
    app.mount(STATIC_URL, StaticFiles(directory=STATIC), name="pages-static")
