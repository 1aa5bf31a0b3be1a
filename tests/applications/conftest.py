"""Fixtures for the notification tests: a real SMTP server (aiosmtpd) on a free
loopback port, collecting what it receives, and a sender that can be told to fail."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from application.shared.ports import MailUndeliverable


class Inbox:
    """aiosmtpd handler: keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd calls it by this name
        parsed = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, Inbox]]:
    """``(smtp://127.0.0.1:PORT, inbox)`` of a real SMTP server running for the test."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", inbox
    finally:
        controller.stop()


class FlakySender:
    """Fails the next ``failures`` sends, then delivers into ``sent``."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.sent: list[dict[str, str]] = []

    def send(self, **mail: str) -> None:
        if self.failures:
            self.failures -= 1
            raise MailUndeliverable("SMTP server unreachable: ConnectionRefusedError")
        self.sent.append(mail)
