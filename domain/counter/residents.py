"""Resident records (住民記録) imported from the core resident-record system, for
identifying a citizen at the no-writing counter (書かない窓口).

One :class:`ResidentRecord` per 宛名番号 (``resident_id``); its id is
``uuid5(resident_id)``, so a re-import finds it. Everything about the person is
one :class:`PersonalData` of the subject ``resident:<resident_id>`` (encrypted
at rest with that resident's own key). The export never carries an individual
number (個人番号): a column for one is refused, as is a value that looks like one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID, uuid5

from domain.privacy.individual_number import individual_number_errors
from domain.shared.context import CommandContext
from domain.shared.errors import FieldError
from domain.shared.events import Created, Event, RecordedAggregate
from domain.shared.personal import PersonalData

_NAMESPACE = UUID("0f8d6c2e-3a41-4b7e-9c55-2d1e8a7b6f90")
# column -> (required, maximum length); the documented export (docs/no-writing-counter.md)
COLUMNS: dict[str, tuple[bool, int]] = {
    "resident_id": (True, 15),  # 宛名番号
    "household_id": (True, 15),  # 世帯番号
    "name": (True, 60),
    "name_kana": (False, 80),
    "birth_date": (True, 10),
    "sex": (True, 2),
    "address": (True, 200),
    "relationship": (False, 20),  # 続柄
    "moved_in_on": (False, 10),  # 住定日
}
PERSONAL_COLUMNS = ("name", "name_kana", "birth_date", "sex", "address", "relationship", "moved_in_on")
SEXES = {"1": "男", "2": "女", "9": "不明", "男": "男", "女": "女", "不明": "不明"}
_ID = re.compile(r"^[0-9A-Za-z-]{1,15}$")


def resident_record_id(resident_id: str) -> UUID:
    return uuid5(_NAMESPACE, resident_id)


def resident_subject(resident_id: str) -> str:
    return f"resident:{resident_id}"


def header_errors(header: list[str]) -> list[FieldError]:
    errors = [FieldError(f"line 1.{c}", "unknown_column", f"{c} is not a documented column",
                         f"「{c}」は取込できない列です", {"column": c}) for c in header if c not in COLUMNS]
    errors += [FieldError(f"line 1.{c}", "missing_column", f"the column {c} is required",
                          f"列「{c}」が必要です", {"column": c})
               for c, (required, _) in COLUMNS.items() if required and c not in header]
    return errors


def row_errors(line: int, row: Mapping[str, Any]) -> list[FieldError]:
    """Every problem of one CSV row, each naming its line and column."""
    errors: list[FieldError] = []
    for column, (required, limit) in COLUMNS.items():
        at = f"line {line}.{column}"
        value = (row.get(column) or "").strip()
        if not value:
            if required:
                errors.append(FieldError(at, "required", f"{column} is required", f"{line}行目の{column}は必須です"))
            continue
        if len(value) > limit:
            errors.append(FieldError(at, "max_length", f"at most {limit} characters",
                                     f"{line}行目の{column}は{limit}文字以内です", {"max_length": limit}))
            continue
        found = individual_number_errors(value, at)
        if found:
            errors += found
        elif column in ("resident_id", "household_id") and not _ID.match(value):
            errors.append(FieldError(at, "format", "letters, digits and -",
                                     f"{line}行目の{column}の形式が正しくありません"))
        elif column in ("birth_date", "moved_in_on"):
            try:
                date.fromisoformat(value)
            except ValueError:
                errors.append(FieldError(at, "date_format", "not a date (YYYY-MM-DD)",
                                         f"{line}行目の{column}は日付（YYYY-MM-DD）で入力してください"))
        elif column == "sex" and value not in SEXES:
            errors.append(FieldError(at, "one_of", "1, 2, 9, 男, 女 or 不明", f"{line}行目の性別が正しくありません",
                                     {"allowed": list(SEXES)}))
    return errors


def record_of(row: Mapping[str, Any]) -> dict[str, str]:
    """The personal part of a valid row, canonical (trimmed; sex as 男/女/不明)."""
    record = {c: (row.get(c) or "").strip() for c in PERSONAL_COLUMNS}
    record["sex"] = SEXES[record["sex"]]
    return record


class ResidentRecordImported(Created):
    resident_id: str
    household_id: str
    record: PersonalData  # {name, name_kana, birth_date, sex, address, relationship, moved_in_on}

    def apply(self, aggregate: ResidentRecord) -> None:
        aggregate.resident_id = self.resident_id
        aggregate.household_id = self.household_id
        aggregate.data = self.record


class ResidentRecordUpdated(Event):
    resident_id: str
    household_id: str
    record: PersonalData

    def apply(self, aggregate: ResidentRecord) -> None:
        aggregate.household_id = self.household_id
        aggregate.data = self.record


class ResidentRecord(RecordedAggregate):
    resident_id: str
    household_id: str
    data: PersonalData  # the latest record

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def imported(cls, ctx: CommandContext, *, resident_id: str, household_id: str,
                 record: dict[str, str]) -> ResidentRecord:
        return cls.start(ctx, ResidentRecordImported, id=resident_record_id(resident_id),
                         resident_id=resident_id, household_id=household_id,
                         record=PersonalData(resident_subject(resident_id), record))

    def reimport(self, ctx: CommandContext, *, household_id: str, record: dict[str, str]) -> bool:
        """Record the row if it changed; whether it did."""
        if household_id == self.household_id and not self.data.erased and record == self.data.value:
            return False
        self.record(ctx, ResidentRecordUpdated, resident_id=self.resident_id, household_id=household_id,
                    record=PersonalData(resident_subject(self.resident_id), record))
        return True
