"""``madoguchi demo``: the demo city (下野市), built through commands."""

from __future__ import annotations

import typer
from rich.console import Console

from api.composition import Container

app = typer.Typer(help="The demo city (下野市).", no_args_is_help=True)
console = Console()


def development_cards(container: Container):
    """In development, each demo applicant holds a development My Number card
    (infra/dev_card.py), so the demo also signs JPKI applications online; None
    elsewhere (the development CA is trusted only in development)."""
    settings = container.settings
    if settings.env != "development" or settings.jpki_trust_anchors is not None:
        return None
    from infra.dev_card import HISTORY, BasicFour, DevAuthority, sign_submission

    authority = DevAuthority(settings.data_dir, now=container.clock.now())
    cards: dict[str, dict] = {}

    def sign(person, procedure_code: str, form_version: int, answers, nonce: str):
        if person.name not in cards:
            birth = person.birth_date.replace("-", "") or "19800101"
            cards[person.name] = authority.issue_card(
                BasicFour(person.name, person.address, birth), valid_from=container.clock.now() - HISTORY)
        return sign_submission(cards[person.name], procedure_code, form_version, answers, nonce)

    return sign


def load_demo(container: Container) -> None:
    from application.demo.loader import DemoAlreadyLoaded, load_demo_city

    try:
        with console.status("Loading the demo city (下野市) through commands…"):
            summary = load_demo_city(
                container.catalogue, container.applications, now=container.clock.now(),
                payments=container.payments, surveys=container.surveys, visits=container.visits,
                card_signer=development_cards(container),
            )
    except DemoAlreadyLoaded:
        console.print("[yellow]The demo city is already loaded.[/yellow]")
        return
    console.print(
        f"Demo city loaded: {summary.departments} departments, {summary.procedures} procedures "
        f"({summary.online} online), {summary.applications} applications, "
        f"{summary.visits} counter visits (up to position {summary.last_position})."
    )



def open_container() -> Container:
    from api.cli import open_container as open_

    return open_()


@app.command("load")
def demo_load() -> None:
    """Build the demo city through commands (events), never SQL."""
    container = open_container()
    try:
        load_demo(container)
        container.engine.catch_up()
    finally:
        container.close()
