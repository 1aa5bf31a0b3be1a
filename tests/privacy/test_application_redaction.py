"""The last lines of defence: no individual number reaches a log line or an
event's metadata, whatever logs it or sends it."""

from __future__ import annotations

import logging

from domain.shared.context import EventMeta
from infra import log_redaction
from infra.transcodings import EventMetaAsDict

NUMBER = "123456789018"


def test_log_records_are_redacted_whoever_logs_them(caplog):
    log_redaction.install()
    log_redaction.install()  # idempotent
    logger = logging.getLogger("some.library")
    with caplog.at_level(logging.DEBUG):
        logger.warning("value %s rejected", f"番号{NUMBER}")
        logger.info("plain %s %d", "text", 5)
        try:
            raise ValueError(f"bad input 1234 5678 9018 in {NUMBER}")
        except ValueError:
            logger.exception("failed")
    assert NUMBER not in caplog.text and "9018" not in caplog.text
    assert "value 番号[個人番号] rejected" in caplog.text
    assert "plain text 5" in caplog.text
    assert "bad input [個人番号] in [個人番号]" in caplog.text
    [plain] = [r for r in caplog.records if r.getMessage() == "plain text 5"]
    assert plain.args == ("text", 5)  # untouched when there is nothing to redact


def test_request_ids_holding_one_are_redacted_in_event_metadata():
    encoded = EventMetaAsDict().encode(
        EventMeta("citizen-1", "citizen", None, f"cid-{NUMBER}", NUMBER))
    assert encoded["cid"] == "cid-[個人番号]" and encoded["rid"] == "[個人番号]"
    plain = EventMetaAsDict().encode(EventMeta("citizen-1", "citizen", None, "abc", None))
    assert (plain["cid"], plain["rid"]) == ("abc", None)
