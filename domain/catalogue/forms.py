"""Versioned form schemas of procedures (手続き) and validation of citizens' answers.

A schema serialises to plain dicts (stored in events and seed data)::

    {"version": 1, "fields": [{"key": "copies", "label_ja": "通数", "label_en": "Copies",
      "type": "number", "required": true, "personal": false,
      "constraints": {"min": 1, "max": 10, "integer": true}}, ...]}

Field types and their constraints live in :mod:`domain.catalogue.form_fields` (text,
number, date, choice, boolean), :mod:`domain.catalogue.form_fields_jp` (postal code,
phone, e-mail, address, attachment) and :mod:`domain.catalogue.form_groups` (repeating
groups; ``show_if`` conditions, a property of any field).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import domain.catalogue.form_fields_jp  # noqa: F401  (registers its field types)
from domain.catalogue.form_fields import (
    Check,
    FieldType,
    child_path,
    field_type,
    item_path,
    registered_types,
    schema_error,
)
from domain.catalogue.form_groups import condition_errors, is_shown, show_if_problems
from domain.privacy.individual_number import (
    INDIVIDUAL_NUMBER_RULE,
    contains_individual_number,
    individual_number_error,
    individual_number_errors,
    individual_number_paths,
)
from domain.shared.errors import FieldError, ValidationFailed
from domain.shared.personal import PersonalData

__all__ = [
    "FIELD_TYPES",
    "ChoiceOption",
    "FormField",
    "FormSchema",
    "FrozenDict",
    "check_answers",
]

FIELD_TYPES: tuple[str, ...] = registered_types()

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


def _field_problems(d: Any, path: str) -> list[FieldError]:
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
        errors = _field_problems(self._as_dict(), "field")
        if errors:
            raise ValidationFailed(errors)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], *, path: str = "form.fields[0]") -> FormField:
        errors = _field_problems(d, path)
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


def _duplicate_key_errors(keys: list[Any], path: str = "form.fields") -> list[FieldError]:
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
        errors += _field_problems(raw, item_path(path, i))
    errors += _duplicate_key_errors(
        [raw.get("key") if isinstance(raw, Mapping) else None for raw in raw_fields], path)
    return errors + condition_errors(raw_fields, path)


def _version_problems(version: Any) -> list[FieldError]:
    if version is None:
        return [schema_error("form.version", "required", "version is required",
                             "版を指定してください")]
    if not isinstance(version, int) or isinstance(version, bool):
        return [schema_error("form.version", "type", "version must be an integer",
                             "版は整数で指定してください")]
    if version < 1:
        return [schema_error("form.version", "min", "version must be 1 or more",
                             "版は1以上で指定してください", min=1)]
    return []


@dataclass(frozen=True)
class FormSchema:
    version: int
    fields: tuple[FormField, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", tuple(self.fields))
        errors = _version_problems(self.version) + _duplicate_key_errors(
            [f.key for f in self.fields]) + condition_errors(
            [f.to_dict() for f in self.fields], "form.fields")
        if errors:
            raise ValidationFailed(errors)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FormSchema:
        """Check a serialised schema, reporting every problem at once."""
        if not isinstance(d, Mapping):
            raise ValidationFailed([schema_error("form", "type", "a form must be an object",
                                                 "様式はオブジェクトで指定してください")])
        errors = [
            schema_error(child_path("form", str(name)), "unknown_property",
                         f"unknown form property {name!r}", f"様式に「{name}」は指定できません")
            for name in d if name not in ("version", "fields")
        ]
        errors += _version_problems(d.get("version"))
        raw_fields = d.get("fields")
        if raw_fields is None:
            errors.append(schema_error("form.fields", "required", "fields are required",
                                       "項目を指定してください"))
            raw_fields = []
        elif not isinstance(raw_fields, (list, tuple)):
            errors.append(schema_error("form.fields", "type", "fields must be a list",
                                       "項目はリストで指定してください"))
            raw_fields = []
        for i, raw in enumerate(raw_fields):
            errors += _field_problems(raw, item_path("form.fields", i))
        errors += _duplicate_key_errors(
            [raw.get("key") if isinstance(raw, Mapping) else None for raw in raw_fields])
        errors += condition_errors(raw_fields, "form.fields")
        if errors:
            raise ValidationFailed(errors)
        return cls(version=d["version"], fields=tuple(FormField._build(f) for f in raw_fields))

    @classmethod
    def from_fields(cls, fields: list[dict[str, Any]], version: int = 1) -> FormSchema:
        return cls.from_dict({"version": version, "fields": fields})

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "fields": [f.to_dict() for f in self.fields]}

    def field(self, key: str) -> FormField | None:
        return next((f for f in self.fields if f.key == key), None)

    def revised(self, fields: list[dict[str, Any]]) -> FormSchema:
        """A new version of the form with these fields (validated like ``from_dict``)."""
        return self.from_fields(fields, version=self.version + 1)

    def validate(self, answers: Mapping[str, Any], *, today: date) -> list[FieldError]:
        """Every failing answer (an empty list when the answers are acceptable)."""
        return check_answers(self.fields, answers, "answers", today=today)[1]

    def normalise(
        self, answers: Mapping[str, Any], *, today: date, subject: str
    ) -> dict[str, Any]:
        """Canonical answers, with personal values wrapped for ``subject``.

        Raises :class:`ValidationFailed` with every failing answer."""
        canonical, errors = check_answers(
            self.fields, answers, "answers", today=today,
            personal=lambda value: PersonalData(subject=subject, value=value),
        )
        if errors:
            raise ValidationFailed(errors)
        return canonical


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
