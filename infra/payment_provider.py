"""The HTTP payment-provider adapter: implements the ``PaymentProvider`` port
(``application/payments/provider.py``) against a provider speaking the API that the
sandbox (``infra/sandbox_provider``) simulates:

- ``POST {url}/v1/checkouts`` ``{reference, amount, method, description}`` →
  ``{id, next_url, status}`` (the provider answers the same checkout again for
  a repeated ``reference``, so a retried call never opens a second one);
- ``GET {url}/v1/payments/{id}`` → ``{id, status, amount, reason}``;
- ``POST {url}/v1/payments/{id}/refunds`` ``{refund_id, amount}`` → ``{id, status}``.

Authenticated with ``Authorization: Bearer <MADOGUCHI_PAYMENT_PROVIDER_API_KEY>``.
Every transport error, timeout, non-2xx answer or malformed body becomes
:class:`ProviderError` (the port's error: no money moved as far as we know)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from application.payments.provider import (
    PROVIDER_REFUND_STATUSES,
    PROVIDER_STATUSES,
    Checkout,
    ProviderError,
    ProviderRefund,
    ProviderStatus,
)


class HttpPaymentProvider:
    def __init__(self, base_url: str, api_key: str | None = None, *, timeout: float = 10.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        headers = {"Accept": "application/json", "User-Agent": "madoguchi"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"), headers=headers, transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        )

    def close(self) -> None:
        self._client.close()

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            response = self._client.request(method, path, json=body)
        except httpx.TimeoutException as e:
            raise ProviderError(f"payment provider timed out ({type(e).__name__})") from None
        except httpx.HTTPError as e:
            raise ProviderError(f"payment provider unreachable ({type(e).__name__})") from None
        if response.status_code >= 400:
            code = _field(response, "code") or ""
            raise ProviderError(f"payment provider answered {response.status_code} {code}".strip())
        try:
            document = response.json()
        except ValueError:
            raise ProviderError("payment provider sent a body that is not JSON") from None
        if not isinstance(document, dict):
            raise ProviderError("payment provider sent an unexpected body")
        return document

    def create_checkout(self, *, reference: str, amount: int, method: str, description: str) -> Checkout:
        document = self._call("POST", "/v1/checkouts", {
            "reference": reference, "amount": amount, "method": method, "description": description})
        ppid, next_url = document.get("id"), document.get("next_url")
        if not isinstance(ppid, str) or not ppid or not isinstance(next_url, (str, type(None))):
            raise ProviderError("payment provider sent a checkout without an id")
        return Checkout(ppid, next_url)

    def get_status(self, provider_payment_id: str) -> ProviderStatus:
        document = self._call("GET", f"/v1/payments/{quote(provider_payment_id, safe='')}")
        status, amount, reason = document.get("status"), document.get("amount"), document.get("reason")
        if status not in PROVIDER_STATUSES or not isinstance(amount, int) or isinstance(amount, bool):
            raise ProviderError("payment provider sent an unexpected payment status")
        return ProviderStatus(status, amount, reason if isinstance(reason, str) else None)

    def refund(self, *, provider_payment_id: str, refund_id: str, amount: int) -> ProviderRefund:
        document = self._call("POST", f"/v1/payments/{quote(provider_payment_id, safe='')}/refunds",
                              {"refund_id": refund_id, "amount": amount})
        rid, status = document.get("id"), document.get("status")
        if not isinstance(rid, str) or status not in PROVIDER_REFUND_STATUSES:
            raise ProviderError("payment provider sent an unexpected refund")
        return ProviderRefund(rid, status)


def _field(response: httpx.Response, name: str) -> str | None:
    try:
        value = response.json().get(name)
    except (ValueError, AttributeError):
        return None
    return str(value)[:80] if value else None
