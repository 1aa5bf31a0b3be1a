"""The Ed25519 key that signs audit checkpoints.

``MADOGUCHI_AUDIT_SIGNING_KEY`` holds the private key as PEM (PKCS#8) text or
the path of a PEM file. When it is unset outside production, a development key
is generated once under the data directory (``audit-signing-key.pem``, mode
0600); in production no key means no signed checkpoints."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from infra.settings import Settings

log = logging.getLogger("madoguchi.audit")

DEV_KEY_FILE = "audit-signing-key.pem"


class AuditKeyError(ValueError):
    """The configured key is not an Ed25519 private key in PEM."""


class Ed25519Verifier:
    def __init__(self, public_key: Ed25519PublicKey) -> None:
        self.public_key = public_key

    @classmethod
    def from_pem(cls, pem: str | bytes) -> Ed25519Verifier:
        data = pem.encode() if isinstance(pem, str) else pem
        try:
            key = serialization.load_pem_public_key(data)
        except ValueError as e:
            raise AuditKeyError(f"not a PEM public key: {e}") from None
        if not isinstance(key, Ed25519PublicKey):
            raise AuditKeyError("the public key is not an Ed25519 key")
        return cls(key)

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def public_key_pem(self) -> str:
        return self.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    def public_key_raw(self) -> bytes:
        """The 32-byte RFC 8032 encoding (for C2SP notes and verifier keys)."""
        return self.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @classmethod
    def from_raw(cls, raw: bytes) -> Ed25519Verifier:
        try:
            return cls(Ed25519PublicKey.from_public_bytes(raw))
        except ValueError as e:
            raise AuditKeyError(f"not an Ed25519 public key: {e}") from None


class Ed25519Signer:
    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self.private_key = private_key

    @classmethod
    def from_pem(cls, pem: str | bytes) -> Ed25519Signer:
        data = pem.encode() if isinstance(pem, str) else pem
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError) as e:
            raise AuditKeyError(f"not an unencrypted PEM private key: {e}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise AuditKeyError("the audit signing key is not an Ed25519 key")
        return cls(key)

    @classmethod
    def generate(cls) -> Ed25519Signer:
        return cls(Ed25519PrivateKey.generate())

    def private_key_pem(self) -> str:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)

    def verifier(self) -> Ed25519Verifier:
        return Ed25519Verifier(self.private_key.public_key())

    def public_key_pem(self) -> str:
        return self.verifier().public_key_pem()

    def public_key_raw(self) -> bytes:
        return self.verifier().public_key_raw()


def _from_setting(value: str) -> Ed25519Signer:
    text = value.strip()
    if text.startswith("-----BEGIN"):
        return Ed25519Signer.from_pem(text.replace("\\n", "\n"))
    path = Path(text).expanduser()
    if not path.is_file():
        raise AuditKeyError("MADOGUCHI_AUDIT_SIGNING_KEY is neither PEM text nor a readable file")
    return Ed25519Signer.from_pem(path.read_bytes())


def development_key(data_dir: Path, file: str = DEV_KEY_FILE) -> Ed25519Signer:
    """The development key under ``data_dir``, generated on first use (also a
    witness's own key in its state directory)."""
    path = data_dir / file
    if path.exists():
        return Ed25519Signer.from_pem(path.read_bytes())
    data_dir.mkdir(parents=True, exist_ok=True)
    signer = Ed25519Signer.generate()
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(signer.private_key_pem())
    try:
        os.link(tmp, path)  # atomic; a concurrent first start keeps the first key
    except FileExistsError:
        pass
    except OSError:  # no hard links here: last writer wins, then everyone reads it
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    log.warning("generated an Ed25519 key at %s", path)
    return Ed25519Signer.from_pem(path.read_bytes())


def load_signer(settings: Settings) -> Ed25519Signer | None:
    if settings.audit_signing_key:
        return _from_setting(settings.audit_signing_key)
    if settings.env == "production":
        log.warning("no MADOGUCHI_AUDIT_SIGNING_KEY in production: audit checkpoints are not signed")
        return None
    return development_key(settings.data_dir)
