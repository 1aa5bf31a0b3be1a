"""和暦 (Japanese era dates): a pure conversion table and parser.

``parse_date_input`` accepts what citizens type into a date field and gives a
:class:`datetime.date`:

- ISO ``2026-04-01`` is parsed by the caller (other 西暦 notations such as
  ``2026/4/1`` stay refused, as before);
- 和暦 ``令和8年4月1日``, ``令和元年5月1日``, ``R8.4.1``, ``r08/04/01``, ``H31-4-30``,
  ``㋿8年4月1日`` (full-width digits and letters are normalised first).

A 和暦 date must lie inside its era: ``平成31年5月1日`` is refused (令和 began
that day), as is ``昭和64年1月8日``. Dates are Gregorian; 明治 dates before
明治6年 (when Japan adopted the Gregorian calendar) are converted as if the
Gregorian calendar applied.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

__all__ = ["ERAS", "Era", "WarekiError", "parse_date_input", "to_wareki"]


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: date  # first day of the era
    end: date | None  # last day (None: the current era)


ERAS: tuple[Era, ...] = (
    Era("明治", "M", date(1868, 10, 23), date(1912, 7, 29)),
    Era("大正", "T", date(1912, 7, 30), date(1926, 12, 24)),
    Era("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
    Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    Era("令和", "R", date(2019, 5, 1), None),
)
_BY_NAME = {e.name: e for e in ERAS} | {e.letter: e for e in ERAS}

_SEP = r"\s*[./\-]\s*"
_WAREKI = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和|[MTSHR])\s*(?P<year>元|\d{1,2})\s*"
    r"(?:年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日"
    rf"|{_SEP}(?P<m2>\d{{1,2}}){_SEP}(?P<d2>\d{{1,2}}))$"
)


class WarekiError(ValueError):
    """``rule`` is ``date_format`` (not a date) or ``era_range`` (outside its era)."""

    def __init__(self, rule: str, era: Era | None = None) -> None:
        super().__init__(rule)
        self.rule = rule
        self.era = era


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip()  # ㋿ → 令和, ８ → 8, Ｒ → R
    return text.upper() if text[:1].isascii() else text


def parse_date_input(text: str) -> date:
    """A date from 和暦 notation; raises :class:`WarekiError`."""
    text = _normalise(text)
    if m := _WAREKI.match(text):
        era = _BY_NAME[m["era"]]
        year = 1 if m["year"] == "元" else int(m["year"])
        if year < 1:
            raise WarekiError("date_format")
        try:
            day = date(era.start.year + year - 1, int(m["m1"] or m["m2"]), int(m["d1"] or m["d2"]))
        except ValueError:
            raise WarekiError("date_format") from None
        if day < era.start or (era.end is not None and day > era.end):
            raise WarekiError("era_range", era)
        return day
    raise WarekiError("date_format")


def to_wareki(day: date) -> str:
    """``令和8年4月1日`` (元年 for the first year); ISO for dates before 明治."""
    for era in reversed(ERAS):
        if day >= era.start:
            year = day.year - era.start.year + 1
            return f"{era.name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return day.isoformat()
