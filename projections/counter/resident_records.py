"""Read model ``resident_records``: the imported resident records (住民記録) —
each resident's household and their record sealed with the resident's own key —
and a keyed lookup for searching by name and date of birth.

The lookup is an HMAC-SHA-256, with the city's fingerprint key (the one the
``application_status`` duplicate fingerprint uses), of the normalised name
(NFKC, no spaces) and the birth date: never the plaintext, and it cannot be
confirmed by hashing guesses without the key. It is cleared when the resident's
data subject is forgotten. Without a key there is no lookup (search by name
finds nothing; search by 宛名番号 still works)."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass
from typing import Any

from application.projection.base import Projection, Tables
from application.projection.reading import ReadSession
from application.shared.ports import PersonalDataVault, ViewCursor
from domain.counter.residents import ResidentRecordImported, ResidentRecordUpdated, resident_subject
from domain.privacy.individual_number import SubjectForgotten
from domain.shared.personal import PersonalData


def lookup_key(key: bytes | None, name: str, birth_date: str) -> str | None:
    if key is None:
        return None
    normalised = "".join(unicodedata.normalize("NFKC", name).split())
    return hmac.new(key, f"{normalised}|{birth_date.strip()}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ResidentView:
    resident_id: str
    household_id: str
    record: Any  # opened: a dict, or the erased label
    position: int


class ResidentRecords(Projection):
    name = "resident_records"
    version = 1
    handles = (ResidentRecordImported, ResidentRecordUpdated, SubjectForgotten)
    tables = ("resident_records",)

    def __init__(self, vault: PersonalDataVault, lookup_secret: bytes | None = None) -> None:
        self.vault = vault
        self.lookup_secret = lookup_secret

    def create(self, cur: ViewCursor, t: Tables) -> None:
        cur.execute(t.sql(
            "CREATE TABLE IF NOT EXISTS {resident_records} ("
            " resident_id TEXT PRIMARY KEY, household_id TEXT NOT NULL, data_subject TEXT NOT NULL,"
            " record TEXT, lookup TEXT, position BIGINT NOT NULL)"))
        cur.execute(t.sql("CREATE INDEX IF NOT EXISTS {resident_records}_household"
                          " ON {resident_records} (household_id)"))
        cur.execute(t.sql("CREATE INDEX IF NOT EXISTS {resident_records}_lookup ON {resident_records} (lookup)"))

    def _lookup(self, record: PersonalData) -> str | None:
        if record.erased:
            return None
        return lookup_key(self.lookup_secret, record.value["name"], record.value["birth_date"])

    def apply(self, cur: ViewCursor, t: Tables, event: Any, position: int) -> None:
        if isinstance(event, SubjectForgotten):
            for subject in event.key_subjects:  # as a rebuild would write it: erased, no lookup
                cur.execute(t.sql("UPDATE {resident_records} SET record = ?, lookup = NULL WHERE data_subject = ?"),
                            (self.vault.seal(PersonalData.erased_for(subject)), subject))
            return
        resident_id = event.resident_id
        if isinstance(event, ResidentRecordUpdated):
            cur.execute(t.sql("DELETE FROM {resident_records} WHERE resident_id = ?"), (resident_id,))
        cur.execute(t.sql("INSERT INTO {resident_records} VALUES (?, ?, ?, ?, ?, ?)"), (
            resident_id, event.household_id, resident_subject(resident_id), self.vault.seal(event.record),
            self._lookup(event.record), position))


def _view(vault: PersonalDataVault, row: tuple[Any, ...]) -> ResidentView:
    return ResidentView(row[0], row[1], vault.open(row[2]), row[3])


_COLUMNS = "SELECT resident_id, household_id, record, position FROM {resident_records}"


def get_resident(session: ReadSession, vault: PersonalDataVault, resident_id: str) -> ResidentView | None:
    t = session.tables(ResidentRecords.name)
    session.cur.execute(t.sql(_COLUMNS + " WHERE resident_id = ?"), (resident_id,))
    row = session.cur.fetchone()
    return _view(vault, row) if row else None


def find_residents(session: ReadSession, vault: PersonalDataVault, key: bytes | None, name: str,
                   birth_date: str) -> list[ResidentView]:
    """Residents with this name and birth date (through the keyed lookup)."""
    lookup = lookup_key(key, name, birth_date)
    if lookup is None:
        return []
    t = session.tables(ResidentRecords.name)
    session.cur.execute(t.sql(_COLUMNS + " WHERE lookup = ? ORDER BY resident_id"), (lookup,))
    return [_view(vault, r) for r in session.cur.fetchall()]


def household_of(session: ReadSession, household_id: str) -> list[str]:
    """The resident ids of a household's members."""
    t = session.tables(ResidentRecords.name)
    session.cur.execute(t.sql("SELECT resident_id FROM {resident_records} WHERE household_id = ?"
                              " ORDER BY resident_id"), (household_id,))
    return [r[0] for r in session.cur.fetchall()]
