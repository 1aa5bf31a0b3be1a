"""The field-type interface of procedure forms (手続きの入力項目) and its registry.

Each type knows which constraints it accepts (checked when a form schema is
defined) and how to check and canonicalise one answer. Types are added by
subclassing :class:`FieldType` and calling :func:`register`: the general ones
in :mod:`domain.catalogue.form_fields`, the Japanese ones in
:mod:`domain.catalogue.form_fields_jp`, repeating groups in
:mod:`domain.catalogue.form_groups`; importing :mod:`domain.catalogue.forms`
registers them all. The form validator only talks to this interface.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from domain.shared.errors import FieldError

# --- paths and schema errors ------------------------------------------------------


def child_path(base: str, key: str) -> str:
    return f"{base}.{key}" if base else key


def item_path(base: str, index: int) -> str:
    return f"{base}[{index}]"


def schema_error(path: str, rule: str, en: str, ja: str, **params: Any) -> FieldError:
    return FieldError(path, rule, en, ja, dict(params))

ConstraintSpec = Callable[[Any, str], list[FieldError]]


# --- the registry --------------------------------------------------------------

_REGISTRY: dict[str, FieldType] = {}


def register(cls: type[FieldType]) -> type[FieldType]:
    """Class decorator: make a field type available to form schemas."""
    if cls.name in _REGISTRY:
        raise ValueError(f"field type {cls.name!r} is already registered")
    _REGISTRY[cls.name] = cls()
    return cls


def field_type(name: str) -> FieldType | None:
    return _REGISTRY.get(name)


def registered_types() -> tuple[str, ...]:
    return tuple(_REGISTRY)


# --- checking answers ------------------------------------------------------------


@dataclass
class Check:
    """What a field type needs to check one answer; collects the errors."""

    path: str
    label_ja: str
    label_en: str
    constraints: Mapping[str, Any]
    today: date
    errors: list[FieldError] = field(default_factory=list)

    def fail(self, rule: str, en: str, ja: str, *, at: str | None = None, **params: Any) -> None:
        """Record an error; ``{label}`` in the messages stands for the field's label."""
        self.errors.append(
            FieldError(
                at or self.path,
                rule,
                en.replace("{label}", self.label_en, 1),
                ja.replace("{label}", f"「{self.label_ja}」", 1),
                dict(params),
            )
        )


class FieldType:
    """One kind of input. Subclasses set ``name`` and ``constraint_specs`` and
    implement :meth:`check`."""

    name: ClassVar[str]
    constraint_specs: ClassVar[Mapping[str, ConstraintSpec]] = {}
    required_constraints: ClassVar[tuple[str, ...]] = ()
    expected_en: ClassVar[str] = "a value"
    expected_ja: ClassVar[str] = "{label}の形式が正しくありません"

    # schema ---------------------------------------------------------------
    def check_constraints(self, constraints: Mapping[str, Any], path: str) -> list[FieldError]:
        errors: list[FieldError] = []
        valid: dict[str, Any] = {}
        for name, value in constraints.items():
            spec = self.constraint_specs.get(name)
            where = child_path(path, str(name))
            if spec is None:
                errors.append(
                    schema_error(
                        where, "unknown_constraint",
                        f"{self.name} fields have no constraint {name!r}",
                        f"{self.name}型の項目に制約「{name}」は指定できません",
                        allowed=sorted(self.constraint_specs),
                    )
                )
            elif problems := spec(value, where):
                errors.extend(problems)
            else:
                valid[name] = value
        errors += [
            schema_error(child_path(path, name), "required", f"constraint {name} is required",
                         f"制約「{name}」を指定してください")
            for name in self.required_constraints if name not in constraints
        ]
        return errors + self.check_constraint_combination(valid, path)

    def check_constraint_combination(
        self, constraints: Mapping[str, Any], path: str
    ) -> list[FieldError]:
        return []

    def holds_personal(self, constraints: Mapping[str, Any]) -> bool:
        """Whether answers hold personal values although the field itself is not
        marked personal (a repeating group with personal fields)."""
        return False

    # answers ----------------------------------------------------------------
    def is_missing(self, value: Any) -> bool:
        """No answer: ``None`` or a blank string (which HTML forms send for empty inputs)."""
        return value is None or (isinstance(value, str) and not value.strip())

    def check_missing(self, c: Check) -> None:
        """Called when an optional field has no answer (a required one already failed)."""

    def check(self, value: Any, c: Check) -> Any:
        """Check a present answer; return its canonical form (ignored on errors)."""
        raise NotImplementedError

    def wrong_type(self, c: Check, *, at: str | None = None) -> None:
        c.fail(
            "type", "{label} must be " + self.expected_en, self.expected_ja,
            at=at, expected=self.name,
        )
