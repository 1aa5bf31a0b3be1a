"""``GET /confirm-email?token=…``: the link of the confirmation e-mail of an
anonymous かんたん申請. It confirms the contact e-mail (as the GraphQL mutation
``confirmApplicationEmail`` does) and answers a small Japanese page with no
external assets; a second click finds it already confirmed. The page shows no
personal data, only the application's reference number."""

from __future__ import annotations

import html
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.composition import Container
from domain.shared.context import Actor, CommandContext
from domain.shared.errors import DomainError

_PAGE = """<!doctype html>
<html lang="ja"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}｜下野市 申請窓口</title>
<style>
body{{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;margin:0;background:#f6f7f9;color:#1a1a1a;
line-height:1.7}}
main{{max-width:36rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:.5rem;
box-shadow:0 1px 3px #0002}}
h1{{font-size:1.5rem;margin-top:0;color:{colour}}}
p.en{{color:#555;font-size:.95rem}} code{{font-size:1rem;background:#eef;padding:.1rem .3rem}}
</style></head>
<body><main>
<h1>{title}</h1>
<p>{body_ja}</p>
<p class="en" lang="en">{body_en}</p>
</main></body></html>
"""
_OK, _BAD = "#0b6b2e", "#a40e26"
_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"}


def _page(status: int, title: str, body_ja: str, body_en: str, colour: str) -> HTMLResponse:
    text = _PAGE.format(title=html.escape(title), body_ja=body_ja, body_en=body_en, colour=colour)
    return HTMLResponse(text, status_code=status, headers=_HEADERS)


def confirm_email_page(container: Container) -> APIRouter:
    router = APIRouter()

    @router.get("/confirm-email", response_class=HTMLResponse)
    async def confirm_email(request: Request, token: str = "") -> HTMLResponse:
        ctx = CommandContext(Actor.anonymous(), container.clock.now(), correlation_id=uuid.uuid4().hex,
                             request_id=getattr(request.state, "request_id", None))
        try:
            result = await run_in_threadpool(container.confirmations.confirm, ctx, token)
        except DomainError as e:
            if e.code == "INVALID_TRANSITION":
                return _page(200, "確認済みです",
                             "このメールアドレスは既に確認されています。審査の結果はメールでお知らせします。",
                             "This e-mail address was confirmed already.", _OK)
            expired = any(getattr(err, "rule", "") == "expired" for err in getattr(e, "errors", ()))
            if expired:
                return _page(410, "リンクの有効期限が切れています",
                             "確認用リンクの有効期限（24時間）が切れました。お手数ですが、もう一度申請してください。",
                             "The confirmation link has expired (24 hours). Please apply again.", _BAD)
            return _page(400, "リンクが正しくありません",
                         "確認用リンクが正しくありません。メールに記載されたリンクをそのまま開いてください。",
                         "This confirmation link is not valid. Open the link exactly as it appears in the "
                         "e-mail.", _BAD)
        reference = html.escape(result.id)
        return _page(200, "メールアドレスを確認しました",
                     f"申請を受け付けました。受付番号 <code>{reference}</code>。審査の結果はメールでお知らせします。",
                     f"Your application was received (reference <code>{reference}</code>). We will "
                     "e-mail you the result.", _OK)

    return router
