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
