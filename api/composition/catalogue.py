"""The catalogue capability: departments, procedures, forms, templates."""

from __future__ import annotations

from dataclasses import dataclass

from api.composition.shared import Shared
from application.catalogue.service import CatalogueService


@dataclass(frozen=True)
class Catalogue:
    catalogue: CatalogueService


def wire_catalogue(shared: Shared) -> Catalogue:
    return Catalogue(CatalogueService(shared.storage.log))
