"""The writes of the ``application_status`` read model for one batch, held in
memory until ``flush``: a new application as its whole row (later events of the
batch change it in memory), the last change of each application already
stored, and the timeline and duplicate rows; then one ``executemany`` per kind
of statement. The read model flushes before anything that reads or changes
stored rows by another key (the duplicate lookup, a subject's erasure)."""

from __future__ import annotations

from typing import Any

from application.projection.base import Tables
from application.shared.ports import ViewCursor

# positions in a status_applications row
STATUS, ANSWERS, UPDATED_AT, POSITION, FINGERPRINT = 4, 9, 12, 14, 15


class StatusWrites:
    def __init__(self, cur: ViewCursor, t: Tables) -> None:
        self.cur, self.t = cur, t
        self.new: dict[str, list[Any]] = {}
        self.changed: dict[str, dict[str, Any]] = {}
        self.timeline: list[tuple[Any, ...]] = []
        self.duplicates: list[tuple[str, str]] = []
        self.fingerprints: set[str] = set()  # of every row this batch inserted

    def insert(self, row: list[Any]) -> None:
        app_id = row[0]
        if app_id in self.new:
            raise ValueError(f"application {app_id} submitted twice")
        if app_id in self.changed:  # keep the statements' order for this id
            self.flush()
        self.new[app_id] = row
        if row[FINGERPRINT] is not None:
            self.fingerprints.add(row[FINGERPRINT])

    def change(self, app_id: str, status: str, at: str, position: int, answers: str | None) -> None:
        row = self.new.get(app_id)
        if row is not None:
            row[STATUS], row[UPDATED_AT], row[POSITION] = status, at, position
            if answers is not None:
                row[ANSWERS] = answers
            return
        change = self.changed.setdefault(app_id, {})
        change.update(status=status, updated_at=at, position=position)
        if answers is not None:
            change["answers"] = answers

    def flush(self) -> None:
        cur, t = self.cur, self.t
        cur.executemany(t.sql("INSERT INTO {status_applications} VALUES"
                              " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"), list(self.new.values()))
        plain = [(c["status"], c["updated_at"], c["position"], app_id)
                 for app_id, c in self.changed.items() if "answers" not in c]
        resubmitted = [(c["status"], c["updated_at"], c["position"], c["answers"], app_id)
                       for app_id, c in self.changed.items() if "answers" in c]
        cur.executemany(t.sql("UPDATE {status_applications} SET status = ?, updated_at = ?, position = ?"
                              " WHERE id = ?"), plain)
        cur.executemany(t.sql("UPDATE {status_applications} SET status = ?, updated_at = ?, position = ?,"
                              " answers = ? WHERE id = ?"), resubmitted)
        cur.executemany(t.sql("INSERT INTO {status_timeline} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                        self.timeline)
        cur.executemany(t.sql("INSERT INTO {status_duplicates} VALUES (?, ?)"), self.duplicates)
        self.new, self.changed, self.timeline, self.duplicates = {}, {}, [], []
