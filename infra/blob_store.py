"""Local-directory blob store (the default :class:`application.shared.ports.BlobStore`).

Blobs live under ``<data dir>/blobs/<ab>/<sha256>``; a file is written to a
temporary name and renamed into place, so a reader never sees half a blob."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, blob: str) -> Path:
        if not _SHA256.match(blob):
            raise ValueError("a blob is named by a lower-case SHA-256 in hex")
        return self.root / blob[:2] / blob

    def put(self, data: bytes) -> str:
        blob = hashlib.sha256(data).hexdigest()
        path = self._path(blob)
        if path.exists():
            return blob
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return blob

    def get(self, blob: str) -> bytes | None:
        try:
            return self._path(blob).read_bytes()
        except (FileNotFoundError, ValueError):
            return None

    def exists(self, blob: str) -> bool:
        try:
            return self._path(blob).is_file()
        except ValueError:
            return False
