"""Verification of the stored event log against the audit chain and signed
checkpoints, streaming (memory: O(log n) for the Merkle roots).

The stored events are read in notification order and each one's canonical
bytes, leaf hash and chain hash are recomputed and compared with the chain the
``audit_chain`` projection recorded when the event was new. The first
difference names the first bad position:

- a chained position that is no longer in the table: deleted (from the middle,
  or, at the end, the newest events);
- a different event (originator, version or topic) at a chained position:
  inserted, swapped or replaced;
- the same event with other bytes: altered;
- an unchained event at or below the chain's position: forged into the log.

Someone with database rights can recompute the whole chain table after a change.
Signed checkpoints catch that: the Merkle root recomputed from the table at a
checkpoint's ``tree_size`` must equal its signed root. A root only says *that*
the first ``tree_size`` events changed, so the first bad position is narrowed to
the events between the last checkpoint that still matches and the first that
does not (exact when checkpoints are one event apart).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from application.audit.chain import GENESIS, StoredRecord, canonical, chain_step
from application.audit.checkpoint import Checkpoint, SignatureVerifier
from domain.audit.merkle import EMPTY_ROOT, Frontier, leaf_hash


@dataclass(frozen=True)
class ChainEntry:
    """One row of the audit chain, as recorded by the projection."""

    position: int
    leaf_index: int
    originator_id: str
    version: int
    topic: str
    leaf_hash: str
    chain_hash: str


# kinds of findings
MISSING = "missing"  # a chained event is gone (deleted from the middle)
TRUNCATED = "truncated"  # the newest events are gone
REPLACED = "replaced"  # another event stands at a chained position (inserted/swapped)
ALTERED = "altered"  # the stored bytes of an event changed
FORGED = "forged"  # an event the chain never saw, at or below its position
CHAIN_ALTERED = "chain_altered"  # the chain table itself does not add up
CHECKPOINT_MISMATCH = "checkpoint_mismatch"  # the log no longer has a signed root
BAD_SIGNATURE = "bad_signature"  # a checkpoint not signed by this key
EQUIVOCATION = "equivocation"  # the key signed two different roots for one tree size
NODES = "nodes"  # the Merkle node store disagrees with the events


@dataclass(frozen=True)
class Finding:
    kind: str
    position: int | None  # the first bad position (the earliest possible one for a range)
    message: str
    last_position: int | None = None  # a range: the first bad event is in [position, last_position]


@dataclass
class VerifyReport:
    events: int = 0
    first_position: int | None = None
    last_position: int | None = None
    chain_position: int = 0
    chained: int = 0  # events compared with a chain entry
    unchained: int = 0  # newer than the chain's position (not yet chained)
    chain_head: str = GENESIS.hex()  # recomputed over every event in the table
    root: str = EMPTY_ROOT.hex()  # recomputed Merkle root over every event in the table
    chained_root: str = EMPTY_ROOT.hex()  # recomputed root over the chained events
    checkpoints_ok: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first_bad(self) -> Finding | None:
        """The finding naming the earliest position; one that names it exactly
        (from the chain) wins over a range (from a checkpoint)."""
        located = [f for f in self.findings if f.position is not None]
        if not located:
            return None
        return min(located, key=lambda f: (f.last_position not in (None, f.position), f.position))

    @property
    def first_bad_position(self) -> int | None:
        first = self.first_bad
        return first.position if first else None

    def summary(self) -> str:
        if self.ok:
            span = (f"positions {self.first_position}–{self.last_position}"
                    if self.events else "no events")
            lines = [
                f"intact: {self.events} events ({span}); {self.chained} match the audit chain"
                + (f", {self.unchained} newer ones not yet chained" if self.unchained else ""),
                f"chain head {self.chain_head}",
                f"Merkle root of {self.events} events {self.root}",
            ]
            if self.checkpoints_ok:
                lines.append(f"checkpoints verified: {', '.join(self.checkpoints_ok)}")
            return "\n".join(lines)
        first = self.first_bad
        if first is None:
            lines = ["TAMPERED"]
        elif first.last_position is not None and first.last_position != first.position:
            lines = [f"TAMPERED: first bad position between {first.position} and {first.last_position}"]
        else:
            lines = [f"TAMPERED: first bad position {first.position}"]
        lines += [f"- {f.message}" for f in self.findings]
        return "\n".join(lines)


def _event_label(originator_id: object, version: int) -> str:
    return f"{originator_id} v{version}"


def verify_log(
    events: Iterable[StoredRecord],
    chain: Iterable[ChainEntry],
    *,
    chain_position: int,
    checkpoints: Sequence[tuple[str, Checkpoint]] = (),
    verifier: SignatureVerifier | None = None,
    stored_nodes: NodeFetch | None = None,
) -> VerifyReport:
    """Compare the stored ``events`` (notification order) with the ``chain``
    (position order, entries up to ``chain_position``), its stored Merkle nodes
    (``stored_nodes``) and the labelled ``checkpoints``."""
    report = VerifyReport(chain_position=chain_position)
    wanted: list[tuple[str, Checkpoint]] = []
    for label, cp in checkpoints:
        if verifier is None or not cp.signature_valid(verifier):
            report.findings.append(Finding(
                BAD_SIGNATURE, None,
                f"checkpoint {label} (tree_size {cp.tree_size}) is not signed by the audit key: "
                "forged, altered, or signed with another key",
            ))
        else:
            wanted.append((label, cp))
    sizes = {cp.tree_size for _, cp in wanted}
    roots: dict[int, bytes] = {0: EMPTY_ROOT} if 0 in sizes else {}
    # position of leaf i, kept for the leaves that bound checkpoint ranges
    boundary = {0} | sizes | {s - 1 for s in sizes if s > 0}
    position_of: dict[int, int] = {}

    chain_iter = iter(chain)
    entry = next(chain_iter, None)
    comparing = True
    previous = GENESIS
    frontier = Frontier()
    chained_root: bytes | None = None
    nodes = _NodeCheck(stored_nodes) if stored_nodes else None

    def fail(kind: str, position: int, message: str) -> None:
        nonlocal comparing
        report.findings.append(Finding(kind, position, message))
        comparing = False

    for event in events:
        if chained_root is None and event.id > chain_position:
            chained_root = frontier.root()
        data = canonical(event)
        leaf = leaf_hash(data)
        previous = chain_step(previous, data)
        index = frontier.size
        completed = frontier.append(leaf)
        if nodes is not None and comparing and event.id <= chain_position:
            nodes.check(completed)
        if index in boundary:
            position_of[index] = event.id
        if frontier.size in sizes:
            roots[frontier.size] = frontier.root()
        report.events += 1
        report.first_position = report.first_position or event.id
        report.last_position = event.id
        if not comparing:
            continue
        here = _event_label(event.originator_id, event.originator_version)
        if entry is not None and entry.position < event.id:
            fail(MISSING, entry.position,
                 f"position {entry.position} ({_event_label(entry.originator_id, entry.version)}) "
                 "was chained but is no longer in the event table: deleted")
        elif entry is not None and entry.position == event.id:
            if (str(event.originator_id), event.originator_version, event.topic) != (
                entry.originator_id, entry.version, entry.topic
            ):
                fail(REPLACED, event.id,
                     f"position {event.id} holds {here} but the chain recorded "
                     f"{_event_label(entry.originator_id, entry.version)}: an event was inserted, "
                     "swapped or replaced here")
            elif leaf.hex() != entry.leaf_hash:
                fail(ALTERED, event.id,
                     f"the stored bytes of the event at position {event.id} ({here}) changed")
            elif entry.leaf_index != index or previous.hex() != entry.chain_hash:
                fail(CHAIN_ALTERED, event.id,
                     f"the chain at position {event.id} does not follow from the events before it: "
                     "an earlier event and its chain entry were removed, or the chain was edited")
            else:
                report.chained += 1
            entry = next(chain_iter, None)
        elif event.id <= chain_position:
            fail(FORGED, event.id,
                 f"position {event.id} holds {here}, an event the chain never saw: forged into the log")
        else:
            report.unchained += 1

    if chained_root is None:
        chained_root = frontier.root()
    if comparing and entry is not None:
        missing = 1 + sum(1 for _ in chain_iter)
        fail(TRUNCATED, entry.position,
             f"the newest {missing} chained event(s), from position {entry.position} on, "
             "are no longer in the event table: deleted")
    report.chain_head = previous.hex()
    report.root = frontier.root().hex()
    report.chained_root = chained_root.hex()

    _compare_checkpoints(report, wanted, roots, position_of, frontier.size)
    if report.ok and nodes is not None and nodes.bad is not None:
        level, index = nodes.bad
        first, last = index << level, ((index + 1) << level) - 1
        report.findings.append(Finding(
            NODES, None,
            f"the audit chain's stored Merkle node at level {level}, index {index} (leaves "
            f"{first}–{last}) disagrees with the events; proofs and checkpoints built on it would "
            "be wrong: rebuild the audit_chain projection after investigating",
        ))
    return report


NodeFetch = Callable[[int, int, int], list[tuple[int, str]]]


class _NodeCheck:
    """Compares the perfect subtrees recomputed while streaming with the stored
    ones, reading each level's stored nodes in pages, in index order."""

    def __init__(self, fetch: NodeFetch, page: int = 1000) -> None:
        self.fetch = fetch
        self.page = page
        self.pending: dict[int, deque[tuple[int, str]]] = {}
        self.bad: tuple[int, int] | None = None

    def check(self, completed: list[tuple[int, int, bytes]]) -> None:
        for level, index, value in completed:
            if self.bad is not None:
                return
            pending = self.pending.setdefault(level, deque())
            if not pending:
                pending.extend(self.fetch(level, index, self.page))
            if not pending or pending[0] != (index, value.hex()):
                self.bad = (level, index)
                return
            pending.popleft()


