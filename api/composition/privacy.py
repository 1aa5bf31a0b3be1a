"""The privacy capability: forgetting data subjects and enforcing retention
(crypto-shredding of their keys)."""

from __future__ import annotations

from dataclasses import dataclass

from api.composition.shared import Shared
from application.privacy.service import PrivacyService


@dataclass(frozen=True)
class Privacy:
    privacy: PrivacyService


def wire_privacy(shared: Shared) -> Privacy:
    assert shared.storage.keys is not None
    return Privacy(PrivacyService(shared.storage.log, shared.storage.keys))
