"""Attachments are bound to their uploader, then to the application: citizen B
who knows the SHA-256 of A's file (or even the id of A's upload) can neither
attach it to B's own application nor download it — also after A is forgotten.
Uploads are sealed (no plaintext on disk), and attached files are sealed with
the application's key, so forgetting the application's personal data makes them
unreadable."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi.testclient import TestClient

from api.composition import Container
from tests.applications.test_api_attachments import FORGET, PDF, _upload, bound_blob
from tests.builders import ADMIN, ctx
from tests.shared.api_support import SUBMIT, error, ok, submission

SECRET = b"%PDF-1.4 A's certificate of residence \xe4\xb8\x8b\xe9\x87\x8e"


def _with_proof(container: Container, catalogue) -> None:
    container.catalogue.revise_form(ctx(container.clock, ADMIN), catalogue.simple, [
        {"key": "proof", "label_ja": "本人確認書類", "label_en": "Proof of identity", "type": "attachment",
         "required": True, "personal": True}])


def _submit(gql, who: str | None, reference: dict, **extra) -> dict:
    return gql(SUBMIT, who, input=submission(answers={"proof": reference}, **extra))


def _reference(blob: str) -> dict:
    return {"blob": blob, "media_type": "application/pdf", "size": len(SECRET), "name": "写し.pdf"}


def _files(container: Container) -> list[bytes]:
    return [p.read_bytes() for p in Path(container.settings.data_dir / "blobs").rglob("*") if p.is_file()]


def test_another_citizen_cannot_attach_an_upload_by_its_content_hash_or_its_id(
        client: TestClient, gql, container: Container, catalogue, citizen_a: str, citizen_b: str):
    _with_proof(container, catalogue)
    uploaded = _upload(client, SECRET, who=citizen_a).json()
    a_app = ok(_submit(gql, citizen_a, uploaded))["submitApplication"]["id"]
    for blob in (hashlib.sha256(SECRET).hexdigest(), uploaded["blob"], bound_blob(container, a_app)):
        refused = error(_submit(gql, citizen_b, _reference(blob)))
        assert (refused["code"], refused["field"], refused["rule"]) == (
            "VALIDATION_FAILED", "answers.proof", "attachment_uploader")
    anonymous = error(_submit(gql, None, _reference(uploaded["blob"]), contactEmail="b@example.jp"))
    assert anonymous["rule"] == "attachment_uploader"


def test_another_citizen_cannot_download_it_through_their_own_application(
        client: TestClient, gql, container: Container, catalogue, citizen_a: str, citizen_b: str):
    _with_proof(container, catalogue)
    a_app = ok(_submit(gql, citizen_a, _upload(client, SECRET, who=citizen_a).json()))["submitApplication"]["id"]
    a_blob = bound_blob(container, a_app)
    b_app = ok(_submit(gql, citizen_b, _upload(client, PDF, who=citizen_b).json()))["submitApplication"]["id"]
    b_auth = {"Authorization": f"Bearer {citizen_b}"}
    assert client.get(f"/applications/{b_app}/attachments/{a_blob}", headers=b_auth).status_code == 404
    assert client.get(f"/applications/{a_app}/attachments/{a_blob}", headers=b_auth).status_code == 403
    assert client.get(f"/applications/{b_app}/attachments/{bound_blob(container, b_app)}",
                      headers=b_auth).content == PDF


def test_after_a_is_forgotten_the_file_is_unreadable_and_still_not_attachable(
        client: TestClient, gql, container: Container, catalogue, citizen_a: str, citizen_b: str, admin: str):
    _with_proof(container, catalogue)
    uploaded = _upload(client, SECRET, who=citizen_a).json()
    a_app = ok(_submit(gql, citizen_a, uploaded))["submitApplication"]["id"]
    a_blob = bound_blob(container, a_app)
    ok(gql(FORGET, admin, subject="citizen:citizen-a", reason="本人からの削除請求"))
    for blob in (hashlib.sha256(SECRET).hexdigest(), uploaded["blob"], a_blob):
        assert error(_submit(gql, citizen_b, _reference(blob)))["rule"] == "attachment_uploader"
    gone = client.get(f"/applications/{a_app}/attachments/{a_blob}", headers={"Authorization": f"Bearer {citizen_a}"})
    assert gone.status_code == 410


def test_no_attachment_bytes_are_stored_in_plaintext(
        client: TestClient, gql, container: Container, catalogue, citizen_a: str):
    _with_proof(container, catalogue)
    ok(_submit(gql, citizen_a, _upload(client, SECRET, who=citizen_a).json()))
    files = _files(container)
    assert len(files) == 2  # the upload and its copy sealed for the application
    assert not any(SECRET in f or b"certificate of residence" in f for f in files)


def test_a_resubmission_keeps_the_bound_file(
        client: TestClient, gql, container: Container, catalogue, citizen_a: str, shimin_staff: str):
    _with_proof(container, catalogue)
    a_app = ok(_submit(gql, citizen_a, _upload(client, SECRET, who=citizen_a).json()))["submitApplication"]["id"]
    bound = bound_blob(container, a_app)
    ok(gql("mutation($id: ID!) { receiveApplication(id: $id) { id } }", shimin_staff, id=a_app))
    ok(gql("mutation($id: ID!) { returnApplication(id: $id, reason: \"写しが不鮮明\") { id } }", shimin_staff,
           id=a_app))
    again = {"proof": _reference(bound)}
    ok(gql("mutation($id: ID!, $a: JSON!) { resubmitApplication(id: $id, answers: $a) { id } }", citizen_a,
           id=a_app, a=again))
    assert bound_blob(container, a_app) == bound
