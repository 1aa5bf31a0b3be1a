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

from infra.jpki import OID_ADDRESS, OID_BIRTH_DATE, OID_NAME, OID_SEX
from tests.conftest import START

CA_NAME = x509.Name([
    x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "JPKI"),
    x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "JPKI for digital signature"),
    x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Test CA for madoguchi"),
])
NAME, ADDRESS, BIRTH, SEX = "下野 花子", "栃木県下野市笹原26", "19900501", "2"
DAY = timedelta(days=1)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def utf8_der(text: str) -> bytes:
    body = text.encode("utf-8")
    if len(body) < 128:
        return b"\x0c" + bytes([len(body)]) + body
    size = len(body).to_bytes((len(body).bit_length() + 7) // 8, "big")
    return b"\x0c" + bytes([0x80 | len(size)]) + size + body


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
    ca_key: rsa.RSAPrivateKey = field(default_factory=_key)
    fake_ca_key: rsa.RSAPrivateKey = field(default_factory=_key)
    leaf_key: rsa.RSAPrivateKey = field(default_factory=_key)
    other_key: rsa.RSAPrivateKey = field(default_factory=_key)

    def __post_init__(self) -> None:
        self.ca = self._ca(self.ca_key)
        self.fake_ca = self._ca(self.fake_ca_key)  # a look-alike: same name, another key

    @staticmethod
    def _ca(key: rsa.RSAPrivateKey) -> x509.Certificate:
        return (
            x509.CertificateBuilder().subject_name(CA_NAME).issuer_name(CA_NAME)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(START - 3650 * DAY).not_valid_after(START + 3650 * DAY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256())
        )

    def leaf(
        self, *, signing: bool = True, serial: int = 1001, not_before: datetime | None = None,
        not_after: datetime | None = None, issuer_key: rsa.RSAPrivateKey | None = None,
        key: rsa.RSAPrivateKey | None = None, with_items: bool = True,
    ) -> Leaf:
        key = key or self.leaf_key
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([
                x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                x509.NameAttribute(NameOID.COMMON_NAME, NAME),
            ]))
            .issuer_name(CA_NAME).public_key(key.public_key()).serial_number(serial)
            .not_valid_before(not_before or START - 30 * DAY)
            .not_valid_after(not_after or START + 5 * 365 * DAY)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=signing, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False), critical=True)
        )
        if with_items:
            builder = builder.add_extension(x509.SubjectAlternativeName([
                x509.OtherName(OID_NAME, utf8_der(NAME)),
                x509.OtherName(OID_BIRTH_DATE, utf8_der(BIRTH)),
                x509.OtherName(OID_SEX, utf8_der(SEX)),
                x509.OtherName(OID_ADDRESS, utf8_der(ADDRESS)),
            ]), critical=False)
        return Leaf(builder.sign(issuer_key or self.ca_key, hashes.SHA256()), key)

    def crl(
        self, revoked: tuple[int, ...] = (), *, last_update: datetime | None = None,
        next_update: datetime | None = None, signer: rsa.RSAPrivateKey | None = None,
    ) -> bytes:
        builder = (
            x509.CertificateRevocationListBuilder().issuer_name(CA_NAME)
            .last_update(last_update or START - DAY).next_update(next_update or START + 2 * DAY)
        )
        for serial in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial)
                .revocation_date(START - 2 * DAY).build())
        return builder.sign(signer or self.ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)

    def write_anchors(self, path: Path) -> Path:
        path.write_bytes(self.ca.public_bytes(serialization.Encoding.PEM))
        return path


@cache
def pki() -> Pki:
    """One PKI per test session (generating RSA keys is slow)."""
    return Pki()
