"""The counter capability: queues and visits, the no-writing counter's
interviews (with the city's 手続きナビ rules from configuration), reservations,
moving notices and resident records."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import uuid4

from api.composition.shared import Shared
from application.catalogue.service import CatalogueService
from application.counter.interviews import InterviewService
from application.counter.moving_notice import MovingNoticeService
from application.counter.reservations import ReservationService
from application.counter.residents import ResidentService
from application.counter.visits import VisitService
from infra.counter_rules import load_counter_rules
from infra.pdf_forms import PdfFormPrinter
from infra.settings import Settings


@dataclass(frozen=True)
class Counter:
    visits: VisitService
    interviews: InterviewService  # 書かない窓口
    reservations: ReservationService  # 来庁予約
    moving_notices: MovingNoticeService  # the national moving service's pre-notices
    residents: ResidentService  # 住民記録 from the core system's export


def wire_counter(settings: Settings, shared: Shared, catalogue: CatalogueService) -> Counter:
    log = shared.storage.log
    visits = VisitService(log, catalogue, max_recalls=settings.max_recalls, new_id=uuid4)
    interviews = InterviewService(log, catalogue, visits, rules=load_counter_rules(settings),
                                  printer=PdfFormPrinter())
    reservations = ReservationService(log, catalogue)
    return Counter(visits, interviews, reservations, MovingNoticeService(log, catalogue, reservations),
                   ResidentService(log))
