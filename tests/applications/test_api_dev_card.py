"""Trying a JPKI procedure without a real card: in development the data
directory's development CA is trusted, `madoguchi dev card issue` writes a card
and `madoguchi dev sign` prints the exact `signature` input of submitApplication."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from infra.clock import ManualClock
from infra.settings import Settings
from tests.applications.test_api_jpki import CHALLENGE, JPKI, STATUS
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


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"env": "development"})


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC))  # the CLI's card is valid from the wall clock's now


def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str, env: str = "development"):
    monkeypatch.setenv("MADOGUCHI_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MADOGUCHI_ENV", env)
    return CliRunner().invoke(app, list(args))


def test_a_development_card_signs_a_jpki_application(gql: Gql, catalogue, shimin_staff, settings, monkeypatch,
                                                     tmp_path: Path) -> None:
    ok(gql(DEFINE, shimin_staff, input=procedure_input(
        JPKI, SHIMIN, nameJa="印鑑登録証明書", nameEn="Seal certificate", assurance="JPKI_SIGNATURE",
        fields=[COPIES_FIELD, ADDRESS_FIELD])))
    ok(gql(PUBLISH, shimin_staff, code=JPKI))
    card = tmp_path / "card.json"
    issued = cli(settings, monkeypatch, "dev", "card", "issue", "--out", str(card), "--name", "𠮷田 太郎",
                 "--address", "栃木県下野市小金井1-1", "--birth", "1985-02-03", "--sex", "1")
    assert issued.exit_code == 0, issued.output
    assert oct(card.stat().st_mode & 0o777) == "0o600"
    nonce = ok(gql(CHALLENGE, c=JPKI))["signingChallenge"]["nonce"]
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"copies": 2}), encoding="utf-8")
    signed = cli(settings, monkeypatch, "dev", "sign", "--card", str(card), "--procedure", JPKI,
                 "--form-version", "1", "--answers", str(answers), "--nonce", nonce)
    assert signed.exit_code == 0, signed.output
    signature = json.loads(signed.stdout.strip().splitlines()[-1])
    submitted = ok(gql(SUBMIT, input={"procedureCode": JPKI, "channel": "ONLINE", "applicantName": "𠮷田 太郎",
                                      "answers": {"copies": 2}, "signature": signature}))["submitApplication"]
    view = ok(gql(STATUS, shimin_staff, id=submitted["id"], p=submitted["position"]))["application"]
    assert view["status"] == "SUBMITTED"


def test_a_tampered_development_signature_is_refused(gql: Gql, catalogue, shimin_staff, settings, monkeypatch,
                                                     tmp_path: Path) -> None:
    ok(gql(DEFINE, shimin_staff, input=procedure_input(JPKI, SHIMIN, assurance="JPKI_SIGNATURE",
                                                       fields=[COPIES_FIELD])))
    ok(gql(PUBLISH, shimin_staff, code=JPKI))
    card = tmp_path / "card.json"
    assert cli(settings, monkeypatch, "dev", "card", "issue", "--out", str(card)).exit_code == 0
    nonce = ok(gql(CHALLENGE, c=JPKI))["signingChallenge"]["nonce"]
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"copies": 1}), encoding="utf-8")
    signed = cli(settings, monkeypatch, "dev", "sign", "--card", str(card), "--procedure", JPKI,
                 "--form-version", "1", "--answers", str(answers), "--nonce", nonce)
    signature = json.loads(signed.stdout.strip().splitlines()[-1])
    refused = gql(SUBMIT, input={"procedureCode": JPKI, "channel": "ONLINE", "applicantName": "下野 花子",
                                 "answers": {"copies": 3}, "signature": signature})  # not what was signed
    assert refused["errors"][0]["extensions"]["code"] == "SIGNATURE_INVALID"


def test_production_has_no_development_cards(settings, monkeypatch, tmp_path: Path) -> None:
    result = cli(settings, monkeypatch, "dev", "card", "issue", "--out", str(tmp_path / "c.json"), env="production")
    assert result.exit_code == 2
    assert not (tmp_path / "c.json").exists()
    assert not (settings.data_dir / "dev-jpki").exists()


def test_production_never_trusts_the_development_ca(settings) -> None:
    from infra.jpki import JpkiVerifier

    production = settings.model_copy(update={"env": "production", "jpki_trust_anchors": None})
    assert JpkiVerifier.from_settings(production) is None
