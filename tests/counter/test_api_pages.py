"""The pages' routes without a browser (SQLite and PostgreSQL): each page is
HTML in Japanese first (English with ?lang=en) that loads only this app's own
files, under a same-origin Content-Security-Policy; the ticket page and its QR
code take only a UUID; issueTicket answers with the page's URL and its QR code;
GraphiQL and the API docs load vendored assets (not served in production:
tests/shared/test_api_hardening.py)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.composition import Container
from tests.builders import ctx, staff
from tests.counter.support import SHIMIN_QUEUE, set_up_counter
from tests.shared.api_support import token

PAGES = ["/board", "/board/shimin-madoguchi", "/board?queues=a,b", f"/t/{uuid.uuid4()}", "/congestion", "/dx"]
ASSET = re.compile(r'(?:src|href)="([^"#]+)"')


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container)) as c:
        yield c


def _assets_are_served_locally(client: TestClient, html: str) -> None:
    for url in ASSET.findall(html):
        if url.startswith(("data:", "?")):
            continue
        assert url.startswith("/"), f"not this app's: {url}"
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("path", PAGES)
def test_each_page_is_japanese_first_and_loads_only_its_own_files(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    html = response.text
    assert '<html lang="ja">' in html and 'hreflang="en"' in html
    assert "https://" not in html and "http://" not in html
    _assets_are_served_locally(client, html)
    english = client.get(path + ("&" if "?" in path else "?") + "lang=en").text
    assert '<html lang="en">' in english and 'hreflang="ja"' in english


def test_the_page_modules_and_strings_are_served(client: TestClient) -> None:
    for name in ("common.js", "live.js", "speech.js", "charts.js", "board.js", "ticket.js", "congestion.js",
                 "dx.js", "pages.css", "strings.json"):
        response = client.get(f"/pages/static/{name}")
        assert response.status_code == 200, name
        assert "https://" not in response.text, name


@pytest.mark.parametrize("path", ["/t/12345", "/t/A-001", "/board/bad%20code", "/board?queues=a,%3Cb%3E"])
def test_a_malformed_ticket_id_or_queue_code_is_a_404_page(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "ページが見つかりません" in response.text


def test_a_qr_code_of_something_not_a_ticket_id_is_refused_naming_the_field(client: TestClient) -> None:
    response = client.get("/t/not-a-ticket/qr.png")
    assert response.status_code == 422
    assert response.json()["field"] == "ticket" and response.json()["rule"] == "uuid"


def test_the_kiosk_gets_the_ticket_page_url_and_its_qr_code(container: Container, client: TestClient) -> None:
    set_up_counter(container)
    query = """mutation($q: String!) { issueTicket(input: {queue: $q}) {
      id ticket pageUrl qrSvg qrSvgUrl qrPngUrl } }"""
    issued = client.post("/graphql", json={"query": query, "variables": {"q": SHIMIN_QUEUE}}).json()
    payload = issued["data"]["issueTicket"]
    page = f"{container.settings.public_url}/t/{payload['id']}"
    assert uuid.UUID(payload["id"]).version == 4  # random: the page's id cannot be guessed
    assert payload["pageUrl"] == page
    assert payload["qrSvgUrl"] == f"{page}/qr.svg" and payload["qrPngUrl"] == f"{page}/qr.png"
    svg = client.get(f"/t/{payload['id']}/qr.svg")
    assert svg.headers["content-type"] == "image/svg+xml"
    assert svg.text == payload["qrSvg"]
    png = client.get(f"/t/{payload['id']}/qr.png")
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_ticket_names_the_window_it_is_called_to(container: Container, client: TestClient) -> None:
    served = set_up_counter(container)
    visit = container.visits.issue_ticket(ctx(container.clock.now(), staff("shimin")), queue=SHIMIN_QUEUE).id
    counter = ctx(container.clock.now(), staff("shimin"))
    container.visits.complete_service(counter, served)
    position = container.visits.call_next(counter, 1).position
    query = "query($id: ID!, $p: Int) { ticket(id: $id, atLeastPosition: $p) { status window placeInLine } }"
    answer = client.post("/graphql", json={"query": query, "variables": {"id": visit, "p": position}},
                         headers={"Authorization": f"Bearer {token(sub='staff:1', role='staff', dept='shimin')}"})
    assert answer.json()["data"]["ticket"] == {"status": "CALLED", "window": 1, "placeInLine": None}


def test_graphiql_and_the_api_docs_load_vendored_assets(client: TestClient) -> None:
    for path, marker in (("/graphql", "graphiql.min.js"), ("/docs", "swagger-ui-bundle.js")):
        response = client.get(path, headers={"accept": "text/html"})
        assert response.status_code == 200, path
        assert marker in response.text
        assert "unpkg.com" not in response.text and "cdn.jsdelivr.net" not in response.text
        for url in re.findall(r"""(?:src|href)=["'](/static/[^"']+)""", response.text):
            assert client.get(url).status_code == 200, url
    assert client.get("/openapi.json").status_code == 200

