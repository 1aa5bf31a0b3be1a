"""Survey campaign (DXアンケート): the DX team asks departments, per procedure,
whether it can go online, who owns that, by when, and what blocks it.

Every answer is an event: the first answer of a department about a procedure
is ``DepartmentAnswered``, each later one ``AnswerRevised`` (the latest counts).
The owner is a staff member's name (職員名), not a citizen's personal data, but
it and the free-text blockers are shown only to staff of the department,
managers and administrators, never in analysts' aggregate views. No text that
contains an individual number (個人番号) is accepted into an event.
"""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID, uuid5

from domain.privacy.individual_number import individual_number_errors
from domain.shared.context import CommandContext
from domain.shared.errors import FieldError, InvalidTransition, ValidationFailed
from domain.shared.events import Created, Event, RecordedAggregate

SURVEY_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
MAX_TITLE = 200
MAX_OWNER = 100
MAX_BLOCKERS = 2000
_NAMESPACE = UUID("3c5e9a0b-8f21-4d7e-b1a4-6e2f0d9c7b55")


def survey_id(code: str) -> UUID:
    """Deterministic: opening the same survey code twice collides in the event store."""
    return uuid5(_NAMESPACE, f"survey:{code}")


def _text(value: object, path: str, max_length: int, *, required: bool = False) -> list[FieldError]:
    if not isinstance(value, str) or (required and not value.strip()):
        return [FieldError(path, "required", f"{path} is required", "入力してください")]
    if len(value) > max_length:
        return [FieldError(path, "max_length", f"at most {max_length} characters",
                           f"{max_length}文字以内で入力してください", {"max_length": max_length})]
    return individual_number_errors(value, path)


def _date(value: object, path: str) -> list[FieldError]:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return [FieldError(path, "date", "must be a date (YYYY-MM-DD)", "日付（YYYY-MM-DD）で入力してください")]
    return []


class SurveyOpened(Created):
    code: str
    title: str
    deadline: str  # ISO date (Japan time): answers are due by the end of that day
    departments: list[str]

    def apply(self, aggregate: SurveyCampaign) -> None:
        aggregate.code = self.code
        aggregate.title = self.title
        aggregate.deadline = self.deadline
        aggregate.departments = list(self.departments)
        aggregate.answers = {}


class _Answer(Event):
    department: str
    procedure_code: str
    online_possible: bool
    owner: str
    target_date: str | None  # ISO date
    blockers: str

    def apply(self, aggregate: SurveyCampaign) -> None:
        aggregate.answers[f"{self.department}/{self.procedure_code}"] = self.originator_version


class DepartmentAnswered(_Answer):
    """A department's first answer about one procedure."""


class AnswerRevised(_Answer):
    """A later answer about the same procedure: it replaces the previous one."""


class SurveyCampaign(RecordedAggregate):
    code: str
    title: str
    deadline: str
    departments: list[str]
    answers: dict[str, int]  # "department/procedure" -> version of its latest answer

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def open(cls, ctx: CommandContext, *, code: str, title: str, deadline: str,
             departments: list[str]) -> SurveyCampaign:
        errors: list[FieldError] = []
        if not (isinstance(code, str) and SURVEY_CODE.match(code)):
            errors.append(FieldError("code", "pattern", "2-64 lowercase letters, digits or hyphens",
                                     "英小文字・数字・ハイフンの2〜64文字で入力してください"))
        errors += _text(title, "title", MAX_TITLE, required=True)
        errors += _date(deadline, "deadline")
        if not isinstance(departments, (list, tuple)) or not departments:
            errors.append(FieldError("departments", "required", "at least one department",
                                     "対象課を1つ以上指定してください"))
        elif len(set(departments)) != len(departments):
            errors.append(FieldError("departments", "duplicate_choice", "departments must not repeat",
                                     "対象課が重複しています"))
        if errors:
            raise ValidationFailed(errors)
        return cls.start(ctx, SurveyOpened, id=survey_id(code), code=code, title=title.strip(),
                         deadline=deadline, departments=list(departments))

    def answer(self, ctx: CommandContext, *, department: str, procedure_code: str,
               online_possible: bool, owner: str, target_date: str | None,
               blockers: str = "") -> None:
        if department not in self.departments:
            raise InvalidTransition(f"department {department} is not asked in survey {self.code}",
                                    message_ja="この課はアンケートの対象ではありません")
        errors = _text(owner, "owner", MAX_OWNER) + _text(blockers, "blockers", MAX_BLOCKERS)
        if target_date is not None:
            errors += _date(target_date, "targetDate")
        if not isinstance(online_possible, bool):
            errors.append(FieldError("onlinePossible", "required", "yes or no", "可否を指定してください"))
        if errors:
            raise ValidationFailed(errors)
        key = f"{department}/{procedure_code}"
        event_class = AnswerRevised if key in self.answers else DepartmentAnswered
        self.record(ctx, event_class, department=department, procedure_code=procedure_code,
                    online_possible=online_possible, owner=owner.strip(), target_date=target_date,
                    blockers=blockers.strip())
