"""Commands run by people outside the city (a witness, an auditor): the installed
``madoguchi`` as a subprocess, in their own directory, with no MADOGUCHI_* settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
WITNESS = "pref.example/witness"


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """A command as someone outside the city runs it: no MADOGUCHI_* settings."""
    env = {"PATH": f"{BIN}{os.pathsep}/usr/bin{os.pathsep}/bin", "HOME": str(cwd), "COLUMNS": "200"}
    assert args[0] == "madoguchi"
    return subprocess.run([str(BIN / "madoguchi"), *args[1:]], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def witness(checkpoint: Path, state: Path, *extra: str) -> subprocess.CompletedProcess:
    return run(["madoguchi", "audit", "witness", "--state", str(state), str(checkpoint), *extra], state.parent)


def witnessed_start(cli, container, clock, files: Path, workdir: Path, cosigned: str) -> Path:
    """The city's log, its public key (``files/city.pem``), its first checkpoint
    (``files/old.note``) and a witness that has cosigned it (into
    ``files/<cosigned>``). Returns the witness's state directory."""
    from tests.audit.insider import fill

    fill(container, clock, 3)
    cli("audit", "public-key", "--out", files / "city.pem")
    cli("audit", "checkpoint", "--note", "--out", files / "old.note")
    state = workdir / "witness" / "state"
    state.parent.mkdir()
    first = witness(files / "old.note", state, "--log-key", str(files / "city.pem"), "--name", WITNESS,
                    "--out", str(files / cosigned))
    assert first.returncode == 0, first.stderr
    return state
