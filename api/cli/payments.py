"""``madoguchi payments``: the sweep (poll and expire open online payments) and
reconciliation against the provider's settlement report.

The sweep is not run by the projection worker: schedule ``madoguchi payments
sweep`` (cron / systemd timer, e.g. every 5 minutes) or keep one running with
``--every SECONDS``. Exit codes: 0 done (reconcile: balanced), 1 reconcile found
differences, 2 refused."""

from __future__ import annotations

import getpass
import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from api.cli.repeat import Every, run_every
from api.payments.jobs import reconciliation, run_sweep
from domain.shared.errors import DomainError

app = typer.Typer(help="Payments: sweep open payments, reconcile with the provider.", no_args_is_help=True)
err = Console(stderr=True)


def open_container():
    from api.cli import open_container as open_

    return open_()


@app.command("sweep")
def sweep_command(every: Every = None) -> None:
    """Poll payments left open longer than MADOGUCHI_PAYMENT_POLL_AFTER minutes and
    expire unpaid ones after MADOGUCHI_PAYMENT_EXPIRE_AFTER minutes."""
    run_every(every, run_sweep, open_container)


@app.command("reconcile")
def reconcile_command(
    day: Annotated[str, typer.Option("--date", help="The settlement day, YYYY-MM-DD (Japan time)")],
    settlement: Annotated[Path, typer.Option(help="The provider's settlement CSV for that day")],
) -> None:
    """List matched payments, those missing on either side, and amount mismatches
    (late successes are flagged). Prints JSON; exits 1 when not balanced."""
    try:
        parsed = date.fromisoformat(day)
        text = settlement.read_text(encoding="utf-8")
    except (ValueError, OSError) as e:
        err.print(f"[red]{e}[/red]")
        raise typer.Exit(2) from None
    container = open_container()
    try:
        report = reconciliation(container, parsed, text)
    except DomainError as e:
        err.print(f"[red]{e}[/red]")
        raise typer.Exit(2) from None
    finally:
        container.close()
    print(json.dumps({**asdict(report), "balanced": report.balanced, "by": getpass.getuser()},
                     ensure_ascii=False, indent=2))
    if not report.balanced:
        raise typer.Exit(1)
