"""Tamper evidence over the city's one ordered event log: a hash chain, RFC 6962
Merkle trees, signed checkpoints (JSON and C2SP notes), inclusion and
consistency proofs, witness cosignatures (pure computations here; the chain is
written with each event by ``infra/store/chained.py``, keys live in ``infra/``)."""
