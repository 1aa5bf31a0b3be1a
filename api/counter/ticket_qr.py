"""The QR code printed on a ticket: it encodes the ticket page's URL
(``/t/{id}``), as SVG (for printing and the kiosk screen) or PNG."""

from __future__ import annotations

import io

import segno

MEDIA = {"svg": "image/svg+xml", "png": "image/png"}


def ticket_page_url(public_url: str, visit_id: str) -> str:
    return f"{public_url.rstrip('/')}/t/{visit_id}"


def qr_image(text: str, fmt: str) -> bytes:
    """``text`` as a QR code (error correction M, 4-module quiet zone)."""
    code = segno.make_qr(text, error="m")
    out = io.BytesIO()
    if fmt == "svg":
        code.save(out, kind="svg", scale=4, border=4, xmldecl=False, svgns=True,
                  title="番号札のページ / ticket page")
    else:
        code.save(out, kind="png", scale=8, border=4)
    return out.getvalue()
