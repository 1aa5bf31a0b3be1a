"""Read model ``application_messages``: each application's 問い合わせ thread —
who wrote (the author's role), when, and the body, sealed with the key of the
application's data subject (so it reads 「[消去済み]」 once that is forgotten)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from application.projection.base import Projection, Tables
from application.projection.reading import ReadSession
from application.shared.ports import PersonalDataVault, ViewCursor
from domain.applications.threads import ApplicationMessagePosted


@dataclass(frozen=True)
class MessageView:
    application_id: str
    author_role: str
    at: str
    body: Any
    position: int


class ApplicationMessages(Projection):
    name = "application_messages"
    version = 1
    handles = (ApplicationMessagePosted,)
    tables = ("application_messages",)

    def __init__(self, vault: PersonalDataVault) -> None:
        self.vault = vault

    def create(self, cur: ViewCursor, t: Tables) -> None:
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {application_messages} ("
            " application_id TEXT NOT NULL, version INTEGER NOT NULL, author_role TEXT NOT NULL,"
            " at TEXT NOT NULL, body TEXT, position BIGINT NOT NULL,"
            " PRIMARY KEY (application_id, version))"
        ))

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        cur.execute(
            t.sql("INSERT INTO {application_messages} VALUES (?, ?, ?, ?, ?, ?)"),
            (event.application_id, event.originator_version, event.author_role,
             event.timestamp.isoformat(), self.vault.seal(event.body), position),
        )


def messages_of(session: ReadSession, vault: PersonalDataVault, application_id: str) -> list[MessageView]:
    """The thread of one application, oldest first."""
    t = session.tables(ApplicationMessages.name)
    session.cur.execute(
        t.sql("SELECT application_id, author_role, at, body, position FROM {application_messages}"
              " WHERE application_id = ? ORDER BY version"),
        (application_id,),
    )
    return [MessageView(r[0], r[1], r[2], vault.open(r[3]), r[4]) for r in session.cur.fetchall()]
