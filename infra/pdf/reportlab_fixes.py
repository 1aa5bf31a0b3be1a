"""Fixes to what reportlab (4.x, 5.x) writes, which PDF/A and text extraction need;
:func:`install` puts them in place (once, for the whole process: they only make
reportlab's output correct, never different for a correct reader).

- A ToUnicode CMap maps a character beyond the BMP (𠮷, U+20BB7) to its UTF-16
  surrogate pair: reportlab writes ``<20BB7>``, which no reader decodes, so 𠮷
  could not be searched or copied. No ``bfchar`` block has more than the 100
  entries the PDF specification allows.
- Every stream ends with an end-of-line before ``endstream`` (ISO 19005-2
  6.1.7.1); reportlab writes the data and ``endstream`` back to back.
"""

from __future__ import annotations

from reportlab.pdfbase import pdfdoc, ttfonts

_ENDSTREAM = b"endstream\n"


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ``makeToUnicodeCMap``, fixed: UTF-16 (surrogate pairs), ≤ 100 entries a block."""

    def utf16(code: int) -> str:
        return chr(code).encode("utf-16-be").hex().upper()

    entries = [f"<{i:02X}> <{utf16(code)}>" for i, code in enumerate(subset)]
    blocks = [line for start in range(0, len(entries), 100) for line in (
        f"{len(entries[start:start + 100])} beginbfchar", *entries[start:start + 100], "endbfchar")]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        *blocks, "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


_reportlab_stream_format = pdfdoc.PDFStream.format


def _stream_format_with_eol(self: pdfdoc.PDFStream, document: pdfdoc.PDFDocument) -> bytes:
    written = _reportlab_stream_format(self, document)  # /Length counts the data only, as it must
    if not written.endswith(_ENDSTREAM):
        raise ValueError("reportlab wrote a stream that does not end with endstream")
    return written[:-len(_ENDSTREAM)] + b"\n" + _ENDSTREAM


def install() -> None:
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # called by TTFont.addObjects when a document is saved
    pdfdoc.PDFStream.format = _stream_format_with_eol


class UnfilteredStream(pdfdoc.PDFStream):
    """A stream written without any filter (PDF/A: the XMP metadata stream)."""

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        defaults, document.defaultStreamFilters = document.defaultStreamFilters, None
        try:
            return super().format(document)
        finally:
            document.defaultStreamFilters = defaults
