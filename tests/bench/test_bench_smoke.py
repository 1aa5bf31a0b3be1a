"""The benchmarks keep running: each ``python -m bench.<name> --quick`` with the
smallest sizes finishes and prints its figure, its target and a verdict. No
timing is asserted (these machines are shared and noisy; see docs/benchmarks.md)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
VERDICT = re.compile(r"^(.+): (.+) \(target (.+)\) -> (MET|MISSED)$", re.M)


def run_bench(name: str, *args: str) -> list[tuple[str, ...]]:
    result = subprocess.run(
        [sys.executable, "-m", f"bench.{name}", "--quick", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    verdicts = VERDICT.findall(result.stdout)
    assert verdicts, result.stdout
    return verdicts


def test_rebuild_prints_the_ratio_of_a_full_rebuild_to_raw_read_and_decode(backend):
    [(label, figure, target, _)] = run_bench("rebuild", "--events", "300", "--backend", backend)
    assert "ratio full/raw" in label and float(figure) > 0 and target == ">= 0.5"


def test_write_path_prints_the_ratio_of_api_submissions_to_raw_saves(postgres_available):
    [(label, figure, target, _)] = run_bench("write_path", "--clients", "2", "--seconds", "1")
    assert label == "ratio api/raw" and float(figure) > 0 and target == ">= 0.5"


def test_projection_lag_prints_its_p99(backend):
    [(label, figure, target, _)] = run_bench(
        "projection_lag", "--rate", "20", "--seconds", "1", "--backend", backend)
    assert label == "projection lag p99" and figure.endswith(" ms") and target == "< 100 ms"


def test_query_latency_prints_query_percentiles_and_the_push_to_every_subscriber(backend):
    verdicts = run_bench("query_latency", "--applications", "30", "--clients", "3",
                         "--seconds", "1", "--subscribers", "4", "--backend", backend)
    assert [(label, target) for label, _, target, _ in verdicts] == [
        ("query p95 (worst of the two)", "< 20 ms"), ("push to the last subscriber", "< 200 ms")]


def test_memory_prints_the_api_process_peak_rss(backend):
    [(label, figure, target, _)] = run_bench("memory", "--events", "300", "--backend", backend)
    assert label.startswith("peak RSS") and figure.endswith(" MB") and target == "< 300 MB"


def test_query_throughput_prints_the_ratio_to_a_bare_route_and_the_open_loop_percentiles(postgres_available):
    verdicts = run_bench("query_throughput", "--applications", "30", "--clients", "2", "--seconds", "1",
                         "--rate", "20", "--closed-clients", "2", "--tickets", "2")
    assert [(label, target) for label, _, target, _ in verdicts] == [
        ("ratio graphql/bare", ">= 0.5"), ("open-loop p95", "< 20 ms"), ("open-loop p99", "< 50 ms")]


def test_write_statements_counts_the_round_trips_of_one_submission(postgres_available):
    result = subprocess.run([sys.executable, "-m", "bench.write_statements", "--quick"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert re.search(r"^submitApplication request: \d+ statements = \d+ round trips$", result.stdout, re.M)
