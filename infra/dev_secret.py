"""The development token secret: random, generated once per data directory.

Outside production, when ``MADOGUCHI_JWT_SECRET`` is unset, ``serve`` and
``token`` share a secret kept in ``<data_dir>/dev-jwt-secret`` (mode 0600), so a
token minted by one is accepted by the other, and no two installations share a
secret (there is no built-in, published one). Production never uses it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

DEV_SECRET_FILE = "dev-jwt-secret"
_MIN_LENGTH = 32


def load_or_create(path: Path) -> str:
    """The secret stored at ``path``; created (0600, 256 random bits) when missing.
    Safe against two processes creating it at once: the first write wins."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(32)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secret + "\n")
        try:
            os.link(tmp, path)  # atomic, and only if absent: a reader never sees it half-written
        except FileExistsError:  # another process won the race
            return _read(path)
    finally:
        tmp.unlink(missing_ok=True)
    return secret


def _read(path: Path) -> str:
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < _MIN_LENGTH:
        raise ValueError(f"{path} holds no usable secret (at least {_MIN_LENGTH} characters); delete it")
    return secret
