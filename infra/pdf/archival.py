"""PDF/A-2b for reportlab canvases: what reportlab does not write by itself.

:func:`archival_canvas` makes a canvas whose document is in Japanese
(``/Lang (ja)``), PDF 1.7, deterministic (reportlab's invariant mode: fixed
dates 2000-01-01 and a fixed file id, so the same input gives the same bytes)
and starts in the embedded primary font (no Helvetica is ever referenced).
:func:`save` adds, then writes:

- the XMP metadata stream (uncompressed, as PDF/A asks) with
  ``pdfaid:part 2`` / ``conformance B`` and the same title, author, subject,
  creator tool, producer, keywords and dates as the document information;
- the output intent ``GTS_PDFA1`` with the embedded sRGB IEC61966-2.1 profile
  (``assets/sRGB.icc``), which makes the device colours reportlab writes
  (black text and rules) device-independent.

Fonts are the embedded TrueType subsets of :mod:`infra.pdf.typeface`. No
link, action, JavaScript, transparency or external reference is written.
"""

from __future__ import annotations

import io
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from infra.pdf import reportlab_fixes, typeface

AUTHOR = CREATOR = "madoguchi"
LANG = "ja"
_DATE_XMP = "2000-01-01T00:00:00+00:00"  # what reportlab's invariant mode writes as D:20000101000000+00'00'
_PRODUCER = "ReportLab PDF Library - (opensource)"  # reportlab's own, mirrored into the XMP
_ICC = typeface.ASSETS / "sRGB.icc"


def archival_canvas(out: BinaryIO, pagesize: tuple[float, float], *, title: str, subject: str,
                    font_size: float) -> Canvas:
    reportlab_fixes.install()
    canvas = Canvas(out, pagesize=pagesize, invariant=1, pageCompression=1, pdfVersion=(1, 7), lang=LANG,
                    initialFontName=typeface.font_name(), initialFontSize=font_size)
    canvas.setTitle(title)
    canvas.setSubject(subject)
    canvas.setAuthor(AUTHOR)
    canvas.setCreator(CREATOR)
    canvas.setProducer(_PRODUCER)
    canvas.setKeywords("")
    return canvas


def _xmp(title: str, subject: str) -> str:
    title, subject = escape(title), escape(subject)
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{AUTHOR}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{LANG}</rdf:li></rdf:Bag></dc:language>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreatorTool>{CREATOR}</xmp:CreatorTool>
<xmp:CreateDate>{_DATE_XMP}</xmp:CreateDate><xmp:ModifyDate>{_DATE_XMP}</xmp:ModifyDate>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>{escape(_PRODUCER)}</pdf:Producer><pdf:Keywords></pdf:Keywords><pdf:Trapped>False</pdf:Trapped>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def save(canvas: Canvas, out: io.BytesIO, *, title: str, subject: str) -> bytes:
    """Add the PDF/A parts to ``canvas``'s document, write it and return the bytes."""
    catalog = canvas._doc.Catalog
    metadata = reportlab_fixes.UnfilteredStream(
        pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("Metadata"), "Subtype": pdfdoc.PDFName("XML")}),
        _xmp(title, subject).encode("utf-8"))
    catalog.Metadata = metadata
    profile = pdfdoc.PDFStream(pdfdoc.PDFDictionary({"N": 3}), _ICC.read_bytes())
    intent = pdfdoc.PDFDictionary({
        "Type": pdfdoc.PDFName("OutputIntent"), "S": pdfdoc.PDFName("GTS_PDFA1"),
        "OutputConditionIdentifier": pdfdoc.PDFString("sRGB IEC61966-2.1"),
        "Info": pdfdoc.PDFString("sRGB IEC61966-2.1"),
        "DestOutputProfile": canvas._doc.Reference(profile, "sRGBProfile"),
    })
    catalog.__NoDefault__ = [*catalog.__NoDefault__, "OutputIntents"]  # reportlab has no key for it
    catalog.OutputIntents = pdfdoc.PDFArray([intent])
    with typeface.EMBEDDING:
        canvas.save()
    return out.getvalue()
