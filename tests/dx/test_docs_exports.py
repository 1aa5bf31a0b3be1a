"""docs/analytics.md documents the dashboard CSV exactly as it is written."""

from __future__ import annotations

import re
from pathlib import Path

from api.dx.export_formats import COLUMNS, to_csv

DOC = (Path(__file__).resolve().parents[2] / "docs" / "analytics.md").read_text(encoding="utf-8")


def test_the_documented_header_row_is_the_one_the_csv_carries():
    documented = re.search(r"```csv\n(.+?)\n```", DOC).group(1)
    written = to_csv([]).lstrip("\ufeff").split("\r\n")[0]
    assert documented == written


def test_every_csv_header_is_in_the_field_table():
    table = {h.strip() for row in re.findall(r"^\| `[^|]+` \| ([^|]+) \|", DOC, re.M) for h in row.split(",")}
    missing = [h for _, h in COLUMNS if h not in table and h not in {"年月", "集計開始日", "集計終了日", "基準日"}]
    assert missing == []
