"""The ``madoguchi`` command line."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.console import Console

from api.cli.demo import load_demo
from api.composition import Container, build_container
from infra.settings import Settings

app = typer.Typer(help="madoguchi — 行かない・待たない・書かない窓口", no_args_is_help=True)
console = Console()


def open_container() -> Container:
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return build_container(settings)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (MADOGUCHI_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (MADOGUCHI_PORT)")] = None,
    no_demo: Annotated[bool, typer.Option("--no-demo", help="Do not load the demo city")] = False,
    projections: Annotated[
        bool, typer.Option(help="Apply projections in this process (MADOGUCHI_RUN_PROJECTIONS)")
    ] = True,
) -> None:
    """Serve GraphQL (and, unless told otherwise, apply projections)."""
    import uvicorn

    from api.app import create_app

    container = open_container()
    settings = container.settings
    if not no_demo and not settings.uses_postgres and container.log.head() == 0:
        load_demo(container)
    run = projections and settings.run_projections
    console.print(
        f"madoguchi on http://{host or settings.host}:{port or settings.port}/graphql "
        f"({'PostgreSQL' if settings.uses_postgres else f'SQLite in {settings.data_dir}'}; "
        f"projections {'in this process' if run else 'run elsewhere'})"
    )
    try:
        uvicorn.run(
            create_app(container, run_projections=run),
            host=host or settings.host,
            port=port or settings.port,
            log_level=settings.log_level.lower(),
        )
    finally:
        container.close()


@app.command()
def token(
    role: Annotated[str, typer.Option(help="citizen, staff, manager, analyst, auditor or admin")],
    sub: Annotated[str, typer.Option(help="Subject id")],
    dept: Annotated[str | None, typer.Option(help="Department code (staff, manager)")] = None,
    ttl: Annotated[int, typer.Option(help="Lifetime in seconds")] = 8 * 3600,
) -> None:
    """Print a development token (HS256 with MADOGUCHI_JWT_SECRET or the dev secret)."""
    from api.auth import mint_token

    settings = Settings()
    secret = settings.effective_jwt_secret
    if not secret:
        console.print("[red]No MADOGUCHI_JWT_SECRET in production: refusing to mint.[/red]")
        raise typer.Exit(2)
    try:
        print(mint_token(secret, sub=sub, role=role, dept=dept, ttl_seconds=ttl))
    except ValueError as e:
        console.print(f"[red]{e}[/red]")
        raise typer.Exit(2) from None


@app.command()
def schema() -> None:
    """Print the GraphQL schema (SDL) — the source of schema.graphql."""
    from api.graphql.schema import sdl

    print(sdl(), end="")


def _register_subcommands() -> None:
    from api.cli import demo, projections

    app.add_typer(projections.app, name="projections")
    app.add_typer(demo.app, name="demo")


_register_subcommands()


def main() -> None:
    app()
