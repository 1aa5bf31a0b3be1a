"""The ``madoguchi`` command line."""

from __future__ import annotations

import logging
import signal
import threading
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from api.composition import Container, build_container
from infra.settings import Settings

app = typer.Typer(help="madoguchi — 行かない・待たない・書かない窓口", no_args_is_help=True)
projections_app = typer.Typer(help="Read models: run, inspect, rebuild.", no_args_is_help=True)
demo_app = typer.Typer(help="The demo city (下野市).", no_args_is_help=True)
app.add_typer(projections_app, name="projections")
app.add_typer(demo_app, name="demo")
console = Console()


def _container() -> Container:
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return build_container(settings)


def _load_demo(container: Container) -> None:
    from application.demo.loader import DemoAlreadyLoaded, load_demo_city

    try:
        with console.status("Loading the demo city (下野市) through commands…"):
            summary = load_demo_city(
                container.catalogue, container.applications, now=container.clock.now()
            )
    except DemoAlreadyLoaded:
        console.print("[yellow]The demo city is already loaded.[/yellow]")
        return
    console.print(
        f"Demo city loaded: {summary.departments} departments, {summary.procedures} procedures "
        f"({summary.online} online), {summary.applications} applications "
        f"(up to position {summary.last_position})."
    )


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

    container = _container()
    settings = container.settings
    if not no_demo and not settings.uses_postgres and container.log.head() == 0:
        _load_demo(container)
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


@projections_app.command("run")
def projections_run() -> None:
    """Apply projections continuously (standalone worker; standby if another leads)."""
    container = _container()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    lock = container.storage.leader_lock("projections")
    wakeup = container.storage.wakeup()
    console.print("projection worker started (waits as standby while another leads)")
    try:
        container.engine.follow(
            stop, lock, wakeup,
            on_leader=lambda: console.print("leading: applying projections"),
        )
    finally:
        wakeup.close()
        container.close()


@projections_app.command("status")
def projections_status() -> None:
    """Each projection's generation, position, head and lag."""
    container = _container()
    try:
        table = Table("projection", "generation", "status", "position", "head", "lag", "error")
        for s in container.engine.status():
            error = f"at {s.error_position}: {s.error}" if s.error else ""
            status = s.status + (" (needs rebuild)" if s.stale_version else "")
            table.add_row(s.name, str(s.generation), status, str(s.position), str(s.head),
                          str(s.lag), error)
        console.print(table)
    finally:
        container.close()


@projections_app.command("rebuild")
def projections_rebuild(
    name: Annotated[str | None, typer.Argument(help="Projection to rebuild")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Rebuild every projection")] = False,
) -> None:
    """Rebuild from position 0 into a new generation; the old one serves until the switch."""
    container = _container()
    try:
        names = list(container.engine.projections) if all_ else [name] if name else []
        unknown = [n for n in names if n not in container.engine.projections]
        if not names or unknown:
            known = ", ".join(container.engine.projections)
            console.print(f"[red]Name a projection ({known}) or pass --all.[/red]")
            raise typer.Exit(2)
        columns = (
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:>8.0f} ev/s"), TimeRemainingColumn(),
        )
        with Progress(*columns, console=console) as progress:
            for n in names:
                task = progress.add_task(n, total=container.log.head() or 1, rate=0.0)
                started = time.monotonic()

                def report(position: int, head: int, task: int = task, t0: float = started) -> None:
                    rate = position / max(time.monotonic() - t0, 1e-6)
                    progress.update(task, completed=position, total=max(head, 1), rate=rate)

                generation = container.engine.rebuild(n, progress=report)
                progress.console.print(f"{n}: generation {generation} now serving")
    finally:
        container.close()


@demo_app.command("load")
def demo_load() -> None:
    """Build the demo city through commands (events), never SQL."""
    container = _container()
    try:
        _load_demo(container)
        container.engine.catch_up()
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


def main() -> None:
    app()
