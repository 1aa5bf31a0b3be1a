"""``madoguchi audit`` on the storage the tests use (SQLite and PostgreSQL):
verify, checkpoint, prove, check-proof, public-key, export, checkpoints — and
the auditor's script in docs/security.md, run on an exported log."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from typer.testing import CliRunner, Result

from api.cli import app
from api.composition import Container, build_container
from application.audit.checkpoint import Checkpoint, InclusionProof
from infra.audit_keys import Ed25519Signer
from infra.settings import Settings
from tests.audit.test_application_tamper import EventTable, fill, rewrite_chain

DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    values = {
        "MADOGUCHI_DATA_DIR": str(settings.data_dir),
        "MADOGUCHI_DATABASE_SCHEMA": settings.database_schema,
        "MADOGUCHI_ENV": "test",
        "MADOGUCHI_LOG_LEVEL": "WARNING",
        "COLUMNS": "200",
    }
    if settings.database_url:
        values["MADOGUCHI_DATABASE_URL"] = settings.database_url
    return values


@pytest.fixture
def cli(env: dict[str, str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("MADOGUCHI_DATABASE_URL", raising=False)
    monkeypatch.delenv("MADOGUCHI_AUDIT_SIGNING_KEY", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    def invoke(*args: str, code: int = 0) -> Result:
        result = CliRunner().invoke(app, [str(a) for a in args])
        assert result.exit_code == code, (result.output, result.exception)
        return result

    return invoke


@pytest.fixture
def table(settings: Settings) -> EventTable:
    return EventTable(settings)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    out = tmp_path / "outside"
    out.mkdir()
    return out


def checkpoint_file(cli, files: Path, name: str = "checkpoint.json") -> Path:
    path = files / name
    cli("audit", "checkpoint", "--out", path)
    return path


# --- verify ---------------------------------------------------------------------------------


def test_verify_an_intact_log_exits_0_with_a_summary(cli, container, clock):
    head = fill(container, clock)
    result = cli("audit", "verify")
    assert result.stdout.startswith(f"intact: {head} events (positions 1–{head}); {head} match")
    assert "Merkle root" in result.stdout


def test_verify_names_the_first_bad_position_and_exits_1(cli, container, clock, table):
    head = fill(container, clock)
    table.flip_byte(head - 4)
    table.delete(head - 1)
    result = cli("audit", "verify", code=1)
    assert result.stdout.startswith(f"TAMPERED: first bad position {head - 4}\n")
    assert f"the stored bytes of the event at position {head - 4}" in result.stdout


def test_a_recomputed_chain_is_caught_against_the_checkpoint_kept_outside(
    cli, container, clock, table, files
):
    head = fill(container, clock)
    kept = checkpoint_file(cli, files)
    table.flip_byte(head // 2)
    rewrite_chain(container)
    assert cli("audit", "verify").stdout.startswith("intact")  # the database alone agrees
    result = cli("audit", "verify", "--checkpoint", kept, code=1)
    assert result.stdout.startswith(f"TAMPERED: first bad position between 1 and {head}")
    assert f"checkpoint {kept}" in result.stdout


def test_verify_with_a_pinned_public_key(cli, container, clock, files):
    fill(container, clock)
    kept = checkpoint_file(cli, files)
    pem = files / "city.pem"
    cli("audit", "public-key", "--out", pem)
    cli("audit", "verify", "--checkpoint", kept, "--public-key", pem)
    stranger = files / "stranger.pem"
    stranger.write_text(Ed25519Signer.generate().public_key_pem())
    result = cli("audit", "verify", "--checkpoint", kept, "--public-key", stranger, "--no-stored",
                 code=1)
    assert "not signed by the audit key" in result.stdout


def test_unusable_inputs_exit_2(cli, container, clock, files):
    fill(container, clock)
    cli("audit", "verify", "--checkpoint", files / "missing.json", code=2)
    (files / "bad.json").write_text('{"tree_size": 1}')
    cli("audit", "verify", "--checkpoint", files / "bad.json", code=2)
    (files / "key.pem").write_text("not a key")
    cli("audit", "verify", "--public-key", files / "key.pem", code=2)
    cli("audit", "prove", "9999", code=2)


# --- checkpoints and the key ------------------------------------------------------------------


def test_checkpoint_writes_signed_json_to_a_file_or_stdout(cli, container, clock, files):
    head = fill(container, clock)
    printed = json.loads(cli("audit", "checkpoint").stdout)
    assert set(printed) == {"tree_size", "root", "time", "signature"}
    assert printed["tree_size"] == head
    written = json.loads(checkpoint_file(cli, files).read_text())
    assert written["root"] == printed["root"]
    pem = cli("audit", "public-key").stdout
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    cp = Checkpoint.from_json(written)
    import base64

    load_pem_public_key(pem.encode()).verify(base64.b64decode(cp.signature), cp.message)


def test_checkpoint_refuses_to_sign_a_tampered_log(cli, container, clock, table, files):
    head = fill(container, clock)
    table.delete(3)
    result = cli("audit", "checkpoint", "--out", files / "cp.json", code=1)
    assert "refusing to sign" in result.output and "first bad position 3" in result.stdout
    assert not (files / "cp.json").exists()
    assert head > 3


def test_checkpoint_covers_events_the_worker_has_not_chained_yet(cli, settings, clock):
    """The command catches the chain up itself (nothing follows the log here)."""
    c = build_container(settings, clock)
    try:
        from tests.builders import setup_procedure

        setup_procedure(c, clock)
        head = c.log.head()
    finally:
        c.close()
    assert json.loads(cli("audit", "checkpoint").stdout)["tree_size"] == head


def test_the_signing_key_can_be_configured(cli, container, clock, files, monkeypatch):
    fill(container, clock)
    signer = Ed25519Signer.generate()
    key_file = files / "signing.pem"
    key_file.write_text(signer.private_key_pem())
    for value in (str(key_file), signer.private_key_pem()):
        monkeypatch.setenv("MADOGUCHI_AUDIT_SIGNING_KEY", value)
        assert cli("audit", "public-key").stdout == signer.public_key_pem()
        cp = Checkpoint.loads(cli("audit", "checkpoint").stdout)
        assert cp.signature_valid(signer.verifier())


def test_checkpoints_signed_every_n_events_can_be_copied_out(cli, settings, clock, files):
    c = build_container(settings.model_copy(update={"audit_checkpoint_every": 4}), clock)
    try:
        head = fill(c, clock)
    finally:
        c.close()
    listing = cli("audit", "checkpoints").stdout.splitlines()
    assert [int(line.split("\t")[0]) for line in listing] == list(range(4, head + 1, 4))
    cli("audit", "checkpoints", "--dir", files / "signed")
    copies = sorted((files / "signed").glob("checkpoint-*.json"))
    assert len(copies) == head // 4
    cli("audit", "verify", *[a for p in copies for a in ("--checkpoint", p)], "--no-stored")


# --- proofs -----------------------------------------------------------------------------------


def proof_and_key(cli, files: Path, position: int) -> tuple[Path, Path, Path]:
    cp = checkpoint_file(cli, files)
    proof = files / f"proof-{position}.json"
    result = cli("audit", "prove", position, "--checkpoint", cp, "--out", proof)
    assert "is included in the signed tree" in result.output
    pem = files / "city.pem"
    cli("audit", "public-key", "--out", pem)
    return proof, cp, pem


def test_a_proof_checks_out_against_the_checkpoint(cli, container, clock, files):
    fill(container, clock)
    proof, cp, pem = proof_and_key(cli, files, 5)
    data = json.loads(proof.read_text())
    assert (data["position"], data["leaf_index"]) == (5, 4)
    assert data["tree_size"] == json.loads(cp.read_text())["tree_size"]
    result = cli("audit", "check-proof", proof, "--checkpoint", cp, "--public-key", pem)
    assert result.stdout.startswith("OK: event at position 5 (leaf 4) is included")
    printed = InclusionProof.loads(cli("audit", "prove", 5, "--tree-size", 7).stdout)
    assert printed.tree_size == 7 and printed.verifies()


def _altered(path: Path, name: str, change) -> Path:
    data = json.loads(path.read_text())
    change(data)
    out = path.with_name(name)
    out.write_text(json.dumps(data))
    return out


def _flip(hex_hash: str) -> str:
    return f"{int(hex_hash[0], 16) ^ 1:x}" + hex_hash[1:]


def test_proofs_that_must_fail(cli, container, clock, files):
    fill(container, clock)
    proof, cp, pem = proof_and_key(cli, files, 6)

    def rejected(proof_file: Path, checkpoint: Path = cp, key: Path = pem) -> str:
        result = cli("audit", "check-proof", proof_file, "--checkpoint", checkpoint,
                     "--public-key", key, code=1)
        assert result.stdout.startswith("FAILED")
        return result.stdout

    def set_(key, value):
        return lambda d: d.__setitem__(key, value)

    rejected(_altered(proof, "index.json", set_("leaf_index", 6)))
    rejected(_altered(proof, "leaf.json", lambda d: d.__setitem__("leaf_hash", _flip(d["leaf_hash"]))))
    rejected(_altered(proof, "short.json", lambda d: d["proof"].pop()))
    rejected(_altered(proof, "hash.json", lambda d: d["proof"].__setitem__(0, _flip(d["proof"][0]))))
    assert "checkpoint's signature" in rejected(
        proof, _altered(cp, "root.json", lambda d: d.__setitem__("root", _flip(d["root"]))))
    other_root = _altered(proof, "root-proof.json", lambda d: d.__setitem__("root", _flip(d["root"])))
    cli("audit", "check-proof", other_root, "--checkpoint", cp, "--public-key", pem)  # the signed root counts
    smaller = InclusionProof.loads(cli("audit", "prove", 6, "--tree-size", 6).stdout)
    (files / "smaller.json").write_text(smaller.dumps())
    assert "tree of 6 events" in rejected(files / "smaller.json")
    stranger = files / "stranger.pem"
    stranger.write_text(Ed25519Signer.generate().public_key_pem())
    rejected(proof, key=stranger)


def test_prove_against_a_checkpoint_that_no_longer_matches_exits_1(
    cli, container, clock, table, files
):
    fill(container, clock)
    kept = checkpoint_file(cli, files)
    table.flip_byte(6)
    rewrite_chain(container)
    result = cli("audit", "prove", 6, "--checkpoint", kept, code=1)
    assert "does not lead from the leaf to the checkpoint's root" in result.output


# --- the auditor's own check (docs/security.md) -------------------------------------------------


def auditor_script(tmp_path: Path) -> Path:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Tamper evidence"):]
    [code] = [block for block in re.findall(r"```python\n(.*?)```", section, re.S)
              if block.startswith("# verify_checkpoint.py")]
    script = tmp_path / "verify_checkpoint.py"
    script.write_text(code, encoding="utf-8")
    return script


def run_script(script: Path, *args: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(script), *map(str, args)],
                          capture_output=True, text=True, timeout=60)


def test_an_auditor_verifies_a_checkpoint_with_the_export_and_the_public_key(
    cli, container: Container, clock, table, files, tmp_path
):
    head = fill(container, clock)
    proof, cp, pem = proof_and_key(cli, files, 7)
    log = files / "log.jsonl"
    assert f"{head} events exported to" in cli("audit", "export", "--raw", "--out", log).output
    assert len(log.read_text().splitlines()) == head
    script = auditor_script(tmp_path)

    ok = run_script(script, log, cp, pem, proof)
    assert ok.returncode == 0, ok.stderr
    assert f"OK: the first {head} events (to position {head})" in ok.stdout
    assert "OK: the event at position 7 is in the signed log" in ok.stdout
    assert cli("audit", "export", "--raw").stdout == log.read_text()  # stdout too

    stranger = files / "stranger.pem"
    stranger.write_text(Ed25519Signer.generate().public_key_pem())
    assert "not signed by this key" in run_script(script, log, cp, stranger).stderr
    wrong_index = _altered(proof, "index.json", lambda d: d.__setitem__("leaf_index", 3))
    assert run_script(script, log, cp, pem, wrong_index).returncode == 1
    short = _altered(proof, "short.json", lambda d: d["proof"].pop())
    assert "does not lead" in run_script(script, log, cp, pem, short).stderr

    table.flip_byte(head // 2)
    changed = files / "changed.jsonl"
    cli("audit", "export", "--raw", "--out", changed)
    failed = run_script(script, changed, cp, pem)
    assert failed.returncode == 1 and "do not have the signed root" in failed.stderr
    table.delete_from(head - 1)
    cli("audit", "export", "--raw", "--out", changed)
    assert "the checkpoint covers" in run_script(script, changed, cp, pem).stderr
