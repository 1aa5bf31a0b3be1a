"""Keeps individual numbers (個人番号) out of every log line.

Inputs holding one are refused before they reach an event, and errors never
echo what was typed; this is the last line of defence for anything else that
might be logged (an exception message, a third-party library's log line): every
log record's message, arguments and traceback text are redacted when the record
is made, whichever handler or formatter writes it later."""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any

from domain.privacy.individual_number import redact_individual_numbers

_lock = threading.Lock()
_installed = False


def _redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep the record as it is
        return
    redacted = redact_individual_numbers(message)
    if redacted != message:
        record.msg, record.args = redacted, None
    if record.exc_info and not record.exc_text:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if (clean := redact_individual_numbers(text)) != text:
            record.exc_text = clean  # formatters use it instead of the traceback
    if record.stack_info:
        record.stack_info = redact_individual_numbers(record.stack_info)


def install() -> None:
    """Wrap the log record factory once per process (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            _redact_record(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
