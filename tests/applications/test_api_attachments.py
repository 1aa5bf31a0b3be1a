"""``POST /attachments``: uploads into the local blob store, with limits."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient

from api.composition import Container
from infra.blob_store import LocalBlobStore
from tests.shared.api_support import SHIMIN, token

PDF = b"%PDF-1.4 test"


def _upload(client: TestClient, body: bytes, media_type: str = "application/pdf", who: str | None = None,
            **params: str):
    headers = {"content-type": media_type}
    if who:
        headers["Authorization"] = f"Bearer {who}"
    return client.post("/attachments", params={"name": "申請書.pdf", **params}, content=body,
                       headers=headers)


def test_upload_returns_a_reference_and_stores_the_bytes(client: TestClient, container: Container):
    response = _upload(client, PDF, who=token(sub="citizen-a", role="citizen"))
    assert response.status_code == 201, response.text
    ref = response.json()
    assert ref == {"blob": hashlib.sha256(PDF).hexdigest(), "media_type": "application/pdf",
                   "size": len(PDF), "name": "申請書.pdf"}
    assert container.blob_store.get(ref["blob"]) == PDF
    assert (container.settings.data_dir / "blobs" / ref["blob"][:2] / ref["blob"]).is_file()


def test_default_limits(client: TestClient):
    assert _upload(client, b"x", media_type="text/html").status_code == 422
    assert _upload(client, b"x" * (10 * 1024 * 1024 + 1)).status_code == 413
    assert _upload(client, PDF, name=" ").status_code == 422


def test_field_limits(client: TestClient, container: Container, catalogue):
    from tests.builders import ADMIN, ctx

    container.catalogue.revise_form(ctx(container.clock, ADMIN), catalogue.simple, [
        {"key": "photo", "label_ja": "写真", "label_en": "Photo", "type": "attachment",
         "constraints": {"max_bytes": 5, "media_types": ["image/*"]}}])
    too_big = _upload(client, b"123456", media_type="image/png", procedure=catalogue.simple, field="photo")
    assert too_big.status_code == 413
    assert too_big.json()["errors"][0]["rule"] == "max_bytes"
    assert _upload(client, b"1", media_type="application/pdf", procedure=catalogue.simple,
                   field="photo").json()["errors"][0]["rule"] == "media_type"
    assert _upload(client, b"1", media_type="image/png", procedure=catalogue.simple,
                   field="photo").status_code == 201
    assert _upload(client, b"1", procedure=catalogue.simple, field="copies").status_code == 422


def test_analysts_may_not_upload(client: TestClient):
    assert _upload(client, PDF, who=token(sub="a", role="analyst")).status_code == 403
    assert _upload(client, PDF, who=token(sub="s", role="staff", dept=SHIMIN)).status_code == 201


def test_local_blob_store(tmp_path):
    store = LocalBlobStore(tmp_path)
    blob = store.put(b"abc")
    assert store.put(b"abc") == blob and store.get(blob) == b"abc" and store.exists(blob)
    assert store.get("0" * 64) is None and not store.exists("../etc/passwd")


FORGET = """mutation($subject: String!, $reason: String!) {
  forgetSubject(subject: $subject, reason: $reason) { id position } }"""


def _attached(client: TestClient, gql, container: Container, catalogue, citizen: str) -> tuple[str, str]:
    """An application of ``citizen`` whose personal ``proof`` answer is an uploaded file."""
    from tests.builders import ADMIN, ctx
    from tests.shared.api_support import SUBMIT, ok, submission

    container.catalogue.revise_form(ctx(container.clock, ADMIN), catalogue.simple, [
        {"key": "proof", "label_ja": "本人確認書類", "label_en": "Proof of identity", "type": "attachment",
         "required": True, "personal": True}])
    reference = _upload(client, PDF, who=citizen).json()
    app_id = ok(gql(SUBMIT, citizen, input=submission(answers={"proof": reference})))["submitApplication"]["id"]
    return app_id, reference["blob"]


def test_the_applicant_and_the_department_read_an_attachment_others_cannot(
        client: TestClient, gql, container: Container, catalogue, citizen_a: str, citizen_b: str,
        shimin_staff: str, zeimu_staff: str):
    from tests.shared.api_support import settled

    app_id, blob = _attached(client, gql, container, catalogue, citizen_a)
    url = f"/applications/{app_id}/attachments/{blob}"

    def get(who: str | None):
        return client.get(url, headers={"Authorization": f"Bearer {who}"} if who else {})

    mine = get(citizen_a)
    assert mine.status_code == 200 and mine.content == PDF
    assert mine.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''%E7%94%B3%E8%AB%8B%E6%9B%B8.pdf" in mine.headers["content-disposition"]
    assert mine.headers["cache-control"] == "no-store"
    head = settled(container)
    assert get(shimin_staff).content == PDF
    assert settled(container) == head + 1  # the showing to staff is recorded (PersonalDataViewed)
    assert [get(who).status_code for who in (citizen_b, zeimu_staff, None)] == [403, 403, 401]
    other = client.get(f"/applications/{app_id}/attachments/{'0' * 64}",
                       headers={"Authorization": f"Bearer {citizen_a}"})
    assert other.status_code == 404 and other.json()["code"] == "NOT_FOUND"  # only what it refers to


def test_a_forgotten_applications_attachment_is_gone(
        client: TestClient, gql, container: Container, catalogue, citizen_a: str, admin: str):
    from tests.shared.api_support import ok

    app_id, blob = _attached(client, gql, container, catalogue, citizen_a)
    ok(gql(FORGET, admin, subject=f"application:{app_id}", reason="本人からの削除請求"))
    gone = client.get(f"/applications/{app_id}/attachments/{blob}", headers={"Authorization": f"Bearer {citizen_a}"})
    assert gone.status_code == 410 and gone.json()["code"] == "ATTACHMENT_ERASED"
