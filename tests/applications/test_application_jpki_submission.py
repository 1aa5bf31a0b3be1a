"""Online applications with the My Number card signature, through the services
and the real event store (SQLite and PostgreSQL): challenges, replay, expiry,
every verification failure, and what the event records."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from api.composition import Container
from application.applications.identity import IssuedChallenge, signed_message
from domain.applications.application import ApplicationSubmitted
from domain.applications.identity import IdentityRejected, SigningChallengeIssued, SigningChallengeUsed, challenge_id
from domain.shared.errors import Forbidden, ValidationFailed
from domain.shared.personal import PersonalData
from infra.clock import ManualClock
from infra.settings import Settings
from tests.applications.pki import ADDRESS, DAY, NAME, SEX, Leaf, Pki, pki
from tests.builders import answers, citizen, ctx, setup_procedure, staff
from tests.conftest import START

JPKI = "inkan-toroku"


@pytest.fixture
def ca() -> Pki:
    return pki()


@pytest.fixture
def crl_file(tmp_path: Path, ca: Pki) -> Path:
    crls = tmp_path / "crls"
    crls.mkdir()
    (crls / "ca.crl").write_bytes(ca.crl(revoked=(66,)))
    return crls / "ca.crl"


@pytest.fixture
def settings(settings: Settings, tmp_path: Path, ca: Pki, crl_file: Path) -> Settings:
    anchors = ca.write_anchors(tmp_path / "anchors.pem")
    return settings.model_copy(update={"jpki_trust_anchors": anchors, "jpki_crls": crl_file.parent})


@pytest.fixture
def procedure(container: Container, clock: ManualClock) -> str:
    return setup_procedure(container, clock, JPKI, assurance="jpki_signature")


def challenge(container: Container, clock: ManualClock, code: str = JPKI) -> IssuedChallenge:
    return container.applications.challenges.issue(ctx(clock, citizen()), code)


def submit_signed(
    container: Container, clock: ManualClock, leaf: Leaf, nonce: str, *,
    given: dict[str, Any] | None = None, tamper: bool = False, code: str = JPKI,
) -> Any:
    given = answers() if given is None else given
    message = signed_message(code, 1, given, nonce)
    return container.applications.submit(
        ctx(clock, citizen()), procedure_code=code, channel="online", applicant_name="下野 花子",
        answers={**given, "copies": 9} if tamper else given,
        signature={"certificate": leaf.b64, "signature": leaf.sign(message),
                   "algorithm": "SHA256withRSA", "nonce": nonce},
    )


def code_of(call) -> str:
    with pytest.raises(IdentityRejected) as caught:
        call()
    return caught.value.code


def events(container: Container) -> list[Any]:
    return list(container.log.recorder.select_notifications(start=1, limit=1000))


def test_a_signed_submission_is_recorded_with_the_verified_identity(
    container: Container, clock: ManualClock, procedure: str, ca: Pki
) -> None:
    issued = challenge(container, clock)
    assert issued.expires_at == START + timedelta(minutes=10)
    leaf = ca.leaf(serial=987654321)
    given = {"copies": 1, "purpose": "work"}  # address and birth date come from the card
    result = submit_signed(container, clock, leaf, issued.nonce, given=given)

    application = container.applications.get(result.id)
    assert application.identity_method == "jpki_signature"
    [submitted] = _aggregate_events(container, application.id)
    assert isinstance(submitted, ApplicationSubmitted)
    identity = submitted.identity
    assert identity["method"] == "jpki_signature"
    assert identity["issuer"] == leaf.cert.issuer.rfc4514_string()
    assert len(identity["serial_hash"]) == 64
    for key, value in {"name": NAME, "address": ADDRESS, "birth_date": "1990-05-01", "sex": SEX}.items():
        assert identity[key] == PersonalData(submitted.data_subject, value)
    assert submitted.answers["address"].reveal() == ADDRESS  # pre-filled
    assert submitted.answers["birthDate"].reveal() == "1990-05-01"

    # the challenge is used, by this application, in the same save
    used = _aggregate_events(container, challenge_id(issued.nonce))
    assert [type(e) for e in used] == [SigningChallengeIssued, SigningChallengeUsed]
    assert used[1].application_id == result.id

    # the raw serial and the basic four are nowhere in the stored records
    raw = b"".join(n.state for n in events(container))
    for secret in (str(987654321).encode(), f"{987654321:x}".encode(), NAME.encode(), ADDRESS.encode()):
        assert secret not in raw


def _aggregate_events(container: Container, aggregate_id: Any) -> list[Any]:
    mapper = container.log.mapper
    return [mapper.to_domain_event(r) for r in container.log.recorder.select_events(aggregate_id)]


def test_jpki_procedures_still_refuse_unsigned_online_submissions(
    container: Container, clock: ManualClock, procedure: str
) -> None:
    with pytest.raises(Forbidden):
        container.applications.submit(ctx(clock, citizen()), procedure_code=JPKI, channel="online",
                                      applicant_name="下野 花子", answers=answers())


def test_a_nonce_is_single_use(container: Container, clock: ManualClock, procedure: str, ca: Pki) -> None:
    issued = challenge(container, clock)
    leaf = ca.leaf()
    submit_signed(container, clock, leaf, issued.nonce)
    assert code_of(lambda: submit_signed(container, clock, leaf, issued.nonce)) == "CHALLENGE_REPLAYED"


def test_a_concurrent_replay_conflicts_into_challenge_replayed(
    container: Container, clock: ManualClock, procedure: str, ca: Pki
) -> None:
    issued = challenge(container, clock)
    leaf = ca.leaf()
    apps = container.applications
    real_load = apps.challenges.load
    stale = real_load(issued.nonce)  # as loaded by a racing request before the other saved
    submit_signed(container, clock, leaf, issued.nonce)
    apps.challenges.load = lambda nonce: stale  # type: ignore[method-assign]
    try:
        assert code_of(lambda: submit_signed(container, clock, leaf, issued.nonce)) == "CHALLENGE_REPLAYED"
    finally:
        apps.challenges.load = real_load  # type: ignore[method-assign]


def test_a_challenge_expires_after_ten_minutes(
    container: Container, clock: ManualClock, procedure: str, ca: Pki
) -> None:
    first, second = challenge(container, clock), challenge(container, clock)
    clock.advance(timedelta(minutes=10))
    submit_signed(container, clock, ca.leaf(), first.nonce)  # exactly ten minutes: still valid
    clock.advance(timedelta(seconds=1))
    assert code_of(lambda: submit_signed(container, clock, ca.leaf(), second.nonce)) == "CHALLENGE_EXPIRED"


def test_unknown_nonces_and_other_procedures_challenges_are_refused(
    container: Container, clock: ManualClock, procedure: str, ca: Pki
) -> None:
    assert code_of(lambda: submit_signed(container, clock, ca.leaf(), "never-issued")) == "CHALLENGE_EXPIRED"
    setup_procedure(container, clock, "other-jpki", assurance="jpki_signature")
    other = challenge(container, clock, "other-jpki")
    assert code_of(lambda: submit_signed(container, clock, ca.leaf(), other.nonce)) == "CHALLENGE_EXPIRED"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("look_alike", "CERT_UNTRUSTED"),
        ("expired", "CERT_EXPIRED"),
        ("not_yet_valid", "CERT_NOT_YET_VALID"),
        ("authentication", "CERT_WRONG_USAGE"),
        ("revoked", "CERT_REVOKED"),
        ("no_crl", "REVOCATION_UNAVAILABLE"),
        ("stale_crl", "REVOCATION_UNAVAILABLE"),
        ("tampered", "SIGNATURE_INVALID"),
    ],
)
def test_each_failure_has_its_code_and_stores_nothing(
    container: Container, clock: ManualClock, procedure: str, ca: Pki, crl_file: Path,
    case: str, expected: str,
) -> None:
    leaf = {
        "look_alike": lambda: ca.leaf(issuer_key=ca.fake_ca_key),
        "expired": lambda: ca.leaf(not_before=START - 400 * DAY, not_after=START - DAY),
        "not_yet_valid": lambda: ca.leaf(not_before=START + DAY),
        "authentication": lambda: ca.leaf(signing=False),
        "revoked": lambda: ca.leaf(serial=66),
    }.get(case, ca.leaf)()
    if case == "no_crl":
        crl_file.unlink()
    if case == "stale_crl":
        crl_file.write_bytes(ca.crl(last_update=START - 9 * DAY, next_update=START - DAY))
    issued = challenge(container, clock)
    head = container.log.head()
    assert code_of(lambda: submit_signed(container, clock, leaf, issued.nonce, tamper=case == "tampered")) \
        == expected
    assert container.log.head() == head
    # the challenge stays unused: a corrected retry within ten minutes succeeds
    if case in ("no_crl", "stale_crl"):
        crl_file.write_bytes(ca.crl())
    submit_signed(container, clock, ca.leaf(), issued.nonce)


def test_signatures_come_only_with_online_submissions(
    container: Container, clock: ManualClock, procedure: str, ca: Pki
) -> None:
    issued = challenge(container, clock)
    with pytest.raises(ValidationFailed):
        container.applications.submit(
            ctx(clock, staff()), procedure_code=JPKI, channel="counter", applicant_name="下野 花子",
            answers=answers(), signature={"certificate": ca.leaf().b64, "signature": "x",
                                          "algorithm": "SHA256withRSA", "nonce": issued.nonce})


def test_the_signed_message_is_canonical_json() -> None:
    message = signed_message("p", 2, {"b": "下野", "a": 1}, "n")
    assert message == json.dumps(
        {"procedureCode": "p", "formVersion": 2, "answers": {"a": 1, "b": "下野"}, "nonce": "n"},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert message == '{"answers":{"a":1,"b":"下野"},"formVersion":2,"nonce":"n","procedureCode":"p"}'.encode()
