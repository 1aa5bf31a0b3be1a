"""``madoguchi projections``: run, inspect and rebuild read models."""

from __future__ import annotations

import signal
import threading
import time
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

app = typer.Typer(help="Read models: run, inspect, rebuild.", no_args_is_help=True)


def open_container():
    from api.cli import open_container as open_

    return open_()


def _console():
    from api.cli import console

    return console


@app.command("run")
def projections_run() -> None:
    """Apply projections continuously (standalone worker; standby if another leads)."""
    container = open_container()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    lock = container.storage.leader_lock("projections")
    wakeup = container.storage.wakeup()
    _console().print("projection worker started (waits as standby while another leads)")
    try:
        container.engine.follow(
            stop, lock, wakeup,
            on_leader=lambda: _console().print("leading: applying projections"),
        )
    finally:
        wakeup.close()
        container.close()


@app.command("status")
def projections_status() -> None:
    """Each projection's generation, position, head and lag."""
    container = open_container()
    try:
        table = Table("projection", "generation", "status", "position", "head", "lag", "error")
        for s in container.engine.status():
            error = f"at {s.error_position}: {s.error}" if s.error else ""
            status = s.status + (" (needs rebuild)" if s.stale_version else "")
            table.add_row(s.name, str(s.generation), status, str(s.position), str(s.head),
                          str(s.lag), error)
        _console().print(table)
    finally:
        container.close()


@app.command("rebuild")
def projections_rebuild(
    name: Annotated[str | None, typer.Argument(help="Projection to rebuild")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Rebuild every projection")] = False,
) -> None:
    """Rebuild from position 0 into a new generation; the old one serves until the switch."""
    container = open_container()
    try:
        names = list(container.engine.projections) if all_ else [name] if name else []
        unknown = [n for n in names if n not in container.engine.projections]
        if not names or unknown:
            known = ", ".join(container.engine.projections)
            _console().print(f"[red]Name a projection ({known}) or pass --all.[/red]")
            raise typer.Exit(2)
        columns = (
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:>8.0f} ev/s"), TimeRemainingColumn(),
        )
        with Progress(*columns, console=_console()) as progress:
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
