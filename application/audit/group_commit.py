"""Group commit of the personal-data access log.

Every read that shows personal data records it (``PersonalDataViewed``) before
answering. Stored one transaction per read, each of those took the event log's
insert lock (PostgreSQL locks the table to keep positions in commit order), so
reads queued behind each other and behind the writers. Here one thread stores
everything pending in one transaction: while it commits a batch, the next
fills up, so one lock hold serves many reads.

Durable and complete as before: a caller learns its position only once its
batch is committed, and if the batch cannot be stored every record of it is
retried on its own, so exactly the reads whose record cannot be written fail
(with that error), and no read goes unrecorded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any

MAX_BATCH = 1000  # aggregates per transaction


class GroupCommitter:
    def __init__(self, store: Callable[..., int], *, max_batch: int = MAX_BATCH,
                 name: str = "access-log-commit") -> None:
        self._store = store
        self._max_batch = max_batch
        self._name = name
        self._pending: list[tuple[Sequence[Any], Future[int]]] = []
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self.transactions = 0  # batches stored (tests and benches compare it with the records)

    def submit(self, aggregates: Sequence[Any]) -> Future[int]:
        """Store ``aggregates`` (one transaction with whatever else is pending);
        the future gives the position of the batch's last event (the records are
        at or before it: enough for read-your-writes), or the error."""
        future: Future[int] = Future()
        with self._wake:
            if self._closed:
                raise RuntimeError("the access log committer is closed")
            self._pending.append((aggregates, future))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._wake.notify()
        return future

    def store(self, aggregates: Sequence[Any]) -> int:
        """:meth:`submit` and wait for the commit."""
        return self.submit(aggregates).result()

    def close(self) -> None:
        """Commit what is pending, then stop."""
        with self._wake:
            self._closed = True
            self._wake.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._pending and not self._closed:
                    self._wake.wait()
                if not self._pending:
                    return
                batch, size = [], 0
                while self._pending and (not batch or size + len(self._pending[0][0]) <= self._max_batch):
                    request = self._pending.pop(0)
                    batch.append(request)
                    size += len(request[0])
            self._commit(batch)

    def _commit(self, batch: list[tuple[Sequence[Any], Future[int]]]) -> None:
        aggregates = [a for request, _ in batch for a in request]
        # storing collects (removes) the pending events: kept, to retry each request alone
        pending = [list(a.pending_events) for a in aggregates]
        try:
            position = self._store(*aggregates)
        except Exception as error:  # handed to the waiting reads
            if len(batch) == 1:
                batch[0][1].set_exception(error)
                return
            for aggregate, events in zip(aggregates, pending, strict=True):
                aggregate.pending_events[:] = events
            for request in batch:  # find out whose record cannot be written
                self._commit([request])
            return
        self.transactions += 1
        for _, future in batch:
            future.set_result(position)
