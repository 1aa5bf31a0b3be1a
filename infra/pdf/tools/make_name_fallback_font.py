"""Rebuild ``infra/pdf/assets/madoguchi-jinmei-mincho.ttf``, the PDF fallback font for
name kanji that IPAex Gothic (JIS X 0213) lacks, such as 𠮷 (U+20BB7).

It is a subset of IPAmj Mincho 005.01 (文字情報基盤, the MJ character set of the
family and resident registers), licensed under the IPA Font License v1.0 like
the original. As that licence asks of a derived font, it is renamed (no
"IPAmj" in its names or file name); to use the original instead, install
IPAmj Mincho (Debian: ``fonts-ipamj-mincho``) and point
``infra.pdf.typeface.FALLBACK_FILE`` at ``ipamjm.ttf`` — it is a superset.

Kept: every code point of IPAmj Mincho that IPAex Gothic lacks and that is
either a BMP unified or compatibility ideograph (U+4E00–9FFF, U+F900–FAFF)
or in Adobe-Japan1-7 (the character collection of professional Japanese
fonts; read from poppler-data's ``UniJIS-UTF32-H`` CMap). Hinting and layout
tables are dropped (reportlab embeds glyf outlines only). A maintainer's tool,
not part of the product: it needs ``pip install fonttools``.

    apt-get download fonts-ipamj-mincho fonts-ipaexfont-gothic poppler-data
    for f in *.deb; do dpkg -x "$f" x; done
    python -m infra.pdf.tools.make_name_fallback_font \\
      x/usr/share/fonts/truetype/ipamj/ipamjm.ttf \\
      infra/pdf/assets/ipaexg.ttf \\
      x/usr/share/poppler/cMap/Adobe-Japan1/UniJIS-UTF32-H \\
      infra/pdf/assets/madoguchi-jinmei-mincho.ttf
"""

from __future__ import annotations

import re
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

FAMILY, FAMILY_JA = "Madoguchi Jinmei Mincho", "窓口人名補助明朝"
POSTSCRIPT = "MadoguchiJinmeiMincho"
DESCRIPTION = ("Subset of IPAmj Mincho 005.01 (IPA Font License v1.0) for name kanji outside "
               "JIS X 0213, made by madoguchi's scripts/make_name_fallback_font.py.")
RANGES = ((0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def adobe_japan1(cmap_path: str) -> set[int]:
    text = open(cmap_path, encoding="latin-1").read()
    points: set[int] = set()
    for first, last in re.findall(r"<([0-9a-fA-F]{8})>\s+<([0-9a-fA-F]{8})>\s+\d+", text):
        points.update(range(int(first, 16), int(last, 16) + 1))
    points.update(int(one, 16) for one in re.findall(r"^<([0-9a-fA-F]{8})>\s+\d+\s*$", text, re.M))
    return points


def main(source: str, primary: str, cmap_path: str, output: str) -> None:
    font = TTFont(source, recalcTimestamp=False)
    covered = set(TTFont(primary).getBestCmap())
    wanted = adobe_japan1(cmap_path)
    keep = sorted(cp for cp in font.getBestCmap() if cp not in covered
                  and (cp in wanted or any(lo <= cp <= hi for lo, hi in RANGES)))
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.name_IDs = [0, 13, 14]  # copyright and licence notices; names are set below
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=keep)
    subsetter.subset(font)
    names = font["name"]
    for lang, family in ((0x409, FAMILY), (0x411, FAMILY_JA)):
        for name_id, value in ((1, family), (2, "Regular"), (3, f"{POSTSCRIPT} 1.0"), (4, family),
                               (5, "Version 1.0"), (6, POSTSCRIPT), (10, DESCRIPTION)):
            names.setName(value, name_id, 3, 1, lang)
    font.save(output, reorderTables=True)  # head.modified kept from the source: same bytes each run
    print(f"{output}: {len(keep)} characters")


if __name__ == "__main__":
    main(*sys.argv[1:5])
