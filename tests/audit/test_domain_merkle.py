"""The pure parts of tamper evidence: RFC 6962 Merkle trees (with the
Certificate Transparency test vectors), inclusion proofs that verify and proofs
that must fail, the streaming frontier, canonical event bytes and the chain."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from application.audit.chain import GENESIS, ExportedEvent, canonical, canonical_event, chain_step
from application.audit.checkpoint import Checkpoint, InclusionProof, MalformedCheckpoint
from domain.audit.merkle import (
    EMPTY_ROOT,
    Frontier,
    MemoryTree,
    append_leaf,
    inclusion_proof,
    leaf_hash,
    mth,
    node_hash,
    root_at,
    verify_inclusion,
)

# The RFC 6962 test data of the Certificate Transparency reference implementation.
CT_LEAVES = [b"", b"\x00", b"\x10", b"\x20\x21", b"\x30\x31", b"\x40\x41\x42\x43",
             bytes(range(0x50, 0x58)), bytes(range(0x60, 0x70))]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_PROOFS = {
    (0, 8): ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
    (5, 8): ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
             "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
    (2, 3): ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    (1, 5): ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"],
}


def leaves(n: int) -> list[bytes]:
    return [leaf_hash(f"event {i}".encode()) for i in range(n)]


def reference_path(m: int, hashes: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) exactly as RFC 6962 §2.1.1 defines it."""
    n = len(hashes)
    if n == 1:
        return []
    k = 1 << ((n - 1).bit_length() - 1)
    if m < k:
        return [*reference_path(m, hashes[:k]), mth(hashes[k:])]
    return [*reference_path(m - k, hashes[k:]), mth(hashes[:k])]


def test_leaf_and_node_hashing_are_domain_separated():
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    assert node_hash(b"l" * 32, b"r" * 32) == hashlib.sha256(b"\x01" + b"l" * 32 + b"r" * 32).digest()
    assert EMPTY_ROOT == hashlib.sha256(b"").digest() == mth([])


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_the_certificate_transparency_vectors(size):
    hashes = [leaf_hash(d) for d in CT_LEAVES]
    assert MemoryTree(hashes).root(size).hex() == CT_ROOTS[size - 1]
    assert mth(hashes[:size]).hex() == CT_ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size"), sorted(CT_PROOFS))
def test_proofs_match_the_certificate_transparency_vectors(index, size):
    hashes = [leaf_hash(d) for d in CT_LEAVES]
    proof = MemoryTree(hashes).proof(index, size)
    assert [p.hex() for p in proof] == CT_PROOFS[(index, size)]
    assert verify_inclusion(hashes[index], index, size, proof, bytes.fromhex(CT_ROOTS[size - 1]))


def test_every_proof_up_to_33_leaves_is_the_rfc_path_and_verifies():
    hashes = leaves(33)
    tree = MemoryTree(hashes)
    for size in range(1, 34):
        root = tree.root(size)
        assert root == mth(hashes[:size])
        for index in range(size):
            proof = tree.proof(index, size)
            assert proof == reference_path(index, hashes[:size]), (index, size)
            assert verify_inclusion(hashes[index], index, size, proof, root), (index, size)


@pytest.mark.parametrize(("index", "size"), [(0, 1), (0, 2), (4, 7), (6, 7), (12, 13), (5, 16)])
def test_proofs_that_must_fail(index, size):
    hashes = leaves(size + 1)
    tree = MemoryTree(hashes)
    root, proof, leaf = tree.root(size), tree.proof(index, size), hashes[index]
    assert verify_inclusion(leaf, index, size, proof, root)
    other = leaf_hash(b"not in the log")
    flipped = bytes([root[0] ^ 1]) + root[1:]
    assert not verify_inclusion(other, index, size, proof, root), "altered leaf"
    assert not verify_inclusion(leaf, index, size, proof, flipped), "wrong root"
    assert not verify_inclusion(leaf, index, size, proof, tree.root(size + 1)), "root of another size"
    assert not verify_inclusion(leaf, index, size, [*proof, other], root), "padded proof"
    if proof:
        assert not verify_inclusion(leaf, index, size, proof[:-1], root), "truncated proof"
        assert not verify_inclusion(leaf, index, size, proof[1:], root), "proof missing its first hash"
        altered = [bytes([proof[0][0] ^ 0x80]) + proof[0][1:], *proof[1:]]
        assert not verify_inclusion(leaf, index, size, altered, root), "altered proof hash"
        for wrong in {index - 1, index + 1} - {index}:
            if 0 <= wrong < size:
                assert not verify_inclusion(leaf, wrong, size, proof, root), f"wrong index {wrong}"
    assert not verify_inclusion(leaf, size, size, proof, root), "index outside the tree"
    assert not verify_inclusion(leaf, index, size + 8, proof, root), "wrong tree size"
    assert not verify_inclusion(leaf[:31], index, size, proof, root), "not a hash"


