"""The simulation harness: the service rule on hand-made cases, QL and LES as
defined, the CSV formats, and our predictor against QL and LES on every shipped
scenario (through the real commands and the live projection)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.cli.simulate import run
from application.counter.simulation import scenarios
from application.counter.simulation.driver import PREDICTION_HEADER
from application.counter.simulation.rules import (
    ARRIVAL_HEADER,
    WINDOW_HEADER,
    SimulationInputError,
    read_arrivals,
    read_windows,
    schedule,
)

DAY = "2026-04-01"


def write(tmp_path: Path, arrivals: list[str], windows: list[str]) -> tuple[Path, Path]:
    a, w = tmp_path / "ARRIVALS.csv", tmp_path / "WINDOWS.csv"
    a.write_text("\n".join([",".join(ARRIVAL_HEADER), *arrivals]) + "\n", encoding="utf-8")
    w.write_text("\n".join([",".join(WINDOW_HEADER), *windows]) + "\n", encoding="utf-8")
    return a, w


def plan(tmp_path: Path, arrivals: list[str], windows: list[str]):
    a, w = write(tmp_path, arrivals, windows)
    return schedule(read_arrivals(a), read_windows(w))


def t(hm: str) -> str:
    return f"{DAY}T{hm}:00"


def waits(p) -> dict[str, float | None]:
    return {k: o.actual_minutes for k, o in p.outcomes.items()}


def test_priority_first_then_arrival(tmp_path: Path) -> None:
    p = plan(tmp_path, [
        f"a,q,{t('09:00')},x,0,10", f"b,q,{t('09:01')},x,0,5", f"c,q,{t('09:02')},x,1,5",
        f"d,q,{t('09:02')},x,0,5",
    ], [f"q,1,{t('09:00')},{t('12:00')}"])
    assert waits(p) == {"a": 0.0, "c": 8.0, "b": 14.0, "d": 18.0}


def test_completion_before_arrival_before_assignment_at_equal_times(tmp_path: Path) -> None:
    # a ends at 09:10 exactly when b arrives: b is served at once (wait 0); c, arriving
    # at 09:10 too but later in the file, waits for b
    p = plan(tmp_path, [f"a,q,{t('09:00')},x,0,10", f"b,q,{t('09:10')},x,0,5",
                        f"c,q,{t('09:10')},x,0,5"], [f"q,1,{t('09:00')},{t('12:00')}"])
    assert waits(p) == {"a": 0.0, "b": 0.0, "c": 5.0}
    kinds = [(a.at.strftime("%H:%M"), a.kind, a.ticket) for a in p.actions if a.at.minute == 10]
    assert kinds == [("09:10", "complete", "a"), ("09:10", "arrive", "b"), ("09:10", "arrive", "c"),
                     ("09:10", "start", "b")]


def test_window_opening_at_an_arrival_serves_it(tmp_path: Path) -> None:
    p = plan(tmp_path, [f"a,q,{t('08:50')},x,0,5", f"b,q,{t('09:00')},x,0,5"],
             [f"q,1,{t('09:00')},{t('12:00')}"])
    assert waits(p) == {"a": 10.0, "b": 5.0}


def test_a_service_runs_past_close_and_breaks_pause_the_window(tmp_path: Path) -> None:
    p = plan(tmp_path, [f"a,q,{t('11:55')},x,0,20", f"b,q,{t('11:56')},x,0,5",
                        f"c,q,{t('13:00')},x,0,5"],
             [f"q,1,{t('09:00')},{t('12:00')}", f"q,1,{t('13:00')},{t('17:00')}"])
    assert waits(p) == {"a": 0.0, "b": 64.0, "c": 5.0}  # b waits for the break; a ran to 12:15


def test_a_ticket_never_served_has_no_actual(tmp_path: Path) -> None:
    p = plan(tmp_path, [f"a,q,{t('09:00')},x,0,30", f"b,q,{t('09:10')},x,0,5"],
             [f"q,1,{t('09:00')},{t('09:20')}"])
    assert waits(p) == {"a": 0.0, "b": None}


def test_ql_and_les_as_defined(tmp_path: Path) -> None:
    p = plan(tmp_path, [
        f"a,q,{t('09:00')},x,0,4", f"b,q,{t('09:00')},x,0,8",  # both served at once (2 windows)
        f"c,q,{t('09:01')},x,0,6",  # both busy, k=0, no service done yet: m=10, c=2
        f"d,q,{t('09:05')},x,0,6",  # a done at 09:04 -> c served; k=0, m=4, c=2; LES = c's 3
        f"e,q,{t('09:20')},x,0,6",  # a window is free: 0
    ], [f"q,1,{t('09:00')},{t('12:00')}", f"q,2,{t('09:00')},{t('12:00')}"])
    ql = {k: o.ql for k, o in p.outcomes.items()}
    les = {k: o.les for k, o in p.outcomes.items()}
    assert ql["a"] == 0 and ql["b"] == 0  # window free
    assert ql["c"] == pytest.approx(1 * 10 / 2)
    assert ql["d"] == pytest.approx(1 * 4 / 2)
    assert ql["e"] == 0
    assert les["c"] == 0 and les["d"] == pytest.approx(3.0)


def test_input_formats_are_checked(tmp_path: Path) -> None:
    a, _ = write(tmp_path, [f"a,q,{t('09:00')},x,2,5"], [f"q,1,{t('09:00')},{t('12:00')}"])
    with pytest.raises(SimulationInputError):
        read_arrivals(a)
    (tmp_path / "bad.csv").write_text("queue,window,open\n", encoding="utf-8")
    with pytest.raises(SimulationInputError):
        read_windows(tmp_path / "bad.csv")


def test_cli_writes_predictions_through_the_real_commands(tmp_path: Path) -> None:
    a, w = write(tmp_path, [f"a,q,{t('09:00')},x,0,10", f"b,q,{t('09:01')},x,1,5",
                            f"c,q,{t('09:02')},y,0,5", f"d,q,{t('11:00')},x,0,5"],
                 [f"q,1,{t('09:00')},{t('10:00')}"])
    out = tmp_path / "PREDICTIONS.csv"
    result = CliRunner().invoke(app, ["simulate", "--arrivals", str(a), "--windows", str(w),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "MAE" in result.output and "QL" in result.output and "LES" in result.output
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == PREDICTION_HEADER
    by_ticket = {r[0]: r for r in rows[1:]}
    assert by_ticket["a"][4] == "0.00" and by_ticket["b"][4] == "9.00" and by_ticket["c"][4] == "13.00"
    assert by_ticket["d"][4] == ""  # the window closed at 10:00 for good
    assert float(by_ticket["b"][1]) == pytest.approx(9.0, abs=0.01)  # a's 10 minutes, 1 elapsed
    assert all(float(r[2]) <= float(r[1]) <= float(r[3]) for r in rows[1:])


def test_scenario_generator_is_deterministic(tmp_path: Path) -> None:
    runner = CliRunner()
    for d in ("one", "two"):
        result = runner.invoke(app, ["simulate", "scenario", "normal", "--out-dir", str(tmp_path / d)])
        assert result.exit_code == 0, result.output
    for name in ("ARRIVALS.csv", "WINDOWS.csv"):
        assert (tmp_path / "one" / name).read_text() == (tmp_path / "two" / name).read_text()


@pytest.mark.parametrize("name", list(scenarios.SCENARIOS))
def test_our_predictor_beats_ql_and_les(tmp_path: Path, name: str) -> None:
    a, w = scenarios.write(scenarios.SCENARIOS[name], tmp_path)
    _, (ours, ql, les) = run(a, w)
    assert ours.n > 100
    assert ours.mae <= 0.85 * min(ql.mae, les.mae), (ours, ql, les)
