"""Importing the core resident-record system's export (住民記録, CSV) as events.

``madoguchi residents import FILE.csv`` (api/cli/residents.py) calls
:meth:`ResidentService.import_csv`: every row is checked first (each error names
its line and column) and nothing is written unless all rows are valid; then new
residents are ``ResidentRecordImported``, changed rows ``ResidentRecordUpdated``
and unchanged rows nothing, all in ONE store — so a re-import is idempotent.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from uuid import UUID

from application.shared.eventlog import CityLog
from domain.counter.residents import ResidentRecord, header_errors, record_of, resident_record_id, row_errors
from domain.shared.context import CommandContext
from domain.shared.errors import FieldError, Forbidden, NotFound, ValidationFailed

MAX_ROWS = 200_000


@dataclass(frozen=True)
class ImportSummary:
    imported: int
    updated: int
    unchanged: int
    position: int | None  # of the last event written; None when nothing changed


class ResidentService:
    def __init__(self, log: CityLog) -> None:
        self.log = log

    def get(self, resident_id: str) -> ResidentRecord:
        return self.log.load(ResidentRecord, resident_record_id(resident_id), "resident record")

    def find(self, key: UUID) -> ResidentRecord | None:
        try:
            return self.log.load(ResidentRecord, key, "resident record")
        except NotFound:
            return None

    def import_csv(self, ctx: CommandContext, text: str) -> ImportSummary:
        if ctx.actor.role not in ("system", "admin"):
            raise Forbidden("resident records are imported by the system", message_ja="住民記録の取込権限がありません")
        reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
        errors = header_errors([c.strip() for c in reader.fieldnames or []])
        if errors:
            raise ValidationFailed(errors)
        rows: list[dict[str, str]] = []
        seen: dict[str, int] = {}
        for row in reader:
            line = reader.line_num
            clean = {k.strip(): v for k, v in row.items() if k is not None}
            if None in row:
                errors.append(FieldError(f"line {line}", "columns", "more cells than columns",
                                         f"{line}行目の項目数が列の数より多いです"))
            errors += row_errors(line, clean)
            resident_id = (clean.get("resident_id") or "").strip()
            if resident_id in seen:
                errors.append(FieldError(f"line {line}.resident_id", "unique",
                                         f"resident_id also on line {seen[resident_id]}",
                                         f"{line}行目の宛名番号が{seen[resident_id]}行目と重複しています"))
            seen.setdefault(resident_id, line)
            rows.append(clean)
            if len(rows) > MAX_ROWS:
                raise ValidationFailed.single("file", "max_rows", f"at most {MAX_ROWS} rows",
                                              f"{MAX_ROWS}行までです")
        if not rows:
            errors.append(FieldError("file", "empty", "the file has no rows", "取込む行がありません"))
        if errors:
            raise ValidationFailed(errors)
        changed: list[ResidentRecord] = []
        imported = updated = 0
        for row in rows:
            resident_id, household_id = row["resident_id"].strip(), row["household_id"].strip()
            existing = self.find(resident_record_id(resident_id))
            if existing is None:
                changed.append(ResidentRecord.imported(ctx, resident_id=resident_id, household_id=household_id,
                                                       record=record_of(row)))
                imported += 1
            elif existing.reimport(ctx, household_id=household_id, record=record_of(row)):
                changed.append(existing)
                updated += 1
        position = self.log.store(*changed) if changed else None
        return ImportSummary(imported, updated, len(rows) - imported - updated, position)
