"""``POST /attachments``: uploads into the local blob store, with limits."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient

from api.composition import Container
from infra.blob_store import LocalBlobStore
from tests.api.support import SHIMIN, token

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
