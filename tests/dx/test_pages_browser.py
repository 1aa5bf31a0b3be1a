"""The DX dashboard page (/dx) in Chromium against a real server (SQLite and
PostgreSQL) with the demo city: an analyst pastes a token, sees per department
the procedures online against the plans, the overdue plans with their dates,
the channel mix and processing times as SVG charts, and downloads the CSV
export; the token stays in the tab's sessionStorage. Nothing leaves 127.0.0.1;
axe-core finds no serious problem (tests/shared/browser.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from api.app import create_app
from api.composition import Container
from infra.clock import ManualClock
from tests.payments.live import serving
from tests.shared.api_support import token
from tests.shared.browser import demo_server, open_page, screenshot, serious_accessibility_problems

pytestmark = pytest.mark.slow
ANALYST = token(sub="analyst:1", role="analyst")


def test_an_analyst_sees_the_departments_progress_and_downloads_the_csv(
        container: Container, clock: ManualClock, backend: str, browser) -> None:  # type: ignore[no-untyped-def]
    with demo_server(container, browser, "/dx", applications=60) as watched:
        page = watched.page
        page.get_by_label("アクセストークン").fill(ANALYST)
        page.get_by_role("button", name="表示する").click()
        for heading in ("課別 手続のオンライン化（済み・予定・超過）", "オンライン化計画（目標日超過・予定）",
                        "課別 申請の経路（期間合計）", "課別 処理日数（直近の月）"):
            expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=15_000)
        assert page.locator("svg.chart").count() == 3
        assert page.locator("table.plans tbody tr").count() > 0
        expect(page.locator("table.plans tbody tr").first).to_contain_text("（非表示）")  # no owner for analysts
        assert page.evaluate("() => sessionStorage.getItem('madoguchi.dx.token')") == ANALYST

        with page.expect_download() as download:
            page.get_by_role("link", name="全庁の月別指標（CSV）").click()
        assert download.value.suggested_filename.startswith("dx-city-")
        assert "月" in download.value.path().read_text(encoding="utf-8-sig").splitlines()[0]

        screenshot(page, "dx", backend)
        assert serious_accessibility_problems(page) == []
        page.reload()  # the token is still there for this tab: the dashboard loads by itself
        expect(page.locator("svg.chart").first).to_be_visible(timeout=15_000)
        page.get_by_role("button", name="トークンを消去").click()
        assert page.evaluate("() => sessionStorage.getItem('madoguchi.dx.token')") is None


def test_a_refused_token_says_so(container: Container, clock: ManualClock, backend: str, browser) -> None:  # type: ignore[no-untyped-def]
    with serving(create_app(container)) as base:
        watched = open_page(browser, f"{base}/dx?lang=en", at=clock.now())
        page = watched.page
        page.get_by_label("Access token").fill(token(sub="citizen:1", role="citizen"))
        page.get_by_role("button", name="Show").click()
        expect(page.locator(".message")).to_have_text("The token is not valid or may not see these dashboards.")
        watched.assert_local_only()
        page.context.close()
