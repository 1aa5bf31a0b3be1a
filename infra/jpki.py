"""The JPKI signature verifier: My Number card signing certificates (署名用電子証明書).

Checks, in this order, each failure with its own code:

1. the certificate chains to a trust anchor of ``MADOGUCHI_JPKI_TRUST_ANCHORS``
   (a PEM/DER file or a directory of them): an anchor whose subject is the
   certificate's issuer and whose key verifies its signature, itself a CA valid
   at the time of signing — else ``CERT_UNTRUSTED`` (a look-alike with the same
   names but another key fails here);
2. validity at the time of signing — ``CERT_NOT_YET_VALID`` / ``CERT_EXPIRED``;
3. key usage includes non-repudiation (``contentCommitment``): a signing
   certificate, not a user-authentication one — else ``CERT_WRONG_USAGE``;
4. revocation, per the CRLs of ``MADOGUCHI_JPKI_CRLS``: only CRLs issued and
   signed by the certificate's issuer and current (``thisUpdate ≤ now ≤
   nextUpdate``) count; none → ``REVOCATION_UNAVAILABLE`` (fail closed); the
   serial listed → ``CERT_REVOKED``;
5. the SHA256withRSA signature over the message — else ``SIGNATURE_INVALID``.

The basic four items (基本4情報) come from the certificate: the name from the
subject alternative name's otherName :data:`OID_NAME` (else the subject's CN),
address, date of birth and sex from their otherNames (see docs/identity.md).
The serial is recorded only as HMAC-SHA256 under a key of ours, with the issuer.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from domain.applications.identity import JPKI_SIGNATURE, SIGNATURE_ALGORITHM, IdentityAssertion, IdentityRejected
from infra.dev_card import DevAuthority
from infra.jpki_profile import OID_ADDRESS, OID_BIRTH_DATE, OID_NAME, OID_SEX
from infra.settings import Settings

log = logging.getLogger("madoguchi.identity")


_SUFFIXES = (".pem", ".crt", ".cer", ".der", ".crl")


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in _SUFFIXES)
    return [path]


def load_certificates(path: Path) -> list[x509.Certificate]:
    certificates: list[x509.Certificate] = []
    for file in _files(path):
        data = file.read_bytes()
        if b"-----BEGIN" in data:
            certificates += x509.load_pem_x509_certificates(data)
        else:
            certificates.append(x509.load_der_x509_certificate(data))
    return certificates


def load_crls(path: Path) -> list[x509.CertificateRevocationList]:
    crls: list[x509.CertificateRevocationList] = []
    for file in _files(path):
        data = file.read_bytes()
        try:
            if b"-----BEGIN" in data:
                for block in data.split(b"-----END X509 CRL-----"):
                    if b"-----BEGIN X509 CRL-----" in block:
                        crls.append(x509.load_pem_x509_crl(block + b"-----END X509 CRL-----\n"))
            else:
                crls.append(x509.load_der_x509_crl(data))
        except ValueError:
            log.warning("not a CRL, ignored: %s", file)
    return crls


def _der_string(value: bytes) -> str | None:
    """The text of a DER UTF8String, PrintableString, IA5String or BMPString."""
    if len(value) < 2:
        return None
    tag, length, offset = value[0], value[1], 2
    if length & 0x80:
        n = length & 0x7F
        length, offset = int.from_bytes(value[2:2 + n], "big"), 2 + n
    body = value[offset:offset + length]
    try:
        if tag in (0x0C, 0x13, 0x16):
            return body.decode("utf-8")
        if tag == 0x1E:
            return body.decode("utf-16-be")
    except UnicodeDecodeError:
        return None
    return None


def _iso_date(text: str | None) -> str | None:
    if text and len(text) == 8 and text.isdigit():  # YYYYMMDD
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return text


@dataclass(frozen=True)
class _Sources:
    anchors: tuple[x509.Certificate, ...]
    crls: tuple[x509.CertificateRevocationList, ...]


class JpkiVerifier:
    """The :class:`application.shared.ports.SignatureVerifier` for JPKI signing certificates.

    Trust anchors and CRLs are read from their paths, and read again when a file
    changes (CRLs are replaced as J-LIS publishes them)."""

    def __init__(self, trust_anchors: Path, crls: Path | None, serial_hash_key: bytes) -> None:
        if not serial_hash_key:
            raise ValueError("the JPKI serial hash key is empty")
        self.trust_anchors_path = trust_anchors
        self.crls_path = crls
        self._key = serial_hash_key
        self._stamp: tuple[object, ...] | None = None
        self._sources = _Sources((), ())
        self._reload()

    @classmethod
    def from_settings(cls, settings: Settings) -> JpkiVerifier | None:
        """None when no trust anchors are configured (every JPKI signature is then
        ``CERT_UNTRUSTED``)."""
        anchors, crls = settings.jpki_trust_anchors, settings.jpki_crls
        if anchors is None and settings.env == "development":
            # the development CA of the data directory (infra/dev_card.py), never in production
            dev = DevAuthority(settings.data_dir).ensure()
            anchors, crls = dev.anchors, crls or dev.crls
        if anchors is None:
            return None
        key = settings.effective_jpki_serial_hash_key
        if key is None:
            raise ValueError("MADOGUCHI_JPKI_SERIAL_HASH_KEY is required in production with JPKI")
        return cls(anchors, crls, key)

    def _stamp_of(self) -> tuple[object, ...]:
        stamp: list[object] = []
        for path in (self.trust_anchors_path, self.crls_path):
            if path is None or not path.exists():
                stamp.append(None)
                continue
            stamp += [(str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in _files(path)]
        return tuple(stamp)

    def _reload(self) -> _Sources:
        stamp = self._stamp_of()
        if stamp != self._stamp:
            anchors = load_certificates(self.trust_anchors_path) if self.trust_anchors_path.exists() else []
            crls = load_crls(self.crls_path) if self.crls_path and self.crls_path.exists() else []
            self._sources = _Sources(tuple(anchors), tuple(crls))
            self._stamp = stamp
        return self._sources

    # -- the port ------------------------------------------------------------
    def verify(
        self, *, certificate: str, signature: str, algorithm: str, message: bytes, at: datetime
    ) -> IdentityAssertion:
        sources = self._reload()
        try:
            cert = x509.load_der_x509_certificate(base64.b64decode(certificate, validate=True))
        except (ValueError, binascii.Error):
            raise IdentityRejected("CERT_UNTRUSTED", "not a base64 DER certificate") from None
        issuer = self._issuer(cert, sources.anchors, at)
        if at < cert.not_valid_before_utc:
            raise IdentityRejected("CERT_NOT_YET_VALID")
        if at > cert.not_valid_after_utc:
            raise IdentityRejected("CERT_EXPIRED")
        self._check_usage(cert)
        self._check_revocation(cert, issuer, sources.crls, at)
        self._check_signature(cert, signature, algorithm, message)
        return self._assertion(cert)

    # -- the checks ----------------------------------------------------------
    @staticmethod
    def _issuer(cert: x509.Certificate, anchors: tuple[x509.Certificate, ...], at: datetime) -> x509.Certificate:
        for anchor in anchors:
            if anchor.subject != cert.issuer:
                continue
            try:
                cert.verify_directly_issued_by(anchor)
            except (ValueError, TypeError, InvalidSignature):
                continue  # same name, another key: a look-alike
            if not _is_ca(anchor) or not anchor.not_valid_before_utc <= at <= anchor.not_valid_after_utc:
                continue
            return anchor
        raise IdentityRejected("CERT_UNTRUSTED")

    @staticmethod
    def _check_usage(cert: x509.Certificate) -> None:
        try:
            usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        except x509.ExtensionNotFound:
            raise IdentityRejected("CERT_WRONG_USAGE", "no key usage") from None
        if not usage.content_commitment:
            raise IdentityRejected("CERT_WRONG_USAGE")

    @staticmethod
    def _check_revocation(
        cert: x509.Certificate, issuer: x509.Certificate,
        crls: tuple[x509.CertificateRevocationList, ...], at: datetime,
    ) -> None:
        current = [
            crl for crl in crls
            if crl.issuer == cert.issuer
            and crl.next_update_utc is not None
            and crl.last_update_utc <= at <= crl.next_update_utc
            and _crl_signed_by(crl, issuer)
        ]
        if not current:
            raise IdentityRejected("REVOCATION_UNAVAILABLE")
        if any(crl.get_revoked_certificate_by_serial_number(cert.serial_number) for crl in current):
            raise IdentityRejected("CERT_REVOKED")

    @staticmethod
    def _check_signature(cert: x509.Certificate, signature: str, algorithm: str, message: bytes) -> None:
        if algorithm != SIGNATURE_ALGORITHM:
            raise IdentityRejected("SIGNATURE_INVALID", f"only {SIGNATURE_ALGORITHM} is accepted")
        key = cert.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise IdentityRejected("SIGNATURE_INVALID", "not an RSA key")
        try:
            key.verify(base64.b64decode(signature, validate=True), message, padding.PKCS1v15(), hashes.SHA256())
        except (ValueError, binascii.Error, InvalidSignature):
            raise IdentityRejected("SIGNATURE_INVALID") from None

    # -- the result ----------------------------------------------------------
    def serial_hash(self, cert: x509.Certificate) -> str:
        data = f"{cert.issuer.rfc4514_string()}|{cert.serial_number:x}".encode()
        return hmac.new(self._key, data, hashlib.sha256).hexdigest()

    def _assertion(self, cert: x509.Certificate) -> IdentityAssertion:
        items = basic_four(cert)
        return IdentityAssertion(
            method=JPKI_SIGNATURE,
            issuer=cert.issuer.rfc4514_string(),
            serial_hash=self.serial_hash(cert),
            name=items.get("name"),
            address=items.get("address"),
            birth_date=items.get("birth_date"),
            sex=items.get("sex"),
        )


def basic_four(cert: x509.Certificate) -> dict[str, str]:
    """The basic four items (基本4情報) of a signing certificate (see the module doc)."""
    found: dict[str, str] = {}
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        others = names.get_values_for_type(x509.OtherName)
    except x509.ExtensionNotFound:
        others = []
    keys = {OID_NAME: "name", OID_ADDRESS: "address", OID_BIRTH_DATE: "birth_date", OID_SEX: "sex"}
    for other in others:
        key = keys.get(other.type_id)
        text = _der_string(other.value) if key else None
        if key and text:
            found[key] = text
    if "birth_date" in found:
        found["birth_date"] = _iso_date(found["birth_date"]) or found["birth_date"]
    if "name" not in found:
        cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        if cn and isinstance(cn[0].value, str):
            found["name"] = cn[0].value
    return found


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _crl_signed_by(crl: x509.CertificateRevocationList, issuer: x509.Certificate) -> bool:
    key = issuer.public_key()
    try:
        return crl.is_signature_valid(key)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
