"""Personal data (個人情報) as a value type.

Applicants' names and e-mail addresses, and every answer to a form field marked
``personal`` (names, addresses, birth dates, phone numbers, free text about a
person), never travel through the domain as bare strings: they are wrapped in
:class:`PersonalData`, tagged with the data subject they belong to. The event
transcoder (infra) recognises the type, so per-subject encryption and
crypto-shredding plug in there without touching any aggregate.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

ERASED_LABEL_JA = "[消去済み]"


@dataclass(frozen=True)
class PersonalData:
    """A personal value and the data subject it belongs to.

    ``value`` is JSON-compatible (str, number, bool, list or dict of those).
    ``subject`` identifies the data's key: ``application:<id>`` for everything
    an application holds; keys are kept per subject. ``owner`` is the signed-in
    citizen (``citizen:<sub>``) the subject belongs to, if any: it is recorded
    with the key when the key is made (not stored in events), so forgetting the
    citizen shreds the keys of everything they own. It takes no part in equality.
    """

    subject: str
    value: Any
    erased: bool = False
    owner: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.subject:
            raise ValueError("personal data needs a data subject")

    def __repr__(self) -> str:  # never leak the value into logs or tracebacks
        state = "erased" if self.erased else "***"
        return f"PersonalData(subject={self.subject!r}, value={state})"

    __str__ = __repr__

    def reveal(self) -> Any:
        """The plain value, or the erased label when the subject's key is gone."""
        return ERASED_LABEL_JA if self.erased else self.value

    @classmethod
    def erased_for(cls, subject: str) -> PersonalData:
        return cls(subject=subject, value=None, erased=True)


def reveal(value: Any) -> Any:
    """Reveal personal values anywhere inside a JSON-like structure."""
    if isinstance(value, PersonalData):
        return value.reveal()
    if isinstance(value, dict):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [reveal(v) for v in value]
    return value


def with_owner(value: Any, owner: str | None) -> Any:
    """``value`` with every personal value inside it marked as owned by ``owner``."""
    if owner is None:
        return value
    if isinstance(value, PersonalData):
        return replace(value, owner=owner)
    if isinstance(value, dict):
        return {k: with_owner(v, owner) for k, v in value.items()}
    if isinstance(value, list):
        return [with_owner(v, owner) for v in value]
    if isinstance(value, tuple):
        return tuple(with_owner(v, owner) for v in value)
    return value


def contains_personal(value: Any) -> bool:
    if isinstance(value, PersonalData):
        return True
    if isinstance(value, dict):
        return any(contains_personal(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_personal(v) for v in value)
    return False
