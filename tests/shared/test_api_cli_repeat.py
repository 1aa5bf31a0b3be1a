"""``--every``: a repeating command prints one JSON line per round and closes
its container however it stops."""

from __future__ import annotations

import json

from api.cli.repeat import run_every


class Closable:
    closed = False

    def close(self) -> None:
        self.closed = True


def test_without_every_the_step_runs_once_and_the_container_is_closed(capsys):
    box = Closable()
    run_every(None, lambda c: {"sent": 1}, lambda: box)
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == [{"sent": 1}]
    assert box.closed


def test_with_every_the_step_repeats_until_interrupted_and_the_container_is_closed(capsys):
    box = Closable()
    rounds = []

    def step(container):
        rounds.append(container)
        if len(rounds) == 3:
            raise KeyboardInterrupt
        return {"round": len(rounds), "名前": "市民課"}

    run_every(0.001, step, lambda: box)
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == [{"round": 1, "名前": "市民課"}, {"round": 2, "名前": "市民課"}]
    assert "市民課" in lines[0]  # UTF-8, not \\u escapes
    assert rounds == [box, box, box] and box.closed


def test_a_failing_round_still_closes_the_container():
    box = Closable()

    def step(container):
        raise RuntimeError("provider down")

    try:
        run_every(0.001, step, lambda: box)
    except RuntimeError:
        pass
    assert box.closed
