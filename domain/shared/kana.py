"""Character-set rules for text fields (``script`` constraint): pure functions.

- ``hiragana``: ひらがな, the long-vowel mark ー and spaces (ふりがな欄);
- ``katakana``: カタカナ, ー, ・ and spaces; half-width ｶﾀｶﾅ is converted to
  full-width first (the canonical answer is full-width);
- ``halfwidth``: printable ASCII and half-width ｶﾀｶﾅ only (口座名義 etc.).
"""

from __future__ import annotations

import re
import unicodedata

SCRIPTS: dict[str, tuple[str, str]] = {
    "hiragana": ("hiragana", "ひらがな"),
    "katakana": ("katakana", "カタカナ"),
    "halfwidth": ("half-width characters", "半角文字"),
}

_SPACE = " \u3000"
_PATTERNS = {
    "hiragana": re.compile(rf"^[\u3041-\u309F\u30FC{_SPACE}]*$"),
    "katakana": re.compile(rf"^[\u30A1-\u30FF{_SPACE}]*$"),  # includes ・ and ー
    "halfwidth": re.compile(r"^[\u0020-\u007E\uFF61-\uFF9F]*$"),
}
_HALFWIDTH_KANA = re.compile(r"[\uFF61-\uFF9F]+")


def to_script(text: str, script: str) -> str:
    """The canonical form of ``text`` for ``script`` (half-width kana widened for katakana)."""
    if script == "katakana":
        return _HALFWIDTH_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text


def matches_script(text: str, script: str) -> bool:
    return bool(_PATTERNS[script].match(text))
