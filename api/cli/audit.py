"""``madoguchi audit``: tamper evidence — verify the event log, sign checkpoints,
prove that an event is in a signed log. (``audit export --raw``, in
``audit_export.py``, exports the stored events for offline verification.)

Exit codes: 0 intact / proof holds, 1 tampering found / proof fails, 2 unusable
input (a missing or malformed file, no signing key)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="Tamper evidence: verify, checkpoint, prove, export.", no_args_is_help=True)
err = Console(stderr=True)

TAMPERED = 1
UNUSABLE = 2


def open_container():
    from api.cli import open_container as open_

    return open_()


def _write(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        out.write_text(text, encoding="utf-8")


def _read_checkpoint(path: Path):
    from application.audit.checkpoint import Checkpoint, MalformedCheckpoint

    try:
        return Checkpoint.loads(path.read_text(encoding="utf-8"))
    except (OSError, MalformedCheckpoint) as e:
        err.print(f"[red]cannot use checkpoint {path}: {e}[/red]")
        raise typer.Exit(UNUSABLE) from None


def _read_verifier(path: Path):
    from infra.audit_keys import AuditKeyError, Ed25519Verifier

    try:
        return Ed25519Verifier.from_pem(path.read_bytes())
    except (OSError, AuditKeyError) as e:
        err.print(f"[red]cannot use public key {path}: {e}[/red]")
        raise typer.Exit(UNUSABLE) from None


def _catch_up_chain(container) -> None:
    """Bring the audit chain up to the head of the log (safe beside a running
    worker: each batch is applied once, under the projection's row lock)."""
    from application.projection.engine import ProjectionEngine
    from projections.audit.chain import AuditChain

    chain = [p for p in container.projections if p.name == AuditChain.name]
    ProjectionEngine(container.log, container.views, chain, container.clock,
                     batch_size=container.settings.projection_batch_size).catch_up()


@app.command("verify")
def audit_verify(
    checkpoint: Annotated[
        list[Path] | None,
        typer.Option("--checkpoint", help="A checkpoint file kept outside the database (repeatable)"),
    ] = None,
    public_key: Annotated[
        Path | None, typer.Option(help="PEM public key to check signatures with (default: the configured key's)")
    ] = None,
    stored: Annotated[
        bool, typer.Option(help="Also check the checkpoints signed every N events in the database")
    ] = True,
) -> None:
    """Recompute the chain and Merkle roots from the raw event table.

    Exits 1 naming the first bad position if anything was changed, removed or inserted."""
    checkpoints = [(str(path), _read_checkpoint(path)) for path in checkpoint or []]
    verifier = _read_verifier(public_key) if public_key else None
    container = open_container()
    try:
        report = container.audit.verify(checkpoints, stored=stored, verifier=verifier)
    finally:
        container.close()
    print(report.summary())
    if not report.ok:
        raise typer.Exit(TAMPERED)


@app.command("checkpoint")
def audit_checkpoint(
    out: Annotated[Path | None, typer.Option(help="Write the checkpoint here (default: stdout)")] = None,
    verify: Annotated[
        bool, typer.Option(help="Verify the whole log first and refuse to sign a tampered one")
    ] = True,
) -> None:
    """Sign the Merkle root of every event so far.

    Writes {tree_size, root, time, signature}; keep the file outside the database."""
    from application.audit.service import AuditUnavailable

    container = open_container()
    try:
        _catch_up_chain(container)
        try:
            cp, report = container.audit.checkpoint(verify=verify)
        except AuditUnavailable as e:
            err.print(f"[red]{e}[/red]")
            raise typer.Exit(UNUSABLE) from None
    finally:
        container.close()
    if cp is None:
        assert report is not None
        err.print("[red]refusing to sign: the log does not verify[/red]")
        print(report.summary())
        raise typer.Exit(TAMPERED)
    _write(cp.dumps(), out)
    if out is not None:
        err.print(f"checkpoint of {cp.tree_size} events written to {out}")


@app.command("checkpoints")
def audit_checkpoints(
    directory: Annotated[
        Path | None, typer.Option("--dir", help="Write each as checkpoint-<tree_size>.json here")
    ] = None,
) -> None:
    """List (or write out) the checkpoints signed every N events.

    N is MADOGUCHI_AUDIT_CHECKPOINT_EVERY."""
    container = open_container()
    try:
        stored = container.audit.stored_checkpoints()
    finally:
        container.close()
    if directory is None:
        for cp in stored:
            print(f"{cp.tree_size}\t{cp.time}\t{cp.root}")
        return
    directory.mkdir(parents=True, exist_ok=True)
    for cp in stored:
        (directory / f"checkpoint-{cp.tree_size}.json").write_text(cp.dumps(), encoding="utf-8")
    err.print(f"{len(stored)} checkpoint(s) written to {directory}")


@app.command("prove")
def audit_prove(
    position: Annotated[int, typer.Argument(help="Position (notification id) of the event")],
    tree_size: Annotated[int | None, typer.Option(help="Prove against this many events")] = None,
    checkpoint: Annotated[
        Path | None, typer.Option(help="Prove against this checkpoint (its tree size) and check it")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write the proof here (default: stdout)")] = None,
) -> None:
    """Print an inclusion proof of the event at POSITION.

    A third party checks it against a checkpoint (audit check-proof, or docs/security.md)."""
    from application.audit.checkpoint import check_proof
    from domain.shared.errors import DomainError

    cp = _read_checkpoint(checkpoint) if checkpoint else None
    if cp is not None:
        tree_size = cp.tree_size
    container = open_container()
    try:
        try:
            proof = container.audit.prove(position, tree_size)
        except DomainError as e:
            err.print(f"[red]{e.message}[/red]")
            raise typer.Exit(UNUSABLE) from None
        verifier = container.audit.verifier
    finally:
        container.close()
    _write(proof.dumps(), out)
    if cp is not None:
        if verifier is None:
            err.print("[red]no key to check the checkpoint's signature with[/red]")
            raise typer.Exit(UNUSABLE)
        result = check_proof(proof, cp, verifier)
        err.print(result.reason)
        if not result.ok:
            raise typer.Exit(TAMPERED)


@app.command("check-proof")
def audit_check_proof(
    proof_file: Annotated[Path, typer.Argument(help="A proof from `audit prove` or auditProof")],
    checkpoint: Annotated[Path, typer.Option(help="The signed checkpoint to check it against")],
    public_key: Annotated[Path, typer.Option(help="The city's PEM public key")],
) -> None:
    """Check a proof against a signed checkpoint, offline (no database)."""
    from application.audit.checkpoint import InclusionProof, MalformedCheckpoint, check_proof

    try:
        proof = InclusionProof.loads(proof_file.read_text(encoding="utf-8"))
    except (OSError, MalformedCheckpoint) as e:
        err.print(f"[red]cannot use proof {proof_file}: {e}[/red]")
        raise typer.Exit(UNUSABLE) from None
    result = check_proof(proof, _read_checkpoint(checkpoint), _read_verifier(public_key))
    print(("OK: " if result.ok else "FAILED: ") + result.reason)
    if not result.ok:
        raise typer.Exit(TAMPERED)


@app.command("public-key")
def audit_public_key(
    out: Annotated[Path | None, typer.Option(help="Write the PEM here (default: stdout)")] = None,
) -> None:
    """Print the PEM public key that checks checkpoint signatures (for auditors)."""
    from application.audit.service import AuditUnavailable

    container = open_container()
    try:
        pem = container.audit.public_key_pem()
    except AuditUnavailable as e:
        err.print(f"[red]{e}[/red]")
        raise typer.Exit(UNUSABLE) from None
    finally:
        container.close()
    _write(pem, out)
