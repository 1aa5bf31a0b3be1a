"""``madoguchi audit export``: the event log as JSON Lines, for auditors.

One object per event, in log order: ``position``, ``id`` (aggregate), ``version``,
``type``, ``topic``, ``occurred_at`` (UTC), ``metadata`` (actor, correlation
and request ids), ``payload`` (personal values ``[REDACTED]`` unless ``--pii``)
and ``redacted``. ``--from``/``--to`` select by the events' time (inclusive /
exclusive; a date, or a time without offset, is Japan time).

``--pii`` reveals personal values, and records that (``PersonalDataViewed``,
operation ``audit export``) *before* any line is written: the lines go to a
private temporary file first, and if recording fails nothing is output.
``--raw`` writes the stored events undecoded instead (base64 ``state``, for
offline verification of the tamper-evident chain); it takes no time range.

Output files are created with mode 0600."""

from __future__ import annotations

import getpass
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import IO, Annotated

import typer

from api.cli.audit import app as audit_app
from api.cli.audit import err

EXIT_FAILED = 1
EXIT_UNUSABLE = 2


def _open_private(path: Path) -> IO[str]:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(fd, "w", encoding="utf-8")


def _export_actor():
    from domain.shared.context import Actor

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor.system(f"audit-export:{user}")


def _command_context(container):
    import uuid

    from domain.shared.context import CommandContext

    return CommandContext(_export_actor(), container.clock.now(), correlation_id=uuid.uuid4().hex,
                          request_id=uuid.uuid4().hex)


@audit_app.command("export")
def export(
    from_: Annotated[str | None, typer.Option("--from", help="ISO 8601 date or time, inclusive")] = None,
    to: Annotated[str | None, typer.Option("--to", help="ISO 8601 date or time, exclusive")] = None,
    out: Annotated[Path | None, typer.Option(help="Write here (mode 0600) instead of stdout")] = None,
    pii: Annotated[bool, typer.Option("--pii", help="Reveal personal data (the export is recorded)")] = False,
    raw: Annotated[bool, typer.Option("--raw", help="Stored events undecoded (base64 state)")] = False,
) -> None:
    """Export the event log as JSON Lines (personal data redacted unless --pii)."""
    from api.cli.audit import open_container
    from application.audit.trail import export as export_records
    from application.audit.trail import time_range
    from domain.shared.errors import ValidationFailed

    if raw and (from_ or to or pii):
        err.print("[red]--raw exports the whole stored log: no --from, --to or --pii.[/red]")
        raise typer.Exit(EXIT_UNUSABLE)
    try:
        since, until = time_range(from_, to)
    except ValidationFailed as e:
        err.print(f"[red]{e.message}[/red]")
        raise typer.Exit(EXIT_UNUSABLE) from None

    container = open_container()
    try:
        if raw:
            with _open_private(out) if out else _stdout() as stream:
                count = 0
                for event in container.audit.export():
                    stream.write(json.dumps(event.to_json(), ensure_ascii=False) + "\n")
                    count += 1
            _done(count, out, "raw")
            return
        records = export_records(container.log, since=since, until=until, reveal=pii,
                                 batch_size=container.settings.projection_batch_size)
        if not pii:
            with _open_private(out) if out else _stdout() as stream:
                count = sum(_write(stream, r) for r in records)
            _done(count, out, "personal data redacted")
            return
        with tempfile.TemporaryDirectory(dir=out.parent if out else None) as tmp:
            staged = Path(tmp) / "export.jsonl"
            personal: set[tuple[str, str]] = set()
            fields: set[str] = set()
            with _open_private(staged) as stream:
                count = 0
                for r in records:
                    count += _write(stream, r)
                    personal.update(r.personal)
                    fields.update(r.personal_fields)
            try:
                container.audit_trail.record_view(
                    _command_context(container), operation="audit export",
                    fields=sorted(fields), records=sorted(personal),
                )
            except Exception as e:
                err.print(f"[red]could not record the export of personal data ({e!r}); nothing written[/red]")
                raise typer.Exit(EXIT_FAILED) from None
            if out:
                os.replace(staged, out)
            else:
                with staged.open(encoding="utf-8") as f:
                    shutil.copyfileobj(f, sys.stdout)
                sys.stdout.flush()
        _done(count, out, f"personal data of {len(personal)} records revealed and recorded")
    finally:
        container.close()


class _stdout:
    def __enter__(self) -> IO[str]:
        return sys.stdout

    def __exit__(self, *exc: object) -> None:
        sys.stdout.flush()


def _write(stream: IO[str], record) -> int:
    stream.write(json.dumps(record.as_json(), ensure_ascii=False, sort_keys=True) + "\n")
    return 1


def _done(count: int, out: Path | None, note: str) -> None:
    err.print(f"{count} events exported{f' to {out}' if out else ''} ({note})")
