"""``madoguchi demo``: the demo city (下野市), built through commands."""

from __future__ import annotations

import typer
from rich.console import Console

from api.composition import Container

app = typer.Typer(help="The demo city (下野市).", no_args_is_help=True)
console = Console()


def load_demo(container: Container) -> None:
    from application.demo.loader import DemoAlreadyLoaded, load_demo_city

    try:
        with console.status("Loading the demo city (下野市) through commands…"):
            summary = load_demo_city(
                container.catalogue, container.applications, now=container.clock.now(),
                payments=container.payments, surveys=container.surveys, visits=container.visits,
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
