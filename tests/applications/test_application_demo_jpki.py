"""In development the demo city's applicants hold development My Number cards,
so the demo also submits JPKI-signed applications online (住民票の写し …)."""

from __future__ import annotations

import pytest

from api.cli.demo import development_cards
from application.demo.loader import load_demo_city
from infra.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"env": "development"})


def test_the_demo_signs_some_jpki_applications_with_development_cards(container):
    signer = development_cards(container)
    assert signer is not None
    load_demo_city(container.catalogue, container.applications, now=container.clock.now(),
                   application_count=40, payments=container.payments, card_signer=signer)
    notifications = container.log.recorder.select_notifications(0, 100_000)
    signed = [n for n in notifications if n.topic.endswith(":SigningChallengeUsed")]
    assert signed, "no JPKI application was signed"
    for n in signed:
        challenge = container.log.mapper.to_domain_event(n)
        application = container.applications.get(str(challenge.application_id))
        procedure = container.catalogue.get_procedure(application.procedure_code)
        assert procedure.assurance == "jpki_signature" and application.channel == "online"


def test_outside_development_the_demo_has_no_cards(container):
    production_like = container.settings.model_copy(update={"env": "test"})
    assert development_cards(type("C", (), {"settings": production_like, "clock": container.clock})()) is None
