"""Inclusion and consistency proofs of the stored log (SQLite and PostgreSQL),
checked by an INDEPENDENT verifier written here from the text of RFC 9162
(§2.1.1 Merkle Tree Hash, §2.1.3.2 and §2.1.4.2 verification) that shares no
code with ``application/audit``; and consistency proofs that must fail: a forked
history, a truncated log, an altered proof."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from application.audit.consistency import ConsistencyProof, check_consistency
from domain.audit.merkle import MemoryTree, consistency_proof, inclusion_proof
from domain.shared.errors import ValidationFailed
from tests.audit.insider import Insider, fill

# --- RFC 9162, independently --------------------------------------------------------------


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def rfc_mth(d: list[bytes]) -> bytes:
    """§2.1.1: MTH({}) = SHA-256(); MTH({d0}) = SHA-256(0x00 || d0);
    MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest power of 2 < n."""
    n = len(d)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return sha256(b"\x00" + d[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return sha256(b"\x01" + rfc_mth(d[:k]) + rfc_mth(d[k:]))


def rfc_verify_inclusion(leaf_index: int, tree_size: int, leaf_hash: bytes, inclusion_path: list[bytes],
                         root_hash: bytes) -> bool:
    """§2.1.3.2, step by step."""
    if leaf_index >= tree_size:
        return False
    fn, sn = leaf_index, tree_size - 1
    r = leaf_hash
    for p in inclusion_path:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = sha256(b"\x01" + p + r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn //= 2
                    sn //= 2
        else:
            r = sha256(b"\x01" + r + p)
        fn //= 2
        sn //= 2
    return sn == 0 and r == root_hash


def rfc_verify_consistency(first: int, second: int, first_hash: bytes, second_hash: bytes,
                           consistency_path: list[bytes]) -> bool:
    """§2.1.4.2, step by step. §2.1.4 defines proofs for 0 < m < n; for the
    edges: equal sizes need equal roots and no path, and the empty tree is a
    prefix of every tree (no path)."""
    if first == second:
        return consistency_path == [] and first_hash == second_hash
    if first == 0:
        return consistency_path == []
    if first > second:
        return False
    if not consistency_path:
        return False
    path = list(consistency_path)
    if first & (first - 1) == 0:  # 2. an exact power of 2: prepend first_hash
        path = [first_hash, *path]
    fn, sn = first - 1, second - 1  # 3.
    while fn % 2 == 1:  # 4.
        fn //= 2
        sn //= 2
    fr = sr = path[0]  # 5.
    for c in path[1:]:  # 6.
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            fr = sha256(b"\x01" + c + fr)
            sr = sha256(b"\x01" + c + sr)
            if fn % 2 == 0:
                while not (fn % 2 == 1 or fn == 0):
                    fn //= 2
                    sn //= 2
        else:
            sr = sha256(b"\x01" + sr + c)
        fn //= 2
        sn //= 2
    return fr == first_hash and sr == second_hash and sn == 0  # 7.


def canonical_of_export(line: dict) -> bytes:
    """The documented canonical bytes, from one line of ``audit export --raw``."""
    def u64(n: int) -> bytes:
        return n.to_bytes(8, "big")

    oid, topic = line["originator_id"].encode(), line["topic"].encode()
    state = base64.b64decode(line["state"])
    return (u64(line["position"]) + u64(len(oid)) + oid + u64(line["version"]) + u64(len(topic)) + topic
            + u64(len(state)) + state)


# --- against the stored log -----------------------------------------------------------------


@pytest.fixture
def stored(container, clock) -> list[bytes]:
    """The canonical bytes of every stored event, from the raw export."""
    fill(container, clock, 4)
    return [canonical_of_export(json.loads(json.dumps(e.to_json()))) for e in container.audit.export()]


def test_the_independent_verifier_accepts_our_consistency_proofs_for_every_pair_of_sizes(container, stored):
    n = len(stored)
    for m in range(n + 1):
        for size in (m, (m + n) // 2, n):
            p = container.audit.prove_consistency(m, size)
            assert (p.from_root, p.to_root) == (rfc_mth(stored[:m]).hex(), rfc_mth(stored[:size]).hex())
            assert rfc_verify_consistency(m, size, bytes.fromhex(p.from_root), bytes.fromhex(p.to_root),
                                          [bytes.fromhex(h) for h in p.proof]), (m, size)


def test_the_independent_verifier_accepts_our_inclusion_proofs(container, stored):
    n = len(stored)
    for position in range(1, n + 1):
        for size in (position, n):
            p = container.audit.prove(position, size)
            assert p.leaf_hash == sha256(b"\x00" + stored[position - 1]).hex()
            assert rfc_verify_inclusion(p.leaf_index, size, bytes.fromhex(p.leaf_hash),
                                        [bytes.fromhex(h) for h in p.proof], rfc_mth(stored[:size]))


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=70), st.data())
def test_the_independent_verifier_accepts_every_proof_of_random_trees(n: int, data):
    leaves = [bytes([i % 256, i // 256]) for i in range(n)]
    tree = MemoryTree([sha256(b"\x00" + d) for d in leaves])
    m = data.draw(st.integers(min_value=0, max_value=n))
    i = data.draw(st.integers(min_value=0, max_value=n - 1))
    assert rfc_verify_consistency(m, n, rfc_mth(leaves[:m]), rfc_mth(leaves), consistency_proof(tree, m, n))
    assert rfc_verify_inclusion(i, n, sha256(b"\x00" + leaves[i]), inclusion_proof(tree, i, n), rfc_mth(leaves))


# --- proofs that must fail ---------------------------------------------------------------------


def _signed(container, size: int | None = None):
    cp, _ = container.audit.checkpoint()
    assert cp is not None
    return cp


def test_a_proof_across_a_forked_history_fails_against_the_kept_checkpoint(container, clock, settings):
    head = fill(container, clock)
    old = _signed(container)
    insider = Insider(settings)
    insider.flip_byte(head // 2)
    insider.rewrite_chain(container, with_key=True)  # the insider re-signs the forked log
    fill_more(container, clock)
    new = _signed(container)
    proof = container.audit.prove_consistency(old.tree_size, new.tree_size)
    assert proof.verifies()  # the forked log is consistent with itself ...
    result = check_consistency(proof, old, new, container.audit.verifier)
    assert not result.ok and "rewritten" in result.reason  # ... not with what was signed before
    assert not rfc_verify_consistency(old.tree_size, new.tree_size, bytes.fromhex(old.root),
                                      bytes.fromhex(new.root), [bytes.fromhex(h) for h in proof.proof])


def fill_more(container, clock) -> None:
    from tests.builders import populate

    populate(container, clock, 1)


def test_a_truncated_log_has_no_proof_and_its_checkpoint_does_not_extend_the_old_one(container, clock, settings):
    head = fill(container, clock)
    old = _signed(container)
    insider = Insider(settings)
    insider.delete_from(head - 2)
    insider.execute("DELETE FROM {chain} WHERE position >= ?", head - 2)
    insider.rewrite_chain(container)
    with pytest.raises(ValidationFailed):
        container.audit.prove_consistency(old.tree_size)
    new = _signed(container)
    proof = container.audit.prove_consistency(0, new.tree_size)
    result = check_consistency(proof, old, new, container.audit.verifier)
    assert not result.ok and "truncated" in result.reason


@pytest.mark.parametrize("change", ["flip a node", "drop a node", "add a node", "other sizes", "swap roots"])
def test_an_altered_proof_fails(container, clock, change: str):
    fill(container, clock)
    old = container.audit.prove_consistency(5, 5)
    old_cp, new_cp = _signed_at(container, 5), _signed(container)
    p = container.audit.prove_consistency(5, new_cp.tree_size)
    assert check_consistency(p, old_cp, new_cp, container.audit.verifier).ok and old.verifies()
    nodes = list(p.proof)
    if change == "flip a node":
        nodes[0] = ("0" if nodes[0][0] != "0" else "1") + nodes[0][1:]
    elif change == "drop a node":
        nodes.pop()
    elif change == "add a node":
        nodes.append("ab" * 32)
    bad = ConsistencyProof(p.from_size, p.to_size + (change == "other sizes"), p.from_root, p.to_root,
                           tuple(nodes))
    if change == "swap roots":
        bad = ConsistencyProof(p.from_size, p.to_size, p.to_root, p.from_root, p.proof)
    assert not check_consistency(bad, old_cp, new_cp, container.audit.verifier).ok
    if change in ("other sizes", "swap roots"):
        return  # sizes and roots are bound by the signed checkpoints, which the proof must name
    assert not rfc_verify_consistency(bad.from_size, bad.to_size, bytes.fromhex(old_cp.root),
                                      bytes.fromhex(new_cp.root), [bytes.fromhex(h) for h in bad.proof])


def _signed_at(container, size: int):
    from application.audit.checkpoint import sign_checkpoint

    root = bytes.fromhex(container.audit.prove_consistency(size, size).to_root)
    return sign_checkpoint(container.audit.signer, size, root, container.clock.now())


def test_sizes_outside_the_log_are_named(container, clock):
    head = fill(container, clock)
    for old, new, where in ((-1, 3, "fromSize"), (4, 3, "fromSize"), (1, head + 1, "toSize")):
        with pytest.raises(ValidationFailed) as e:
            container.audit.prove_consistency(old, new)
        assert where in str(e.value.errors if hasattr(e.value, "errors") else e.value)
