"""Checking citizens' answers against a form's fields (also a repeating group's
item): canonical answers and every error at once. A hidden field's answer is
dropped; an individual number (マイナンバー) is refused in any field and never echoed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from domain.catalogue.field_definitions import FormField
from domain.catalogue.field_types import Check, child_path
from domain.catalogue.form_conditions import is_shown
from domain.privacy.individual_number import (
    INDIVIDUAL_NUMBER_RULE,
    contains_individual_number,
    individual_number_error,
    individual_number_paths,
)
from domain.shared.errors import FieldError


def check_answers(
    fields: tuple[FormField, ...],
    answers: Any,
    path: str,
    *,
    today: date,
    personal: Callable[[Any], Any] | None = None,
) -> tuple[dict[str, Any], list[FieldError]]:
    """Check ``answers`` against ``fields`` found at ``path``.

    Returns the canonical answers and every error. Values of personal fields are
    passed through ``personal`` (when given). Field types holding nested answers
    (repeating groups) call this again with a path such as ``answers.members[1]``.
    """
    if not isinstance(answers, Mapping):
        return {}, [FieldError(path, "type", "the answers must be an object",
                               "回答の形式が正しくありません", {"expected": "object"})]
    errors: list[FieldError] = []
    canonical: dict[str, Any] = {}
    hidden: set[str] = set()
    for f in fields:
        ft = f.field_type
        c = Check(child_path(path, f.key), f.label_ja, f.label_en, f.constraints, today)
        value = answers.get(f.key)
        if f.show_if is not None and (
                f.show_if["field"] in hidden or not is_shown(f.show_if, answers, canonical)):
            hidden.add(f.key)  # not asked: not required, and its answer is dropped
            continue
        if ft.is_missing(value):
            if f.required:
                c.fail("required", "{label} is required", "{label}は必須です")
            else:
                ft.check_missing(c)
        elif found := individual_number_paths(value, c.path):
            # refused whatever the field's type, and never echoed
            for at in found:
                c.fail(INDIVIDUAL_NUMBER_RULE,
                       "{label} must not contain an individual number (My Number)",
                       "{label}に個人番号（マイナンバー）は入力できません", at=at)
        else:
            result = ft.check(value, c)
            if not c.errors:
                is_personal = f.personal or ft.holds_personal(f.constraints)
                canonical[f.key] = personal(result) if personal and is_personal else result
        errors += c.errors
    known = {f.key for f in fields}
    for key in answers:
        if key not in known and contains_individual_number(str(key)):
            errors.append(individual_number_error(path))  # the key is not echoed
            continue
        if key not in known:
            errors += [individual_number_error(at)
                       for at in individual_number_paths(answers[key], child_path(path, str(key)))]
            errors.append(FieldError(
                child_path(path, str(key)), "unknown_field",
                f"{key} is not a field of this form",
                f"「{key}」はこの申請様式の項目ではありません",
                {"key": str(key)},
            ))
    return canonical, errors
