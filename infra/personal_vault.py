"""Seals personal values for read models.

Until per-subject encryption is in place the sealed form is a JSON envelope
that keeps the subject beside the value; it is the one place the privacy
capability changes to store ciphertext in read models."""

from __future__ import annotations

import json
from typing import Any

from domain.personal import PersonalData


class EnvelopeVault:
    def seal(self, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, PersonalData):
            return json.dumps({"s": value.subject, "v": value.reveal()}, ensure_ascii=False)
        return json.dumps({"s": None, "v": value}, ensure_ascii=False)

    def open(self, sealed: str | None) -> Any:
        if sealed is None:
            return None
        return json.loads(sealed)["v"]
