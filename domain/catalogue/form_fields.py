"""Field types of procedure forms (手続きの入力項目): a small registry.

Each type knows which constraints it accepts (checked when a form schema is
defined) and how to check and canonicalise one answer. New types (postal code,
phone, e-mail, address, attachments, repeating groups, conditional fields) are
added by subclassing :class:`FieldType` and calling :func:`register`; the form
validator in :mod:`domain.catalogue.forms` only talks to this interface.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from domain.shared.errors import FieldError
from domain.shared.kana import SCRIPTS, matches_script, to_script
from domain.shared.wareki import WarekiError, parse_date_input

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


# --- small helpers -------------------------------------------------------------


def child_path(base: str, key: str) -> str:
    return f"{base}.{key}" if base else key


def item_path(base: str, index: int) -> str:
    return f"{base}[{index}]"


def fmt_number(n: float) -> str:
    """1 rather than 1.0 in messages."""
    return str(int(n)) if isinstance(n, float) and n.is_integer() else str(n)


def fmt_date_ja(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def parse_iso_date(value: Any) -> date | None:
    """A date from strict ``YYYY-MM-DD`` (or a :class:`date`), else ``None``."""
    if isinstance(value, date) and value.__class__ is date:
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


# --- schema checking of constraints -------------------------------------------


def schema_error(path: str, rule: str, en: str, ja: str, **params: Any) -> FieldError:
    return FieldError(path, rule, en, ja, dict(params))


def _bool_spec(value: Any, path: str) -> list[FieldError]:
    if isinstance(value, bool):
        return []
    return [schema_error(path, "type", "must be true or false", "true か false で指定してください")]


def _length_spec(value: Any, path: str) -> list[FieldError]:
    if not isinstance(value, int) or isinstance(value, bool):
        return [schema_error(path, "type", "must be an integer", "整数で指定してください")]
    if value < 0:
        return [schema_error(path, "min", "must be 0 or more", "0以上で指定してください", min=0)]
    return []


def _number_spec(value: Any, path: str) -> list[FieldError]:
    if not is_number(value) or not math.isfinite(value):
        return [schema_error(path, "type", "must be a number", "数値で指定してください")]
    return []


def _date_spec(value: Any, path: str) -> list[FieldError]:
    if not isinstance(value, str) or parse_iso_date(value) is None:
        return [
            schema_error(
                path, "date_format", "must be a date as YYYY-MM-DD",
                "日付をYYYY-MM-DDの形式で指定してください",
            )
        ]
    return []


def _script_spec(value: Any, path: str) -> list[FieldError]:
    if value not in SCRIPTS:
        return [schema_error(path, "choice", f"must be one of {', '.join(SCRIPTS)}",
                             "hiragana・katakana・halfwidth のいずれかを指定してください",
                             allowed=list(SCRIPTS))]
    return []


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


def _range_error(
    constraints: Mapping[str, Any], path: str, low: str, high: str, key: Callable[[Any], Any]
) -> list[FieldError]:
    if low not in constraints or high not in constraints:
        return []
    if key(constraints[low]) > key(constraints[high]):
        return [
            schema_error(
                child_path(path, high), "range", f"{high} must not be less than {low}",
                f"{high}は{low}以上にしてください", **{low: constraints[low]},
            )
        ]
    return []


@register
class TextType(FieldType):
    name = "text"
    constraint_specs = {
        "min_length": _length_spec, "max_length": _length_spec, "multiline": _bool_spec,
        "script": _script_spec,
    }
    expected_en = "text"
    expected_ja = "{label}は文字で入力してください"

    def check_constraint_combination(self, constraints, path):
        return _range_error(constraints, path, "min_length", "max_length", int)

    def check(self, value: Any, c: Check) -> Any:
        if not isinstance(value, str):
            return self.wrong_type(c)
        text = value.strip()
        low, high = c.constraints.get("min_length"), c.constraints.get("max_length")
        if low is not None and len(text) < low:
            c.fail("min_length", f"{{label}} must be at least {low} characters",
                   f"{{label}}は{low}文字以上で入力してください", min_length=low)
        if high is not None and len(text) > high:
            c.fail("max_length", f"{{label}} must be at most {high} characters",
                   f"{{label}}は{high}文字以内で入力してください", max_length=high)
        if (script := c.constraints.get("script")) is not None:
            text = to_script(text, script)
            if not matches_script(text, script):
                en, ja = SCRIPTS[script]
                c.fail("script", f"{{label}} must be written in {en}",
                       f"{{label}}は{ja}で入力してください", script=script)
        return text


@register
class NumberType(FieldType):
    name = "number"
    constraint_specs = {"min": _number_spec, "max": _number_spec, "integer": _bool_spec}
    expected_en = "a number"
    expected_ja = "{label}は数値で入力してください"

    def check_constraint_combination(self, constraints, path):
        return _range_error(constraints, path, "min", "max", float)

    @staticmethod
    def coerce(value: Any) -> int | float | None:
        if isinstance(value, str):
            text = unicodedata.normalize("NFKC", value).strip()  # ３ → 3
            if not _NUMBER.match(text):
                return None
            try:
                value = int(text) if text.lstrip("+-").isdigit() else float(text)
            except ValueError:  # more digits than int() converts
                return None
        if not is_number(value) or not math.isfinite(value):
            return None
        return value

    def check(self, value: Any, c: Check) -> Any:
        number = self.coerce(value)
        if number is None:
            return self.wrong_type(c)
        if c.constraints.get("integer"):
            if isinstance(number, float) and not number.is_integer():
                c.fail("integer", "{label} must be a whole number",
                       "{label}は整数で入力してください")
            else:
                number = int(number)
        low, high = c.constraints.get("min"), c.constraints.get("max")
        if low is not None and number < low:
            c.fail("min", f"{{label}} must be {fmt_number(low)} or more",
                   f"{{label}}は{fmt_number(low)}以上で入力してください", min=low)
        if high is not None and number > high:
            c.fail("max", f"{{label}} must be {fmt_number(high)} or less",
                   f"{{label}}は{fmt_number(high)}以下で入力してください", max=high)
        return number


@register
class DateType(FieldType):
    name = "date"
    constraint_specs = {
        "min": _date_spec, "max": _date_spec, "not_future": _bool_spec, "not_past": _bool_spec,
    }
    expected_en = "a date"
    expected_ja = "{label}は日付で入力してください"

    def check_constraint_combination(self, constraints, path):
        return _range_error(constraints, path, "min", "max", date.fromisoformat)

    def check(self, value: Any, c: Check) -> Any:
        if isinstance(value, str):
            value = value.strip()
        elif value.__class__ is not date:  # a datetime is not a date answer
            return self.wrong_type(c)
        day = parse_iso_date(value)
        if day is None:
            try:  # 和暦 (令和8年4月1日, R8.4.1) is accepted too
                day = parse_date_input(value)
            except WarekiError as bad:
                if bad.rule == "era_range" and bad.era is not None:
                    c.fail("era_range", f"{{label}}: the date is outside the {bad.era.letter} era",
                           f"{{label}}の日付は{bad.era.name}の期間にありません", era=bad.era.name)
                else:
                    c.fail("date_format", "{label} must be a valid date as YYYY-MM-DD",
                           "{label}は正しい日付をYYYY-MM-DDの形式で入力してください")
                return None
        low, high = c.constraints.get("min"), c.constraints.get("max")
        if low is not None and day < date.fromisoformat(low):
            c.fail("min", f"{{label}} must be on or after {low}",
                   f"{{label}}は{fmt_date_ja(low)}以降の日付を入力してください", min=low)
        if high is not None and day > date.fromisoformat(high):
            c.fail("max", f"{{label}} must be on or before {high}",
                   f"{{label}}は{fmt_date_ja(high)}以前の日付を入力してください", max=high)
        if c.constraints.get("not_future") and day > c.today:
            c.fail("not_future", "{label} must not be in the future",
                   "{label}に未来の日付は入力できません", today=c.today.isoformat())
        if c.constraints.get("not_past") and day < c.today:
            c.fail("not_past", "{label} must not be in the past",
                   "{label}に過去の日付は入力できません", today=c.today.isoformat())
        return day.isoformat()


def _options_spec(value: Any, path: str) -> list[FieldError]:
    if not isinstance(value, (list, tuple)):
        return [schema_error(path, "type", "must be a list of options",
                             "選択肢はリストで指定してください")]
    if not value:
        return [schema_error(path, "required", "needs at least one option",
                             "選択肢を1つ以上指定してください")]
    errors: list[FieldError] = []
    seen: set[str] = set()
    for i, option in enumerate(value):
        where = item_path(path, i)
        if not isinstance(option, Mapping):
            errors.append(schema_error(where, "type", "must be an object",
                                       "オブジェクトで指定してください"))
            continue
        errors += [schema_error(child_path(where, str(extra)), "unknown_property",
                                f"unknown option property {extra!r}",
                                f"選択肢に「{extra}」は指定できません")
                   for extra in option if extra not in ("value", "label_ja", "label_en")]
        for prop in ("value", "label_ja", "label_en"):
            v = option.get(prop)
            if not isinstance(v, str) or not v.strip():
                errors.append(schema_error(child_path(where, prop), "required",
                                           f"{prop} must be a non-empty string",
                                           f"{prop}を文字列で指定してください"))
        v = option.get("value")
        if isinstance(v, str) and v.strip():
            if v in seen:
                errors.append(schema_error(child_path(where, "value"), "duplicate_value",
                                           f"option value {v!r} appears more than once",
                                           f"選択肢の値「{v}」が重複しています", value=v))
            seen.add(v)
    return errors


@register
class ChoiceType(FieldType):
    name = "choice"
    constraint_specs = {"options": _options_spec, "multiple": _bool_spec}
    required_constraints = ("options",)
    expected_en = "one of the options"
    expected_ja = "{label}は選択肢の中から選んでください"

    def is_missing(self, value: Any) -> bool:
        return super().is_missing(value) or (isinstance(value, (list, tuple)) and not value)

    def check(self, value: Any, c: Check) -> Any:
        options = [o["value"] for o in c.constraints["options"]]
        if not c.constraints.get("multiple"):
            if not isinstance(value, str):
                return self.wrong_type(c)
            if value not in options:
                self._not_an_option(c, c.path)
            return value
        if not isinstance(value, (list, tuple)):
            return self.wrong_type(c)
        chosen: set[str] = set()
        for i, item in enumerate(value):
            where = item_path(c.path, i)
            if not isinstance(item, str):
                self.wrong_type(c, at=where)
            elif item not in options:
                self._not_an_option(c, where)
            elif item in chosen:
                c.fail("duplicate_choice", f"{{label}}: {item!r} is chosen more than once",
                       "{label}で同じ選択肢が重複しています", at=where, value=item)
            else:
                chosen.add(item)
        return [o for o in options if o in chosen]  # canonical: the schema's order

    @staticmethod
    def _not_an_option(c: Check, at: str) -> None:
        # the answer itself is not echoed: it may be personal data
        c.fail("choice", "{label} must be one of the options",
               "{label}は選択肢の中から選んでください", at=at, options=[
                   o["value"] for o in c.constraints["options"]])


@register
class BooleanType(FieldType):
    name = "boolean"
    constraint_specs = {"must_be_true": _bool_spec}
    expected_en = "true or false"
    expected_ja = "{label}は「はい」か「いいえ」で回答してください"

    def check_missing(self, c: Check) -> None:
        if c.constraints.get("must_be_true"):  # consent cannot be given by silence
            self.must_be_true(c)

    def check(self, value: Any, c: Check) -> Any:
        if not isinstance(value, bool):
            return self.wrong_type(c)
        if c.constraints.get("must_be_true") and not value:
            self.must_be_true(c)
        return value

    @staticmethod
    def must_be_true(c: Check) -> None:
        c.fail("must_be_true", "{label} must be checked", "{label}にチェックを入れてください")
