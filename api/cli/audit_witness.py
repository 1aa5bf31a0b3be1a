"""``madoguchi audit witness``: a witness run by someone other than the city (the
prefecture, an external auditor), with nothing but its state directory, the
log's public key and what the log sends it. It keeps the last checkpoint it
accepted; given a newer one it needs a consistency proof from that one (given
with ``--proof``, or asked of the log's GraphQL API with ``--graphql``), and
only then cosigns (C2SP tlog-cosignature, Ed25519, timestamped). It refuses a
checkpoint that does not extend the last one.

State directory (mode 0700): ``name`` (this witness's key name),
``witness-key.pem`` (its Ed25519 key, made on first use, mode 0600),
``witness.vkey`` (its verifier key, to hand to auditors), ``log-key.pem`` (the
log's public key, pinned on first use) and ``checkpoint`` (the last accepted,
cosigned checkpoint).

Exit codes: 0 cosigned, 1 refused, 2 unusable input."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer

from api.cli.audit import TAMPERED, UNUSABLE, _read_verifier, _write, err
from api.cli.audit import app as audit_app

CONSISTENCY_QUERY = (
    "query($from: Int!, $to: Int!) { auditConsistency(fromSize: $from, toSize: $to) "
    "{ fromSize toSize fromRoot toRoot proof } }"
)


def _pinned(state: Path, file: str, given: str | None, what: str) -> str:
    path = state / file
    if path.exists():
        kept = path.read_text(encoding="utf-8")
        if given is not None and given.strip() != kept.strip():
            err.print(f"[red]this witness already follows {what} {kept.strip()!r}; "
                      "use another --state directory for another one[/red]")
            raise typer.Exit(UNUSABLE)
        return kept
    if given is None:
        err.print(f"[red]first use of {state}: give {what} (--{file.split('.')[0].replace('_', '-')})[/red]")
        raise typer.Exit(UNUSABLE)
    path.write_text(given if given.endswith("\n") else given + "\n", encoding="utf-8")
    return given


def _ask(url: str, token: str | None, old: int, new: int):
    import httpx

    from application.audit.consistency import ConsistencyProof

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        response = httpx.post(url, json={"query": CONSISTENCY_QUERY, "variables": {"from": old, "to": new}},
                              headers=headers, timeout=30)
        body = response.json()
        got = body["data"]["auditConsistency"]
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        err.print(f"[red]the log at {url} gave no consistency proof from {old} to {new} events[/red]")
        raise typer.Exit(UNUSABLE) from None
    return ConsistencyProof.from_json({"from_size": got["fromSize"], "to_size": got["toSize"],
                                       "from_root": got["fromRoot"], "to_root": got["toRoot"],
                                       "proof": got["proof"]})


@audit_app.command("witness")
def witness_checkpoint(
    checkpoint: Annotated[Path, typer.Argument(help="The log's new checkpoint (C2SP signed note)")],
    state: Annotated[Path, typer.Option("--state", help="This witness's state directory")],
    proof_file: Annotated[
        Path | None, typer.Option("--proof", help="Consistency proof from the last accepted checkpoint")
    ] = None,
    graphql: Annotated[
        str | None, typer.Option(help="Ask the log's GraphQL API (URL) for the consistency proof")
    ] = None,
    token: Annotated[
        str | None, typer.Option(envvar="MADOGUCHI_WITNESS_TOKEN", help="Bearer token (auditor) for --graphql")
    ] = None,
    log_key: Annotated[
        Path | None, typer.Option(help="The log's PEM public key (first use; pinned afterwards)")
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="This witness's key name, e.g. pref.example/witness (first use)")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write the cosigned checkpoint here (default: stdout)")] = None,
) -> None:
    """Cosign CHECKPOINT if it extends the last checkpoint this witness accepted."""
    from application.audit.checkpoint import MalformedCheckpoint
    from application.audit.consistency import ConsistencyProof
    from application.audit.note import COSIGNATURE_V1, NoteCheckpoint, check_key_name, vkey
    from application.audit.witness import witness
    from infra.audit_keys import development_key

    state.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        witness_name = check_key_name(_pinned(state, "name", name, "the witness name").strip())
        new = NoteCheckpoint.loads(checkpoint.read_text(encoding="utf-8"))
        latest_path = state / "checkpoint"
        latest = NoteCheckpoint.loads(latest_path.read_text(encoding="utf-8")) if latest_path.exists() else None
        proof = ConsistencyProof.loads(proof_file.read_text(encoding="utf-8")) if proof_file else None
    except (OSError, UnicodeDecodeError, MalformedCheckpoint) as e:
        err.print(f"[red]unusable input: {e}[/red]")
        raise typer.Exit(UNUSABLE) from None
    _pinned(state, "log-key.pem", log_key.read_text(encoding="utf-8") if log_key else None, "the log key")
    log_verifier = _read_verifier(state / "log-key.pem")
    signer = development_key(state, "witness-key.pem")
    vkey_path = state / "witness.vkey"
    if not vkey_path.exists():
        vkey_path.write_text(vkey(witness_name, COSIGNATURE_V1, signer.public_key_raw()) + "\n", encoding="utf-8")
    if latest is not None and proof is None and new.tree_size > latest.tree_size:
        if graphql is None:
            err.print(f"[red]a consistency proof from {latest.tree_size} to {new.tree_size} events is needed: "
                      f"--proof FILE (`madoguchi audit consistency`) or --graphql URL[/red]")
            raise typer.Exit(UNUSABLE)
        proof = _ask(graphql, token, latest.tree_size, new.tree_size)
    decision = witness(latest, new, log_verifier, proof, signer, witness_name, int(time.time()))
    if not decision.accepted or decision.cosigned is None:
        err.print(f"[red]REFUSED: {decision.reason}[/red]")
        raise typer.Exit(TAMPERED)
    text = decision.cosigned.dumps()
    tmp = latest_path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, latest_path)
    _write(text, out)
    err.print(decision.reason)
