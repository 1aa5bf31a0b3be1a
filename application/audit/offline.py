"""What an auditor checks with nothing but the exported log (``audit export
--raw``), signed checkpoints and public keys — no database, no chain table: each
checkpoint is signed by the city (and cosigned by each required witness), and
the first ``tree_size`` events of the export have exactly its root."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from application.audit.chain import GENESIS, StoredRecord, canonical, chain_step
from application.audit.checkpoint import SignatureVerifier, SignedTreeHead
from application.audit.note import RawKeyVerifier
from application.audit.verify import BAD_SIGNATURE, REPLACED, Finding, VerifyReport, compare_checkpoints
from application.audit.witness import missing_cosignatures
from domain.audit.merkle import EMPTY_ROOT, Frontier, leaf_hash


def verify_export(
    events: Iterable[StoredRecord],
    checkpoints: Sequence[tuple[str, SignedTreeHead]],
    verifier: SignatureVerifier,
    witnesses: Sequence[tuple[str, RawKeyVerifier]] = (),
) -> VerifyReport:
    report = VerifyReport()
    wanted = []
    for label, cp in checkpoints:
        if cp.signature_valid(verifier):
            wanted.append((label, cp))
        else:
            report.findings.append(Finding(BAD_SIGNATURE, None, f"checkpoint {label} is not signed by this key"))
    report.findings += missing_cosignatures(checkpoints, witnesses)
    sizes = {cp.tree_size for _, cp in wanted}
    roots = {0: EMPTY_ROOT}
    position_of: dict[int, int] = {}
    frontier, previous, last = Frontier(), GENESIS, 0
    for event in events:
        if event.id <= last:
            report.findings.append(Finding(REPLACED, event.id, f"the export is out of order at position {event.id}"))
            return report
        data = canonical(event)
        position_of[frontier.size] = last = event.id
        previous = chain_step(previous, data)
        frontier.append(leaf_hash(data))
        if frontier.size in sizes:
            roots[frontier.size] = frontier.root()
        report.events += 1
        report.first_position = report.first_position or event.id
        report.last_position = event.id
    report.chain_head, report.root = previous.hex(), frontier.root().hex()
    report.chained_root = report.root
    compare_checkpoints(report, wanted, roots, position_of, frontier.size)
    return report
