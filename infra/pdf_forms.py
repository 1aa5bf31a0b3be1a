"""The :class:`~application.shared.ports.FormPrinter` adapter: one PDF with every filled
form, in Japanese, PDF/A-2b with its fonts embedded (:mod:`infra.pdf`), so it
prints and archives the same on a machine without any Japanese font.

Each form starts on a new A4 page: a header (heading, department), the form's
title, then one row per (label, value) in two columns; a label wraps within
its column and a value within its own, so no text is drawn over another.
A row that does not fit continues on the next page. The last page of a form
ends with a note naming any character printed as 〓 (see
:mod:`infra.pdf.typeface`) and a box for the citizen's signature.
Deterministic: same forms, same bytes."""

from __future__ import annotations

import io
from collections.abc import Sequence
from itertools import zip_longest

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from infra.pdf import archival, typeface

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
LABEL_WIDTH = 52 * mm
VALUE_X = MARGIN + LABEL_WIDTH + 5 * mm
VALUE_WIDTH = PAGE_WIDTH - MARGIN - VALUE_X
HEADER_SIZE, TITLE_SIZE, BODY_SIZE, NOTE_SIZE = 9, 15, 10.5, 9
PITCH = 5.5 * mm  # baseline to baseline inside a row
ROW_GAP = 3 * mm  # between rows; the rule is drawn in the middle of it
SIGNATURE_TOP = MARGIN + 32 * mm  # rows stay above the signature block
SUBJECT = "申請内容の確認と署名"
SIGNATURE_TEXT = "上記の内容に相違ありません。　署名："
Form = tuple[str, str, Sequence[tuple[str, str]]]


class _Sheet:
    """One form being laid out: where the next baseline goes, and page breaks."""

    def __init__(self, canvas: Canvas, heading: str, department: str) -> None:
        self.canvas, self.heading, self.department = canvas, heading, department
        self.y = 0.0
        self.new_page(first=True)

    def new_page(self, *, first: bool = False) -> None:
        if not first:
            self.canvas.showPage()
        y = PAGE_HEIGHT - MARGIN
        department_width = typeface.width(self.department, HEADER_SIZE)
        typeface.draw(self.canvas, PAGE_WIDTH - MARGIN - department_width, y, self.department, HEADER_SIZE)
        for line in typeface.wrap(self.heading, CONTENT_WIDTH - department_width - 5 * mm, HEADER_SIZE):
            typeface.draw(self.canvas, MARGIN, y, line, HEADER_SIZE)
            y -= HEADER_SIZE * 1.5
        self.y = y - 8 * mm

    def room_for(self, height: float) -> None:
        if self.y - height < SIGNATURE_TOP:
            self.new_page()

    def paragraph(self, text: str, size: float, after: float) -> None:
        for line in typeface.wrap(text, CONTENT_WIDTH, size):
            self.room_for(size)
            typeface.draw(self.canvas, MARGIN, self.y, line, size)
            self.y -= size * 1.5
        self.y -= after

    def row(self, label: str, value: str) -> None:
        lines = zip_longest(typeface.wrap(label, LABEL_WIDTH, BODY_SIZE),
                            typeface.wrap(value, VALUE_WIDTH, BODY_SIZE), fillvalue="")
        for i, (label_line, value_line) in enumerate(lines):
            if i:
                self.y -= PITCH
            self.room_for(BODY_SIZE)
            typeface.draw(self.canvas, MARGIN, self.y, label_line, BODY_SIZE)
            typeface.draw(self.canvas, VALUE_X, self.y, value_line, BODY_SIZE)
        rule = self.y - BODY_SIZE * 0.3 - ROW_GAP / 2
        self.canvas.line(MARGIN, rule, PAGE_WIDTH - MARGIN, rule)
        self.y -= PITCH + ROW_GAP

    def signature(self, unprintable: list[str]) -> None:
        if unprintable:
            codes = "、".join(f"U+{ord(ch):04X}" for ch in unprintable)
            self.paragraph(f"※〓は、この用紙に印字できない文字です（{codes}）。窓口の職員にお申し出ください。",
                           NOTE_SIZE, 0)
        y = MARGIN + 22 * mm
        typeface.draw(self.canvas, MARGIN, y, SIGNATURE_TEXT, BODY_SIZE)
        box_x = MARGIN + typeface.width(SIGNATURE_TEXT, BODY_SIZE) + 4 * mm
        self.canvas.rect(box_x, MARGIN + 14 * mm, PAGE_WIDTH - MARGIN - box_x, 16 * mm)
        self.canvas.showPage()


class PdfFormPrinter:
    def render(self, heading: str, forms: Sequence[Form]) -> bytes:
        out = io.BytesIO()
        canvas = archival.archival_canvas(out, A4, title=heading, subject=SUBJECT,
                                          font_size=BODY_SIZE)
        for title, department, lines in forms:
            sheet = _Sheet(canvas, heading, department)
            sheet.paragraph(title, TITLE_SIZE, 3 * mm)
            for label, value in lines:
                sheet.row(label, value)
            printed = "".join([heading, department, title, *(label + value for label, value in lines)])
            sheet.signature(typeface.unprintable(printed))
        return archival.save(canvas, out, title=heading, subject=SUBJECT)
