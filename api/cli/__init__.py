"""The ``madoguchi`` command line."""

from __future__ import annotations

import logging
import os
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from api.cli.demo import load_demo
from api.composition import Container, build_container
from api.shared.auth import JwksError
from infra.counter_rules import CounterRulesError
from infra.crypto.master_key import MasterKeyError
from infra.settings import Settings
from infra.wiring import UnsafeDurability

app = typer.Typer(help="madoguchi — 行かない・待たない・書かない窓口", no_args_is_help=True)
console = Console()


def open_container() -> Container:
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return build_container(settings)
    except (MasterKeyError, UnsafeDurability, CounterRulesError, JwksError) as e:  # refuse to start, clearly
        console.print(f"[red]{escape(str(e))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (MADOGUCHI_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (MADOGUCHI_PORT)")] = None,
    no_demo: Annotated[bool, typer.Option("--no-demo", help="Do not load the demo city")] = False,
    projections: Annotated[
        bool, typer.Option(help="Apply projections in this process (MADOGUCHI_RUN_PROJECTIONS)")
    ] = True,
    workers: Annotated[int, typer.Option(min=1, help="uvicorn worker processes (production)")] = 1,
) -> None:
    """Serve GraphQL (and, unless told otherwise, apply projections)."""
    import uvicorn

    from api.app import create_app

    container = open_container()
    settings = container.settings
    if not no_demo and not settings.uses_postgres and container.log.head() == 0:
        load_demo(container)
    run = projections and settings.run_projections
    where = ("run elsewhere" if not run else "in this process" if workers == 1
             else "in one worker (leader lock)")
    console.print(
        f"madoguchi on http://{host or settings.host}:{port or settings.port}/graphql "
        f"({'PostgreSQL' if settings.uses_postgres else f'SQLite in {settings.data_dir}'}; "
        f"{workers} worker{'s' if workers > 1 else ''}; "
        f"projections {where})"
    )
    if workers > 1:  # each worker builds its own container (api/asgi.py)
        container.close()
        os.environ["MADOGUCHI_RUN_PROJECTIONS"] = "true" if run else "false"
        uvicorn.run("api.asgi:worker_app", factory=True, workers=workers, host=host or settings.host,
                    port=port or settings.port, log_level=settings.log_level.lower(),
                    ws_max_size=settings.max_body_bytes, proxy_headers=False)
        return
    try:
        uvicorn.run(
            create_app(container, run_projections=run),
            host=host or settings.host,
            port=port or settings.port,
            log_level=settings.log_level.lower(),
            ws_max_size=settings.max_body_bytes,  # a larger WebSocket frame is refused before it is buffered
            proxy_headers=False,  # X-Forwarded-For: only from MADOGUCHI_TRUSTED_PROXIES (api/shared/forwarded.py)
        )
    finally:
        container.close()


@app.command()
def token(
    role: Annotated[str, typer.Option(help="citizen, staff, manager, analyst, auditor or admin")],
    sub: Annotated[str, typer.Option(help="Subject id")],
    dept: Annotated[str | None, typer.Option(help="Department code (staff, manager)")] = None,
    ttl: Annotated[int, typer.Option(help="Lifetime in seconds")] = 8 * 3600,
    scope: Annotated[list[str] | None, typer.Option(help="A scope, e.g. pii (repeatable)")] = None,
) -> None:
    """Print a token: HS256 with MADOGUCHI_JWT_SECRET or, outside production, the
    development secret of the data directory (var/dev-jwt-secret, shared with serve)."""
    from api.shared.auth import mint_token

    settings = Settings()
    try:
        secret = settings.effective_jwt_secret
    except (OSError, ValueError) as e:
        console.print(f"[red]Cannot read or create the development secret: {e}[/red]")
        raise typer.Exit(2) from None
    if not secret:
        console.print(
            "[red]Refusing to mint: no MADOGUCHI_JWT_SECRET, and production has no development "
            "secret (tokens there come from the identity provider).[/red]"
        )
        raise typer.Exit(2)
    if ttl <= 0:
        console.print("[red]--ttl must be positive.[/red]")
        raise typer.Exit(2)
    try:
        print(mint_token(secret, sub=sub, role=role, dept=dept, ttl_seconds=ttl,
                         scopes=tuple(scope or ())))
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
    from api.cli import audit, audit_export, audit_offline, audit_witness  # they add to `audit`

    assert audit_export and audit_offline and audit_witness
    app.add_typer(audit.app, name="audit")
    from api.cli import privacy

    app.add_typer(privacy.app, name="privacy")
    from api.cli import export

    app.add_typer(export.app, name="export")
    from api.cli import payments, sandbox

    app.add_typer(payments.app, name="payments")
    app.command("sandbox-provider")(sandbox.sandbox_provider)
    from api.cli import simulate

    app.add_typer(simulate.app, name="simulate")
    from api.cli import notifications

    app.add_typer(notifications.app, name="notifications")
    from api.cli import moving_notice

    app.add_typer(moving_notice.app, name="moving-notice")
    from api.cli import residents

    app.add_typer(residents.app, name="residents")
    from api.cli import dev

    app.add_typer(dev.app, name="dev")


_register_subcommands()


def main() -> None:
    app()
