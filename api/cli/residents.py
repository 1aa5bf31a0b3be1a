"""``madoguchi residents import FILE.csv``: load the core resident-record system's
export (住民記録; columns in docs/no-writing-counter.md) as encrypted events.

All rows are checked first; on any error each is printed with its line and
column and nothing is written (exit 2). A re-import records only changed rows.
Actor ``system:cli:<os user>``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from api.cli.privacy import REFUSED, _context, _refuse
from domain.shared.errors import DomainError

app = typer.Typer(help="Resident records (住民記録) for the no-writing counter.", no_args_is_help=True)
console = Console()


def open_container():
    from api.cli import open_container as open_

    return open_()


@app.command("import")
def import_residents(
    file: Annotated[Path, typer.Argument(help="CSV, UTF-8 (a BOM is allowed), with a header row")],
) -> None:
    """Import (or re-import) resident records from a CSV export."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        console.print(f"[red]Cannot read {file}: {e}[/red]")
        raise typer.Exit(REFUSED) from None
    container = open_container()
    try:
        summary = container.residents.import_csv(_context(container), text)
        container.engine.catch_up()
    except DomainError as e:
        raise _refuse(e) from None
    finally:
        container.close()
    console.print(f"Imported {summary.imported}, updated {summary.updated}, unchanged {summary.unchanged}"
                  + (f" (up to position {summary.position})." if summary.position else "."))
