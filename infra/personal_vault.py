"""Seals personal values for read models, with the same per-subject keys as events.

A sealed personal value is the JSON ``{"s": subject, "c": base64(nonce ‖
AES-GCM ciphertext)}``; one whose subject is forgotten (or that was already
erased in its event) is ``{"s": subject, "x": 1}``. Opening gives the value, or
「[消去済み]」 once the subject's key is gone — so a live read model needs no
rewrite when a subject is forgotten. Values that are not personal are kept as
``{"v": value}``."""

from __future__ import annotations

import json
from typing import Any

from domain.shared.personal import ERASED_LABEL_JA, PersonalData
from infra.crypto.cipher import SubjectCipher


class EncryptingVault:
    def __init__(self, cipher: SubjectCipher) -> None:
        self.cipher = cipher

    def seal(self, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, PersonalData):
            return json.dumps({"v": value}, ensure_ascii=False)
        if not value.erased:
            sealed = self.cipher.seal(
                value.subject, value.value, value.owner, deterministic=True
            )
            if sealed is not None:
                return json.dumps({"s": value.subject, "c": sealed})
        return json.dumps({"s": value.subject, "x": 1})

    def open(self, sealed: str | None) -> Any:
        if sealed is None:
            return None
        envelope = json.loads(sealed)
        if "c" in envelope:
            opened, value = self.cipher.open(envelope["s"], envelope["c"])
            return value if opened else ERASED_LABEL_JA
        if "x" in envelope:
            return ERASED_LABEL_JA
        return envelope["v"]
