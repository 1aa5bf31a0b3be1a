"""``madoguchi export dashboard``: DX dashboards as CSV (Excel) or JSON."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from domain.shared.context import CITY_TIMEZONE

app = typer.Typer(help="Exports (aggregates only).", no_args_is_help=True)
console = Console(stderr=True)


@app.command("dashboard")
def export_dashboard(
    from_: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD (Japan time)")],
    to: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD (inclusive)")],
    department: Annotated[str | None, typer.Option(help="One department's dashboard; 'all' for every "
                                                        "department; omitted: the city's")] = None,
    format: Annotated[str, typer.Option("--format", help="csv (UTF-8 with BOM, for Excel) or json")] = "csv",
    out: Annotated[Path | None, typer.Option(help="File to write (default: standard output)")] = None,
) -> None:
    """Write the city's, one department's or every department's monthly DX figures."""
    from api.cli import open_container
    from api.dx.export_formats import to_csv, to_json
    from application.projection.reading import read_session
    from projections.dx import figures as model

    if format not in ("csv", "json"):
        console.print("[red]--format must be csv or json[/red]")
        raise typer.Exit(2)
    try:
        first, last = date.fromisoformat(from_), date.fromisoformat(to)
    except ValueError:
        console.print("[red]--from and --to must be dates (YYYY-MM-DD)[/red]")
        raise typer.Exit(2) from None
    if last < first:
        console.print("[red]--to is before --from[/red]")
        raise typer.Exit(2)
    container = open_container()
    try:
        container.engine.catch_up()
        today = container.clock.now().astimezone(CITY_TIMEZONE).date()
        with read_session(container.views, container.projections) as s:
            if department is None:
                dashboards = [model.city_dashboard(s, first, last, today)]
            elif department == "all":
                dashboards = model.department_dashboards(s, first, last, today)
            else:
                one = model.department_dashboard(s, department, first, last, today)
                if one is None:
                    console.print(f"[red]No department {department}[/red]")
                    raise typer.Exit(1)
                dashboards = [one]
    finally:
        container.close()
    body = to_csv(dashboards) if format == "csv" else to_json(dashboards)
    if out is None:
        typer.echo(body, nl=False)
    else:
        out.write_text(body, encoding="utf-8", newline="")
        console.print(f"Wrote {out} ({len(dashboards)} dashboard(s), {first} to {last}).")
