"""A throwaway JPKI for tests: a CA, a look-alike CA (same name, another key),
signing and authentication certificates, and CRLs — all generated here."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from infra.dev_card import BasicFour, ca_certificate, new_key, revocation_list, signing_certificate
from tests.conftest import START

CA_NAME = x509.Name([
    x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "JPKI"),
    x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "JPKI for digital signature"),
    x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Test CA for madoguchi"),
])
NAME, ADDRESS, BIRTH, SEX = "下野 花子", "栃木県下野市笹原26", "19900501", "2"
PERSON = BasicFour(NAME, ADDRESS, BIRTH, SEX)
DAY = timedelta(days=1)


@dataclass
class Leaf:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def b64(self) -> str:
        return base64.b64encode(self.cert.public_bytes(serialization.Encoding.DER)).decode()

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


@dataclass
class Pki:
    ca_key: rsa.RSAPrivateKey = field(default_factory=new_key)
    fake_ca_key: rsa.RSAPrivateKey = field(default_factory=new_key)
    leaf_key: rsa.RSAPrivateKey = field(default_factory=new_key)
    other_key: rsa.RSAPrivateKey = field(default_factory=new_key)

    def __post_init__(self) -> None:
        self.ca = self._ca(self.ca_key)
        self.fake_ca = self._ca(self.fake_ca_key)  # a look-alike: same name, another key

    @staticmethod
    def _ca(key: rsa.RSAPrivateKey) -> x509.Certificate:
        return ca_certificate(key, name=CA_NAME, not_before=START - 3650 * DAY, not_after=START + 3650 * DAY)

    def leaf(
        self, *, signing: bool = True, serial: int = 1001, not_before: datetime | None = None,
        not_after: datetime | None = None, issuer_key: rsa.RSAPrivateKey | None = None,
        key: rsa.RSAPrivateKey | None = None, with_items: bool = True,
    ) -> Leaf:
        key = key or self.leaf_key
        cert = signing_certificate(
            issuer_key or self.ca_key, key, PERSON, issuer_name=CA_NAME, serial=serial,
            not_before=not_before or START - 30 * DAY, not_after=not_after or START + 5 * 365 * DAY,
            signing=signing, with_items=with_items)
        return Leaf(cert, key)

    def crl(
        self, revoked: tuple[int, ...] = (), *, last_update: datetime | None = None,
        next_update: datetime | None = None, signer: rsa.RSAPrivateKey | None = None,
    ) -> bytes:
        return revocation_list(signer or self.ca_key, issuer_name=CA_NAME, revoked=revoked,
                               last_update=last_update or START - DAY,
                               next_update=next_update or START + 2 * DAY)

    def write_anchors(self, path: Path) -> Path:
        path.write_bytes(self.ca.public_bytes(serialization.Encoding.PEM))
        return path


@cache
def pki() -> Pki:
    """One PKI per test session (generating RSA keys is slow)."""
    return Pki()
