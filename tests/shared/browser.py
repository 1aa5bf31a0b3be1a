"""Browser tests of the pages (docs/pages.md): Playwright driving Debian's Chromium
(``/usr/bin/chromium``; ``.ci/run`` installs it with apt, never ``playwright
install``) against a real uvicorn server of the app on 127.0.0.1.

Every request a page makes is watched: anything not to 127.0.0.1 is blocked and
fails the test. axe-core (vendored under tests/vendor) checks each page: no
serious or critical violation. Screenshots go to var/test-artifacts/pages/, and
to docs/img/ for the README when missing or with MADOGUCHI_UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from api.app import create_app
from api.composition import Container
from application.demo.loader import load_demo_city
from tests.payments.live import serving

CHROMIUM = os.environ.get("MADOGUCHI_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "var" / "test-artifacts" / "pages"
DOCS_IMG = ROOT / "docs" / "img"
PHONE = {"width": 390, "height": 844}
SCREEN = {"width": 1600, "height": 900}
LOCAL = "127.0.0.1"


def launch() -> Iterator[Browser]:
    """The ``browser`` fixture (tests/conftest.py): one Chromium per test session."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM)
        yield b
        b.close()


@dataclass
class Watched:
    page: Page
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def assert_local_only(self) -> None:
        hosts = {urlsplit(u).hostname for u in self.requests}
        assert not self.blocked, f"requests that left {LOCAL}: {self.blocked}"
        assert hosts <= {LOCAL}, hosts


def open_page(browser: Browser, url: str, *, at: datetime, viewport: dict[str, int] = SCREEN,
              permissions: list[str] = (), init_script: str | None = None) -> Watched:  # type: ignore[assignment]
    """Open ``url`` in a fresh context whose clock reads ``at`` (the server's clock);
    ``init_script`` runs before the page's own scripts."""
    context = browser.new_context(viewport=viewport, locale="ja-JP", timezone_id="Asia/Tokyo",
                                  permissions=list(permissions))
    page = context.new_page()
    page.clock.set_fixed_time(at)
    if init_script:
        page.add_init_script(init_script)
    watched = Watched(page)

    def route(r) -> None:  # type: ignore[no-untyped-def]
        if urlsplit(r.request.url).hostname == LOCAL or r.request.url.startswith("data:"):
            r.continue_()
        else:
            watched.blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("request", lambda r: watched.requests.append(r.url) if not r.url.startswith("data:") else None)
    page.on("websocket", lambda ws: watched.requests.append(ws.url))
    page.goto(url)
    return watched


# records the notifications a page shows (their bodies, in window.__notes)
RECORD_NOTIFICATIONS = """window.__notes = []; const Shown = window.Notification;
window.Notification = class extends Shown {
  constructor(title, options) { super(title, options); window.__notes.push(options.body); } };"""


def serious_accessibility_problems(page: Page) -> list[str]:
    """axe-core's serious and critical violations (WCAG 2.1 A/AA rules and best practices)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[(n['target'], n['failureSummary']) for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def screenshot(page: Page, name: str, backend: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}-{backend}.png"
    page.screenshot(path=str(path), full_page=True)
    readme_copy = DOCS_IMG / f"{name}.png"
    if backend == "sqlite" and (not readme_copy.exists() or os.environ.get("MADOGUCHI_UPDATE_SCREENSHOTS")):
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(readme_copy), full_page=True)
    return path


@contextmanager
def demo_server(container: Container, browser: Browser, path: str, *, applications: int) -> Iterator[Watched]:
    """The demo city (counter history, plans, applications) served live, ``path`` open."""
    load_demo_city(container.catalogue, container.applications, now=container.clock.now(),
                   application_count=applications, payments=container.payments, surveys=container.surveys,
                   visits=container.visits)
    container.engine.catch_up()  # the read models are there when the page first asks
    with serving(create_app(container)) as base:
        watched = open_page(browser, f"{base}{path}", at=container.clock.now())
        yield watched
        watched.assert_local_only()
        watched.page.context.close()


def graphql(base_url: str, query: str, variables: dict | None = None, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(f"{base_url}/graphql", json={"query": query, "variables": variables or {}},
                          headers=headers, timeout=30)
    body = response.json()
    assert not body.get("errors"), body["errors"]
    return body["data"]
