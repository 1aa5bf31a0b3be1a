"""Per-subject encryption of personal data (crypto-shredding).

- :mod:`infra.crypto.master_key`: the master key (``MADOGUCHI_MASTER_KEY``).
- :mod:`infra.crypto.keystore`: one AES-256-GCM data key per data subject, wrapped
  by the master key, in the ``subject_keys`` table of the event database.
- :mod:`infra.crypto.cipher`: seals and opens personal values with those keys.
"""
