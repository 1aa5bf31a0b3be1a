"""Read model: each application's current status (with its Japanese label),
procedure, department, channel, applicant and full status timeline; and the
possible duplicates among them (see :func:`submission_fingerprint`). Read with
:mod:`projections.applications.status_queries`."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

from application.projection.base import Events, ReadModel, Tables
from application.projection.batching import Lookup, select_in
from application.shared.ports import PersonalDataVault, ViewCursor
from domain.applications.application import (
    STATUS_CHANGES,
    ApplicationResubmitted,
    ApplicationSubmitted,
)
from domain.applications.status import status_after
from domain.catalogue.procedures import ProcedureDefined
from domain.privacy.individual_number import SubjectForgotten
from domain.shared.personal import PersonalData
from projections.applications.status_batch import StatusWrites

LIFECYCLE = STATUS_CHANGES

MAX_DUPLICATES_LISTED = 10
DUPLICATE_WINDOW = timedelta(hours=24)


class _Erased(Exception):
    pass


def _plain(value: Any) -> Any:
    if isinstance(value, PersonalData):
        if value.erased:
            raise _Erased
        return _plain(value.value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def submission_fingerprint(key: bytes | None, event: ApplicationSubmitted) -> str | None:
    """HMAC-SHA-256, with the city's key, of who applied (the signed-in citizen's
    ``sub``, else the contact e-mail, trimmed and lower-cased), the procedure and
    the canonical JSON of the answers; ``None`` without a key, without either
    identifier, or when any of it has been erased. Kept in the read model only —
    never in an event — and keyed, so the e-mail and answers cannot be confirmed
    by hashing guesses without the key."""
    if key is None:
        return None
    try:
        if event.applicant_subject:
            who = "sub:" + event.applicant_subject
        elif event.contact_email is not None:
            who = "email:" + str(_plain(event.contact_email)).strip().lower()
        else:
            return None
        answers = _plain(event.answers)
    except _Erased:
        return None
    canonical = json.dumps({"who": who, "procedure": event.procedure_code, "answers": answers},
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


class ApplicationStatus(ReadModel):
    name = "application_status"
    version = 3  # 2: answers keep each personal value sealed on its own; 3: duplicates
    handles = (ProcedureDefined, *LIFECYCLE, SubjectForgotten)
    tables = ("status_procedures", "status_applications", "status_timeline", "status_duplicates")

    def __init__(self, vault: PersonalDataVault, duplicate_key: bytes | None = None) -> None:
        self.vault = vault
        self.duplicate_key = duplicate_key

    def create(self, cur: ViewCursor, t: Tables) -> None:
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {status_procedures} ("
            " code TEXT PRIMARY KEY, name_ja TEXT NOT NULL, name_en TEXT NOT NULL,"
            " processing_days INTEGER NOT NULL)"
        ))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {status_applications} ("
            " id TEXT PRIMARY KEY, procedure_code TEXT NOT NULL, department TEXT NOT NULL,"
            " channel TEXT NOT NULL, status TEXT NOT NULL, applicant_subject TEXT,"
            " data_subject TEXT NOT NULL, applicant_name TEXT, contact_email TEXT, answers TEXT,"
            " form_version INTEGER NOT NULL,"
            " submitted_at TEXT NOT NULL, updated_at TEXT NOT NULL, due_at TEXT NOT NULL,"
            " position BIGINT NOT NULL, fingerprint TEXT)"
        ))
        cur.execute(t.sql(
            "CREATE INDEX IF NOT EXISTS {status_applications}_fingerprint"
            " ON {status_applications} (fingerprint, submitted_at)"
        ))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {status_duplicates} ("
            " application_id TEXT NOT NULL, duplicate_of TEXT NOT NULL,"
            " PRIMARY KEY (application_id, duplicate_of))"
        ))
        cur.execute(t.sql(
            "CREATE INDEX IF NOT EXISTS {status_applications}_dept"
            " ON {status_applications} (department, status, submitted_at, id)"
        ))
        cur.execute(t.sql(
            "CREATE INDEX IF NOT EXISTS {status_applications}_applicant"
            " ON {status_applications} (applicant_subject, submitted_at)"
        ))
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {status_timeline} ("
            " application_id TEXT NOT NULL, version INTEGER NOT NULL, status TEXT NOT NULL,"
            " event TEXT NOT NULL, at TEXT NOT NULL, actor_role TEXT NOT NULL,"
            " actor_department TEXT, reason TEXT, position BIGINT NOT NULL,"
            " PRIMARY KEY (application_id, version))"
        ))

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        self.apply_batch(cur, t, [(position, event)])

    def apply_batch(self, cur: ViewCursor, t: Tables, events: Events) -> None:
        """Procedures' processing days and the fingerprints already stored read
        once per batch; the rows written with one ``executemany`` per kind of
        statement (``status_batch.py``)."""
        days = Lookup(cur, t.sql("SELECT code, processing_days FROM {status_procedures} WHERE code IN"))
        days.prefetch(e.procedure_code for _, e in events if isinstance(e, ApplicationSubmitted))
        fingerprints = {p: submission_fingerprint(self.duplicate_key, e)
                        for p, e in events if isinstance(e, ApplicationSubmitted)}
        stored = {row[0] for row in select_in(
            cur, t.sql("SELECT DISTINCT fingerprint FROM {status_applications} WHERE fingerprint IN"),
            sorted({f for f in fingerprints.values() if f is not None}))}
        writes = StatusWrites(cur, t)
        for position, event in events:
            self._apply(writes, event, position, days, fingerprints, stored)
        writes.flush()

    def _apply(self, writes: StatusWrites, event: Any, position: int, days: Lookup,
               fingerprints: dict[int, str | None], stored: set[str]) -> None:
        cur, t = writes.cur, writes.t
        if isinstance(event, ProcedureDefined):
            cur.execute(
                t.sql("INSERT INTO {status_procedures} VALUES (?, ?, ?, ?)"),
                (event.code, event.name_ja, event.name_en, event.processing_days),
            )
            days[event.code] = event.processing_days
            return
        if isinstance(event, SubjectForgotten):  # no fingerprint outlives its data
            writes.flush()
            for subject in event.key_subjects:
                cur.execute(t.sql("UPDATE {status_applications} SET fingerprint = NULL WHERE data_subject = ?"),
                            (subject,))
            return
        at = event.timestamp.isoformat()
        app_id = str(event.originator_id)
        status = status_after(event)
        if isinstance(event, ApplicationSubmitted):
            known = days[event.procedure_code]
            due = event.timestamp + timedelta(days=int(known) if known is not None else 0)
            fingerprint = fingerprints[position]
            # no row has this fingerprint (stored before the batch or in it): none to look for
            if fingerprint is not None and (fingerprint in stored or fingerprint in writes.fingerprints):
                writes.flush()
                # the window is on event timestamps, so a rebuild flags the same pairs
                # the most recent few are enough to flag it, and keep the work bounded
                cur.execute(
                    t.sql(
                        "SELECT id FROM {status_applications} WHERE fingerprint = ?"
                        " AND submitted_at >= ? AND id <> ?"
                        " ORDER BY submitted_at DESC, id DESC LIMIT ?"
                    ),
                    (fingerprint, (event.timestamp - DUPLICATE_WINDOW).isoformat(), app_id,
                     MAX_DUPLICATES_LISTED),
                )
                writes.duplicates += [(app_id, other) for other in sorted(r[0] for r in cur.fetchall())]
            writes.insert([
                app_id, event.procedure_code, event.department, event.channel, status.value,
                event.applicant_subject, event.data_subject,
                self.vault.seal(event.applicant_name), self.vault.seal(event.contact_email),
                self._seal_answers(event.answers),
                event.form_version, at, at, due.isoformat(), position, fingerprint,
            ])
        else:
            answers = self._seal_answers(event.answers) if isinstance(event, ApplicationResubmitted) else None
            writes.change(app_id, status.value, at, position, answers)
        writes.timeline.append((
            app_id, event.originator_version, status.value, type(event).__name__, at,
            event.meta.actor_role, event.meta.actor_department,
            getattr(event, "reason", None) or None, position,
        ))

    def _seal_answers(self, answers: dict[str, Any]) -> str:
        """The answers as JSON in which each personal value is sealed on its own
        (``{"$sealed": …}``) with its subject's key: once the subject is forgotten
        those read 「[消去済み]」 and the other answers stay readable."""
        return json.dumps(_sealed_tree(self.vault, answers), ensure_ascii=False)


_SEALED = "$sealed"  # never a form key: keys start with a lower-case letter


def _sealed_tree(vault: PersonalDataVault, value: Any) -> Any:
    if isinstance(value, PersonalData):
        return {_SEALED: vault.seal(value)}
    if isinstance(value, dict):
        return {k: _sealed_tree(vault, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_sealed_tree(vault, v) for v in value]
    return value


def opened_tree(vault: PersonalDataVault, value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_SEALED}:
            return vault.open(value[_SEALED])
        return {k: opened_tree(vault, v) for k, v in value.items()}
    if isinstance(value, list):
        return [opened_tree(vault, v) for v in value]
    return value
