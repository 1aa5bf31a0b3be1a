"""Data keys per subject (infra/crypto), on SQLite and PostgreSQL: wrapped by the
master key in the event database, made once, shredded for good, cached with care."""

from __future__ import annotations

import base64
import json
import os
import stat

import pytest

from api.composition import Container, build_container
from domain.shared.personal import PersonalData
from infra.crypto.cipher import SealedValueCorrupted, SubjectCipher
from infra.crypto.keystore import FORGOTTEN, SubjectKeyStore
from infra.crypto.master_key import DEV_KEY_FILE, MasterKeyError, load_master_key
from infra.personal_vault import EncryptingVault
from infra.settings import Settings
from infra.transcodings import PersonalDataAsDict
from infra.wiring import open_storage

SUBJECT = "application:8d4d2f3c-0000-4000-8000-000000000001"
OTHER = "application:8d4d2f3c-0000-4000-8000-000000000002"


def keys_of(container: Container) -> SubjectKeyStore:
    assert container.storage.keys is not None
    return container.storage.keys


def rows(container: Container, table: str) -> list[tuple]:
    return keys_of(container).db.execute(f"SELECT * FROM {table} ORDER BY 1")


def test_a_key_is_made_once_per_subject_and_stored_wrapped(container):
    keys = keys_of(container)
    first = keys.key_for_writing(SUBJECT, "citizen:c1")
    again = keys.key_for_writing(SUBJECT, "citizen:other")
    assert first is again  # cached
    keys.forget_cached()
    assert keys.key_for_reading(SUBJECT) is not None
    [(subject, owner, wrapped, created_at)] = rows(container, "subject_keys")
    assert (subject, owner) == (SUBJECT, "citizen:c1")
    wrapped = bytes(wrapped)
    assert len(wrapped) == 1 + 12 + 32 + 16  # version, nonce, AES-256 key, tag
    assert created_at
    assert keys.holdings("citizen:c1") == [(SUBJECT, "citizen:c1")]
    assert keys.holdings(SUBJECT) == [(SUBJECT, "citizen:c1")]


def test_sealed_values_open_only_with_their_subjects_key(container):
    cipher = SubjectCipher(keys_of(container))
    sealed = cipher.seal(SUBJECT, {"name": "下野 花子", "n": 1})
    assert sealed is not None and "下野" not in sealed
    assert cipher.open(SUBJECT, sealed) == (True, {"name": "下野 花子", "n": 1})
    cipher.seal(OTHER, "x")
    with pytest.raises(SealedValueCorrupted) as moved:
        cipher.open(OTHER, sealed)  # the subject is the associated data
    assert "下野" not in str(moved.value)
    raw = bytearray(base64.b64decode(sealed))
    raw[-1] ^= 1
    with pytest.raises(SealedValueCorrupted):
        cipher.open(SUBJECT, base64.b64encode(bytes(raw)).decode())


def test_the_event_transcoding_stores_ciphertext_and_decodes_erased_once_shredded(container):
    transcoding = PersonalDataAsDict(SubjectCipher(keys_of(container)))
    encoded = transcoding.encode(PersonalData(SUBJECT, "下野 花子", owner="citizen:c1"))
    assert set(encoded) == {"s", "c"} and "下野" not in json.dumps(encoded, ensure_ascii=False)
    assert transcoding.decode(encoded) == PersonalData(SUBJECT, "下野 花子")
    keys_of(container).shred([(SUBJECT, "citizen:c1")])
    assert transcoding.decode(encoded) == PersonalData.erased_for(SUBJECT)
    # nothing new is kept for a forgotten subject
    assert transcoding.encode(PersonalData(SUBJECT, "新しい値")) == {"s": SUBJECT, "x": 1}
    assert transcoding.decode({"s": SUBJECT, "x": 1}).reveal() == "[消去済み]"


def test_the_read_model_vault_seals_and_opens_with_the_same_keys(container):
    vault = EncryptingVault(SubjectCipher(keys_of(container)))
    sealed = vault.seal(PersonalData(SUBJECT, "hanako@example.jp"))
    assert "hanako" not in sealed
    assert vault.open(sealed) == "hanako@example.jp"
    assert vault.open(vault.seal(PersonalData.erased_for(SUBJECT))) == "[消去済み]"
    assert vault.open(vault.seal(3)) == 3 and vault.seal(None) is None
    keys_of(container).shred([(SUBJECT, None)])
    assert vault.open(sealed) == "[消去済み]"


