"""Repeating groups of procedure forms.

A repeating group (``type: "group"``) holds a list of answers, each an object
checked against the group's own fields, e.g. the family members of a 児童手当
application::

    {"key": "members", "type": "group", "label_ja": "世帯員", "label_en": "Members",
     "constraints": {"min": 1, "max": 10, "fields": [<field>, ...]}}

Errors inside a group carry the item's path: ``answers.members[1].birthDate``.
A group counts as personal data when it, or any of its fields, is personal; the
whole list is then sealed as one value. Its fields may have ``show_if``
conditions on the other fields of the same item (:mod:`domain.catalogue.form_conditions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.catalogue.field_definitions import FormField, group_field_problems
from domain.catalogue.field_types import Check, FieldType, child_path, item_path, register, schema_error
from domain.catalogue.form_answers import check_answers
from domain.shared.errors import FieldError

MAX_GROUP_ITEMS = 100


def _count_spec(value: Any, path: str) -> list[FieldError]:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_GROUP_ITEMS:
        return [schema_error(path, "range", f"must be a whole number from 0 to {MAX_GROUP_ITEMS}",
                             f"0〜{MAX_GROUP_ITEMS}の整数で指定してください", min=0, max=MAX_GROUP_ITEMS)]
    return []


def _fields_spec(value: Any, path: str) -> list[FieldError]:
    return group_field_problems(value, path)


@register
class GroupType(FieldType):
    name = "group"
    constraint_specs = {"fields": _fields_spec, "min": _count_spec, "max": _count_spec}
    required_constraints = ("fields",)
    expected_en = "a list of entries"
    expected_ja = "{label}は一覧で入力してください"

    def check_constraint_combination(self, constraints, path):
        low, high = constraints.get("min"), constraints.get("max")
        if low is not None and high is not None and low > high:
            return [schema_error(child_path(path, "max"), "range", "max must not be less than min",
                                 "maxはmin以上にしてください", min=low)]
        return []

    def holds_personal(self, constraints: Mapping[str, Any]) -> bool:
        return any(
            f.get("personal") or (FormField.type_of(f).holds_personal(f.get("constraints", {})))
            for f in constraints.get("fields", ())
        )

    def is_missing(self, value: Any) -> bool:
        return super().is_missing(value) or (isinstance(value, (list, tuple)) and not value)

    def check(self, value: Any, c: Check) -> Any:
        if not isinstance(value, (list, tuple)):
            return self.wrong_type(c)
        self._count(len(value), c)
        if len(value) > MAX_GROUP_ITEMS:
            return None
        fields = tuple(FormField.from_dict(f) for f in c.constraints["fields"])
        items = []
        for i, item in enumerate(value):
            canonical, errors = check_answers(fields, item, item_path(c.path, i), today=c.today)
            c.errors.extend(errors)
            items.append(canonical)
        return items

    @staticmethod
    def _count(n: int, c: Check) -> None:
        low, high = c.constraints.get("min"), c.constraints.get("max")
        if low is not None and n < low:
            c.fail("min_items", f"{{label}} needs at least {low} entries",
                   f"{{label}}は{low}件以上入力してください", min=low)
        if high is not None and n > high:
            c.fail("max_items", f"{{label}} allows at most {high} entries",
                   f"{{label}}は{high}件以内で入力してください", max=high)
