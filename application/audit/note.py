"""Checkpoints in the C2SP text formats, so standard transparency-log tools can
read them: ``tlog-checkpoint`` (a ``signed-note`` whose text is the origin, the
tree size and the base64 RFC 6962 root), Ed25519 note signatures, and
``tlog-cosignature`` witness cosignatures (timestamped Ed25519).

    madoguchi.example/audit
    120
    <base64 root>

    — madoguchi.example/audit <base64(key ID ‖ Ed25519 signature of the text)>
    — witness.example/w1 <base64(key ID ‖ u64 timestamp ‖ Ed25519 signature)>

Key ID = SHA-256(name ‖ 0x0A ‖ type ‖ 32-byte public key)[:4], type 0x01 for
the log's note signature, 0x04 for a cosignature; a cosignature signs
``cosignature/v1\\ntime <timestamp>\\n`` followed by the note text. A verifier
key ("vkey") is ``name+hex(key ID)+base64(type ‖ public key)``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, replace
from typing import Protocol

from application.audit.checkpoint import Checkpoint, MalformedCheckpoint
from domain.audit.merkle import HASH_SIZE

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
DASH = "\u2014"
MAX_SIGNATURES = 64
_SIZE = re.compile(r"0|[1-9][0-9]*")


class RawKeySigner(Protocol):
    def sign(self, message: bytes) -> bytes: ...

    def public_key_raw(self) -> bytes: ...


class RawKeyVerifier(Protocol):
    def verify(self, signature: bytes, message: bytes) -> bool: ...

    def public_key_raw(self) -> bytes: ...


def check_key_name(name: str) -> str:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise MalformedCheckpoint("a key name must be non-empty, without spaces or '+'")
    return name


def key_id(name: str, signature_type: int, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([signature_type]) + public_key).digest()[:4]


def vkey(name: str, signature_type: int, public_key: bytes) -> str:
    b64 = base64.b64encode(bytes([signature_type]) + public_key).decode("ascii")
    return f"{check_key_name(name)}+{key_id(name, signature_type, public_key).hex()}+{b64}"


def parse_vkey(text: str) -> tuple[str, int, bytes]:
    """``(name, signature type, public key)`` of a verifier key; its key ID must match."""
    parts = text.strip().split("+", 2)  # the name and key ID hold no "+", base64 may
    if len(parts) != 3:
        raise MalformedCheckpoint("a verifier key is name+keyid+base64(type ‖ key)")
    name, kid, b64 = parts
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedCheckpoint("the verifier key's key is not base64") from None
    if len(raw) != 33:
        raise MalformedCheckpoint("the verifier key is not an Ed25519 key")
    if kid != key_id(check_key_name(name), raw[0], raw[1:]).hex():
        raise MalformedCheckpoint("the verifier key's key ID does not match its name and key")
    return name, raw[0], raw[1:]


def cosignature_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n".encode() + text.encode("utf-8")


@dataclass(frozen=True)
class NoteSignature:
    name: str
    signature: bytes  # key ID ‖ signature bytes

    def line(self) -> str:
        return f"{DASH} {self.name} {base64.b64encode(self.signature).decode('ascii')}\n"


@dataclass(frozen=True)
class NoteCheckpoint:
    """A C2SP ``tlog-checkpoint`` signed note (``SignedTreeHead``)."""

    origin: str
    tree_size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()
    signatures: tuple[NoteSignature, ...] = ()
    time: str = ""  # the note format does not carry the signing time

    @property
    def root(self) -> str:
        return self.root_hash.hex()

    @property
    def text(self) -> str:
        """The signed note text (what the log signs)."""
        lines = [self.origin, str(self.tree_size), base64.b64encode(self.root_hash).decode("ascii"),
                 *self.extensions]
        return "".join(f"{line}\n" for line in lines)

    def dumps(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    def _matching(self, name: str, signature_type: int, public_key: bytes) -> list[bytes]:
        kid = key_id(name, signature_type, public_key)
        return [s.signature[4:] for s in self.signatures
                if s.name == name and s.signature[:4] == kid]

    def signature_valid(self, verifier: RawKeyVerifier) -> bool:
        """Signed by the log's key under its origin, every such signature valid."""
        found = self._matching(self.origin, ED25519, verifier.public_key_raw())
        message = self.text.encode("utf-8")
        return bool(found) and all(verifier.verify(sig, message) for sig in found)

    def cosigned_at(self, name: str, verifier: RawKeyVerifier) -> int | None:
        """The timestamp of a valid cosignature by the witness ``name``, else None."""
        for sig in self._matching(name, COSIGNATURE_V1, verifier.public_key_raw()):
            if len(sig) != 8 + 64:
                return None
            timestamp = int.from_bytes(sig[:8], "big")
            if not verifier.verify(sig[8:], cosignature_message(self.text, timestamp)):
                return None
            return timestamp
        return None

    def signed(self, name: str, signature: bytes) -> NoteCheckpoint:
        return replace(self, signatures=(*self.signatures, NoteSignature(check_key_name(name), signature)))

    @classmethod
    def loads(cls, text: str) -> NoteCheckpoint:
        if not text.endswith("\n") or "\n\n" not in text:
            raise MalformedCheckpoint("a signed note is its text, a blank line and signature lines")
        if any(ord(c) < 0x20 and c != "\n" for c in text):
            raise MalformedCheckpoint("a signed note holds no control characters")
        split = text.rindex("\n\n")
        body, sig_lines = text[: split + 1], text[split + 2:].splitlines()
        lines = body.splitlines()
        if len(lines) < 3 or not all(lines):
            raise MalformedCheckpoint("a checkpoint's text is origin, tree size and root hash lines")
        origin, size, root_b64, *extensions = lines
        if not _SIZE.fullmatch(size):
            raise MalformedCheckpoint("the tree size must be a decimal without leading zeroes")
        try:
            root = base64.b64decode(root_b64, validate=True)
        except (binascii.Error, ValueError):
            raise MalformedCheckpoint("the root hash is not base64") from None
        if len(root) != HASH_SIZE:
            raise MalformedCheckpoint(f"the root hash must be {HASH_SIZE} bytes")
        if not sig_lines or len(sig_lines) > MAX_SIGNATURES:
            raise MalformedCheckpoint(f"a signed note has 1 to {MAX_SIGNATURES} signature lines")
        signatures = []
        for line in sig_lines:
            parts = line.split(" ")
            if len(parts) != 3 or parts[0] != DASH:
                raise MalformedCheckpoint(f"not a signature line: {line[:60]!r}")
            try:
                raw = base64.b64decode(parts[2], validate=True)
            except (binascii.Error, ValueError):
                raise MalformedCheckpoint("a signature is not base64") from None
            if len(raw) < 5:
                raise MalformedCheckpoint("a signature is a key ID and signature bytes")
            signatures.append(NoteSignature(check_key_name(parts[1]), raw))
        return cls(origin, int(size), root, tuple(extensions), tuple(signatures))


