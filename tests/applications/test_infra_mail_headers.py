"""Applicant mail headers follow RFC 2047 (infra/mail_headers.py): every encoded-word
is at most 75 characters and every line with one at most 76, for long Japanese
subjects and for every subject the notification templates make for the demo
catalogue's procedures, in the message as built, written to a .eml file and
received over SMTP; and the subject decodes back to exactly the original."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from application.applications.notification_templates import STATUS_TEMPLATES, render
from application.demo.catalogue import PROCEDURES
from domain.applications.notifications import NotificationKind
from infra.mail import EmlDirectoryMailSender, SmtpMailSender, build_message
from tests.applications.conftest import Inbox

LONG = "【中小企業振興補助金（店舗改装・販路開拓）の申請】申請を受け付けました"
ENCODED_WORD = re.compile(rb"=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=")
SENDER = "madoguchi@example.lg.jp"


def _raw(subject: str, sender: str = SENDER) -> bytes:
    return build_message(sender=sender, recipient="hanako@example.jp", subject=subject, body="本文",
                         message_id="n-1@madoguchi").as_bytes()


def _headers(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[0]


def assert_rfc_2047_clean(raw: bytes, subject: str) -> None:
    head = _headers(raw)
    words = ENCODED_WORD.findall(head)
    assert words, "a Japanese subject is encoded"
    assert max(len(w) for w in words) <= 75, [w for w in words if len(w) > 75]
    assert max(len(line) for line in head.split(b"\r\n") if ENCODED_WORD.search(line)) <= 76
    assert head.isascii()
    assert message_from_bytes(raw, policy=policy.default)["Subject"] == subject
    folded = re.search(rb"^Subject: (.*?)\r\n(?=\S)", head + b"\r\nX", re.S | re.M)
    assert folded is not None
    assert str(make_header(decode_header(folded[1].decode("ascii")))) == subject  # RFC 2047 §6.2 decoding


def _every_template_subject() -> list[str]:
    subjects = []
    for procedure in PROCEDURES:
        for kind, template in [(NotificationKind.EMAIL_CONFIRMATION, "email_confirmation"),
                               *((NotificationKind.STATUS_CHANGED, s.value) for s in STATUS_TEMPLATES)]:
            subjects.append(render(kind, template, procedure_name_ja=procedure["name_ja"], application_id="a-1",
                                   confirmation_link="https://example.lg.jp/c", expires_ja="4月2日 9:30").subject)
    return subjects


def test_a_long_japanese_subject_is_encoded_in_words_of_at_most_75_characters() -> None:
    assert_rfc_2047_clean(_raw(LONG), LONG)


def test_every_subject_the_templates_make_for_the_demo_catalogue_is_clean() -> None:
    subjects = _every_template_subject()
    assert len(subjects) == len(PROCEDURES) * (len(STATUS_TEMPLATES) + 1)
    assert LONG in subjects
    for subject in subjects:
        assert_rfc_2047_clean(_raw(subject), subject)


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=160)
       .filter(lambda s: not s.isascii() and s == s.strip()))
def test_any_non_ascii_subject_round_trips_within_the_limits(subject: str) -> None:
    assert_rfc_2047_clean(_raw(subject), subject)


def test_a_long_japanese_display_name_of_the_sender_is_encoded_within_the_limits() -> None:
    name = "下野市役所 行かない・待たない・書かない窓口 総合案内"
    head = _headers(_raw("件名", sender=f"{name} <{SENDER}>"))
    assert max(len(w) for w in ENCODED_WORD.findall(head)) <= 75
    folded = re.search(rb"^From: (.*?)\r\n(?=\S)", head, re.S | re.M)
    assert folded is not None
    assert str(make_header(decode_header(folded[1].decode("ascii")))) == f"{name} <{SENDER}>"


def test_the_mail_file_keeps_the_encoding(tmp_path: Path) -> None:
    EmlDirectoryMailSender(tmp_path).send(sender=SENDER, recipient="hanako@example.jp", subject=LONG,
                                          body="本文", message_id="n-2@madoguchi")
    (written,) = tmp_path.glob("*.eml")
    assert_rfc_2047_clean(written.read_bytes(), LONG)


def test_the_mail_received_over_smtp_keeps_the_encoding(smtp_server: tuple[str, Inbox]) -> None:
    url, inbox = smtp_server
    SmtpMailSender(url).send(sender=SENDER, recipient="hanako@example.jp", subject=LONG, body="本文",
                             message_id="n-3@madoguchi")
    (_, _, received), = inbox.messages
    assert received["Subject"] == LONG
    assert_rfc_2047_clean(inbox.raw[0], LONG)
