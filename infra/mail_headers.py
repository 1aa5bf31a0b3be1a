"""RFC 2047 header encoding for applicant mail: :data:`POLICY`, the e-mail policy
of every message :func:`infra.mail.build_message` makes.

Python's own folding (``email.policy.default``) can make an encoded-word of 76
characters for a long Japanese subject (RFC 2047 §2 allows 75), which strict
mail software rejects or shows undecoded. So a non-ASCII Subject, and the
non-ASCII display name of an address (``MADOGUCHI_MAIL_FROM`` may be
``下野市役所 <madoguchi@…>``), are encoded here: UTF-8, base64 ("B"), cut at
character boundaries (never inside a UTF-8 sequence, RFC 2047 §5) into
encoded-words of at most 75 characters, one per line, so that no line is longer
than 76 (the header name included). Whitespace between encoded-words is not
part of the text when decoded: the header decodes to exactly the original.
Every other header, and an ASCII subject, is folded by the standard policy.
"""

from __future__ import annotations

import base64
from email.headerregistry import AddressHeader
from email.policy import EmailPolicy
from typing import Any

MAX_ENCODED_WORD = 75  # RFC 2047 §2
MAX_LINE = 76  # RFC 2047 §2: a header line with encoded-words
_PREFIX, _SUFFIX = "=?UTF-8?B?", "?="
UNSTRUCTURED = ("subject",)


def _fits(chunk: str, limit: int) -> bool:
    return len(_PREFIX) + 4 * -(-len(chunk.encode("utf-8")) // 3) + len(_SUFFIX) <= limit


def _word(chunk: str) -> str:
    return _PREFIX + base64.b64encode(chunk.encode("utf-8")).decode("ascii") + _SUFFIX


def encoded_words(text: str, first_limit: int = MAX_ENCODED_WORD) -> list[str]:
    """``text`` as encoded-words; the first no longer than ``first_limit`` (room left
    on the header's first line), the others no longer than 75."""
    words, chunk, limit = [], "", first_limit
    for ch in text:
        if chunk and not _fits(chunk + ch, limit):
            words.append(_word(chunk))
            chunk, limit = "", MAX_ENCODED_WORD
        chunk += ch
    return [*words, _word(chunk)] if chunk or not words else words


def _fold_words(name: str, text: str, tail: str, linesep: str) -> str:
    """``name: <encoded text>tail`` with one encoded-word per line."""
    words = encoded_words(text, min(MAX_ENCODED_WORD, MAX_LINE - len(name) - 2))
    lines = [f"{name}: {words[0]}", *(f" {w}" for w in words[1:])]
    if tail:
        if len(lines[-1]) + len(tail) <= MAX_LINE:
            lines[-1] += tail
        else:
            lines.append(f" {tail.lstrip()}")
    return linesep.join(lines) + linesep


def _fold_addresses(name: str, value: AddressHeader, linesep: str) -> str:
    parts = []
    for i, address in enumerate(value.addresses):
        separator = "," if i < len(value.addresses) - 1 else ""
        if address.display_name.isascii():
            parts.append(f"{name}: {address}{separator}{linesep}" if not parts else f" {address}{separator}{linesep}")
            continue
        folded = _fold_words(name, address.display_name, f" <{address.addr_spec}>{separator}", linesep)
        parts.append(folded if not parts else " " + folded.split(": ", 1)[1])
    return "".join(parts)


class Rfc2047Policy(EmailPolicy):
    """``email.policy.SMTP`` (CRLF) with the encoding above for non-ASCII text."""

    def _ours(self, name: str, value: Any) -> str | None:
        if name.lower() in UNSTRUCTURED and not str(value).isascii():
            return _fold_words(name, str(value), "", self.linesep)
        if isinstance(value, AddressHeader) and not str(value).isascii() and value.addresses \
                and all(a.addr_spec.isascii() for a in value.addresses):
            return _fold_addresses(name, value, self.linesep)
        return None

    def fold(self, name: str, value: Any) -> str:
        return self._ours(name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: Any) -> bytes:
        ours = self._ours(name, value)
        return ours.encode("ascii") if ours is not None else super().fold_binary(name, value)


POLICY = Rfc2047Policy(linesep="\r\n")