def sign_note(signer: RawKeySigner, origin: str, tree_size: int, root: bytes) -> NoteCheckpoint:
    note = NoteCheckpoint(check_key_name(origin), tree_size, root)
    signature = signer.sign(note.text.encode("utf-8"))
    return note.signed(origin, key_id(origin, ED25519, signer.public_key_raw()) + signature)


def cosign(note: NoteCheckpoint, signer: RawKeySigner, name: str, timestamp: int) -> NoteCheckpoint:
    """Add a ``tlog-cosignature`` (v1, Ed25519) by the witness ``name``."""
    if not 0 <= timestamp < 2**63:
        raise ValueError("a cosignature timestamp is a POSIX time below 2^63")
    signature = signer.sign(cosignature_message(note.text, timestamp))
    kid = key_id(name, COSIGNATURE_V1, signer.public_key_raw())
    kept = tuple(s for s in note.signatures if not (s.name == name and s.signature[:4] == kid))
    return replace(note, signatures=kept).signed(name, kid + timestamp.to_bytes(8, "big") + signature)


def load_tree_head(text: str) -> Checkpoint | NoteCheckpoint:
    """A checkpoint file in either format: JSON (``{"tree_size", ...}``) or a C2SP note."""
    return Checkpoint.loads(text) if text.lstrip().startswith("{") else NoteCheckpoint.loads(text)
