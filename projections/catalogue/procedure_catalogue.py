"""Read model: the procedure catalogue (手続き一覧) and the departments (課)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from application.projection.base import Projection, Tables
from application.projection.reading import ReadSession
from application.shared.ports import ViewCursor
from domain.catalogue.departments import DepartmentEstablished
from domain.catalogue.procedures import (
    FormRevised,
    ProcedureDefined,
    ProcedurePublishedOnline,
    ProcedureRetired,
    ProcedureWithdrawnOnline,
)


@dataclass(frozen=True)
class DepartmentView:
    code: str
    name_ja: str
    name_en: str
    procedure_count: int
    online_count: int


@dataclass(frozen=True)
class ProcedureView:
    code: str
    name_ja: str
    name_en: str
    department: str
    department_name_ja: str
    department_name_en: str
    channels: list[str]
    assurance: str
    fee_yen: int
    processing_days: int
    requirements_ja: str
    requirements_en: str
    contact: str
    retention_years: int
    template_code: str | None
    form: dict[str, Any]
    online: bool
    retired: bool
    defined_at: str
    updated_at: str


class ProcedureCatalogue(Projection):
    name = "procedure_catalogue"
    version = 1
    handles = (
        DepartmentEstablished,
        ProcedureDefined,
        FormRevised,
        ProcedurePublishedOnline,
        ProcedureWithdrawnOnline,
        ProcedureRetired,
    )
    tables = ("catalogue_departments", "catalogue_procedures")

    def create(self, cur: ViewCursor, t: Tables) -> None:
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {catalogue_departments} ("
            " code TEXT PRIMARY KEY, name_ja TEXT NOT NULL, name_en TEXT NOT NULL,"
            " established_at TEXT NOT NULL)"
        ))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {catalogue_procedures} ("
            " id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, name_ja TEXT NOT NULL,"
            " name_en TEXT NOT NULL, department TEXT NOT NULL, channels TEXT NOT NULL,"
            " assurance TEXT NOT NULL, fee_yen INTEGER NOT NULL, processing_days INTEGER NOT NULL,"
            " requirements_ja TEXT NOT NULL, requirements_en TEXT NOT NULL, contact TEXT NOT NULL,"
            " retention_years INTEGER NOT NULL, template_code TEXT, form TEXT NOT NULL,"
            " online INTEGER NOT NULL, retired INTEGER NOT NULL,"
            " defined_at TEXT NOT NULL, updated_at TEXT NOT NULL)"
        ))
        cur.execute(t.sql(
            "CREATE INDEX IF NOT EXISTS {catalogue_procedures}_dept"
            " ON {catalogue_procedures} (department, code)"
        ))

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        at = event.timestamp.isoformat()
        procedures = t["catalogue_procedures"]
        match event:
            case DepartmentEstablished():
                cur.execute(
                    t.sql("INSERT INTO {catalogue_departments} VALUES (?, ?, ?, ?)"),
                    (event.code, event.name_ja, event.name_en, at),
                )
            case ProcedureDefined():
                cur.execute(
                    f"INSERT INTO {procedures} VALUES"
                    " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)",
                    (
                        event.originator_id.hex, event.code, event.name_ja, event.name_en,
                        event.department, json.dumps(event.channels), event.assurance,
                        event.fee_yen, event.processing_days, event.requirements_ja,
                        event.requirements_en, event.contact, event.retention_years,
                        event.template_code, json.dumps(event.form, ensure_ascii=False), at, at,
                    ),
                )
            case FormRevised():
                cur.execute(
                    f"UPDATE {procedures} SET form = ?, updated_at = ? WHERE id = ?",
                    (json.dumps(event.form, ensure_ascii=False), at, event.originator_id.hex),
                )
            case ProcedurePublishedOnline() | ProcedureWithdrawnOnline():
                online = 1 if isinstance(event, ProcedurePublishedOnline) else 0
                cur.execute(
                    f"UPDATE {procedures} SET online = ?, updated_at = ? WHERE id = ?",
                    (online, at, event.originator_id.hex),
                )
            case ProcedureRetired():
                cur.execute(
                    f"UPDATE {procedures} SET online = 0, retired = 1, updated_at = ? WHERE id = ?",
                    (at, event.originator_id.hex),
                )


_PROCEDURE_COLUMNS = (
    "p.code, p.name_ja, p.name_en, p.department, COALESCE(d.name_ja, p.department),"
    " COALESCE(d.name_en, p.department), p.channels, p.assurance, p.fee_yen, p.processing_days,"
    " p.requirements_ja, p.requirements_en, p.contact, p.retention_years, p.template_code,"
    " p.form, p.online, p.retired, p.defined_at, p.updated_at"
)


def _procedure(row: tuple[Any, ...]) -> ProcedureView:
    values = list(row)
    values[6] = json.loads(values[6])
    values[15] = json.loads(values[15])
    values[16] = bool(values[16])
    values[17] = bool(values[17])
    return ProcedureView(*values)


def list_procedures(
    session: ReadSession,
    *,
    department: str | None = None,
    online_only: bool = False,
    include_retired: bool = False,
) -> list[ProcedureView]:
    t = session.tables(ProcedureCatalogue.name)
    where, params = [], []
    if department:
        where.append("p.department = ?")
        params.append(department)
    if online_only:
        where.append("p.online = 1")
    if not include_retired:
        where.append("p.retired = 0")
    sql = t.sql(
        f"SELECT {_PROCEDURE_COLUMNS} FROM {{catalogue_procedures}} p"
        " LEFT JOIN {catalogue_departments} d ON d.code = p.department"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    session.cur.execute(sql + " ORDER BY p.department, p.code", params)
    return [_procedure(r) for r in session.cur.fetchall()]


def get_procedure(session: ReadSession, code: str) -> ProcedureView | None:
    t = session.tables(ProcedureCatalogue.name)
    session.cur.execute(
        t.sql(
            f"SELECT {_PROCEDURE_COLUMNS} FROM {{catalogue_procedures}} p"
            " LEFT JOIN {catalogue_departments} d ON d.code = p.department WHERE p.code = ?"
        ),
        (code,),
    )
    row = session.cur.fetchone()
    return _procedure(row) if row else None


def list_departments(session: ReadSession) -> list[DepartmentView]:
    t = session.tables(ProcedureCatalogue.name)
    session.cur.execute(t.sql(
        "SELECT d.code, d.name_ja, d.name_en,"
        " COUNT(p.code) - SUM(CASE WHEN p.retired = 1 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN p.online = 1 THEN 1 ELSE 0 END)"
        " FROM {catalogue_departments} d LEFT JOIN {catalogue_procedures} p"
        " ON p.department = d.code GROUP BY d.code, d.name_ja, d.name_en ORDER BY d.code"
    ))
    return [
        DepartmentView(code, ja, en, int(total or 0), int(online or 0))
        for code, ja, en, total, online in session.cur.fetchall()
    ]
