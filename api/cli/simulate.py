"""``madoguchi simulate``: replay arrivals and a window plan through the real
commands on a throw-away SQLite store with a simulated clock, record the wait
prediction held right after each issue, and score it against QL and LES."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from api.composition import build_container
from application.counter.simulation import scenarios
from application.counter.simulation.driver import Predicted, drive, write_predictions
from application.counter.simulation.metrics import Accuracy, Row, evaluate, table
from application.counter.simulation.rules import read_arrivals, read_windows, schedule
from application.projection.engine import ProjectionEngine
from application.projection.reading import read_session
from infra.clock import ManualClock
from infra.settings import Settings
from projections.counter.wait_prediction import WaitPredictions, ticket_prediction

app = typer.Typer(help="Simulate a counter day and measure wait predictions", invoke_without_command=True)
console = Console()


def run(arrivals: Path, windows: Path) -> tuple[list[Row], list[Accuracy]]:
    plan = schedule(read_arrivals(arrivals), read_windows(windows))
    start = min((a.at for a in plan.actions), default=None)
    if start is None:
        return [], evaluate([])
    clock = ManualClock(start)
    with tempfile.TemporaryDirectory(prefix="madoguchi-sim-") as tmp:
        settings = Settings(env="test", data_dir=Path(tmp), database_url=None, master_key=None)
        container = build_container(settings, clock=clock)
        try:
            projection = WaitPredictions()
            engine = ProjectionEngine(container.log, container.views, [projection], clock)
            engine.ensure_schema()

            def prediction(visit_id: str) -> Predicted | None:
                with read_session(container.views, [projection]) as session:
                    p = ticket_prediction(session, visit_id)
                return None if p is None else Predicted(p.predicted_minutes, p.low_minutes, p.high_minutes)

            rows = drive(plan, container.visits, container.catalogue, clock.set, engine.catch_up, prediction)
        finally:
            container.close()
    return rows, evaluate(rows)


@app.callback()
def simulate(
    ctx: typer.Context,
    arrivals: Annotated[Path | None, typer.Option(help="ARRIVALS.csv", exists=True, dir_okay=False)] = None,
    windows: Annotated[Path | None, typer.Option(help="WINDOWS.csv", exists=True, dir_okay=False)] = None,
    out: Annotated[Path | None, typer.Option(help="PREDICTIONS.csv to write")] = None,
) -> None:
    """Run ARRIVALS.csv through WINDOWS.csv; write PREDICTIONS.csv and print the accuracy."""
    if ctx.invoked_subcommand is not None:
        return
    if arrivals is None or windows is None or out is None:
        raise typer.BadParameter("--arrivals, --windows and --out are required")
    rows, results = run(arrivals, windows)
    write_predictions(out, rows)
    console.print(table(results), markup=False)


@app.command("scenario")
def scenario(
    name: Annotated[str, typer.Argument(help=", ".join(scenarios.SCENARIOS))],
    out_dir: Annotated[Path, typer.Option(help="Directory for ARRIVALS.csv and WINDOWS.csv")],
    scale: Annotated[float, typer.Option(help="Thin arrivals and windows (0 < scale ≤ 1)")] = 1.0,
) -> None:
    """Write a shipped scenario (deterministic)."""
    if name not in scenarios.SCENARIOS:
        raise typer.BadParameter(f"unknown scenario; one of {', '.join(scenarios.SCENARIOS)}")
    for path in scenarios.write(scenarios.SCENARIOS[name], out_dir, scale):
        console.print(str(path))
