"""Read model ``issued_documents``: the documents issued with each completed
application (``ApplicationCompleted.documents``) and how often they were
downloaded (``DocumentDownloaded``). The file name and checksum are sealed with
the key of the application's data subject (「[消去済み]」 once forgotten)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from application.projection.base import Projection, Tables
from application.projection.reading import ReadSession
from application.shared.ports import PersonalDataVault, ViewCursor
from domain.applications.application import ApplicationCompleted, DocumentDownloaded


@dataclass(frozen=True)
class IssuedDocumentView:
    application_id: str
    document_id: str
    title_ja: str
    title_en: str
    file: Any  # {"name", "sha256"}, or the erased label
    media_type: str
    size: int
    issued_at: str
    downloads: int
    last_downloaded_at: str | None


class IssuedDocuments(Projection):
    name = "issued_documents"
    version = 1
    handles = (ApplicationCompleted, DocumentDownloaded)
    tables = ("issued_documents",)

    def __init__(self, vault: PersonalDataVault) -> None:
        self.vault = vault

    def create(self, cur: ViewCursor, t: Tables) -> None:
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {issued_documents} ("
            " application_id TEXT NOT NULL, document_id TEXT NOT NULL, seq INTEGER NOT NULL,"
            " title_ja TEXT NOT NULL, title_en TEXT NOT NULL, file TEXT, media_type TEXT NOT NULL,"
            " size BIGINT NOT NULL, issued_at TEXT NOT NULL, position BIGINT NOT NULL,"
            " downloads INTEGER NOT NULL, last_downloaded_at TEXT,"
            " PRIMARY KEY (application_id, document_id))"
        ))

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        application_id, at = str(event.originator_id), event.timestamp.isoformat()
        if isinstance(event, DocumentDownloaded):
            cur.execute(t.sql("UPDATE {issued_documents} SET downloads = downloads + 1, last_downloaded_at = ?"
                              " WHERE application_id = ? AND document_id = ?"),
                        (at, application_id, event.document_id))
            return
        cur.executemany(
            t.sql("INSERT INTO {issued_documents} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL)"),
            [(application_id, d["id"], seq, d["title_ja"], d["title_en"], self.vault.seal(d["file"]),
              d["media_type"], d["size"], at, position) for seq, d in enumerate(event.documents)],
        )


def documents_of(session: ReadSession, vault: PersonalDataVault, application_id: str) -> list[IssuedDocumentView]:
    """The documents issued with one application, in the order staff gave them."""
    t = session.tables(IssuedDocuments.name)
    session.cur.execute(
        t.sql("SELECT application_id, document_id, title_ja, title_en, file, media_type, size, issued_at,"
              " downloads, last_downloaded_at FROM {issued_documents} WHERE application_id = ? ORDER BY seq"),
        (application_id,),
    )
    return [IssuedDocumentView(r[0], r[1], r[2], r[3], vault.open(r[4]), r[5], int(r[6]), r[7], int(r[8]), r[9])
            for r in session.cur.fetchall()]
