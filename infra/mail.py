"""Mail adapters of the ``MailSender`` port.

- :class:`SmtpMailSender` for ``MADOGUCHI_SMTP_URL``:
  ``smtp://[user:pass@]host[:port][?starttls=true&timeout=10]`` or
  ``smtps://…`` (TLS from the start, default port 465).
- :class:`EmlDirectoryMailSender`, the default without an SMTP URL: each mail
  is written as an RFC 5322 ``.eml`` file under ``<data_dir>/mail``.

Both build the same message (:func:`build_message`): UTF-8, MIME headers,
the Japanese subject encoded-word encoded. Errors are raised as
``MailUndeliverable`` with a message that names no address.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, localtime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from application.shared.ports import MailUndeliverable

_TRUE = ("1", "true", "yes", "on")


def build_message(*, sender: str, recipient: str, subject: str, body: str, message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject  # non-ASCII: RFC 2047 encoded-words on output
    message["Date"] = format_datetime(localtime())
    message["Message-ID"] = f"<{message_id}>"
    message.set_content(body, charset="utf-8")
    return message


class SmtpMailSender:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("MADOGUCHI_SMTP_URL must be smtp://host[:port] or smtps://host[:port]")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.tls = parts.scheme == "smtps"
        self.starttls = query.get("starttls", "").lower() in _TRUE
        self.host = parts.hostname
        self.port = parts.port or (465 if self.tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = float(query.get("timeout", "10"))

    def __repr__(self) -> str:  # never the password
        return f"SmtpMailSender({'smtps' if self.tls else 'smtp'}://{self.host}:{self.port})"

    def send(self, *, sender: str, recipient: str, subject: str, body: str, message_id: str) -> None:
        message = build_message(sender=sender, recipient=recipient, subject=subject, body=body,
                                message_id=message_id)
        try:
            smtp: smtplib.SMTP
            if self.tls:
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused:
            raise MailUndeliverable("SMTP: recipient refused") from None
        except smtplib.SMTPResponseException as e:
            raise MailUndeliverable(f"SMTP: {e.smtp_code} {type(e).__name__}") from None
        except smtplib.SMTPException as e:
            raise MailUndeliverable(f"SMTP: {type(e).__name__}") from None
        except (OSError, ssl.SSLError) as e:
            raise MailUndeliverable(f"SMTP server unreachable: {type(e).__name__}") from None


class EmlDirectoryMailSender:
    """Writes each mail to ``<directory>/<message id>.eml`` (atomically)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def send(self, *, sender: str, recipient: str, subject: str, body: str, message_id: str) -> None:
        message = build_message(sender=sender, recipient=recipient, subject=subject, body=body,
                                message_id=message_id)
        name = "".join(c if c.isalnum() or c in "-." else "_" for c in message_id) + ".eml"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = self.directory / f".{name}.tmp"
            tmp.write_bytes(message.as_bytes())
            os.replace(tmp, self.directory / name)
        except OSError as e:
            raise MailUndeliverable(f"cannot write the mail file: {type(e).__name__}") from None
