"""``madoguchi sandbox-provider``: run the sandbox payment provider
(``infra/sandbox_provider``), a separate small service for development."""

from __future__ import annotations

from typing import Annotated

import typer


def sandbox_provider(
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8900,
    host: Annotated[str, typer.Option(help="Bind address")] = "127.0.0.1",
    webhook_url: Annotated[str, typer.Option(help="Our webhook receiver")] = (
        "http://127.0.0.1:8000/webhooks/payments"),
    secret: Annotated[str, typer.Option(
        help="HMAC secret for webhook signatures (one of MADOGUCHI_PAYMENT_WEBHOOK_SECRETS)",
        envvar="MADOGUCHI_SANDBOX_WEBHOOK_SECRET")] = "whsec_sandbox_development",
    api_key: Annotated[str | None, typer.Option(
        help="API key callers must send (MADOGUCHI_PAYMENT_PROVIDER_API_KEY on our side)")] = None,
    max_attempts: Annotated[int, typer.Option(help="Webhook delivery attempts before giving up")] = 8,
) -> None:
    """Serve the sandbox payment provider (checkouts, simulated payments, signed
    webhooks with retries, refunds, settlement CSV). Point the API at it with
    MADOGUCHI_PAYMENT_PROVIDER_URL=http://HOST:PORT."""
    import uvicorn

    from infra.sandbox_provider import Sandbox, WebhookDispatcher, create_app

    dispatcher = WebhookDispatcher(webhook_url, secret, max_attempts=max_attempts)
    sandbox = Sandbox(dispatcher, api_key=api_key, public_url=f"http://{host}:{port}")
    dispatcher.start()
    typer.echo(f"sandbox provider on http://{host}:{port} → webhooks to {webhook_url}")
    try:
        uvicorn.run(create_app(sandbox), host=host, port=port, log_level="info")
    finally:
        dispatcher.stop()
