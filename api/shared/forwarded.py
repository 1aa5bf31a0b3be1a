"""The client address, behind a reverse proxy: ``X-Forwarded-For`` is believed
only from the addresses in ``MADOGUCHI_TRUSTED_PROXIES`` (IPs or networks,
comma-separated; default none, so no caller can choose the address it is rate
limited by). ``madoguchi serve`` turns uvicorn's own proxy-header handling off
(it trusts loopback by default), so this is the only place that reads the header.

From a trusted proxy, the client is the right-most address of
``X-Forwarded-For`` that is not itself a trusted proxy."""

from __future__ import annotations

import ipaddress
from typing import Any

from starlette.datastructures import Headers

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_proxies(text: str) -> tuple[Network, ...]:
    """``"10.0.0.1, 192.168.0.0/16"`` as networks (a bare address is a /32 or /128)."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_behind(peer: str | None, forwarded_for: str | None, proxies: tuple[Network, ...]) -> str | None:
    """The caller's address: ``peer``, unless ``peer`` is a trusted proxy."""
    if peer is None or not forwarded_for or not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a forged or garbled hop: count the proxy itself
    return hops[0] if hops else peer


class TrustedProxies:
    """ASGI middleware: replaces ``scope["client"]`` with the forwarded client
    when the peer is a trusted proxy."""

    def __init__(self, app: Any, *, proxies: tuple[Network, ...]) -> None:
        self.app = app
        self.proxies = proxies

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.proxies and scope["type"] in ("http", "websocket") and scope.get("client"):
            host, port = scope["client"]
            client = client_behind(host, Headers(scope=scope).get("x-forwarded-for"), self.proxies)
            if client != host:
                scope = {**scope, "client": (client, port)}
        await self.app(scope, receive, send)
