"""Conditional fields of procedure forms (表示条件).

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

from domain.catalogue.field_types import child_path, item_path, schema_error
from domain.shared.errors import FieldError
from domain.shared.personal import PersonalData


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