def test_a_proof_for_one_leaf_does_not_prove_its_sibling():
    hashes = leaves(8)
    tree = MemoryTree(hashes)
    assert not verify_inclusion(hashes[3], 2, 8, tree.proof(2, 8), tree.root())


def test_proof_arguments_are_checked():
    tree = MemoryTree(leaves(3))
    with pytest.raises(ValueError):
        inclusion_proof(tree, 3, 3)
    with pytest.raises(ValueError):
        inclusion_proof(tree, -1, 3)
    assert root_at(tree, 0) == EMPTY_ROOT


def test_the_frontier_gives_every_root_while_streaming():
    hashes = leaves(70)
    frontier = Frontier()
    assert frontier.root() == EMPTY_ROOT
    for n, h in enumerate(hashes, start=1):
        frontier.append(h)
        assert frontier.size == n
        assert frontier.root() == mth(hashes[:n])


def test_stored_nodes_from_append_leaf_serve_roots_and_proofs():
    hashes = leaves(45)
    nodes: dict[tuple[int, int], bytes] = {}
    for i, h in enumerate(hashes):
        nodes[(0, i)] = h
        for level, index, value in append_leaf(i, h, lambda lv, ix: nodes[(lv, ix)]):
            nodes[(level, index)] = value
    assert len(nodes) == 2 * 45 - bin(45).count("1")  # every complete subtree, once

    def stored(level: int, index: int) -> bytes:
        return nodes[(level, index)]

    for size in (1, 2, 17, 32, 45):
        assert root_at(stored, size) == mth(hashes[:size])
        for index in (0, size // 2, size - 1):
            assert inclusion_proof(stored, index, size) == reference_path(index, hashes[:size])


# --- canonical bytes and the chain ---------------------------------------------------------


def test_canonical_bytes_are_length_prefixed_and_unambiguous():
    oid = uuid.UUID("12345678-1234-5678-1234-567812345678")
    data = canonical_event(7, oid, 2, "domain.x:Y", b"{}")
    assert data == (
        (7).to_bytes(8, "big")
        + (36).to_bytes(8, "big") + b"12345678-1234-5678-1234-567812345678"
        + (2).to_bytes(8, "big")
        + (10).to_bytes(8, "big") + b"domain.x:Y"
        + (2).to_bytes(8, "big") + b"{}"
    )
    # moving a byte from one field to the next changes the encoding
    assert canonical_event(1, "a", 1, "tb", b"c") != canonical_event(1, "a", 1, "t", b"bc")
    assert canonical_event(1, "ab", 1, "t", b"") != canonical_event(1, "a", 1, "bt", b"")
    assert canonical_event(1, "a", 1, "t", b"s") != canonical_event(2, "a", 1, "t", b"s")
    with pytest.raises(ValueError):
        canonical_event(-1, "a", 1, "t", b"")


def test_the_chain_links_each_event_to_all_before_it():
    events = [ExportedEvent(i, str(uuid.UUID(int=i)), 1, "t", f"state {i}".encode())
              for i in range(1, 5)]
    h = GENESIS
    chain = []
    for e in events:
        h = chain_step(h, canonical(e))
        chain.append(h)
    assert chain[0] == hashlib.sha256(bytes(32) + canonical(events[0])).digest()
    changed = [events[0], ExportedEvent(2, events[1].originator_id, 1, "t", b"state 2!"), *events[2:]]
    h2 = GENESIS
    for i, e in enumerate(changed):
        h2 = chain_step(h2, canonical(e))
        assert (h2 == chain[i]) is (i == 0)


def test_exported_events_round_trip_through_json():
    e = ExportedEvent(3, "abc", 2, "t:T", b"\x00\xffbytes")
    assert ExportedEvent.from_json(e.to_json()) == e
    assert canonical(ExportedEvent.from_json(e.to_json())) == canonical(e)


# --- documents ------------------------------------------------------------------------------


def test_checkpoint_and_proof_documents_are_validated():
    good = {"tree_size": 3, "root": "ab" * 32, "time": "2026-04-01T00:00:00+00:00",
            "signature": "c2ln"}
    assert Checkpoint.from_json(good).tree_size == 3
    for broken in ({**good, "root": "xyz"}, {**good, "root": "ab" * 31}, {**good, "tree_size": -1},
                   {**good, "tree_size": "3"}, {k: v for k, v in good.items() if k != "signature"},
                   [good]):
        with pytest.raises(MalformedCheckpoint):
            Checkpoint.from_json(broken)
    with pytest.raises(MalformedCheckpoint):
        Checkpoint.loads("not json")
    proof = {"position": 1, "leaf_index": 0, "tree_size": 1, "leaf_hash": "00" * 32,
             "proof": [], "root": "00" * 32}
    assert InclusionProof.from_json(proof).verifies()
    for broken in ({**proof, "proof": "00" * 32}, {**proof, "proof": ["00"]},
                   {k: v for k, v in proof.items() if k != "root"}):
        with pytest.raises(MalformedCheckpoint):
            InclusionProof.from_json(broken)