def _time(cp: Checkpoint) -> datetime | None:
    try:
        return datetime.fromisoformat(cp.time)
    except ValueError:
        return None


def _compare_checkpoints(
    report: VerifyReport,
    wanted: list[tuple[str, Checkpoint]],
    roots: dict[int, bytes],
    position_of: dict[int, int],
    size: int,
) -> None:
    """Each signed checkpoint's root against the root recomputed at its size.

    A mismatch is narrowed by the checkpoints that still match, are smaller and
    were signed no later (their first events are unchanged), unless the key
    signed two different roots for one size: then it was misused, and nothing
    it signed narrows anything."""
    by_size: dict[int, set[str]] = {}
    for _, cp in wanted:
        by_size.setdefault(cp.tree_size, set()).add(cp.root)
    equivocated = sorted(s for s, found in by_size.items() if len(found) > 1)
    for s in equivocated:
        report.findings.append(Finding(
            EQUIVOCATION, None,
            f"the audit key signed different roots for the same {s} events: it was used to "
            "sign a changed log",
        ))
    matching = [cp for _, cp in wanted if cp.tree_size <= size and roots[cp.tree_size].hex() == cp.root]
    for label, cp in wanted:
        if cp.tree_size > size:
            after = report.last_position or 0
            report.findings.append(Finding(
                TRUNCATED, after + 1,
                f"checkpoint {label} covers {cp.tree_size} events but the table holds "
                f"{size}: the newest events, after position {after}, were deleted",
            ))
        elif roots[cp.tree_size].hex() == cp.root:
            report.checkpoints_ok.append(f"{label} (tree_size {cp.tree_size})")
        elif cp.tree_size == 0:
            report.findings.append(Finding(
                CHECKPOINT_MISMATCH, None,
                f"checkpoint {label} signs an empty log with a root that is not the empty root",
            ))
        else:
            signed = _time(cp)
            lower = 0 if equivocated or signed is None else max(
                (m.tree_size for m in matching
                 if m.tree_size < cp.tree_size and (t := _time(m)) is not None and t <= signed),
                default=0,
            )
            start, end = position_of[lower], position_of[cp.tree_size - 1]
            where = f"at position {start}" if start == end else f"at a position from {start} to {end}"
            report.findings.append(Finding(
                CHECKPOINT_MISMATCH, start,
                f"the events no longer have the root signed in checkpoint {label} "
                f"(tree_size {cp.tree_size}, {cp.time}): the first changed event is {where}",
                last_position=end,
            ))
