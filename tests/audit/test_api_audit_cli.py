"""The new ``madoguchi audit`` commands on the test stores (SQLite and
PostgreSQL): note checkpoints and verifier keys, seal, consistency."""

from __future__ import annotations

import json
from pathlib import Path

from application.audit.note import ED25519, NoteCheckpoint, parse_vkey
from tests.audit.insider import Insider, fill
from tests.builders import populate


def test_a_note_checkpoint_and_the_log_s_verifier_key(cli, container, clock, files: Path):
    head = fill(container, clock)
    text = cli("audit", "checkpoint", "--note").stdout
    note = NoteCheckpoint.loads(text)
    assert (note.origin, note.tree_size) == ("madoguchi.example/audit", head)
    name, kind, key = parse_vkey(cli("audit", "public-key", "--vkey").stdout)
    assert (name, kind, key) == (note.origin, ED25519, container.audit.signer.public_key_raw())
    (files / "cp.note").write_text(text)
    assert cli("audit", "verify", "--checkpoint", files / "cp.note").stdout.startswith("intact")


def test_seal_on_a_chained_store_has_nothing_to_do_and_refuses_forged_rows(cli, container, clock, settings):
    head = fill(container, clock)
    assert "nothing to seal" in cli("audit", "seal").stdout
    Insider(settings).forge_next_version(like=head)
    result = cli("audit", "seal", code=1)
    assert "not written by madoguchi" in result.output
    assert f"first bad position {head + 1}" in cli("audit", "verify", code=1).stdout


def test_consistency_between_two_checkpoints_online_and_offline(cli, container, clock, settings, files: Path):
    fill(container, clock)
    cli("audit", "checkpoint", "--note", "--out", files / "old.note")
    populate(container, clock, 1)
    cli("audit", "checkpoint", "--out", files / "new.json")
    cli("audit", "public-key", "--out", files / "city.pem")
    result = cli("audit", "consistency", files / "old.note", files / "new.json", "--out", files / "p.json")
    assert "OK: the log of" in result.output
    proof = json.loads((files / "p.json").read_text())
    cli("audit", "consistency", files / "old.note", files / "new.json", "--proof", files / "p.json",
        "--public-key", files / "city.pem")
    proof["proof"][0] = "00" * 32
    (files / "bad.json").write_text(json.dumps(proof))
    cli("audit", "consistency", files / "old.note", files / "new.json", "--proof", files / "bad.json",
        "--public-key", files / "city.pem", code=1)
    cli("audit", "consistency", files / "new.json", files / "old.note", code=1)  # truncated: no proof
    cli("audit", "consistency", files / "old.note", files / "new.json", "--proof", files / "bad.json",
        code=2)  # offline needs the key
    (files / "broken.note").write_text("not a note")
    cli("audit", "consistency", files / "broken.note", files / "new.json", code=2)
