"""Issued documents (交付文書), on SQLite and PostgreSQL: staff upload a document
(``POST /documents``) and issue it with ``completeApplication``; the applicant
sees it in ``myApplications``, mints a short-lived link (``createDownloadLink``)
and downloads it (``GET /downloads/{token}``), which is recorded for auditors."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient

from api.composition import Container
from tests.shared.api_fixtures import Catalogue
from tests.shared.api_support import SUBMIT, Gql, error, ok, settled, submission, token

PDF = "%PDF-1.4 住民票の写し 下野 花子".encode()
NAME = "住民票の写し（下野花子）.pdf"
RECORD_PAYMENT = """mutation($id: ID!, $r: String!) {
  recordCounterPayment(applicationId: $id, method: COUNTER_CASH, receiptNumber: $r) { id } }"""
COMPLETE = """mutation($id: ID!, $documents: [ID!]) {
  completeApplication(id: $id, documents: $documents) { id position } }"""
LINK = """mutation($a: ID!, $d: ID!) {
  createDownloadLink(applicationId: $a, documentId: $d) { url expiresAt } }"""
MINE = """{ myApplications(first: 5) { nodes { id status
  documents { id titleJa titleEn fileName mediaType size downloads lastDownloadedAt } } } }"""
ONE = """query($id: ID!) { application(id: $id) { id documents { id titleJa fileName downloads } } }"""
AUDIT = """query($id: ID!) { auditEvents(aggregateId: $id, type: "DocumentDownloaded", first: 10) {
  nodes { type occurredAt actor { subject role } payload } } }"""


def _upload(client: TestClient, application_id: str, who: str, body: bytes = PDF, name: str = NAME,
            media_type: str = "application/pdf", **params: str) -> Any:
    return client.post("/documents", params={"application": application_id, "name": name, **params},
                       content=body, headers={"Authorization": f"Bearer {who}", "content-type": media_type})


def _approved(gql: Gql, citizen: str, staff: str) -> str:
    """citizen's application for the (fee-bearing) simple procedure, received,
    approved and paid at the counter."""
    app_id = ok(gql(SUBMIT, citizen, input=submission()))["submitApplication"]["id"]
    ok(gql("mutation($id: ID!) { receiveApplication(id: $id) { id } }", staff, id=app_id))
    ok(gql("mutation($id: ID!) { approveApplication(id: $id) { id } }", staff, id=app_id))
    ok(gql(RECORD_PAYMENT, staff, id=app_id, r=f"R-{app_id[:8]}"))
    return app_id


def _issued(client: TestClient, gql: Gql, container: Container, citizen: str, staff: str) -> tuple[str, str]:
    app_id = _approved(gql, citizen, staff)
    uploaded = _upload(client, app_id, staff, title="住民票の写し", titleEn="Certificate of residence")
    assert uploaded.status_code == 201, uploaded.text
    document_id = uploaded.json()["id"]
    ok(gql(COMPLETE, staff, id=app_id, documents=[document_id]))
    settled(container)
    return app_id, document_id


def _link(gql: Gql, who: str, app_id: str, document_id: str) -> str:
    return ok(gql(LINK, who, a=app_id, d=document_id))["createDownloadLink"]["url"]


def _get(client: TestClient, url: str, who: str | None) -> Any:
    return client.get(url, headers={"Authorization": f"Bearer {who}"} if who else {})


def test_the_applicant_downloads_the_issued_document_with_its_japanese_name(
        client: TestClient, gql: Gql, container: Container, catalogue: Catalogue,
        citizen_a: str, shimin_staff: str):
    app_id, document_id = _issued(client, gql, container, citizen_a, shimin_staff)
    [mine] = ok(gql(MINE, citizen_a))["myApplications"]["nodes"]
    assert mine["status"] == "COMPLETED"
    assert mine["documents"] == [{
        "id": document_id, "titleJa": "住民票の写し", "titleEn": "Certificate of residence", "fileName": NAME,
        "mediaType": "application/pdf", "size": len(PDF), "downloads": 0, "lastDownloadedAt": None}]

    response = _get(client, _link(gql, citizen_a, app_id, document_id), citizen_a)
    assert response.status_code == 200, response.text
    assert response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="')
    assert f"filename*=UTF-8''{quote(NAME, safe='')}" in disposition
    assert response.headers["cache-control"] == "no-store"
    settled(container)
    [mine] = ok(gql(MINE, citizen_a))["myApplications"]["nodes"]
    assert mine["documents"][0]["downloads"] == 1
    assert mine["documents"][0]["lastDownloadedAt"] == container.clock.now().isoformat()


def test_the_document_is_encrypted_at_rest(client: TestClient, gql: Gql, container: Container,
                                           catalogue: Catalogue, citizen_a: str, shimin_staff: str):
    _, document_id = _issued(client, gql, container, citizen_a, shimin_staff)
    stored = container.blob_store.get(document_id)
    assert stored is not None and hashlib.sha256(stored).hexdigest() == document_id
    assert b"%PDF" not in stored and "住民票".encode() not in stored and NAME.encode() not in stored


def test_another_citizen_can_neither_mint_a_link_nor_use_someone_elses(
        client: TestClient, gql: Gql, container: Container, catalogue: Catalogue,
        citizen_a: str, citizen_b: str, shimin_staff: str):
    app_id, document_id = _issued(client, gql, container, citizen_a, shimin_staff)
    assert error(gql(LINK, citizen_b, a=app_id, d=document_id))["code"] == "FORBIDDEN"
    url = _link(gql, citizen_a, app_id, document_id)
    head = settled(container)
    stolen = _get(client, url, citizen_b)
    assert stolen.status_code == 403 and stolen.json()["code"] == "LINK_INVALID"
    assert _get(client, url, None).status_code == 401
    assert settled(container) == head  # nothing downloaded, nothing recorded


def test_an_expired_link_is_gone(client: TestClient, gql: Gql, container: Container, catalogue: Catalogue,
                                 citizen_a: str, shimin_staff: str):
    app_id, document_id = _issued(client, gql, container, citizen_a, shimin_staff)
    link = ok(gql(LINK, citizen_a, a=app_id, d=document_id))["createDownloadLink"]
    assert link["expiresAt"] == (container.clock.now() + timedelta(minutes=5)).isoformat()
    container.clock.advance(timedelta(minutes=4, seconds=59))
    assert _get(client, link["url"], citizen_a).status_code == 200
    container.clock.advance(timedelta(seconds=1))
    expired = _get(client, link["url"], citizen_a)
    assert expired.status_code == 410 and expired.json()["code"] == "LINK_EXPIRED"


def test_a_tampered_link_is_refused(client: TestClient, gql: Gql, container: Container, catalogue: Catalogue,
                                    citizen_a: str, shimin_staff: str):
    app_id, document_id = _issued(client, gql, container, citizen_a, shimin_staff)
    url = _link(gql, citizen_a, app_id, document_id)
    payload, mac = url.removeprefix("/downloads/").split(".")
    flipped = mac[:-2] + ("A" if mac[-2] != "A" else "B") + mac[-1]
    for bad in (f"{payload}.{flipped}", f"{payload[:-1]}x.{mac}", payload, "not-a-link", f"{payload}.%%%"):
        refused = _get(client, f"/downloads/{bad}", citizen_a)
        assert refused.status_code == 403, (bad, refused.text)
        assert refused.json()["code"] == "LINK_INVALID"


def test_staff_of_another_department_can_neither_attach_nor_see(
        client: TestClient, gql: Gql, container: Container, catalogue: Catalogue,
        citizen_a: str, shimin_staff: str, zeimu_staff: str):
    app_id = _approved(gql, citizen_a, shimin_staff)
    refused = _upload(client, app_id, zeimu_staff)
    assert refused.status_code == 403 and refused.json()["code"] == "FORBIDDEN"
    assert _upload(client, app_id, citizen_a).status_code == 403
    document_id = _upload(client, app_id, shimin_staff).json()["id"]
    assert error(gql(COMPLETE, zeimu_staff, id=app_id, documents=[document_id]))["code"] == "FORBIDDEN"
    ok(gql(COMPLETE, shimin_staff, id=app_id, documents=[document_id]))
    settled(container)
    assert error(gql(ONE, zeimu_staff, id=app_id))["code"] == "FORBIDDEN"
    assert error(gql(LINK, zeimu_staff, a=app_id, d=document_id))["code"] == "FORBIDDEN"
    # the department's own staff may see it and download it through their own link
    assert ok(gql(ONE, shimin_staff, id=app_id))["application"]["documents"][0]["fileName"] == NAME
    assert _get(client, _link(gql, shimin_staff, app_id, document_id), shimin_staff).content == PDF


def test_a_document_uploaded_for_another_application_cannot_be_issued(
        client: TestClient, gql: Gql, container: Container, catalogue: Catalogue,
        citizen_a: str, shimin_staff: str):
    first, second = _approved(gql, citizen_a, shimin_staff), _approved(gql, citizen_a, shimin_staff)
    for_first = _upload(client, first, shimin_staff).json()["id"]
    head = settled(container)
    for documents in ([for_first], ["0" * 64], ["not-an-id"]):
        refused = error(gql(COMPLETE, shimin_staff, id=second, documents=documents))
        assert (refused["code"], refused["field"], refused["rule"]) == (
            "VALIDATION_FAILED", "documents.0", "unknown_document")
    assert settled(container) == head  # nothing changed


def test_bad_uploads_name_the_field_and_the_rule(client: TestClient, gql: Gql, container: Container,
                                                catalogue: Catalogue, citizen_a: str, shimin_staff: str):
    app_id = _approved(gql, citizen_a, shimin_staff)
    html = _upload(client, app_id, shimin_staff, body=b"<html>", media_type="text/html")
    assert html.status_code == 422 and html.json()["errors"][0]["rule"] == "media_type"
    nameless = _upload(client, app_id, shimin_staff, name=" ")
    assert nameless.status_code == 422 and nameless.json()["errors"][0]["path"] == "name"
    my_number = _upload(client, app_id, shimin_staff, name="123456789018.pdf")
    assert my_number.status_code == 422 and my_number.json()["errors"][0]["rule"] == "individual_number"
    assert "123456789018" not in my_number.text
    assert _upload(client, "no-such-application", shimin_staff).status_code == 404
    empty = _upload(client, app_id, shimin_staff, body=b"")
    assert empty.status_code == 422 and empty.json()["errors"][0]["rule"] == "required"
    submitted = ok(gql(SUBMIT, citizen_a, input=submission()))["submitApplication"]["id"]
    assert _upload(client, submitted, shimin_staff).json()["code"] == "INVALID_TRANSITION"


def test_a_download_is_in_the_audit_events(client: TestClient, gql: Gql, container: Container,
                                           catalogue: Catalogue, citizen_a: str, shimin_staff: str,
                                           auditor: str):
    app_id, document_id = _issued(client, gql, container, citizen_a, shimin_staff)
    assert _get(client, _link(gql, citizen_a, app_id, document_id), citizen_a).status_code == 200
    settled(container)
    [event] = ok(gql(AUDIT, auditor, id=app_id))["auditEvents"]["nodes"]
    assert event["type"] == "DocumentDownloaded"
    assert event["actor"] == {"subject": "citizen-a", "role": "citizen"}
    assert datetime.fromisoformat(event["occurredAt"]) == container.clock.now()
    assert event["payload"]["document_id"] == document_id


def test_a_forgotten_applicants_document_is_no_longer_downloadable(
        client: TestClient, gql: Gql, container: Container, catalogue: Catalogue,
        citizen_a: str, shimin_staff: str, admin: str):
    app_id, document_id = _issued(client, gql, container, citizen_a, shimin_staff)
    url = _link(gql, citizen_a, app_id, document_id)
    ok(gql("mutation($s: String!, $r: String!) { forgetSubject(subject: $s, reason: $r) { id } }",
           admin, s="citizen:citizen-a", r="本人からの削除請求"))
    container.storage.keys.forget_cached()
    head = settled(container)
    gone = _get(client, url, citizen_a)
    assert gone.status_code == 410 and gone.json()["code"] == "DOCUMENT_ERASED"
    assert error(gql(LINK, citizen_a, a=app_id, d=document_id))["code"] == "DOCUMENT_ERASED"
    assert settled(container) == head
    [mine] = ok(gql(MINE, citizen_a))["myApplications"]["nodes"]
    assert mine["documents"][0]["fileName"] == "[消去済み]"


def test_an_auditor_without_the_pii_scope_sees_no_file_name(
        client: TestClient, gql: Gql, container: Container, catalogue: Catalogue,
        citizen_a: str, shimin_staff: str):
    app_id, _ = _issued(client, gql, container, citizen_a, shimin_staff)
    [document] = ok(gql(ONE, token(sub="auditor-1", role="auditor"), id=app_id))["application"]["documents"]
    assert document["fileName"] == "[REDACTED]" and document["titleJa"] == "住民票の写し"


def test_the_read_model_rebuilds_bit_for_bit(client: TestClient, gql: Gql, container: Container,
                                            catalogue: Catalogue, citizen_a: str, shimin_staff: str):
    from projections.applications.issued_documents import IssuedDocuments
    from tests.shared.test_projection_engine import generation, rows

    app_id, document_id = _issued(client, gql, container, citizen_a, shimin_staff)
    assert _get(client, _link(gql, citizen_a, app_id, document_id), citizen_a).status_code == 200
    settled(container)
    [projection] = [p for p in container.projections if isinstance(p, IssuedDocuments)]
    live = generation(container, projection.name)
    before = rows(container, projection, live)
    assert len(before["issued_documents"]) == 1
    rebuilt = container.engine.rebuild(projection.name, grace=0)
    assert rows(container, projection, rebuilt) == before
