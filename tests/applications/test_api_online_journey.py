"""The whole スマート申請 journey of issue #4, on SQLite and PostgreSQL: a citizen
finds a procedure and reads its requirements, signs with a (test) My Number card,
submits, answers a correction request, is notified by e-mail at each step, and
downloads the issued document; staff see it in their inbox and act on it."""

from __future__ import annotations

import email
from email.policy import default as default_policy
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.applications.notification_jobs import run_send_due
from api.composition import Container
from infra.settings import Settings
from tests.applications.pki import pki
from tests.applications.test_api_issued_documents import COMPLETE, LINK, RECORD_PAYMENT, _upload
from tests.applications.test_api_jpki import (
    CHALLENGE,
    JPKI,
    jpki,  # noqa: F401 — the fixture defining the procedure
    signed_input,
)
from tests.shared.api_support import SHIMIN, Gql, ok, settled

FIND = """query($d: String) { procedures(department: $d, onlineOnly: true) {
  code nameJa requirementsJa assurance } }"""
SUBMIT = """mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id position } }"""
INBOX = """query($d: String) { applications(department: $d) { totalCount nodes { id status } } }"""
ACT = "mutation($id: ID!) {{ {name}(id: $id) {{ id position }} }}"
RETURN = """mutation($id: ID!, $r: String!) { returnApplication(id: $id, reason: $r) { id position } }"""
RESUBMIT = """mutation($id: ID!, $a: JSON!) { resubmitApplication(id: $id, answers: $a) { id position } }"""
MINE = """{ myApplications(first: 5) { nodes { id status answers
  timeline { status } notifications { template state }
  documents { id fileName } payment { status } } } }"""


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    ca = pki()
    crls = tmp_path / "crls"
    crls.mkdir()
    (crls / "ca.crl").write_bytes(ca.crl())
    return settings.model_copy(update={
        "jpki_trust_anchors": ca.write_anchors(tmp_path / "anchors.pem"), "jpki_crls": crls})


def _mails(container: Container) -> list[email.message.EmailMessage]:
    settled(container)
    run_send_due(container, catch_up=False)
    folder = container.settings.data_dir / "mail"
    return [email.message_from_bytes(p.read_bytes(), policy=default_policy)  # type: ignore[misc]
            for p in sorted(folder.glob("*.eml"))]


@pytest.mark.usefixtures("jpki")
def test_a_citizen_applies_with_a_card_is_corrected_notified_and_downloads_the_document(
        client: TestClient, gql: Gql, container: Container, citizen_a: str, shimin_staff: str):
    settled(container)
    # find the procedure and read its requirements
    found = {p["code"]: p for p in ok(gql(FIND, citizen_a, d=SHIMIN))["procedures"]}
    assert found[JPKI]["assurance"] == "JPKI_SIGNATURE" and found[JPKI]["requirementsJa"]
    # sign with the card and submit, with an e-mail for notifications
    nonce = ok(gql(CHALLENGE, citizen_a, c=JPKI))["signingChallenge"]["nonce"]
    signed = signed_input(pki(), nonce, {"copies": 1})
    app_id = ok(gql(SUBMIT, citizen_a, input={**signed, "contactEmail": "hanako@example.jp"}))[
        "submitApplication"]["id"]
    settled(container)
    # staff see it in their inbox, receive it and ask for a correction
    inbox = ok(gql(INBOX, shimin_staff, d=SHIMIN))["applications"]
    assert {"id": app_id, "status": "SUBMITTED"} in inbox["nodes"]
    ok(gql(ACT.format(name="receiveApplication"), shimin_staff, id=app_id))
    ok(gql(RETURN, shimin_staff, id=app_id, r="部数をご確認ください"))
    # the citizen answers the correction request with changed answers
    ok(gql(RESUBMIT, citizen_a, id=app_id, a={"copies": 2}))
    for step in ("receiveApplication", "approveApplication"):
        ok(gql(ACT.format(name=step), shimin_staff, id=app_id))
    ok(gql(RECORD_PAYMENT, shimin_staff, id=app_id, r="R-journey"))  # the fee, at the counter
    uploaded = _upload(client, app_id, shimin_staff, title="印鑑登録証明書", titleEn="Seal certificate")
    assert uploaded.status_code == 201, uploaded.text
    ok(gql(COMPLETE, shimin_staff, id=app_id, documents=[uploaded.json()["id"]]))
    # notified at each step, in Japanese
    mails = _mails(container)
    assert len(mails) >= 5 and all(m["To"] == "hanako@example.jp" for m in mails)
    assert any("補正" in str(m["Subject"]) for m in mails)
    settled(container)
    [mine] = ok(gql(MINE, citizen_a))["myApplications"]["nodes"]
    assert mine["status"] == "COMPLETED" and mine["answers"]["copies"] == 2
    assert [t["status"] for t in mine["timeline"]] == [
        "SUBMITTED", "RECEIVED", "RETURNED", "RESUBMITTED", "RECEIVED", "APPROVED", "COMPLETED"]
    assert {n["state"] for n in mine["notifications"]} == {"SENT"}
    assert mine["payment"]["status"] == "PAID"
    # and downloads the issued document through a short-lived link
    [document] = mine["documents"]
    url = ok(gql(LINK, citizen_a, a=app_id, d=document["id"]))["createDownloadLink"]["url"]
    downloaded = client.get(url, headers={"Authorization": f"Bearer {citizen_a}"})
    assert downloaded.status_code == 200 and downloaded.content.startswith(b"%PDF")
