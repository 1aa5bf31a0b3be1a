"""Privacy rules: the individual number (個人番号), data subjects, erasure and retention.

- :func:`contains_individual_number` recognises an individual number (マイナンバー):
  12 digits whose last is the check digit of the first 11, also written with
  full-width digits or with spaces or hyphens between the digits. No input that
  contains one is accepted into an event (the rule ``individual_number``).
- Personal values are tagged with a **data subject**: ``application:<id>`` for
  everything an application holds (so retention can shred one application),
  with the signed-in citizen ``citizen:<sub>`` as its **owner**, so forgetting a
  citizen shreds every application they own.
- :class:`Erasure` records a :class:`SubjectForgotten` event each time keys are
  shredded (an administrator's request, or retention).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any
from uuid import UUID, uuid5

from domain.shared.context import CommandContext
from domain.shared.errors import FieldError, ValidationFailed
from domain.shared.events import Created, RecordedAggregate

INDIVIDUAL_NUMBER_RULE = "individual_number"
REDACTED = "[個人番号]"

# --- the individual number ------------------------------------------------------

_DIGITS = 12
# between two digits of one number: at most three spaces or dash-like characters
# (hyphen, minus, dashes, the prolonged sound mark often typed for a hyphen)
_SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff0d\uff70")
_RUN = re.compile(r"[0-9]+(?:_{1,3}[0-9]+)*")
_GROUP = re.compile(r"[0-9]+")
_ANY_DIGIT = re.compile(r"\d")  # any decimal digit, of any script


def check_digit(first_eleven: str) -> int:
    """The check digit of an individual number from its first 11 digits.

    Pn is the n-th digit counted from the right; Qn = n + 1 for n ≤ 6 and
    n − 5 for n ≥ 7; r = Σ Pn × Qn mod 11; the check digit is 0 when r ≤ 1,
    else 11 − r."""
    if len(first_eleven) != _DIGITS - 1 or not first_eleven.isascii() or not first_eleven.isdigit():
        raise ValueError("need exactly 11 ASCII digits")
    total = 0
    for n, digit in enumerate(reversed(first_eleven), start=1):
        q = n + 1 if n <= 6 else n - 5
        total += int(digit) * q
    r = total % 11
    return 0 if r <= 1 else 11 - r


def is_individual_number(digits: str) -> bool:
    """Whether ``digits`` (exactly 12 ASCII digits) is a valid individual number."""
    return (
        len(digits) == _DIGITS and digits.isascii() and digits.isdigit()
        and check_digit(digits[:-1]) == int(digits[-1])
    )


def _mapped(text: str) -> str:
    """``text`` with every decimal digit (of any script, e.g. full-width) as an
    ASCII digit, every separator as ``_`` and anything else as ``x``: one
    character for one, so positions stay those of ``text``."""
    out = []
    for ch in text:
        d = unicodedata.decimal(ch, None)
        if d is not None:
            out.append(str(d))
        elif ch in _SEPARATORS or ch.isspace():
            out.append("_")
        else:
            out.append("x")
    return "".join(out)


def find_individual_numbers(text: str) -> Iterator[tuple[int, int]]:
    """The (start, end) of each individual number in ``text``.

    A run of digits joined by at most three separators is split into its digit
    groups; any consecutive groups holding exactly 12 digits in all (a single
    group of 12 digits too) are checked. A group of more than 12 digits is not a
    number of 12 digits, so 法人番号 (13 digits) and longer codes are left alone."""
    if len(_ANY_DIGIT.findall(text)) < _DIGITS:  # the usual case, and cheap
        return
    mapped = _mapped(text)
    for run in _RUN.finditer(mapped):
        groups = [(g.start() + run.start(), g.end() + run.start()) for g in _GROUP.finditer(run.group())]
        i = 0
        while i < len(groups):
            found = None
            count = 0
            for j in range(i, len(groups)):
                count += groups[j][1] - groups[j][0]
                if count > _DIGITS:
                    break
                if count == _DIGITS:
                    digits = "".join(mapped[a:b] for a, b in groups[i : j + 1])
                    if is_individual_number(digits):
                        found = j
                    break
            if found is not None:
                yield groups[i][0], groups[found][1]
                i = found + 1
            else:
                i += 1


def contains_individual_number(text: str) -> bool:
    """Whether ``text`` contains an individual number (see :func:`find_individual_numbers`)."""
    return next(find_individual_numbers(text), None) is not None


def redact_individual_numbers(text: str) -> str:
    """``text`` with each individual number replaced by ``[個人番号]``."""
    spans = list(find_individual_numbers(text))
    if not spans:
        return text
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], REDACTED]
        last = end
    out.append(text[last:])
    return "".join(out)


def _number_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(abs(value))
    if isinstance(value, float) and value == value and abs(value) != float("inf") and value.is_integer():
        return str(int(abs(value)))
    return None


def individual_number_paths(value: Any, path: str) -> list[str]:
    """Where in ``value`` (text, numbers, lists and objects, also nested) an
    individual number appears: the path of each string or number holding one,
    or the path of an object one of whose keys holds one (keys are not echoed)."""
    if isinstance(value, str):
        return [path] if contains_individual_number(value) else []
    if isinstance(value, Mapping):
        found = [path] if any(contains_individual_number(str(k)) for k in value) else []
        for k, v in value.items():
            if not contains_individual_number(str(k)):
                found += individual_number_paths(v, f"{path}.{k}" if path else str(k))
        return found
    if isinstance(value, (list, tuple)):
        return [p for i, v in enumerate(value) for p in individual_number_paths(v, f"{path}[{i}]")]
    text = _number_text(value)
    if text is not None and contains_individual_number(text):
        return [path]
    return []


def individual_number_error(path: str, label_en: str | None = None,
                            label_ja: str | None = None) -> FieldError:
    """The error for an input holding an individual number; it names the field
    and never echoes the value."""
    en = f"{label_en or path} must not contain an individual number (My Number)"
    ja = f"{'「' + label_ja + '」' if label_ja else path}に個人番号（マイナンバー）は入力できません"
    return FieldError(path, INDIVIDUAL_NUMBER_RULE, en, ja)


def individual_number_errors(value: Any, path: str) -> list[FieldError]:
    return [individual_number_error(p) for p in individual_number_paths(value, path)]


# --- data subjects ------------------------------------------------------------------

CITIZEN = "citizen"
APPLICATION = "application"
_CITIZEN_SUBJECT = re.compile(r"^citizen:\S{1,200}$")


def application_subject(application_id: UUID | str) -> str:
    return f"{APPLICATION}:{application_id}"


def citizen_subject(applicant_subject: str) -> str:
    return f"{CITIZEN}:{applicant_subject}"


# the no-writing counter's subjects (domain/counter/residents.py, domain/counter/interviews.py)
_COUNTER_SUBJECT = re.compile(r"^(resident:[0-9A-Za-z-]{1,15}|interview:[0-9a-f-]{36})$")


def subject_errors(subject: object, path: str = "subject") -> list[FieldError]:
    """A subject is ``citizen:<sub>``, ``application:<uuid>``, ``resident:<宛名番号>``
    or ``interview:<uuid>``."""
    if isinstance(subject, str) and _COUNTER_SUBJECT.match(subject):
        return individual_number_errors(subject, path)
    if isinstance(subject, str) and subject.startswith(f"{APPLICATION}:"):
        try:
            UUID(subject.removeprefix(f"{APPLICATION}:"))
            return []
        except ValueError:
            pass
    elif isinstance(subject, str) and _CITIZEN_SUBJECT.match(subject):
        return individual_number_errors(subject, path)
    return [
        FieldError(
            path, "subject",
            "a data subject is citizen:<subject id> or application:<application id>",
            "データ主体は citizen:<利用者ID> または application:<申請ID> で指定してください",
        )
    ]


# --- erasure (crypto-shredding) ---------------------------------------------------

RETENTION_REASON = "retention"
MAX_REASON_LENGTH = 2000
_NAMESPACE = UUID("3c9a4f0e-7b21-4d1a-9f3e-5a6b7c8d9e01")


def retention_erasure_id(subject: str) -> UUID:
    """Deterministic: retention erases a subject once, even when two runs race."""
    return uuid5(_NAMESPACE, f"retention:{subject}")


def reason_errors(reason: object) -> list[FieldError]:
    if not isinstance(reason, str) or not reason.strip():
        return [FieldError("reason", "required", "a reason is required", "理由を入力してください")]
    if len(reason) > MAX_REASON_LENGTH:
        return [
            FieldError(
                "reason", "max_length", f"reason must be at most {MAX_REASON_LENGTH} characters",
                f"理由は{MAX_REASON_LENGTH}文字以内で入力してください",
                {"max_length": MAX_REASON_LENGTH},
            )
        ]
    return individual_number_errors(reason, "reason")


class SubjectForgotten(Created):
    """The keys of a data subject were shredded: its personal values in every
    event and read model now read as 「[消去済み]」.

    ``subject`` is what was asked to be forgotten; ``owner`` the citizen the
    subject's key belonged to (for an application subject); ``key_subjects`` the
    subjects whose keys were shredded (for a citizen: each of their
    applications); ``reason`` the administrator's reason, or ``retention``."""

    subject: str
    owner: str | None
    reason: str
    key_subjects: list[str]

    def apply(self, aggregate: Erasure) -> None:
        aggregate.subject = self.subject
        aggregate.owner = self.owner
        aggregate.reason = self.reason
        aggregate.key_subjects = list(self.key_subjects)


class Erasure(RecordedAggregate):
    """One erasure (消去): who forgot which subject, why, and which keys went."""

    subject: str
    owner: str | None
    reason: str
    key_subjects: list[str]

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def forget(
        cls,
        ctx: CommandContext,
        *,
        id: UUID,
        subject: str,
        owner: str | None,
        reason: str,
        key_subjects: list[str],
    ) -> Erasure:
        errors = subject_errors(subject) + reason_errors(reason)
        if errors:
            raise ValidationFailed(errors)
        return cls.start(
            ctx, SubjectForgotten, id=id, subject=subject, owner=owner, reason=reason.strip(),
            key_subjects=sorted(key_subjects),
        )


# --- retention -----------------------------------------------------------------------

FINAL_STATUSES = ("completed", "rejected", "withdrawn")


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retention_expires_on(finished_on: date, retention_years: int) -> date:
    """A finished application's personal data is kept for the procedure's
    retention class (1, 3, 5, 10 or 30 years) from the day it finished."""
    return add_years(finished_on, retention_years)
