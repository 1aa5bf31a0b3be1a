"""Dashboard exports: CSV for Excel (UTF-8 with BOM, Japanese headers, CRLF) and JSON.

Both hold only aggregates: the monthly figures of each dashboard (and, in JSON,
the plans without their owners), so an export is safe to hand to an analyst."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from projections.dx.figures import Dashboard, MonthFigures

BOM = "\ufeff"
# (MonthFigures field, the Japanese column header)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("month", "年月"),
    ("first_day", "集計開始日"),
    ("last_day", "集計終了日"),
    ("as_of", "基準日"),
    ("procedures", "手続数"),
    ("procedures_online", "オンライン化済み手続数"),
    ("online_rate", "オンライン化率"),
    ("procedures_from_template", "標準様式由来の手続数"),
    ("planned", "オンライン化予定（目標日あり）"),
    ("planned_overdue", "目標日超過"),
    ("applications", "申請件数"),
    ("applications_online", "オンライン申請"),
    ("applications_counter", "窓口申請"),
    ("applications_mail", "郵送申請"),
    ("online_share", "オンライン申請率"),
    ("completed", "完了件数"),
    ("median_days", "処理日数（中央値）"),
    ("p90_days", "処理日数（90パーセンタイル）"),
    ("completed_overdue", "標準処理期間超過（完了分）"),
    ("open_overdue", "標準処理期間超過（処理中）"),
    ("received", "受付件数"),
    ("returned", "差し戻し件数"),
    ("return_rate", "差し戻し率"),
    ("visits", "来庁者数"),
    ("mean_wait_minutes", "平均待ち時間（分）"),
    ("p90_wait_minutes", "待ち時間90パーセンタイル（分）"),
    ("no_shows", "不在"),
    ("fees_yen", "手数料収入（円）"),
    ("cashless_fees_yen", "うちキャッシュレス（円）"),
    ("cashless_share", "キャッシュレス比率"),
)
assert {name for name, _ in COLUMNS} == set(MonthFigures.__dataclass_fields__)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return value


def to_csv(dashboards: list[Dashboard]) -> str:
    """One row per dashboard and month; the first two columns name the department
    (「全庁」 for the city). Excel opens it as UTF-8 because of the BOM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["課コード", "課名", *(header for _, header in COLUMNS)])
    for d in dashboards:
        code, name = (d.department, d.department_name_ja or d.department) if d.department else ("city", "全庁")
        for month in d.months:
            values = asdict(month)
            writer.writerow([code, name, *(_cell(values[key]) for key, _ in COLUMNS)])
    return BOM + out.getvalue()


def to_json_data(dashboards: list[Dashboard]) -> list[dict[str, Any]]:
    data = []
    for d in dashboards:
        item = asdict(d)
        for plan in item["plans"]:
            plan.pop("owner")  # a staff member's name: not in exports
        data.append(item)
    return data


def to_json(dashboards: list[Dashboard]) -> str:
    return json.dumps({"dashboards": to_json_data(dashboards)}, ensure_ascii=False, indent=2) + "\n"
