"""The HTTP edge: bearer-token verification, rate limits, and the live updates
that wake GraphQL subscriptions after the engine moved read models."""

from __future__ import annotations

from dataclasses import dataclass

from api.shared.auth import TokenVerifier
from api.shared.live import LiveUpdates
from api.shared.rate_limit import RateLimits
from application.shared.ports import Clock
from infra.settings import Settings


@dataclass(frozen=True)
class Http:
    verifier: TokenVerifier  # HS256 secret and/or JWKS file: a bad JWKS file stops start-up
    rate_limits: RateLimits
    live: LiveUpdates  # an engine listener


def wire_http(settings: Settings, clock: Clock) -> Http:
    return Http(TokenVerifier.from_settings(settings),
                RateLimits.from_settings(settings, now=lambda: clock.now().timestamp()),
                LiveUpdates())
