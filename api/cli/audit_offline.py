"""``madoguchi audit verify-log``: the auditor's check with nothing but the
exported log, signed checkpoints and public keys — no database, no settings
(docs/security.md, "The auditor's procedure").

Exit codes: 0 the export holds exactly what was signed (and cosigned), 1 it
does not, 2 unusable input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from api.cli.audit import TAMPERED, UNUSABLE, _read_checkpoint, _read_verifier, err, read_witness_key
from api.cli.audit import app as audit_app


def _events(path: Path) -> Iterator:
    from application.audit.chain import ExportedEvent

    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            try:
                yield ExportedEvent.from_json(json.loads(line))
            except (ValueError, KeyError, TypeError) as e:
                err.print(f"[red]{path}, line {number}: not an exported event ({e})[/red]")
                raise typer.Exit(UNUSABLE) from None


@audit_app.command("verify-log")
def verify_log_offline(
    log: Annotated[Path, typer.Argument(help="The export of `madoguchi audit export --raw`")],
    checkpoint: Annotated[list[Path], typer.Option("--checkpoint", help="A signed checkpoint (repeatable)")],
    public_key: Annotated[Path, typer.Option(help="The city's PEM public key")],
    witness_key: Annotated[
        list[str] | None,
        typer.Option(help="A witness's verifier key (text or file) whose cosignature each checkpoint needs"),
    ] = None,
) -> None:
    """Check an exported log against signed checkpoints, offline."""
    from application.audit.offline import verify_export

    checkpoints = [(str(p), _read_checkpoint(p)) for p in checkpoint]
    verifier = _read_verifier(public_key)
    witnesses = [read_witness_key(k) for k in witness_key or []]
    if not log.is_file():
        err.print(f"[red]no exported log at {log}[/red]")
        raise typer.Exit(UNUSABLE)
    report = verify_export(_events(log), checkpoints, verifier, witnesses)
    if not report.ok:
        print(report.summary())
        raise typer.Exit(TAMPERED)
    span = f"positions {report.first_position}–{report.last_position}" if report.events else "no events"
    print(f"OK: {report.events} exported events ({span}); Merkle root {report.root}")
    for label, cp in checkpoints:
        cosigned = f", cosigned by {', '.join(name for name, _ in witnesses)}" if witnesses else ""
        print(f"OK: the first {cp.tree_size} events are the log signed in {label}{cosigned}")
