"""GraphQL for online identity: signingChallenge, and submitApplication with a
My Number card signature (SignatureInput); failures carry their own codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from application.applications.identity import signed_message
from infra.settings import Settings
from tests.applications.pki import ADDRESS, Pki, pki
from tests.shared.api_support import (
    ADDRESS_FIELD,
    COPIES_FIELD,
    DEFINE,
    PUBLISH,
    SHIMIN,
    SUBMIT,
    Gql,
    ok,
    procedure_input,
)

JPKI = "inkan-shomei"
CHALLENGE = "mutation($c: String!) { signingChallenge(procedureCode: $c) { id position nonce expiresAt } }"
STATUS = "query($id: ID!, $p: Int) { application(id: $id, atLeastPosition: $p) { id status } }"


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    ca = pki()
    crls = tmp_path / "crls"
    crls.mkdir()
    (crls / "ca.crl").write_bytes(ca.crl())
    return settings.model_copy(update={
        "jpki_trust_anchors": ca.write_anchors(tmp_path / "anchors.pem"), "jpki_crls": crls})


@pytest.fixture
def jpki(gql: Gql, catalogue, shimin_staff: str) -> str:
    ok(gql(DEFINE, shimin_staff, input=procedure_input(
        JPKI, SHIMIN, nameJa="印鑑登録証明書", nameEn="Seal certificate", assurance="JPKI_SIGNATURE",
        fields=[COPIES_FIELD, ADDRESS_FIELD])))
    ok(gql(PUBLISH, shimin_staff, code=JPKI))
    return JPKI


def signed_input(ca: Pki, nonce: str, answers: dict, *, leaf=None) -> dict:
    leaf = leaf or ca.leaf()
    return {
        "procedureCode": JPKI, "channel": "ONLINE", "applicantName": "下野 花子", "answers": answers,
        "signature": {"certificate": leaf.b64, "signature": leaf.sign(signed_message(JPKI, 1, answers, nonce)),
                      "algorithm": "SHA256withRSA", "nonce": nonce},
    }


def test_an_anonymous_caller_applies_with_a_card_signature(gql: Gql, jpki: str) -> None:
    ca = pki()
    issued = ok(gql(CHALLENGE, c=jpki))["signingChallenge"]
    assert issued["expiresAt"] == "2026-04-01T00:40:00+00:00"
    answers = {"copies": 1}  # the address is pre-filled from the certificate
    submitted = ok(gql(SUBMIT, input=signed_input(ca, issued["nonce"], answers)))["submitApplication"]
    assert submitted["position"] > issued["position"]
    replay = gql(SUBMIT, input=signed_input(ca, issued["nonce"], answers))
    assert replay["errors"][0]["extensions"]["code"] == "CHALLENGE_REPLAYED"
    assert ADDRESS not in str(replay)


def test_a_citizen_sees_the_application(gql: Gql, jpki: str, citizen_a: str) -> None:
    ca = pki()
    nonce = ok(gql(CHALLENGE, citizen_a, c=jpki))["signingChallenge"]["nonce"]
    submitted = ok(gql(SUBMIT, citizen_a, input=signed_input(ca, nonce, {"copies": 2})))["submitApplication"]
    view = ok(gql(STATUS, citizen_a, id=submitted["id"], p=submitted["position"]))["application"]
    assert view["status"] == "SUBMITTED"


@pytest.mark.parametrize(("leaf", "code"), [
    ("look_alike", "CERT_UNTRUSTED"), ("authentication", "CERT_WRONG_USAGE")])
def test_failures_are_coded(gql: Gql, jpki: str, leaf: str, code: str) -> None:
    ca = pki()
    cert = ca.leaf(issuer_key=ca.fake_ca_key) if leaf == "look_alike" else ca.leaf(signing=False)
    nonce = ok(gql(CHALLENGE, c=jpki))["signingChallenge"]["nonce"]
    result = gql(SUBMIT, input=signed_input(ca, nonce, {"copies": 1}, leaf=cert))
    [error] = result["errors"]
    assert error["extensions"]["code"] == code
    assert error["extensions"]["messageJa"]


def test_unsigned_online_submissions_of_jpki_procedures_are_forbidden(gql: Gql, jpki: str) -> None:
    result = gql(SUBMIT, input={"procedureCode": JPKI, "channel": "ONLINE", "applicantName": "下野 花子",
                                "answers": {"copies": 1, "address": "x"}})
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
