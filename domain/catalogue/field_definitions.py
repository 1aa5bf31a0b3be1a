"""One field of a procedure's form as defined by the city (FormField), and the
checks of serialised field definitions (reporting every problem at once); also
those of a repeating group's fields. A field's type must be registered (see
:mod:`domain.catalogue.field_types`; importing :mod:`domain.catalogue.forms`
registers every type)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.catalogue.field_types import FieldType, child_path, field_type, item_path, registered_types, schema_error
from domain.catalogue.form_conditions import condition_errors, show_if_problems
from domain.privacy.individual_number import individual_number_errors
from domain.shared.errors import FieldError, ValidationFailed

KEY_PATTERN = re.compile(r"^[a-z][A-Za-z0-9_]{0,63}$")
_FIELD_PROPERTIES = (
    "key", "label_ja", "label_en", "type", "required", "personal", "constraints", "show_if",
)
_NAMES_JA = {
    "key": "キー", "label_ja": "項目名（日本語）", "label_en": "項目名（英語）",
    "type": "項目の種類", "required": "必須かどうか", "personal": "個人情報かどうか",
}


# --- immutable JSON-like values ------------------------------------------------


class FrozenDict(Mapping[str, Any]):
    """A hashable, read-only mapping (compares equal to a dict with the same items)."""

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self._data = dict(data or {})
        self._hash: int | None = None

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __repr__(self) -> str:
        return f"FrozenDict({self._data!r})"


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return FrozenDict({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_thaw(v) for v in value]
    return value


# --- schema ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceOption:
    value: str
    label_ja: str
    label_en: str

    def to_dict(self) -> dict[str, str]:
        return {"value": self.value, "label_ja": self.label_ja, "label_en": self.label_en}


def field_problems(d: Any, path: str) -> list[FieldError]:
    """Everything wrong with one serialised field definition."""
    if not isinstance(d, Mapping):
        return [schema_error(path, "type", "a field must be an object",
                             "項目はオブジェクトで指定してください")]
    errors = [
        schema_error(child_path(path, str(name)), "unknown_property",
                     f"unknown field property {name!r}", f"項目に「{name}」は指定できません")
        for name in d if name not in _FIELD_PROPERTIES
    ]
    for name in ("key", "label_ja", "label_en", "type"):
        value = d.get(name)
        if value is None or value == "" or (isinstance(value, str) and not value.strip()):
            errors.append(schema_error(child_path(path, name), "required", f"{name} is required",
                                       f"{_NAMES_JA[name]}を指定してください"))
        elif not isinstance(value, str):
            errors.append(schema_error(child_path(path, name), "type", f"{name} must be a string",
                                       f"{_NAMES_JA[name]}は文字列で指定してください"))
    key = d.get("key")
    if isinstance(key, str) and key and not KEY_PATTERN.match(key):
        errors.append(schema_error(
            child_path(path, "key"), "key_format",
            "key must start with a lower-case letter and contain only letters, digits and _"
            " (at most 64 characters)",
            "キーは英小文字で始まり、英数字と_のみの64文字以内で指定してください",
            pattern=KEY_PATTERN.pattern,
        ))
    for name in ("required", "personal"):
        if name in d and not isinstance(d[name], bool):
            errors.append(schema_error(child_path(path, name), "type",
                                       f"{name} must be true or false",
                                       f"{_NAMES_JA[name]}は true か false で指定してください"))
    constraints = d.get("constraints", {})
    if not isinstance(constraints, Mapping):
        errors.append(schema_error(child_path(path, "constraints"), "type",
                                   "constraints must be an object",
                                   "制約はオブジェクトで指定してください"))
        constraints = None
    errors += show_if_problems(d.get("show_if"), child_path(path, "show_if"))
    kind = d.get("type")
    if isinstance(kind, str) and kind:
        ft = field_type(kind)
        if ft is None:
            errors.append(schema_error(child_path(path, "type"), "unknown_type",
                                       f"unknown field type {kind!r}",
                                       f"項目の種類「{kind}」はありません",
                                       allowed=list(registered_types())))
        elif constraints is not None:
            errors.extend(ft.check_constraints(constraints, child_path(path, "constraints")))
    # no individual number in labels, options or constraints (they go into events)
    return errors + individual_number_errors(dict(d), path)


@dataclass(frozen=True)
class FormField:
    key: str
    label_ja: str
    label_en: str
    type: str
    required: bool = False
    personal: bool = False
    constraints: Mapping[str, Any] = field(default_factory=FrozenDict)
    show_if: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "constraints", _freeze(self.constraints))
        object.__setattr__(self, "show_if", _freeze(self.show_if))
        errors = field_problems(self._as_dict(), "field")
        if errors:
            raise ValidationFailed(errors)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], *, path: str = "form.fields[0]") -> FormField:
        errors = field_problems(d, path)
        if errors:
            raise ValidationFailed(errors)
        return cls._build(d)

    @classmethod
    def _build(cls, d: Mapping[str, Any]) -> FormField:
        return cls(
            key=d["key"], label_ja=d["label_ja"], label_en=d["label_en"], type=d["type"],
            required=d.get("required", False), personal=d.get("personal", False),
            constraints=d.get("constraints", {}), show_if=d.get("show_if"),
        )

    @staticmethod
    def type_of(d: Mapping[str, Any]) -> FieldType:
        """The type of a checked serialised field."""
        ft = field_type(d["type"])
        assert ft is not None
        return ft

    def _as_dict(self) -> dict[str, Any]:
        d = {name: getattr(self, name) for name in _FIELD_PROPERTIES}
        if d["show_if"] is None:  # stored forms without conditions keep their shape
            del d["show_if"]
        return d

    def to_dict(self) -> dict[str, Any]:
        return _thaw(self._as_dict())

    @property
    def field_type(self) -> FieldType:
        ft = field_type(self.type)
        assert ft is not None  # checked on construction
        return ft

    @property
    def options(self) -> tuple[ChoiceOption, ...]:
        """The options of a choice field (empty for other types)."""
        return tuple(ChoiceOption(**o) for o in self.constraints.get("options", ()))


def duplicate_key_errors(keys: list[Any], path: str = "form.fields") -> list[FieldError]:
    seen: set[str] = set()
    errors = []
    for i, key in enumerate(keys):
        if not isinstance(key, str):
            continue
        if key in seen:
            errors.append(schema_error(
                child_path(item_path(path, i), "key"), "duplicate_key",
                f"key {key!r} is used by another field", f"キー「{key}」が重複しています",
                key=key,
            ))
        seen.add(key)
    return errors


def group_field_problems(raw_fields: Any, path: str) -> list[FieldError]:
    """Everything wrong with the fields of a repeating group, at ``path``."""
    if not isinstance(raw_fields, (list, tuple)) or not raw_fields:
        return [schema_error(path, "type", "fields must be a non-empty list",
                             "項目を1つ以上のリストで指定してください")]
    errors: list[FieldError] = []
    for i, raw in enumerate(raw_fields):
        errors += field_problems(raw, item_path(path, i))
    errors += duplicate_key_errors(
        [raw.get("key") if isinstance(raw, Mapping) else None for raw in raw_fields], path)
    return errors + condition_errors(raw_fields, path)
