"""Payment methods and the fee an application owes (手数料): the procedure's
fee × the quantity asked for, plus postage for a postal request. Whole yen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.shared.errors import InvalidTransition

ONLINE_METHODS = ("credit_card", "qr_code", "e_money", "pay_easy")
COUNTER_METHODS = ("counter_cash", "counter_card", "counter_qr")
METHODS = ONLINE_METHODS + COUNTER_METHODS
CASHLESS_METHODS = frozenset(METHODS) - {"counter_cash"}
METHOD_LABELS: dict[str, tuple[str, str]] = {
    "credit_card": ("クレジットカード", "Credit card"),
    "qr_code": ("QRコード決済", "QR code payment"),
    "e_money": ("電子マネー", "E-money"),
    "pay_easy": ("ペイジー", "Pay-easy"),
    "counter_cash": ("窓口（現金）", "Counter: cash"),
    "counter_card": ("窓口（カード端末）", "Counter: card terminal"),
    "counter_qr": ("窓口（QRコード）", "Counter: QR code"),
}

# Postage (郵送料) added to a postal request: the city's standard letter rate.
DEFAULT_POSTAGE_YEN = 140
# The answer that says how many copies are asked for; procedures whose form
# counts something else are listed here (procedure code -> field key).
DEFAULT_QUANTITY_FIELD = "copies"
MAX_QUANTITY = 100


@dataclass(frozen=True)
class Fee:
    unit_yen: int
    quantity: int
    postage_yen: int

    @property
    def total(self) -> int:
        return self.unit_yen * self.quantity + self.postage_yen if self.unit_yen else 0

    def to_dict(self) -> dict[str, int]:
        return {"unit_yen": self.unit_yen, "quantity": self.quantity,
                "postage_yen": self.postage_yen, "total": self.total}


def quantity_from(answers: dict[str, Any], field: str) -> int:
    value = answers.get(field)
    if isinstance(value, bool):
        return 1
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 1 <= value <= MAX_QUANTITY:
        return value
    return 1


def fee_for(procedure: Any, answers: dict[str, Any], channel: str, *,
            postage_yen: int = DEFAULT_POSTAGE_YEN) -> Fee:
    """The amount due: the procedure's fee × the quantity asked for (the answer
    its ``fee_quantity_field`` names, e.g. ``items`` for 「1点につき520円」, else
    ``copies``; 1 when unanswered), plus postage for a postal request. A
    procedure without a fee costs nothing, by post too."""
    unit = int(procedure.fee_yen)
    field = getattr(procedure, "fee_quantity_field", None) or DEFAULT_QUANTITY_FIELD
    quantity = quantity_from(answers, field)
    postage = postage_yen if channel == "mail" and unit > 0 else 0
    return Fee(unit, quantity, postage)



def require_fee(fee: Fee) -> None:
    if fee.total <= 0:
        raise InvalidTransition("this application has no fee to pay", message_ja="この申請に手数料はありません")
