"""docs/security.md, "The auditor's procedure", followed literally (SQLite and
PostgreSQL): the city exports its log and checkpoints, a witness in its own
directory cosigns them, and an auditor in a fresh, empty directory — no
database, no settings — runs exactly the documented commands as subprocesses."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from tests.audit.insider import Insider
from tests.audit.outsiders import run, witness, witnessed_start
from tests.builders import populate

pytestmark = pytest.mark.slow
DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def documented_commands() -> list[list[str]]:
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"<!-- auditor-procedure:start.*?```sh\n(.*?)```.*?<!-- auditor-procedure:end -->",
                      text, re.S)
    assert block, "docs/security.md lost the auditor's procedure"
    return [shlex.split(line) for line in block.group(1).splitlines() if line.strip()]


def test_the_auditor_follows_the_documented_procedure_from_a_fresh_directory(
    cli, container, clock, settings, files: Path, tmp_path: Path
):
    # the city: two cosigned checkpoints, a consistency proof, an inclusion proof, the export
    state = witnessed_start(cli, container, clock, files, tmp_path, "checkpoint-old.note")
    populate(container, clock, 2)
    cli("audit", "checkpoint", "--note", "--out", files / "new.note")
    cli("audit", "consistency", files / "checkpoint-old.note", files / "new.note",
        "--out", files / "consistency.json")
    second = witness(files / "new.note", state, "--proof", str(files / "consistency.json"),
                     "--out", str(files / "checkpoint-new.note"))
    assert second.returncode == 0, second.stderr
    cli("audit", "prove", 4, "--checkpoint", files / "checkpoint-new.note", "--out", files / "proof.json")
    cli("audit", "export", "--raw", "--out", files / "log.jsonl")

    # the auditor: an empty directory and the files the procedure names
    auditor = tmp_path / "auditor"
    auditor.mkdir()
    for name in ("log.jsonl", "checkpoint-new.note", "checkpoint-old.note", "consistency.json",
                 "proof.json", "city.pem"):
        shutil.copy(files / name, auditor / name)
    shutil.copy(state / "witness.vkey", auditor / "witness.vkey")
    commands = documented_commands()
    assert [c[:3] for c in commands] == [["madoguchi", "audit", "verify-log"],
                                         ["madoguchi", "audit", "consistency"],
                                         ["madoguchi", "audit", "check-proof"]]
    for command in commands:
        result = run(command, auditor)
        assert result.returncode == 0, (command, result.stdout, result.stderr)
    assert sorted(p.name for p in auditor.iterdir()) == sorted(
        ["log.jsonl", "checkpoint-new.note", "checkpoint-old.note", "consistency.json", "proof.json",
         "city.pem", "witness.vkey"])  # nothing else needed, nothing written

    # the same commands fail on a changed export, an uncosigned checkpoint, a forked proof
    Insider(settings).flip_byte(5)
    cli("audit", "export", "--raw", "--out", auditor / "log.jsonl")
    verify_log = run(commands[0], auditor)
    assert verify_log.returncode == 1 and "TAMPERED" in verify_log.stdout
    shutil.copy(files / "log.jsonl", auditor / "log.jsonl")
    shutil.copy(files / "new.note", auditor / "checkpoint-new.note")  # the city's, not cosigned
    unwitnessed = run(commands[0], auditor)
    assert unwitnessed.returncode == 1 and "cosignature" in unwitnessed.stdout
    shutil.copy(files / "checkpoint-new.note", auditor / "checkpoint-new.note")
    shutil.copy(files / "checkpoint-old.note", auditor / "checkpoint-new.note")
    swapped = run(commands[1], auditor)  # "new" is now older than the proof says
    assert swapped.returncode == 1
