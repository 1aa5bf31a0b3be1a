"""``madoguchi moving-notice import FILE.json``: import a pre-notice of the national
moving service (引越し手続オンラインサービス, format in docs/moving-notice.md) as a
pre-filled 転入届 and a reservation (来庁予約). Prints the result as JSON; exit 2
with the failing fields (JSON) when the notice is refused. Importing the same
notice again changes nothing (``"duplicate": true``)."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from application.counter.moving_notice import invalid_json
from domain.shared.context import Actor, CommandContext
from domain.shared.errors import DomainError, ValidationFailed

app = typer.Typer(help="The national moving service's pre-notices (引越し予約).", no_args_is_help=True)
err = Console(stderr=True)
ACTOR = Actor.system("moving-service")


def open_container():
    from api.cli import open_container as open_

    return open_()


def _refused(error: DomainError) -> typer.Exit:
    detail: dict[str, object] = {"code": error.code, "message": error.message, "messageJa": error.message_ja}
    if isinstance(error, ValidationFailed):
        detail["errors"] = [{"field": e.path, "rule": e.rule, "message": e.message_en,
                             "messageJa": e.message_ja} for e in error.errors]
    err.print_json(json.dumps(detail, ensure_ascii=False))
    return typer.Exit(2)


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="The notice, JSON (docs/moving-notice.md)")],
    queue: Annotated[str | None, typer.Option(help="The queue to reserve in (default: 市民課 異動)")] = None,
) -> None:
    """Record a 転入届 pre-filled from the notice and reserve the first free slot of
    the planned visit day."""
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as e:
        err.print(f"[red]{e}[/red]")
        raise typer.Exit(2) from None
    container = open_container()
    try:
        try:
            data = json.loads(text)
        except ValueError as e:
            raise invalid_json(str(e)) from None
        ctx = CommandContext(ACTOR, container.clock.now(), uuid.uuid4().hex)
        result = container.moving_notices.import_notice(ctx, data, queue=queue)
    except DomainError as e:
        raise _refused(e) from None
    finally:
        container.close()
    print(json.dumps(asdict(result), ensure_ascii=False, indent=2))
