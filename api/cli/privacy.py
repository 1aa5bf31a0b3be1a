"""``madoguchi privacy``: forget a data subject, enforce retention (crypto-shredding).

Both record ``SubjectForgotten`` events in the city's log (actor
``system:cli:<os user>``) before shredding keys. Exit codes: 0 done (or nothing
left to do), 2 refused (invalid input, unknown subject)."""

from __future__ import annotations

import getpass
import uuid
from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from domain.shared.context import CITY_TIMEZONE, Actor, CommandContext
from domain.shared.errors import DomainError, ValidationFailed

app = typer.Typer(help="Personal data: forget a data subject, enforce retention.",
                  no_args_is_help=True)
err = Console(stderr=True)
REFUSED = 2


def open_container():
    from api.cli import open_container as open_

    return open_()


def _console() -> Console:
    from api.cli import console

    return console


def _context(container) -> CommandContext:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        user = "unknown"
    return CommandContext(
        Actor.system(f"cli:{user}"), container.clock.now(), correlation_id=uuid.uuid4().hex
    )


def _refuse(error: DomainError) -> typer.Exit:
    if isinstance(error, ValidationFailed):
        for e in error.errors:
            err.print(f"[red]{escape(e.path)}: {escape(e.message_en)} ({e.rule})[/red]")
    else:
        err.print(f"[red]{escape(error.message)}[/red]")
    return typer.Exit(REFUSED)


@app.command("forget")
def forget(
    subject: Annotated[str, typer.Argument(help="citizen:<sub> (all their applications) or application:<id>")],
    reason: Annotated[str, typer.Option(help="Why (recorded in the event log)")],
) -> None:
    """Shred the keys of a data subject: its personal values read 「[消去済み]」 everywhere."""
    container = open_container()
    try:
        holdings = container.storage.keys.holdings(subject) if container.storage.keys else []
        try:
            result = container.privacy.forget(_context(container), subject, reason)
        except DomainError as e:
            raise _refuse(e) from None
        if holdings:
            _console().print(escape(
                f"forgot {subject}: shredded {len(holdings)} key(s) "
                f"({', '.join(s for s, _ in holdings)}); recorded at position {result.position}"
            ), soft_wrap=True)
        else:
            _console().print(escape(f"{subject} was already forgotten: nothing left to shred"),
                             soft_wrap=True)
    finally:
        container.close()


def _as_of(value: str | None) -> date:
    if value is None:
        from datetime import datetime

        return datetime.now(CITY_TIMEZONE).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        err.print("[red]--as-of must be a date as YYYY-MM-DD[/red]")
        raise typer.Exit(REFUSED) from None


@app.command("enforce-retention")
def enforce_retention(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The day to judge expiry on (YYYY-MM-DD; default today in Japan)")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be shredded; change nothing")] = False,
) -> None:
    """Shred finished applications whose retention class (1/3/5/10/30 years) has run out."""
    day = _as_of(as_of)
    container = open_container()
    try:
        report = container.privacy.enforce_retention(_context(container), day, dry_run=dry_run)
        console = _console()
        verb = "would shred" if dry_run else "shredded"
        for item in report.shredded:  # one line each, never wrapped: easy to grep and keep
            console.print(escape(
                f"{verb} application:{item.application_id} ({item.procedure_code}, {item.status} "
                f"on {item.finished_on.isoformat()}, expired on {item.expires_on.isoformat()})"
            ), soft_wrap=True)
        console.print(
            f"retention as of {day.isoformat()}: {verb} {len(report.shredded)} application(s); "
            f"{len(report.already_shredded)} expired one(s) already shredded"
            + ("" if dry_run or not report.shredded else f"; recorded up to position {report.position}"),
            soft_wrap=True,
        )
    finally:
        container.close()
