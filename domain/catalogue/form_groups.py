"""Repeating groups and conditional fields of procedure forms.

A repeating group (``type: "group"``) holds a list of answers, each an object
checked against the group's own fields, e.g. the family members of a 児童手当
application::

    {"key": "members", "type": "group", "label_ja": "世帯員", "label_en": "Members",
     "constraints": {"min": 1, "max": 10, "fields": [<field>, ...]}}

Errors inside a group carry the item's path: ``answers.members[1].birthDate``.
A group counts as personal data when it, or any of its fields, is personal; the
whole list is then sealed as one value.

A conditional field has ``show_if: {"field": "hasChildren", "equals": true}``:
it is shown, and required when ``required``, only when the referenced field
(of the same form, or of the same group item) has that answer (for a multiple
choice: includes it). An answer to a hidden field is **dropped**, not
reported: a browser keeps what was typed into an input that the citizen then
hid by changing the other answer, and the city must not store what it did not
ask for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.catalogue.form_fields import Check, FieldType, child_path, item_path, register, schema_error
from domain.shared.errors import FieldError
from domain.shared.personal import PersonalData

MAX_GROUP_ITEMS = 100


# --- conditions ----------------------------------------------------------------


def show_if_problems(show_if: Any, path: str) -> list[FieldError]:
    """Shape of one ``show_if`` (the referenced field is checked by :func:`condition_errors`)."""
    if show_if is None:
        return []
    if not isinstance(show_if, Mapping):
        return [schema_error(path, "type", "show_if must be an object",
                             "表示条件はオブジェクトで指定してください")]
    errors = [schema_error(child_path(path, str(k)), "unknown_property",
                           f"unknown condition property {k!r}", f"表示条件に「{k}」は指定できません")
              for k in show_if if k not in ("field", "equals")]
    if not isinstance(show_if.get("field"), str) or not show_if.get("field"):
        errors.append(schema_error(child_path(path, "field"), "required",
                                   "show_if.field must name another field",
                                   "表示条件の項目キーを指定してください"))
    if "equals" not in show_if:
        errors.append(schema_error(child_path(path, "equals"), "required",
                                   "show_if.equals is required", "表示条件の値を指定してください"))
    elif not isinstance(show_if["equals"], (str, int, float, bool)):
        errors.append(schema_error(child_path(path, "equals"), "type",
                                   "show_if.equals must be text, a number or true/false",
                                   "表示条件の値は文字・数値・真偽値で指定してください"))
    return errors


def condition_errors(raw_fields: Any, path: str) -> list[FieldError]:
    """Each ``show_if`` of ``raw_fields`` (found at ``path``) names another of them."""
    if not isinstance(raw_fields, (list, tuple)):
        return []
    keys = {f.get("key") for f in raw_fields if isinstance(f, Mapping)}
    errors = []
    for i, f in enumerate(raw_fields):
        cond = f.get("show_if") if isinstance(f, Mapping) else None
        if not isinstance(cond, Mapping) or not isinstance(cond.get("field"), str):
            continue
        target = cond["field"]
        if target == f.get("key") or target not in keys:
            errors.append(schema_error(
                child_path(child_path(item_path(path, i), "show_if"), "field"), "unknown_field",
                f"show_if refers to {target!r}, which is not another field of this form",
                f"表示条件の項目「{target}」がこの様式にありません", field=target))
    return errors


def is_shown(show_if: Mapping[str, Any] | None, answers: Mapping[str, Any],
             canonical: Mapping[str, Any]) -> bool:
    if show_if is None:
        return True
    key = show_if["field"]
    value = canonical[key] if key in canonical else answers.get(key)
    if isinstance(value, PersonalData):
        value = value.value
    expected = show_if["equals"]
    if isinstance(value, list):
        return expected in value
    if isinstance(value, bool) or isinstance(expected, bool):
        return value is expected
    return value == expected


# --- repeating groups --------------------------------------------------------------


def _count_spec(value: Any, path: str) -> list[FieldError]:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_GROUP_ITEMS:
        return [schema_error(path, "range", f"must be a whole number from 0 to {MAX_GROUP_ITEMS}",
                             f"0〜{MAX_GROUP_ITEMS}の整数で指定してください", min=0, max=MAX_GROUP_ITEMS)]
    return []


def _fields_spec(value: Any, path: str) -> list[FieldError]:
    from domain.catalogue.forms import group_field_problems  # forms imports this module

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
        from domain.catalogue.forms import FormField

        return any(
            f.get("personal") or (FormField.type_of(f).holds_personal(f.get("constraints", {})))
            for f in constraints.get("fields", ())
        )

    def is_missing(self, value: Any) -> bool:
        return super().is_missing(value) or (isinstance(value, (list, tuple)) and not value)

    def check(self, value: Any, c: Check) -> Any:
        from domain.catalogue.forms import FormField, check_answers

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
