"""``madoguchi notifications send-due`` on the storage the tests use (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.builders import answers, citizen, ctx, setup_procedure
from tests.shared.test_api_cli import env, run  # noqa: F401 — the CLI fixture and runner


def test_send_due_sends_queued_mail_and_prints_a_report(env, monkeypatch, container, clock, settings):  # noqa: F811
    setup_procedure(container, clock)
    container.applications.submit(ctx(clock, citizen()), procedure_code="jumin-hyo", channel="online",
                                  applicant_name="下野 花子", answers=answers(), contact_email="hanako@example.jp")
    container.engine.catch_up()  # the notification process has queued it
    output = run(env, "notifications", "send-due", monkeypatch=monkeypatch)
    assert json.loads(output.strip().splitlines()[-1]) == {"checked": 1, "sent": 1, "failed": 0, "abandoned": 0}
    assert len(list(Path(settings.data_dir, "mail").glob("*.eml"))) == 1
    again = run(env, "notifications", "send-due", monkeypatch=monkeypatch)
    assert json.loads(again.strip().splitlines()[-1])["checked"] == 0
