"""Departments (課) of the demo city, 下野市."""

from __future__ import annotations

_ROWS: list[tuple[str, str, str]] = [
    ("shimin", "市民課", "Citizens Division"),
    ("hoken", "保険年金課", "Health Insurance and Pension Division"),
    ("zeimu", "税務課", "Taxation Division"),
    ("kodomo", "こども福祉課", "Child Welfare Division"),
    ("korei", "高齢福祉課", "Elderly Welfare Division"),
    ("kenko", "健康増進課", "Health Promotion Division"),
    ("kankyo", "環境課", "Environment Division"),
    ("suido", "上下水道課", "Water and Sewerage Division"),
    ("gakko", "学校教育課", "School Education Division"),
    ("nosei", "農政課", "Agricultural Policy Division"),
    ("shoko", "商工観光課", "Commerce, Industry and Tourism Division"),
    ("sogo", "総合政策課", "General Policy Division"),
    ("fukushi", "社会福祉課", "Social Welfare Division"),
    ("kenchiku", "建築課", "Building Division"),
    ("shogai", "生涯学習文化課", "Lifelong Learning and Culture Division"),
    ("anzen", "安全安心課", "Community Safety Division"),
    ("kensetsu", "建設課", "Construction Division"),
]

DEPARTMENTS: list[dict[str, str]] = [
    {"code": code, "name_ja": name_ja, "name_en": name_en} for code, name_ja, name_en in _ROWS
]
