"""The Japanese typeface of every PDF: IPAex Gothic (JIS X 0213:2004, so 髙, 﨑,
𠮟 …) embedded as a subset, with a fallback, per character, for name kanji it
lacks:

1. IPAex Gothic (``assets/ipaexg.ttf``);
2. 窓口人名補助明朝 (``assets/madoguchi-jinmei-mincho.ttf``): a subset of IPAmj
   Mincho for the BMP ideographs and Adobe-Japan1-7 characters outside
   JIS X 0213, e.g. 𠮷 (U+20BB7) — printed in Mincho, the only difference;
3. neither: 〓 (geta, the printer's mark for a character that cannot be
   printed); :func:`unprintable` lists them so the form can say which.

Variation selectors (IVS, U+FE00–FE0F, U+E0100–E01EF) are not printed: the base
character is; nor are control and format characters (a tab prints as a space).
Text is never normalised (NFC would turn some compatibility ideographs of names
into other characters). No system font is used, ever."""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

ASSETS = Path(__file__).with_name("assets")
PRIMARY, PRIMARY_FILE = "IPAexGothic", ASSETS / "ipaexg.ttf"
FALLBACK, FALLBACK_FILE = "MadoguchiJinmeiMincho", ASSETS / "madoguchi-jinmei-mincho.ttf"
MISSING = "〓"
# reportlab reads a font file while it writes the subsets (Canvas.save): one document at a time
EMBEDDING = threading.Lock()


def _is_variation_selector(ch: str) -> bool:
    return 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF


def _printed(ch: str) -> str:
    """What is drawn for ``ch``: a tab as a space; nothing for a variation selector
    or another control or format character (they have no glyph)."""
    if ch == "\t":
        return " "
    return "" if _is_variation_selector(ch) or unicodedata.category(ch) in ("Cc", "Cf") else ch


@cache
def _fonts() -> tuple[TTFont, TTFont]:
    fonts = TTFont(PRIMARY, str(PRIMARY_FILE)), TTFont(FALLBACK, str(FALLBACK_FILE))
    for font in fonts:
        pdfmetrics.registerFont(font)
    return fonts


def font_name() -> str:
    """The primary font, registered with reportlab."""
    return _fonts()[0].fontName


def _font_of(ch: str) -> str | None:
    for font in _fonts():
        if font.face.charToGlyph.get(ord(ch)):  # a glyph other than 0 (.notdef, an empty box)
            return font.fontName
    return None


def runs(text: str) -> Iterator[tuple[str, str]]:
    """``text`` as (font name, characters) runs, with the fallback applied."""
    current, chars = PRIMARY, ""
    for ch in "".join(_printed(ch) for ch in text):
        font = _font_of(ch)
        if font is None:
            font, ch = PRIMARY, MISSING
        if font != current and chars:
            yield current, chars
            chars = ""
        current, chars = font, chars + ch
    if chars:
        yield current, chars


def unprintable(text: str) -> list[str]:
    """The characters of ``text`` that neither font has (printed as 〓), once each."""
    return list(dict.fromkeys(ch for ch in "".join(map(_printed, text)) if _font_of(ch) is None))


def width(text: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(chars, font, size) for font, chars in runs(text))


def draw(canvas: Canvas, x: float, y: float, text: str, size: float) -> None:
    """Draw ``text`` with its baseline at ``y`` from ``x``, run by run."""
    for font, chars in runs(text):
        canvas.setFont(font, size)
        canvas.drawString(x, y, chars)
        x += pdfmetrics.stringWidth(chars, font, size)


# 行頭禁則: characters that may not begin a line
_NO_LINE_START = set("、。，．,.)）」』】〕〉》］｝!?！？ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ・：；")


def wrap(text: str, limit: float, size: float) -> list[str]:
    """Break ``text`` into lines no wider than ``limit`` (by character: Japanese has
    no spaces; a closing bracket or 、。 never starts a line). ``\\n`` breaks too."""
    lines: list[str] = []
    for paragraph in text.replace("\r", "").split("\n"):
        current = ""
        for ch in paragraph:
            if current and width(current + ch, size) > limit:
                carried = ""
                if ch in _NO_LINE_START and len(current) > 1:
                    current, carried = current[:-1], current[-1]
                lines.append(current)
                current = carried
            current += ch
        lines.append(current)
    return lines
