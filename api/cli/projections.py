"""``madoguchi projections``: run, inspect and rebuild read models."""

from __future__ import annotations

import signal
import threading
import time
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Column, Table

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
    from application.projection.lanes import follow_lanes

    container = open_container()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    _console().print("projection worker started (waits as standby while another leads)")
    try:
        follow_lanes(container.engine, stop, container.storage.leader_lock, container.storage.wakeup,
                     on_leader=lambda lane: _console().print(f"leading: applying {lane}"))
    finally:
        container.close()


def _rate(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1f}"


@app.command("status")
def projections_status() -> None:
    """Each projection's generation, position, head, lag and rate; then snapshots."""
    container = open_container()
    try:
        statuses = container.engine.status()
        table = Table(Column("projection", no_wrap=True), "gen", "status", "position", "head",
                      "lag", "ev/s", "error")
        snapshots = Table(Column("projection", no_wrap=True), "snapshot", "until", "status", "position", "error",
                          title="snapshots (never served)")
        for s in statuses:
            error = f"at {s.error_position}: {s.error}" if s.error else ""
            if s.namespace:
                snapshots.add_row(s.name, s.namespace, str(s.until_position), s.status,
                                  str(s.position), error)
                continue
            status = s.status + (" (needs rebuild)" if s.stale_version else "")
            table.add_row(s.name, str(s.generation), status, str(s.position), str(s.head),
                          str(s.lag), _rate(s.rate), error)
        _console().print(table)
        if snapshots.row_count:
            _console().print(snapshots)
    finally:
        container.close()


def _names(container, name: str | None, all_: bool) -> list[str]:
    names = list(container.engine.projections) if all_ else [name] if name else []
    unknown = [n for n in names if n not in container.engine.projections]
    if not names or unknown:
        known = ", ".join(container.engine.projections)
        _console().print(f"[red]Name a projection ({known}) or pass --all.[/red]")
        raise typer.Exit(2)
    return names


def _until_position(container, until_position: int | None, until: str | None) -> int | None:
    from application.audit.trail import parse_time_bound
    from domain.shared.errors import ValidationFailed

    if until_position is not None and until is not None:
        _console().print("[red]Give --until-position or --until, not both.[/red]")
        raise typer.Exit(2)
    if until is None:
        return until_position
    try:
        when = parse_time_bound(until, "until")
    except ValidationFailed as e:
        _console().print(f"[red]{e.message}[/red]")
        raise typer.Exit(2) from None
    position = container.engine.position_at(when)
    _console().print(f"--until {until}: position {position}")
    return position


@app.command("rebuild")
def projections_rebuild(
    name: Annotated[str | None, typer.Argument(help="Projection to rebuild")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Rebuild every projection")] = False,
    until_position: Annotated[int | None, typer.Option(
        "--until-position", help="Build a snapshot as of this log position (never served)")] = None,
    until: Annotated[str | None, typer.Option(
        "--until", help="Build a snapshot as of this ISO time (Japan time without offset)")] = None,
    namespace: Annotated[str | None, typer.Option(
        "--namespace", help="Snapshot label (tables snap_LABEL_*); default p<position>")] = None,
) -> None:
    """Rebuild from position 0 into a new generation; the old one serves until the switch.
    With --until-position/--until: build a snapshot of the past instead (never switched)."""
    container = open_container()
    try:
        names = _names(container, name, all_)
        stop = _until_position(container, until_position, until)
        if namespace is not None and stop is None:
            _console().print("[red]--namespace needs --until-position or --until.[/red]")
            raise typer.Exit(2)
        columns = (
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:>8.0f} ev/s"), TimeRemainingColumn(),
        )
        with Progress(*columns, console=_console()) as progress:
            if stop is None and len(names) > 1:
                _rebuild_together(container, names, progress)
                return
            for n in names:
                total = stop if stop is not None else container.log.head()
                task = progress.add_task(n, total=total or 1, rate=0.0)
                started = time.monotonic()

                def report(position: int, head: int, task: int = task, t0: float = started) -> None:
                    rate = position / max(time.monotonic() - t0, 1e-6)
                    progress.update(task, completed=position, total=max(head, 1), rate=rate)

                if stop is None:
                    generation = container.engine.rebuild(n, progress=report)
                    progress.console.print(f"{n}: generation {generation} now serving")
                    continue
                try:
                    built = container.engine.build_snapshot(n, stop, namespace, progress=report)
                except ValueError as e:
                    progress.console.print(f"[red]{n}: {e}[/red]")
                    raise typer.Exit(2) from None
                progress.console.print(f"{n}: snapshot {built} at position {stop} (not served)")
    finally:
        container.close()


def _rebuild_together(container, names: list[str], progress: Progress) -> None:
    """One shared pass over the log feeds every projection's new generation."""
    from application.projection.engine import ProjectionFailed
    from application.projection.rebuild import rebuild_many

    task = progress.add_task(", ".join(names) if len(names) < 4 else f"{len(names)} projections",
                             total=container.log.head() or 1, rate=0.0)
    started = time.monotonic()

    def report(position: int, head: int) -> None:
        rate = position / max(time.monotonic() - started, 1e-6)
        progress.update(task, completed=position, total=max(head, 1), rate=rate)

    try:
        generations = rebuild_many(container.engine, names, progress=report)
    except ProjectionFailed as e:
        progress.console.print(f"[red]{e}; the others switched[/red]")
        raise typer.Exit(1) from None
    for n, generation in generations.items():
        progress.console.print(f"{n}: generation {generation} now serving")


@app.command("drop-snapshot")
def projections_drop_snapshot(
    name: Annotated[str | None, typer.Argument(help="Projection")] = None,
    namespace: Annotated[str, typer.Option("--namespace", help="Snapshot label or snap_LABEL")] = "",
    all_: Annotated[bool, typer.Option("--all", help="Every projection's snapshot of this label")] = False,
) -> None:
    """Remove a snapshot (its tables and bookkeeping)."""
    container = open_container()
    try:
        names = _names(container, name, all_)
        try:
            dropped = [n for n in names if container.engine.drop_snapshot(n, namespace)]
        except ValueError as e:
            _console().print(f"[red]{e}[/red]")
            raise typer.Exit(2) from None
        if not dropped:
            _console().print(f"[red]No snapshot {namespace!r} of {', '.join(names)}.[/red]")
            raise typer.Exit(1)
        for n in dropped:
            _console().print(f"{n}: snapshot {namespace} dropped")
    finally:
        container.close()
