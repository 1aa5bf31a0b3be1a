"""The Ed25519 key that signs audit checkpoints: configured, or a development
key kept under the data directory; none in production without configuration."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from infra.audit_keys import DEV_KEY_FILE, AuditKeyError, Ed25519Signer, Ed25519Verifier, load_signer
from infra.settings import Settings


def test_a_development_key_is_generated_once_and_kept_private(tmp_path: Path):
    first = load_signer(Settings(env="development", data_dir=tmp_path))
    again = load_signer(Settings(env="test", data_dir=tmp_path))
    assert first is not None and again is not None
    assert first.public_key_pem() == again.public_key_pem()
    assert stat.S_IMODE((tmp_path / DEV_KEY_FILE).stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [DEV_KEY_FILE]


def test_production_signs_only_with_a_configured_key(tmp_path: Path):
    assert load_signer(Settings(env="production", data_dir=tmp_path)) is None
    assert not (tmp_path / DEV_KEY_FILE).exists()
    signer = Ed25519Signer.generate()
    one_line = signer.private_key_pem().replace("\n", "\\n")  # as an env var on one line
    configured = load_signer(Settings(env="production", data_dir=tmp_path,
                                      audit_signing_key=one_line))
    assert configured is not None and configured.public_key_pem() == signer.public_key_pem()


def test_signatures_verify_only_with_the_matching_key():
    signer, other = Ed25519Signer.generate(), Ed25519Signer.generate()
    signature = signer.sign(b"message")
    verifier = Ed25519Verifier.from_pem(signer.public_key_pem())
    assert verifier.verify(signature, b"message")
    assert not verifier.verify(signature, b"messagE")
    assert not other.verifier().verify(signature, b"message")


def test_keys_that_are_not_ed25519_are_refused(tmp_path: Path):
    ec_key = ec.generate_private_key(ec.SECP256R1())
    pem = ec_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption()).decode()
    for value in (pem, "not a key", str(tmp_path / "missing.pem")):
        with pytest.raises(AuditKeyError):
            load_signer(Settings(env="test", data_dir=tmp_path, audit_signing_key=value))
    public = ec_key.public_key().public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(AuditKeyError):
        Ed25519Verifier.from_pem(public)
    with pytest.raises(AuditKeyError):
        Ed25519Verifier.from_pem("garbage")
