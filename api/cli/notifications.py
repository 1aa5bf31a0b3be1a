"""``madoguchi notifications send-due``: send the applicant e-mails that are due
(queued, or failed and past their back-off) and record each outcome. ``serve``
also does this every MADOGUCHI_MAIL_SEND_INTERVAL seconds; run this where
``serve`` does not apply projections, or from cron. Prints one JSON line per round."""

from __future__ import annotations

import typer

from api.applications.notification_jobs import run_send_due
from api.cli.repeat import Every, run_every

app = typer.Typer(help="Applicant notifications (e-mail outbox).", no_args_is_help=True)


@app.command("send-due")
def send_due_command(every: Every = None) -> None:
    """Send due notifications through MADOGUCHI_SMTP_URL (default: .eml files under the data dir)."""
    from api.cli import open_container

    run_every(every, run_send_due, open_container)
