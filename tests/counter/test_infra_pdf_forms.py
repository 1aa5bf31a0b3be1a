"""The no-writing counter's check-and-sign PDF (infra/pdf_forms.py), for the three forms
of one 転入 interview of 髙橋 﨑子 and her child 𠮷田 陽翔, read back from the PDF itself:
every font embedded, no text drawn over another, real glyphs when rendered on a
machine with no Japanese (or any) system font, PDF/A-2b parts, same bytes each time."""

from __future__ import annotations

import io
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypdf
import pytest
from pdfminer.high_level import extract_text

from api.composition import Container
from infra.pdf_forms import (
    BODY_SIZE,
    LABEL_WIDTH,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    SIGNATURE_TOP,
    VALUE_X,
    PdfFormPrinter,
)
from tests.builders import ctx, staff
from tests.counter import pdf_reading
from tests.counter.support import CARD, HOUSEHOLD, JIDO_TEATE_REST, TENNYU_REST, set_up_counter

TAKAHASHI = {**CARD, "name": "髙橋 﨑子", "nameKana": "タカハシ サキコ"}
CHILD = "𠮷田 陽翔"  # 𠮷 (U+20BB7) is outside JIS X 0213: printed from the fallback font
KODOMO_IRYO_REST = {"childName": CHILD, "childBirthDate": "2016-05-01", "insuranceNumber": "記号12 番号3456",
                    "bankAccount": "足利銀行 本店 普通 1234567", "phone": "0285-32-8888"}
DPI = 150


def _interview_pdf(container: Container) -> tuple[str, bytes]:
    visit = set_up_counter(container)
    at = ctx(container.clock.now(), staff("shimin"))
    service = container.interviews
    interview = service.open(at, visit).id
    service.identify_from_card(at, interview, TAKAHASHI, HOUSEHOLD)
    service.choose_life_event(at, interview, "move_in")
    service.complete_form(at, interview, "tennyu", TENNYU_REST)
    service.complete_form(at, interview, "jido-teate", {**JIDO_TEATE_REST, "childName": CHILD})
    service.complete_form(at, interview, "kodomo-iryo", KODOMO_IRYO_REST)
    return interview, service.forms_pdf(at, interview)[1]


@pytest.fixture
def interview_pdf(container: Container) -> bytes:
    return _interview_pdf(container)[1]


def _rows(runs: list[pdf_reading.Run]) -> list[pdf_reading.Run]:
    """The runs of the (label, value) rows: body size, above the signature block."""
    return [r for r in runs if r.y0 > SIGNATURE_TOP and abs(r.y1 - r.y0 - BODY_SIZE) < 0.01]


def _text(pdf: bytes) -> str:
    return extract_text(io.BytesIO(pdf))


def test_the_three_forms_print_every_answer_with_the_names_as_written(interview_pdf: bytes) -> None:
    lines = [r.text for r in pdf_reading.text_runs(interview_pdf)]
    for expected in ("転入届（来庁予定の事前届出）", "児童手当認定請求", "こども医療費受給資格登録申請",
                     "髙橋 﨑子", CHILD, "民間企業・自営業", "上記の内容に相違ありません。　署名："):
        assert expected in lines, expected
    assert lines.count("記載内容に相違ないことを確認") == lines.count("し、申請します") == 2  # wrapped, 行頭禁則
    assert (lines.count("市民課"), lines.count("こども福祉課")) == (1, 2)  # each form's department, by name
    assert not any("〓" in line for line in lines)


def test_every_font_is_embedded_as_a_subset(interview_pdf: bytes) -> None:
    fonts = pdf_reading.fonts(interview_pdf)
    assert {re.sub(r"^[A-Z]{6}\+", "", pdf_reading.base_font(f)) for f in fonts} == {
        "IPAexGothic", "MadoguchiJinmeiMincho"}
    for font in fonts:
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]
        assert re.match(r"^[A-Z]{6}\+", pdf_reading.base_font(font)), "a subset, not the whole font"
        assert "/ToUnicode" in font  # text can be searched and copied


def test_no_character_is_drawn_as_the_missing_glyph_box(interview_pdf: bytes) -> None:
    drawn = pdf_reading.characters(interview_pdf)
    assert drawn and [c for c in drawn if c.text == pdf_reading.NOTDEF or c.text.startswith("(cid:")] == []


def test_no_text_box_overlaps_another_and_labels_stay_in_their_column(interview_pdf: bytes) -> None:
    runs = pdf_reading.text_runs(interview_pdf)
    assert len({r.page for r in runs}) == 3
    overlapping = [(a.text, b.text) for i, a in enumerate(runs) for b in runs[i + 1:] if a.overlaps(b)]
    assert overlapping == []
    assert [r for r in runs if r.x0 < MARGIN - 0.01 or r.x1 > PAGE_WIDTH - MARGIN + 0.01] == []
    rows = _rows(runs)
    in_no_column = [r.text for r in rows
                    if not (r.x1 <= MARGIN + LABEL_WIDTH + 0.01 or r.x0 >= VALUE_X - 0.01)]
    assert len(rows) > 40 and in_no_column == []
    consent = [r for r in runs if r.text.startswith("記載内容に相違ない")]
    assert consent and all(r.x1 < VALUE_X for r in consent)  # was drawn over 「はい」 at x=212.6


