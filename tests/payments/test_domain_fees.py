"""The fee a procedure charges (手数料): its unit fee × the quantity answer the
procedure names (copies, items, …) + postage for a postal request."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from application.demo.catalogue import PROCEDURES
from domain.catalogue.procedures import Procedure, ProcedureDefined
from domain.payments.payment import fee_for
from domain.shared.context import Actor, CommandContext
from domain.shared.errors import ValidationFailed

CTX = CommandContext(Actor.system(), datetime(2026, 4, 1, 1, 0, tzinfo=UTC), correlation_id="c")
ITEMS = {"key": "items", "label_ja": "品目数", "label_en": "Items", "type": "number", "required": True,
         "constraints": {"min": 1, "max": 10, "integer": True}}
NOTE = {"key": "note", "label_ja": "備考", "label_en": "Note", "type": "text"}


def define(**extra) -> Procedure:
    return Procedure.define(
        CTX, code="sodai", name_ja="粗大ごみ", name_en="Bulky waste", department="kankyo",
        channels=["online", "mail"], assurance="account", fee_yen=520, processing_days=10,
        fields=[ITEMS, NOTE], **extra)


def test_a_fee_per_item_is_multiplied_by_the_items_answered():
    procedure = define(fee_quantity_field="items")
    assert fee_for(procedure, {"items": 2}, "online").total == 1040
    assert fee_for(procedure, {"items": 3}, "mail").total == 3 * 520 + fee_for(procedure, {}, "mail").postage_yen
    assert fee_for(procedure, {}, "online").total == 520


def test_without_a_quantity_field_the_fee_counts_copies():
    procedure = define()
    assert procedure.fee_quantity_field is None
    assert fee_for(procedure, {"items": 2}, "online").total == 520
    assert fee_for(procedure, {"copies": 2}, "online").total == 1040


@pytest.mark.parametrize("field", ["note", "missing"])
def test_the_quantity_field_must_be_a_whole_number_answer_of_the_form(field):
    with pytest.raises(ValidationFailed) as refused:
        define(fee_quantity_field=field)
    assert [(e.path, e.rule) for e in refused.value.errors] == [("feeQuantityField", "number_field")]


def test_a_procedure_stored_before_quantity_fields_existed_counts_copies():
    procedure = define(fee_quantity_field="items")
    created = procedure.collect_events()[0]
    assert isinstance(created, ProcedureDefined)
    state = dict(created.__dict__)
    state.pop("fee_quantity_field")  # as events written by 0.1 are stored
    old = object.__new__(ProcedureDefined)
    old.__dict__.update(state)
    assert old.fee_quantity_field is None
    assert fee_for(old.mutate(None), {"items": 2, "copies": 3}, "online").total == 1560


@pytest.mark.parametrize("code, answers, total", [("sodai-gomi", {"items": 2}, 1040)])
def test_the_demo_citys_per_item_fees_charge_each_item(code, answers, total):
    definition = next(p for p in PROCEDURES if p["code"] == code)
    fields = {k: v for k, v in definition.items() if k != "online"}
    assert fee_for(Procedure.define(CTX, **fields), answers, "online").total == total
