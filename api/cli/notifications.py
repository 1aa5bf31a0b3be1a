"""``madoguchi notifications send-due``: send the applicant e-mails that are due
(queued, or failed and past their back-off) and record each outcome. ``serve``
also does this every MADOGUCHI_MAIL_SEND_INTERVAL seconds; run this where
``serve`` does not apply projections, or from cron. Prints one JSON line per round."""

from __future__ import annotations

import json
import time
from typing import Annotated

import typer

from api.applications.notification_jobs import run_send_due

app = typer.Typer(help="Applicant notifications (e-mail outbox).", no_args_is_help=True)


@app.command("send-due")
def send_due_command(
    every: Annotated[float | None, typer.Option(help="Repeat every SECONDS until stopped")] = None,
) -> None:
    """Send due notifications through MADOGUCHI_SMTP_URL (default: .eml files under the data dir)."""
    from api.cli import open_container

    container = open_container()
    try:
        while True:
            print(json.dumps(run_send_due(container), ensure_ascii=False))
            if not every:
                return
            time.sleep(every)
    finally:
        container.close()