def test_shredding_deletes_the_key_and_leaves_a_tombstone(container):
    keys = keys_of(container)
    keys.key_for_writing(SUBJECT, "citizen:c1")
    keys.key_for_writing(OTHER, "citizen:c1")
    keys.shred([(SUBJECT, "citizen:c1")])
    assert [r[0] for r in rows(container, "subject_keys")] == [OTHER]
    assert [(r[0], r[1]) for r in rows(container, "forgotten_subjects")] == [(SUBJECT, "citizen:c1")]
    assert keys.key_for_reading(SUBJECT) is None
    assert keys.key_for_writing(SUBJECT) is None  # never a new key
    keys.forget_cached()
    assert keys.key_for_writing(SUBJECT) is None  # also not after the cache is gone
    assert [r[0] for r in rows(container, "subject_keys")] == [OTHER]
    assert keys.was_forgotten("citizen:c1") and keys.was_forgotten(SUBJECT)
    assert not keys.was_forgotten("citizen:c2")


def test_a_key_made_while_its_subject_is_forgotten_does_not_survive(container):
    """The race rule: insert the key, then look for a tombstone."""
    keys = keys_of(container)
    keys.db.execute(
        "INSERT INTO forgotten_subjects (subject, owner, forgotten_at) VALUES (?, ?, ?)",
        (SUBJECT, None, "2026-04-01T00:00:00+00:00"),
    )
    assert keys.key_for_writing(SUBJECT) is None
    assert rows(container, "subject_keys") == []


def test_a_forget_takes_effect_at_once_here_and_within_the_ttl_elsewhere(container, clock):
    now = [0.0]
    settings = container.settings.model_copy(update={"key_cache_ttl": 5.0})
    other = build_container(settings, clock=clock)  # another process, as far as caches go
    try:
        other.storage.keys._monotonic = lambda: now[0]
        keys = keys_of(container)
        keys.key_for_writing(SUBJECT)
        assert other.storage.keys.key_for_reading(SUBJECT) is not None  # cached there now
        keys.shred([(SUBJECT, None)])
        assert keys.key_for_reading(SUBJECT) is None  # this process: at once
        now[0] = 4.9
        assert other.storage.keys.key_for_reading(SUBJECT) is not None  # still cached
        now[0] = 5.1
        assert other.storage.keys.key_for_reading(SUBJECT) is None  # gone after the TTL
    finally:
        other.close()


def test_the_cache_is_bounded(container):
    keys = keys_of(container)
    keys.max_cached = 3
    for i in range(6):
        keys.key_for_writing(f"application:00000000-0000-4000-8000-00000000000{i}")
    assert len(keys._cache) == 3
    keys.shred([(SUBJECT, None)])
    assert keys._cache[SUBJECT][1] is FORGOTTEN


# --- the master key ------------------------------------------------------------------------


def test_a_development_master_key_is_generated_once_with_owner_only_access(settings):
    key = load_master_key(settings)
    path = settings.data_dir / DEV_KEY_FILE
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_master_key(settings) == key


def test_production_refuses_to_start_without_a_master_key(settings):
    production = settings.model_copy(update={"env": "production"})
    with pytest.raises(MasterKeyError, match="MADOGUCHI_MASTER_KEY is required"):
        open_storage(production)


@pytest.mark.parametrize("bad", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_malformed_master_key_is_refused(settings, bad):
    with pytest.raises(MasterKeyError):
        load_master_key(Settings(env="test", data_dir=settings.data_dir, master_key=bad))


def test_the_configured_master_key_is_used_and_a_different_one_is_refused(settings, clock):
    key = base64.b64encode(os.urandom(32)).decode()
    configured = settings.model_copy(update={"master_key": key})
    first = build_container(configured, clock=clock)
    try:
        first.storage.keys.key_for_writing(SUBJECT)
        assert not (settings.data_dir / DEV_KEY_FILE).exists()
    finally:
        first.close()
    again = build_container(configured, clock=clock)
    again.close()
    wrong = settings.model_copy(update={"master_key": base64.b64encode(os.urandom(32)).decode()})
    with pytest.raises(MasterKeyError, match="does not open the data keys"):
        build_container(wrong, clock=clock)
