"""The counter's pages in Chromium, live against a real server (SQLite and
PostgreSQL): a ticket issued through GraphQL, its page and the hall's board
follow the call without a reload; the congestion page shows today's hours.
Nothing leaves 127.0.0.1; axe-core finds no serious problem (tests/shared/browser.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from api.app import create_app
from api.composition import Container
from domain.shared.context import Actor
from infra.clock import ManualClock
from tests.builders import ctx, staff
from tests.counter.support import SHIMIN_QUEUE, set_up_counter
from tests.payments.live import serving
from tests.shared.api_support import token
from tests.shared.browser import (
    PHONE,
    RECORD_NOTIFICATIONS,
    demo_server,
    graphql,
    open_page,
    screenshot,
    serious_accessibility_problems,
)

pytestmark = pytest.mark.slow

ISSUE = """mutation($q: String!) { issueTicket(input: {queue: $q}) {
  id ticket pageUrl qrSvg qrPngUrl qrSvgUrl } }"""
CALL = "mutation { callNext(window: 1) { id ticket } }"
STAFF = token(sub="staff:1", role="staff", dept="shimin")


def test_the_ticket_page_and_the_board_follow_a_call_without_reload(
        container: Container, clock: ManualClock, backend: str, browser) -> None:  # type: ignore[no-untyped-def]
    served = set_up_counter(container)  # A-001 is being served at window 1
    with serving(create_app(container)) as base:
        container.settings.__dict__["public_url"] = base  # the QR code points at this server
        issued = graphql(base, ISSUE, {"q": SHIMIN_QUEUE})["issueTicket"]
        assert issued["ticket"] == "A-002"
        assert issued["pageUrl"] == f"{base}/t/{issued['id']}"
        assert issued["qrSvg"].startswith("<svg") and issued["qrPngUrl"] == f"{issued['pageUrl']}/qr.png"
        graphql(base, ISSUE, {"q": SHIMIN_QUEUE})  # A-003 waits behind

        phone = open_page(browser, issued["pageUrl"], at=clock.now(), viewport=PHONE,
                          permissions=["notifications"], init_script=RECORD_NOTIFICATIONS)
        ticket = phone.page
        expect(ticket.locator(".ticket-number")).to_have_text("A-002")
        expect(ticket.locator(".place")).to_contain_text("1番目")
        expect(ticket.locator(".notice")).to_contain_text("順番が近づいています")

        hall = open_page(browser, f"{base}/board/{SHIMIN_QUEUE}", at=clock.now())
        board = hall.page
        expect(board.locator(".waiting-count")).to_have_text("2人")
        expect(board.locator('.call[data-ticket="A-001"]')).to_contain_text("1番窓口")
        board.get_by_role("button", name="チャイムと音声で案内").click()

        counter = ctx(clock.now(), staff("shimin"))
        container.visits.complete_service(counter, served)
        graphql(base, CALL, token=STAFF)  # staff calls the next ticket: A-002 to window 1

        expect(ticket.locator(".notice")).to_contain_text("1番窓口へお越しください", timeout=15_000)
        expect(ticket.locator(".ticket-facts")).to_contain_text("呼出中")
        expect(board.locator('.call.fresh[data-ticket="A-002"]')).to_contain_text("1番窓口", timeout=15_000)
        expect(board.locator(".waiting-count")).to_have_text("1人")
        expect(board.locator(".recent-calls li.latest")).to_contain_text("A-002")
        assert ticket.evaluate("() => window.__notes") == ["順番が近づいています", "1番窓口へお越しください"]
        said = board.evaluate("() => window.madoguchiAnnouncer.said")
        assert said == ["A-002番の番号札をお持ちの方、1番窓口へお越しください。"]

        for watched, name in ((phone, "ticket"), (hall, "board-call")):
            screenshot(watched.page, name, backend)
            assert serious_accessibility_problems(watched.page) == [], name
            watched.assert_local_only()
            watched.page.context.close()


def test_the_congestion_page_shows_the_wait_now_and_by_hour_today(
        container: Container, clock: ManualClock, backend: str, browser) -> None:  # type: ignore[no-untyped-def]
    with demo_server(container, browser, "/congestion", applications=20) as watched:
        page = watched.page
        cards = page.locator(".queue-card")
        expect(cards.first).to_be_visible(timeout=15_000)
        assert cards.count() >= 2
        first = cards.first
        expect(first.locator("svg.chart .bar")).to_have_count(10)  # 8:00 … 17:00
        expect(first.locator("svg.chart text.now")).to_have_text("9時")  # 09:30 in Shimotsuke
        assert re.search(r"\d+人", first.locator("dl.facts").inner_text())
        screenshot(page, "congestion", backend)
        assert serious_accessibility_problems(page) == []
        page.get_by_role("link", name="English").click()
        expect(page.locator("h1")).to_have_text("Counter congestion")
        expect(page.locator(".queue-card").first.locator("svg.chart text.now")).to_have_text("9:00")


def test_the_board_of_every_queue_shows_each_windows_calls_and_wait_and_reconnects_by_itself(
        container: Container, backend: str, browser) -> None:  # type: ignore[no-untyped-def]
    with demo_server(container, browser, "/board", applications=20) as watched:
        page = watched.page
        sections = page.locator("section.queue")
        expect(sections.first.locator(".waiting-count")).to_have_text(re.compile(r"\d+人"), timeout=15_000)
        assert sections.count() == 2  # 市民課 証明 and 異動
        expect(sections.locator("h2")).to_have_text(["市民課 異動", "市民課 証明"])
        desk = staff("shimin", "demo-staff-shimin")  # the demo's staff at windows 1, 2 (証明), 4, 5 (異動)
        for queue in ("shimin-shomei", "shimin-ido"):
            for _ in range(5):
                container.visits.issue_ticket(ctx(container.clock.now(), Actor.anonymous()), queue=queue)
        for window in (1, 2, 4):  # window 5 calls after a reconnection
            container.visits.call_next(ctx(container.clock.now(), desk), window)
        expect(page.locator(".call.fresh")).to_have_count(3, timeout=15_000)
        expect(page.locator("#queue-shimin-shomei .waiting-count")).to_have_text("3人")
        page.evaluate("() => window.madoguchiLive.ws.close()")  # the connection drops …
        expect(page.locator(".live-status")).to_have_attribute("data-state", "reconnecting")
        expect(page.locator(".live-status")).to_have_attribute("data-state", "online", timeout=15_000)
        container.visits.call_next(ctx(container.clock.now(), desk), 5)  # … and the board is live again
        expect(page.locator('.call.fresh[data-window="5"]')).to_have_count(1, timeout=15_000)
        expect(page.locator(".recent-calls li")).to_have_count(4)
        expect(page.locator(".new-wait .band").first).to_have_class(re.compile(r"band-(short|medium|long)"))
        expect(page.locator(".hours")).to_contain_text("8:30〜17:15")
        screenshot(page, "board", backend)
        assert serious_accessibility_problems(page) == []
