"""Versioned form schemas of procedures (手続き) and validation of citizens' answers.

A schema serialises to plain dicts (stored in events and seed data)::

    {"version": 1, "fields": [{"key": "copies", "label_ja": "通数", "label_en": "Copies",
      "type": "number", "required": true, "personal": false,
      "constraints": {"min": 1, "max": 10, "integer": true}}, ...]}

One field's definition is a :class:`~domain.catalogue.field_definitions.FormField`;
answers are checked by :func:`domain.catalogue.form_answers.check_answers`. Field
types live in :mod:`domain.catalogue.form_fields` (text, number, date, choice,
boolean), :mod:`domain.catalogue.form_fields_jp` (postal code, phone, e-mail,
address, attachment) and :mod:`domain.catalogue.form_groups` (repeating groups);
importing this module registers them all. ``show_if`` conditions, a property of
any field, are in :mod:`domain.catalogue.form_conditions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.catalogue import form_fields, form_fields_jp, form_groups  # noqa: F401  (register the field types)
from domain.catalogue.field_definitions import FormField, duplicate_key_errors, field_problems
from domain.catalogue.field_types import child_path, item_path, registered_types, schema_error
from domain.catalogue.form_answers import check_answers
from domain.catalogue.form_conditions import condition_errors
from domain.shared.errors import FieldError, ValidationFailed
from domain.shared.personal import PersonalData

FIELD_TYPES: tuple[str, ...] = registered_types()


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
        errors = _version_problems(self.version) + duplicate_key_errors(
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
            errors += field_problems(raw, item_path("form.fields", i))
        errors += duplicate_key_errors(
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
