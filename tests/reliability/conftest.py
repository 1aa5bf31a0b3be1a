"""Reliability fixtures: the API fixtures (``client``, ``gql``, tokens, ``catalogue``)."""

from __future__ import annotations

from tests.shared.api_fixtures import (  # noqa: F401 — the API fixtures, for the reliability tests
    admin,
    catalogue,
    client,
    gql,
    shimin_staff,
    zeimu_staff,
)
