"""A development J-LIS: a CA, its CRL and My Number "cards" for trying the
JPKI procedures (住民票の写し …) without a real card — development only.

The certificates follow the shape the verifier (``infra/jpki.py``) reads from a
real signing certificate (署名用電子証明書): key usage with non-repudiation,
and the basic four items (基本4情報) as subjectAltName otherNames. The CA lives
in ``<data dir>/dev-jpki/`` (``ca-key.pem``, ``anchors/ca.pem``,
``crls/ca.crl``); in development, when ``MADOGUCHI_JPKI_TRUST_ANCHORS`` is unset,
settings point the verifier at it (never in production). A card file is JSON:
the certificate (base64 DER), its private key (PEM) and the four items.
Tests build their own PKIs (look-alike CAs, expired and revoked certificates)
from the same builders.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from application.applications.identity import signed_message
from domain.applications.identity import SIGNATURE_ALGORITHM
from infra.jpki_profile import OID_ADDRESS, OID_BIRTH_DATE, OID_NAME, OID_SEX

DEV_CA_NAME = x509.Name([
    x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "JPKI"),
    x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "JPKI for digital signature"),
    x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "madoguchi development CA (not J-LIS)"),
])
DAY = timedelta(days=1)
CRL_LIFETIME = 7 * DAY


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def utf8_der(text: str) -> bytes:
    """``text`` as a DER UTF8String (the otherName values of the J-LIS profile)."""
    body = text.encode("utf-8")
    if len(body) < 128:
        return b"\x0c" + bytes([len(body)]) + body
    size = len(body).to_bytes((len(body).bit_length() + 7) // 8, "big")
    return b"\x0c" + bytes([0x80 | len(size)]) + size + body


def _usage(*, signing: bool = False, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca, content_commitment=signing, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False)


def ca_certificate(key: rsa.RSAPrivateKey, *, name: x509.Name = DEV_CA_NAME,
                   not_before: datetime, not_after: datetime) -> x509.Certificate:
    return (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .sign(key, hashes.SHA256())
    )


@dataclass(frozen=True)
class BasicFour:
    """基本4情報 as the card carries them (birth as YYYYMMDD, sex 1/2/3)."""

    name: str
    address: str
    birth: str
    sex: str = "2"


def signing_certificate(
    issuer_key: rsa.RSAPrivateKey, key: rsa.RSAPrivateKey, person: BasicFour, *,
    issuer_name: x509.Name = DEV_CA_NAME, serial: int | None = None, not_before: datetime,
    not_after: datetime, signing: bool = True, with_items: bool = True,
) -> x509.Certificate:
    """A signing certificate (or, ``signing=False``, a user-authentication one)."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                                 x509.NameAttribute(NameOID.COMMON_NAME, person.name)]))
        .issuer_name(issuer_name).public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_after)
        .add_extension(_usage(signing=signing), critical=True)
    )
    if with_items:
        builder = builder.add_extension(x509.SubjectAlternativeName([
            x509.OtherName(OID_NAME, utf8_der(person.name)),
            x509.OtherName(OID_BIRTH_DATE, utf8_der(person.birth)),
            x509.OtherName(OID_SEX, utf8_der(person.sex)),
            x509.OtherName(OID_ADDRESS, utf8_der(person.address)),
        ]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def revocation_list(issuer_key: rsa.RSAPrivateKey, *, issuer_name: x509.Name = DEV_CA_NAME,
                    revoked: tuple[int, ...] = (), last_update: datetime,
                    next_update: datetime) -> bytes:
    builder = (x509.CertificateRevocationListBuilder().issuer_name(issuer_name)
               .last_update(last_update).next_update(next_update))
    for serial in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(last_update).build())
    return builder.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


class DevAuthority:
    """The development CA of one data directory: created on first use, its CRL
    re-issued when it is older than a day (so it is always current)."""

    def __init__(self, data_dir: Path, now: datetime | None = None) -> None:
        self.root = data_dir / "dev-jpki"
        self.anchors = self.root / "anchors"
        self.crls = self.root / "crls"
        self._now = now

    def _time(self) -> datetime:
        return self._now or datetime.now(UTC)

    def ensure(self) -> DevAuthority:
        key_path, ca_path = self.root / "ca-key.pem", self.anchors / "ca.pem"
        now = self._time()
        if not key_path.exists() or not ca_path.exists():
            key = new_key()
            _write_private(key_path, key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
            ca = ca_certificate(key, not_before=now - DAY, not_after=now + 3650 * DAY)
            self.anchors.mkdir(parents=True, exist_ok=True)
            ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        crl_path = self.crls / "ca.crl"
        if not crl_path.exists() or x509.load_pem_x509_crl(crl_path.read_bytes()).last_update_utc < now - DAY:
            self.crls.mkdir(parents=True, exist_ok=True)
            crl_path.write_bytes(revocation_list(self._key(), last_update=now - timedelta(minutes=5),
                                                 next_update=now + CRL_LIFETIME))
        return self

    def _key(self) -> rsa.RSAPrivateKey:
        key = serialization.load_pem_private_key((self.root / "ca-key.pem").read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key

    def issue_card(self, person: BasicFour, *, years: int = 5) -> dict[str, Any]:
        """A development card: a fresh key and its signing certificate."""
        self.ensure()
        key, now = new_key(), self._time()
        cert = signing_certificate(self._key(), key, person, not_before=now - DAY,
                                   not_after=now + years * 365 * DAY)
        return {
            "kind": "madoguchi development card (not a My Number card)",
            "certificate": base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode(),
            "privateKey": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()).decode(),
            "basicFour": {"name": person.name, "address": person.address, "birth": person.birth,
                          "sex": person.sex},
        }


def write_card(card: dict[str, Any], path: Path) -> None:
    _write_private(path, json.dumps(card, ensure_ascii=False, indent=2).encode("utf-8"))


def read_card(path: Path) -> dict[str, Any]:
    card = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(card, dict) or not {"certificate", "privateKey"} <= set(card):
        raise ValueError(f"{path} is not a development card (certificate and privateKey expected)")
    return card


def sign_submission(card: dict[str, Any], procedure_code: str, form_version: int, answers: Any,
                    nonce: str) -> dict[str, str]:
    """The ``signature`` input of submitApplication, signed with the card."""
    key = serialization.load_pem_private_key(card["privateKey"].encode("ascii"), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    message = signed_message(procedure_code, form_version, answers, nonce)
    signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return {"certificate": card["certificate"], "signature": base64.b64encode(signature).decode(),
            "algorithm": SIGNATURE_ALGORITHM, "nonce": nonce}
