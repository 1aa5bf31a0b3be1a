"""``madoguchi payments sweep|reconcile`` and ``sandbox-provider`` on the command line."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from api.cli import app
from tests.shared.test_api_cli import env  # noqa: F401 — the CLI's environment fixture


def invoke(env: dict[str, str], monkeypatch, *args: str):  # noqa: F811
    monkeypatch.delenv("MADOGUCHI_DATABASE_URL", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return CliRunner().invoke(app, list(args))


def test_sweep_and_reconcile_from_the_command_line(env, monkeypatch, tmp_path):  # noqa: F811
    swept = invoke(env, monkeypatch, "payments", "sweep")
    assert swept.exit_code == 0, swept.output
    assert json.loads(swept.output) == {"checked": 0, "polled": 0, "unreachable": 0, "expired": 0,
                                        "changed": {}}
    settlement = tmp_path / "2026-04-01.csv"
    settlement.write_text("settled_on,type,provider_payment_id,reference,amount\n"
                          "2026-04-01,payment,sbx_x,ref,300\n2026-04-01,refund,sbx_x,ref,-100\n")
    result = invoke(env, monkeypatch, "payments", "reconcile", "--date", "2026-04-01",
                    "--settlement", str(settlement))
    assert result.exit_code == 1, result.output  # not balanced
    report = json.loads(result.output)
    assert [line["provider_payment_id"] for line in report["missing_in_ledger"]] == ["sbx_x"]
    assert report["refund_rows"] == 1 and report["balanced"] is False
    settlement.write_text("nonsense\n")
    assert invoke(env, monkeypatch, "payments", "reconcile", "--date", "2026-04-01",
                  "--settlement", str(settlement)).exit_code == 2


def test_sandbox_provider_command_is_registered():
    result = CliRunner().invoke(app, ["sandbox-provider", "--help"])
    assert result.exit_code == 0 and "--webhook-url" in result.output and "--port" in result.output
