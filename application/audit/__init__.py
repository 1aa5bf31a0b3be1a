"""Tamper evidence over the city's one ordered event log: a hash chain, RFC 6962
Merkle trees, signed checkpoints and inclusion proofs (pure computations here;
the chain is kept by ``projections/audit/chain.py``, keys live in ``infra/``)."""