def test_a_long_answer_wraps_and_continues_on_the_next_page_without_overlap() -> None:
    long = "下野市笹原26番地の見本マンション101号室、" * 60
    pdf = PdfFormPrinter().render("書かない窓口 申請内容の確認", [
        ("転入届", "shimin", [("備考（窓口で聞き取った内容をそのまま記載します）", long), ("氏名", "髙橋 﨑子")])])
    runs = pdf_reading.text_runs(pdf)
    assert len({r.page for r in runs}) >= 2
    assert [(a.text, b.text) for i, a in enumerate(runs) for b in runs[i + 1:] if a.overlaps(b)] == []
    values = "".join(r.text for r in _rows(runs) if r.x0 >= VALUE_X - 0.01)
    assert values == long + "髙橋 﨑子"
    assert all(r.y0 >= MARGIN for r in runs)


@pytest.mark.skipif(pdf_reading.pdftoppm() is None and not os.environ.get("CI"),
                    reason="needs pdftoppm (poppler-utils); .ci/run installs it, so CI fails instead")
def test_rendered_without_any_system_font_every_text_line_has_ink(interview_pdf: bytes, tmp_path: Path) -> None:
    pages = pdf_reading.render_without_system_fonts(interview_pdf, tmp_path, DPI)
    runs = pdf_reading.text_runs(interview_pdf)
    assert len(pages) == 3
    blank = [r.text for r in runs
             if pdf_reading.dark_pixels(pages[r.page], r, DPI, PAGE_HEIGHT) < 4 * len(r.text.replace(" ", ""))]
    assert blank == []
    name_chars = [c for c in pdf_reading.characters(interview_pdf) if c.text in "髙橋﨑𠮷田"]
    assert {c.text for c in name_chars} == set("髙橋﨑𠮷田")  # 𠮷 from the fallback font
    for ch in name_chars:
        assert pdf_reading.dark_pixels(pages[ch.page], ch, DPI, PAGE_HEIGHT) > 40, ch


def test_the_pdf_is_pdf_a_2b_ready_in_japanese_with_a_title(interview_pdf: bytes) -> None:
    assert interview_pdf.startswith(b"%PDF-1.7\n")
    reader = pypdf.PdfReader(io.BytesIO(interview_pdf))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "ja"
    assert reader.metadata.title == "書かない窓口 申請内容の確認"
    metadata = catalog["/Metadata"].get_object()
    assert "/Filter" not in metadata
    xmp = metadata.get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>" in xmp
    info = reader.metadata
    for value in (info.title, info.author, info.subject, info.creator, info.producer):
        assert value and value in xmp, value
    assert "2000-01-01T00:00:00+00:00" in xmp and info["/CreationDate"] == "D:20000101000000+00'00'"
    (intent,) = catalog["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFA1" and intent["/DestOutputProfile"].get_object()["/N"] == 3
    for forbidden in ("URI", "Launch", "JavaScript", "EmbeddedFile", "AA", "SMask", "Encrypt", "Annots"):
        assert not re.search(rb"/" + forbidden.encode() + rb"(?![A-Za-z+])", interview_pdf), forbidden
    assert len(re.findall(rb"endstream", interview_pdf)) == len(re.findall(rb"\nendstream", interview_pdf))


def test_the_same_interview_gives_the_same_bytes(container: Container) -> None:
    interview, first = _interview_pdf(container)
    again = container.interviews.forms_pdf(ctx(container.clock.now(), staff("shimin")), interview)[1]
    assert again == first


def test_a_character_that_no_font_has_is_printed_as_geta_and_named_on_the_form() -> None:
    pdf = PdfFormPrinter().render("見出し", [("転入届", "shimin", [("氏名", "\U0002A6D6山 太郎")])])
    text = _text(pdf)
    assert "〓山 太郎" in text and "U+2A6D6" in text
    assert pdf_reading.NOTDEF not in "".join(c.text for c in pdf_reading.characters(pdf))


def test_a_variation_selector_prints_its_base_character() -> None:
    pdf = PdfFormPrinter().render("見出し", [("転入届", "shimin", [("氏名", "渡邉\U000E0101 一郎")])])
    assert "渡邉 一郎" in _text(pdf)


def test_pdfs_rendered_at_the_same_time_are_each_whole_and_identical() -> None:
    rows = [("請求者（父母のうち所得の高い方）氏名", "髙橋 﨑子"), ("児童の氏名", CHILD)]
    forms = [("児童手当認定請求", "こども福祉課", rows)]
    alone = PdfFormPrinter().render("書かない窓口 申請内容の確認", forms)
    with ThreadPoolExecutor(4) as pool:  # the font files are read while a PDF is saved: one at a time
        together = list(pool.map(lambda _: PdfFormPrinter().render("書かない窓口 申請内容の確認", forms), range(8)))
    assert together == [alone] * 8
