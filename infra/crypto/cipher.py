"""Seals personal values with their subject's key (AES-256-GCM).

A sealed value is ``base64(nonce ‖ ciphertext)`` of the value's JSON, with the
subject as associated data, so a ciphertext moved to another subject does not
open. Events (``infra/transcodings.py``) and read models
(``infra/personal_vault.py``) both seal through this class."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag

from infra.crypto.keystore import SubjectKeyStore

_NONCE = 12


class SealedValueCorrupted(ValueError):
    """A sealed value does not open with its subject's key: altered, or moved
    from another subject (the message never holds the value)."""


class SubjectCipher:
    def __init__(self, keys: SubjectKeyStore) -> None:
        self.keys = keys

    def seal(
        self, subject: str, value: Any, owner: str | None = None, *, deterministic: bool = False
    ) -> str | None:
        """The sealed value; ``None`` when the subject has been forgotten (then
        nothing may be kept of it).

        Events get a random nonce. Read models ask for ``deterministic`` seals,
        so a rebuild reproduces them bit for bit: the nonce is then synthetic,
        an HMAC of subject and plaintext under a key derived from the master key
        (as in SIV modes), so distinct plaintexts never share a nonce; equal
        values of the same subject give equal ciphertexts, which is all it reveals."""
        key = self.keys.key_for_writing(subject, owner)
        if key is None:
            return None
        plaintext = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        if deterministic:
            digest = hmac.new(self.keys.nonce_key, subject.encode() + b"\0" + plaintext, "sha256")
            nonce = digest.digest()[:_NONCE]
        else:
            nonce = os.urandom(_NONCE)
        sealed = nonce + key.encrypt(nonce, plaintext, subject.encode())
        return base64.b64encode(sealed).decode("ascii")

    def open(self, subject: str, sealed: str) -> tuple[bool, Any]:
        """``(True, value)``, or ``(False, None)`` when the subject's key is gone."""
        key = self.keys.key_for_reading(subject)
        if key is None:
            return False, None
        try:
            raw = base64.b64decode(sealed, validate=True)
            plaintext = key.decrypt(raw[:_NONCE], raw[_NONCE:], subject.encode())
        except (InvalidTag, binascii.Error, ValueError):
            raise SealedValueCorrupted(f"a sealed value of {subject} does not open") from None
        return True, json.loads(plaintext)

    # -- files (issued documents) ---------------------------------------------------
    def seal_file(self, subject: str, data: bytes, owner: str | None = None) -> bytes | None:
        """``nonce ‖ AES-GCM(data)`` with the subject as associated data (random
        nonce: a file is stored once, never rebuilt); ``None`` once forgotten."""
        key = self.keys.key_for_writing(subject, owner)
        if key is None:
            return None
        nonce = os.urandom(_NONCE)
        return nonce + key.encrypt(nonce, data, subject.encode())

    def open_file(self, subject: str, sealed: bytes) -> bytes | None:
        """The file, or ``None`` when the subject's key is gone; a file sealed for
        another subject, or altered, raises :class:`SealedValueCorrupted`."""
        key = self.keys.key_for_reading(subject)
        if key is None:
            return None
        try:
            return key.decrypt(sealed[:_NONCE], sealed[_NONCE:], subject.encode())
        except (InvalidTag, ValueError):
            raise SealedValueCorrupted(f"a sealed file of {subject} does not open") from None
