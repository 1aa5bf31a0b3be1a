"""The DX capability: survey campaigns (DXアンケート); dashboards and exports are
read models and API routes."""

from __future__ import annotations

from dataclasses import dataclass

from api.composition.shared import Shared
from application.catalogue.service import CatalogueService
from application.dx.survey import SurveyService


@dataclass(frozen=True)
class Dx:
    surveys: SurveyService


def wire_dx(shared: Shared, catalogue: CatalogueService) -> Dx:
    return Dx(SurveyService(shared.storage.log, catalogue))
