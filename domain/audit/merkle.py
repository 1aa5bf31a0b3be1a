"""RFC 6962 (Certificate Transparency) Merkle trees, pure.

- ``leaf_hash(d) = SHA-256(0x00 ‖ d)``, ``node_hash(l, r) = SHA-256(0x01 ‖ l ‖ r)``;
- the Merkle Tree Hash of ``n`` leaves splits at ``k``, the largest power of two
  smaller than ``n`` (MTH of no leaves is ``SHA-256("")``);
- inclusion proofs are RFC 6962 audit paths, checked with the algorithm of
  RFC 9162 §2.1.3.2.

Trees are read through a *subtree source*: ``subtree(level, index)`` is the hash
of the perfect subtree over leaves ``[index·2^level, (index+1)·2^level)`` (level 0
is a leaf hash). A store keeps those nodes as leaves arrive (``append_leaf``), so
roots and proofs for any tree size take O(log² n) lookups; ``MemoryTree`` serves
them from a list of leaf hashes, and ``Frontier`` computes roots while streaming.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

SubtreeSource = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than ``n`` (``n`` ≥ 2)."""
    if n < 2:
        raise ValueError("a split needs at least two leaves")
    return 1 << ((n - 1).bit_length() - 1)


def _is_power_of_two(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


def range_hash(subtree: SubtreeSource, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for the ranges that RFC 6962 recursion visits (``start``
    is a multiple of every power of two not larger than ``end - start``)."""
    n = end - start
    if n <= 0:
        raise ValueError("empty range")
    if _is_power_of_two(n) and start % n == 0:
        level = n.bit_length() - 1
        return subtree(level, start >> level)
    k = split_point(n)
    return node_hash(range_hash(subtree, start, start + k), range_hash(subtree, start + k, end))


def root_at(subtree: SubtreeSource, tree_size: int) -> bytes:
    """The Merkle Tree Hash of the first ``tree_size`` leaves."""
    if tree_size < 0:
        raise ValueError("tree_size must not be negative")
    return EMPTY_ROOT if tree_size == 0 else range_hash(subtree, 0, tree_size)


def inclusion_proof(subtree: SubtreeSource, index: int, tree_size: int) -> list[bytes]:
    """The RFC 6962 audit path of leaf ``index`` in the tree of ``tree_size``
    leaves, deepest sibling first."""
    if not 0 <= index < tree_size:
        raise ValueError(f"leaf index {index} is outside a tree of {tree_size} leaves")
    proof: list[bytes] = []
    start, end, m = 0, tree_size, index
    # Descend from the root, collecting siblings; reverse at the end (deepest first).
    while end - start > 1:
        k = split_point(end - start)
        if m < k:
            proof.append(range_hash(subtree, start + k, end))
            end = start + k
        else:
            proof.append(range_hash(subtree, start, start + k))
            start, m = start + k, m - k
    proof.reverse()
    return proof


def verify_inclusion(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """True when ``proof`` shows that ``leaf`` (a leaf hash) is leaf ``index`` of
    the tree of ``tree_size`` leaves whose root is ``root`` (RFC 9162 §2.1.3.2)."""
    if not 0 <= index < tree_size:
        return False
    if len(leaf) != HASH_SIZE or any(len(p) != HASH_SIZE for p in proof):
        return False
    fn, sn, r = index, tree_size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def append_leaf(
    index: int, leaf: bytes, subtree: SubtreeSource
) -> list[tuple[int, int, bytes]]:
    """The perfect subtrees that leaf ``index`` completes, as ``(level, index,
    hash)`` from level 1 up; ``subtree`` gives the left siblings already stored."""
    completed = []
    level, i, h = 0, index, leaf
    while i & 1:
        h = node_hash(subtree(level, i - 1), h)
        level, i = level + 1, i >> 1
        completed.append((level, i, h))
    return completed


class MemoryTree:
    """A subtree source over leaf hashes held in memory (perfect subtrees are
    computed once and cached)."""

    def __init__(self, leaves: Sequence[bytes]) -> None:
        self.leaves = list(leaves)
        self._cache: dict[tuple[int, int], bytes] = {}

    def __call__(self, level: int, index: int) -> bytes:
        if level == 0:
            return self.leaves[index]
        key = (level, index)
        if key not in self._cache:
            self._cache[key] = node_hash(self(level - 1, 2 * index), self(level - 1, 2 * index + 1))
        return self._cache[key]

    def root(self, tree_size: int | None = None) -> bytes:
        return root_at(self, len(self.leaves) if tree_size is None else tree_size)

    def proof(self, index: int, tree_size: int | None = None) -> list[bytes]:
        return inclusion_proof(self, index, len(self.leaves) if tree_size is None else tree_size)


def mth(leaves: Sequence[bytes]) -> bytes:
    """The RFC 6962 Merkle Tree Hash of ``leaves`` (leaf hashes), by the
    recursive definition."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[0]
    k = split_point(n)
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


class Frontier:
    """The root of a growing tree in O(log n) memory: the stack of perfect
    subtrees (largest first) whose concatenation is all leaves so far."""

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[tuple[int, bytes]] = []

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf; return the perfect subtrees it completes as ``(level,
        index, hash)``, lowest first (the nodes ``append_leaf`` would store)."""
        completed = []
        level, index, h = 0, self.size, leaf
        while self._stack and self._stack[-1][0] == level:
            _, left = self._stack.pop()
            h = node_hash(left, h)
            level, index = level + 1, index >> 1
            completed.append((level, index, h))
        self._stack.append((level, h))
        self.size += 1
        return completed

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        h = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            h = node_hash(left, h)
        return h
