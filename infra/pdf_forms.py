"""The :class:`~application.shared.ports.FormPrinter` adapter: one PDF with every filled
form, in Japanese, through reportlab's built-in CID font (HeiseiKakuGo-W5; no
font file is embedded or needed). Each form starts on a new A4 page and ends with
a box for the citizen's signature. Deterministic: no creation date, fixed ids."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

FONT = "HeiseiKakuGo-W5"
LINE = 7 * mm
MARGIN = 20 * mm
VALUE_WIDTH = 110 * mm


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (by character: Japanese has no spaces)."""
    lines, current = [], ""
    for ch in text.replace("\r", ""):
        if ch == "\n" or pdfmetrics.stringWidth(current + ch, FONT, size) > width:
            lines.append(current)
            current = "" if ch == "\n" else ch
        else:
            current += ch
    return [*lines, current]


class PdfFormPrinter:
    def render(self, heading: str, forms: Sequence[tuple[str, str, Sequence[tuple[str, str]]]]) -> bytes:
        font = _font()
        out = io.BytesIO()
        canvas = Canvas(out, pagesize=A4, invariant=1, pageCompression=1)
        canvas.setTitle(heading)
        width, height = A4
        for title, department, lines in forms:
            y = height - MARGIN
            canvas.setFont(font, 9)
            canvas.drawString(MARGIN, y, heading)
            canvas.drawRightString(width - MARGIN, y, department)
            y -= 2 * LINE
            canvas.setFont(font, 15)
            canvas.drawString(MARGIN, y, title)
            y -= 1.5 * LINE
            canvas.setFont(font, 10.5)
            for label, value in lines:
                wrapped = _wrap(value, VALUE_WIDTH, 10.5)
                if y - LINE * len(wrapped) < MARGIN + 30 * mm:
                    canvas.showPage()
                    canvas.setFont(font, 10.5)
                    y = height - MARGIN
                canvas.drawString(MARGIN, y, label)
                for part in wrapped:
                    canvas.drawString(MARGIN + 55 * mm, y, part)
                    y -= LINE
                canvas.line(MARGIN, y + LINE * 0.6, width - MARGIN, y + LINE * 0.6)
            canvas.drawString(MARGIN, MARGIN + 22 * mm, "上記の内容に相違ありません。　署名：")
            canvas.rect(MARGIN + 70 * mm, MARGIN + 14 * mm, 80 * mm, 16 * mm)
            canvas.showPage()
        canvas.save()
        return out.getvalue()
