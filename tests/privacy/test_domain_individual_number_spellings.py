"""The individual number is recognised however it is written: NFKC, separators
``.`` ``/`` ``,`` ``_`` ``・`` and up to four spaces, invisible characters
(U+200B zero width space, U+00AD soft hyphen, U+2060, U+FEFF), kanji numerals
and superscript or subscript digits (domain/privacy/individual_number.py
``normalise``). Redaction replaces exactly the characters it spans."""

from __future__ import annotations

import pytest

from domain.privacy.individual_number import contains_individual_number, normalise, redact_individual_numbers

SPELLINGS = [
    "1234.5678.9018", "1234/5678/9018", "1234,5678,9018", "1234_5678_9018", "1234・5678・9018",
    "1234･5678･9018", "1234    5678    9018", "1234 . 5678 . 9018",
    "1\u200b2\u200b3\u200b4\u200b5\u200b6\u200b7\u200b8\u200b9\u200b0\u200b1\u200b8",
    "123456\u00ad789018", "1234\u20605678\ufeff9018", "1234\u200d-\u200d5678-9018",
    "一二三四五六七八九〇一八", "一二三四・五六七八・九〇一八", "¹²³⁴⁵⁶⁷⁸⁹⁰¹⁸", "₁₂₃₄₅₆₇₈₉₀₁₈",
    "１２３４．５６７８．９０１８", "１２３４／５６７８／９０１８", "1234\u30005678\u30009018",
]


@pytest.mark.parametrize("text", SPELLINGS)
def test_every_spelling_is_found_and_redacted_whole(text):
    assert contains_individual_number(text)
    assert redact_individual_numbers(f"番号は{text}です") == "番号は[個人番号]です"


@pytest.mark.parametrize("text", [
    "1234     5678 9018",  # five spaces: two numbers' worth of gap
    "2026.04.01", "2026/04/01 10:30", "1,234,567円", "192.168.1.1", "v1.2.3",
    "一二三", "第一二三四号", "12345678901",
])
def test_other_writing_is_left_alone(text):
    assert not contains_individual_number(text)


def test_normalise_keeps_where_each_character_came_from():
    read, where = normalise("a\u200b１・²")
    assert read == "x1_2"
    assert where == [0, 2, 3, 4]
