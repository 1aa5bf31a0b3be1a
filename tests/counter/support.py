"""Set-up for the no-writing counter (書かない窓口) tests: the demo city's departments
and the procedures its 手続きナビ rules name, a queue per department, and a visit
being served at 市民課."""

from __future__ import annotations

from api.composition import Container
from application.demo.catalogue import DEPARTMENTS, PROCEDURES
from application.demo.catalogue.life_events import GUIDE
from tests.builders import ADMIN, ctx, staff

SHIMIN_QUEUE, KODOMO_QUEUE = "shimin-madoguchi", "kodomo-madoguchi"
CARD = {"name": "下野 花子", "nameKana": "シモツケ ハナコ", "address": "栃木県下野市笹原26",
        "birthDate": "19850615", "sex": "2"}
# the citizen (40), a child of 9 (school age) and a grandmother of 70, on 2026-04-01
HOUSEHOLD = [
    {"birthDate": "1985-06-15", "relationship": "本人"},
    {"birthDate": "2016-05-01", "relationship": "子"},
    {"birthDate": "1955-09-30", "relationship": "母"},
]
TENNYU_REST = {"previousAddress": "東京都千代田区千代田1-1", "newAddress": "栃木県下野市笹原26",
               "moveDate": "2026-03-28", "visitDate": "2026-04-01", "consent": True}
JIDO_TEATE_REST = {"childName": "下野 太郎", "childBirthDate": "2016-05-01", "children": 1,
                   "bankAccount": "足利銀行 本店 普通 1234567", "employment": "private", "consent": True}


def set_up_counter(container: Container) -> str:
    """The catalogue and queues; returns the id of a visit being served at 市民課."""
    clock_ctx = ctx(container.clock.now(), ADMIN)
    codes = {rule["procedure"] for rule in GUIDE}
    procedures = [p for p in PROCEDURES if p["code"] in codes]
    for department in DEPARTMENTS:
        if department["code"] in {p["department"] for p in procedures}:
            container.catalogue.establish_department(clock_ctx, **department)
    for definition in procedures:
        container.catalogue.define_procedure(clock_ctx, **{k: v for k, v in definition.items() if k != "online"})
    visits = container.visits
    for code, department, prefix in ((SHIMIN_QUEUE, "shimin", "A"), (KODOMO_QUEUE, "kodomo", "C")):
        visits.define_queue(clock_ctx, code=code, department=department, name_ja="窓口", name_en="Counter",
                            prefix=prefix)
    visits.define_window(clock_ctx, number=1, name_ja="1番", queues=[SHIMIN_QUEUE])
    counter = ctx(container.clock.now(), staff("shimin"))
    visits.open_window(counter, 1)
    visit = visits.issue_ticket(ctx(container.clock.now(), staff("shimin")), queue=SHIMIN_QUEUE).id
    visits.call_next(counter, 1)
    visits.start_service(counter, visit)
    return visit
