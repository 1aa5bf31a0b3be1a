"""``madoguchi audit witness`` as a witness outside the city runs it (SQLite and
PostgreSQL store on the city's side): it cosigns only what extends the last
checkpoint it accepted, and ``audit verify --witness-key`` requires its cosignature."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audit.insider import Insider
from tests.audit.outsiders import witness, witnessed_start
from tests.builders import populate

pytestmark = pytest.mark.slow


def test_the_witness_refuses_a_forked_history_and_keeps_its_last_checkpoint(
    cli, container, clock, settings, files: Path, tmp_path: Path
):
    state = witnessed_start(cli, container, clock, files, tmp_path, "old.cosigned")
    kept = (state / "checkpoint").read_text()

    insider = Insider(settings)  # an insider with the key rewrites history and re-signs
    insider.flip_byte(4)
    insider.rewrite_chain(container, with_key=True)
    populate(container, clock, 1)
    cli("audit", "checkpoint", "--note", "--out", files / "forked.note")
    needs = witness(files / "forked.note", state)
    assert needs.returncode == 2 and "consistency proof" in needs.stderr
    cli("audit", "consistency", files / "old.cosigned", files / "forked.note", "--out", files / "p.json", code=1)
    refused = witness(files / "forked.note", state, "--proof", str(files / "p.json"))
    assert refused.returncode == 1 and "REFUSED" in refused.stderr
    assert (state / "checkpoint").read_text() == kept

    older = witness(files / "old.note", state)  # the same tree again is fine
    assert older.returncode == 0
    vkey = (state / "witness.vkey").read_text().strip()
    result = cli("audit", "verify", "--checkpoint", files / "forked.note", "--witness-key", vkey, code=1)
    assert "unwitnessed" in result.stdout or "cosignature" in result.stdout
    result = cli("audit", "verify", "--checkpoint", files / "old.cosigned", "--witness-key", vkey, code=1)
    assert "TAMPERED" in result.stdout  # the witnessed tree no longer matches the table
    cli("audit", "verify", "--witness-key", vkey, code=2)  # nothing to check the cosignature on
