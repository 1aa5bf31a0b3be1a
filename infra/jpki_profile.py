"""The J-LIS profile of the My Number card signing certificate (署名用電子証明書):
the otherName types of its subjectAltName that carry the basic four items."""

from __future__ import annotations

from cryptography import x509

OID_NAME = x509.ObjectIdentifier("1.2.392.200149.8.5.5.1")
OID_BIRTH_DATE = x509.ObjectIdentifier("1.2.392.200149.8.5.5.3")
OID_SEX = x509.ObjectIdentifier("1.2.392.200149.8.5.5.4")
OID_ADDRESS = x509.ObjectIdentifier("1.2.392.200149.8.5.5.5")
