"""GraphQL for issued documents (交付文書): ``Application.documents`` and
``createDownloadLink`` (the upload is ``POST /documents``, the download
``GET /downloads/{token}``: api/applications/documents.py)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.graphql.shared.context import ApiContext
from application.audit.trail import REDACTED
from application.shared.access import reveals_personal_data
from domain.privacy.individual_number import application_subject
from projections.applications import issued_documents as documents_model

DOCUMENTS = (documents_model.IssuedDocuments.name,)


@strawberry.type(description="交付文書 / a document issued with a completed application")
class IssuedDocument:
    id: strawberry.ID
    title_ja: str = strawberry.field(description="文書名, e.g. 住民票の写し")
    title_en: str
    file_name: str | None = strawberry.field(
        description="ファイル名 (personal data: [REDACTED] for callers who may not see it, "
        "[消去済み] once erased)")
    media_type: str
    size: int
    issued_at: str
    downloads: int = strawberry.field(description="how many times it was downloaded")
    last_downloaded_at: str | None


@strawberry.type(description="短時間有効なダウンロードリンク / a short-lived signed link, for the caller only")
class DownloadLinkPayload:
    url: str = strawberry.field(description="GET it with the same bearer token; a path under the API's origin")
    expires_at: str = strawberry.field(description="ISO 8601 (MADOGUCHI_DOWNLOAD_LINK_TTL, default 5 minutes)")


async def issued_documents(
    info: Info[ApiContext, None], application_id: str, applicant_subject: str | None
) -> list[IssuedDocument]:
    """Resolver of ``Application.documents`` (the application itself was already
    authorized). File names are personal data: hidden from callers who may not
    see it, and a showing to anyone but the applicant is recorded."""
    ctx = info.context
    actor = ctx.actor
    vault = ctx.container.vault
    views = await ctx.read(lambda s: documents_model.documents_of(s, vault, application_id))
    reveal = reveals_personal_data(actor, ctx.caller.scopes)
    if views and reveal and not (actor.role == "citizen" and actor.subject == applicant_subject):
        await ctx.record_personal_data_view(
            "application.documents", ["documents.fileName"],
            [(application_id, application_subject(application_id))])
    return [IssuedDocument(
        id=strawberry.ID(v.document_id), title_ja=v.title_ja, title_en=v.title_en,
        file_name=(v.file["name"] if isinstance(v.file, dict) else str(v.file)) if reveal else REDACTED,
        media_type=v.media_type, size=v.size, issued_at=v.issued_at, downloads=v.downloads,
        last_downloaded_at=v.last_downloaded_at) for v in views]


@strawberry.type
class DocumentMutation:
    @strawberry.mutation(description="ダウンロードリンクの発行 / a signed link to download an issued document "
                         "(the applicant, signed in, or the department's staff)")
    async def create_download_link(
        self, info: Info[ApiContext, None], application_id: strawberry.ID, document_id: strawberry.ID
    ) -> DownloadLinkPayload:
        ctx = info.context
        link = await ctx.run(ctx.container.documents.mint_link, ctx.command_context(),
                             str(application_id), str(document_id))
        return DownloadLinkPayload(url=link.url, expires_at=link.expires_at.isoformat())
