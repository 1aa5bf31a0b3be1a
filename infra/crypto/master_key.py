"""The master key that wraps every data subject's key.

``MADOGUCHI_MASTER_KEY`` is the base64 of 32 random bytes (AES-256), e.g.
``python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"``.
Outside production, when it is unset, a development key is generated once in
``<MADOGUCHI_DATA_DIR>/master.key`` (mode 0600) and reused; production refuses
to start without the variable, because a key kept beside the data protects
nothing."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from pydantic import SecretStr

from infra.settings import Settings

KEY_BYTES = 32
DEV_KEY_FILE = "master.key"


class MasterKeyError(RuntimeError):
    """The master key is missing, malformed, or does not open the stored keys."""


def decode_master_key(text: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise MasterKeyError("MADOGUCHI_MASTER_KEY must be base64 (of 32 random bytes)") from None
    if len(key) != KEY_BYTES:
        raise MasterKeyError(
            f"MADOGUCHI_MASTER_KEY must decode to {KEY_BYTES} bytes, not {len(key)}"
        )
    return key


def _development_key(path: Path) -> bytes:
    """The key in ``path``; created (0600) when missing. Two processes creating it
    at once agree: the file appears atomically and only the first link wins."""
    if path.exists():
        return decode_master_key(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode() + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:  # another process made it first: use theirs
            pass
    finally:
        tmp.unlink(missing_ok=True)
    return decode_master_key(path.read_text())


def load_master_key(settings: Settings) -> bytes:
    """The configured master key; a development key file outside production."""
    configured = settings.master_key
    if configured is not None:
        text = configured.get_secret_value() if isinstance(configured, SecretStr) else str(configured)
        return decode_master_key(text)
    if settings.env == "production":
        raise MasterKeyError(
            "MADOGUCHI_MASTER_KEY is required in production (base64 of 32 random bytes); "
            "refusing to start"
        )
    return _development_key(settings.data_dir / DEV_KEY_FILE)


def derive_key(master_key: bytes, purpose: str) -> bytes:
    """A 32-byte key for one purpose (e.g. ``download-link``), derived from the
    master key with HKDF-SHA256, so no second secret has to be managed."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"madoguchi/{purpose}".encode()).derive(master_key)
