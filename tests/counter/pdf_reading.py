"""Reading a PDF back the way a viewer would, for the PDF tests: the text runs with
their boxes (pdfminer.six, from the PDF's own glyph positions and widths), the font
dictionaries (pypdf), and pages rendered to images by
poppler's pdftoppm with NO system font available (an empty fontconfig)."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pypdf
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar
from PIL import Image


@dataclass(frozen=True)
class Run:
    """Characters drawn one after another on one baseline, with their box (PDF points)."""

    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Run, tolerance: float = 0.01) -> bool:
        return (self.page == other.page and self.x0 < other.x1 - tolerance and other.x0 < self.x1 - tolerance
                and self.y0 < other.y1 - tolerance and other.y0 < self.y1 - tolerance)


def _chars(item: object) -> list[LTChar]:
    if isinstance(item, LTChar):
        return [item]
    return [c for child in getattr(item, "_objs", []) for c in _chars(child)]


def characters(pdf: bytes) -> list[Run]:
    """Every character drawn, with its box, in drawing order."""
    return [Run(number, c.get_text(), c.x0, c.y0, c.x1, c.y1)
            for number, page in enumerate(extract_pages(io.BytesIO(pdf), laparams=None))
            for c in _chars(page)]


def text_runs(pdf: bytes) -> list[Run]:
    """Every run of adjacent characters (a gap wider than 1 pt or a new baseline starts a new run)."""
    runs: list[Run] = []
    for ch in characters(pdf):
        last = runs[-1] if runs else None
        if last and last.page == ch.page and abs(ch.y0 - last.y0) <= 0.01 and abs(ch.x0 - last.x1) <= 1:
            runs[-1] = Run(ch.page, last.text + ch.text, last.x0, min(last.y0, ch.y0), ch.x1, max(last.y1, ch.y1))
        else:
            runs.append(ch)
    return runs


def fonts(pdf: bytes) -> list[dict]:
    """Every font dictionary used by a page (a Type0 font as its descendant)."""
    found = {}
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).values():
            font = ref.get_object()
            if font.get("/Subtype") == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            found[font["/BaseFont"]] = font
    return list(found.values())


def base_font(font: dict) -> str:
    return str(font["/BaseFont"]).removeprefix("/")


NOTDEF = "\x00"  # reportlab draws a character its font lacks as code 0, glyph 0 (.notdef: an empty box)


def pdftoppm() -> str | None:
    return shutil.which("pdftoppm")


def render_without_system_fonts(pdf: bytes, directory: Path, dpi: int) -> list[Image.Image]:
    """Each page as a greyscale image, rendered by pdftoppm where fontconfig knows no font."""
    (directory / "fonts.conf").write_text(
        f"<?xml version='1.0'?><fontconfig><cachedir>{directory / 'cache'}</cachedir></fontconfig>")
    (directory / "in.pdf").write_bytes(pdf)
    env = {"PATH": "/usr/bin:/bin", "FONTCONFIG_FILE": str(directory / "fonts.conf"), "HOME": str(directory)}
    subprocess.run([pdftoppm() or "pdftoppm", "-r", str(dpi), "-gray", "-png", str(directory / "in.pdf"),
                    str(directory / "page")], check=True, env=env, capture_output=True, timeout=120)
    return [Image.open(p).convert("L") for p in sorted(directory.glob("page-*.png"))]


def dark_pixels(image: Image.Image, run: Run, dpi: int, page_height: float) -> int:
    """Pixels darker than mid-grey inside ``run``'s box."""
    scale = dpi / 72
    box = (int(run.x0 * scale), int((page_height - run.y1) * scale),
           int(run.x1 * scale) + 1, int((page_height - run.y0) * scale) + 1)
    return sum(image.crop(box).point(lambda value: 255 if value < 128 else 0).histogram()[255:])
