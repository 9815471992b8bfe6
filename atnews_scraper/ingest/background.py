"""BackgroundWriter: a session's due batches written on one thread of their own.

The caller (the reactor thread in a crawl, the main thread elsewhere) goes on validating,
compressing and journalling the next entries while the database stores a batch. One batch is in
flight at a time; entries arriving meanwhile wait in the buffer, and the journal, for the next.
A written batch is finished (its journal segment dropped or kept, its outcomes counted) on the
caller's thread, never on the writer's: in a crawl, `deliver` (reactor.callFromThread) hands it
to the reactor; elsewhere it is collected at the next add or flush and at close. The
guarantees are the session's: an entry is journalled before it is buffered, and a segment is
deleted only after its batch was acknowledged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from atnews_scraper.ingest.session import Batch, IngestSession

log = logging.getLogger(__name__)

Deliver = Callable[[Callable[[], None]], object]


class BackgroundWriter:
    def __init__(self, session: IngestSession, deliver: Deliver | None = None) -> None:
        self.session = session
        self.deliver = deliver
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="atnews-store")
        self.in_flight: tuple[Batch, Future[list[str] | None]] | None = None

    def flush(self) -> None:
        """Start writing the buffer, unless a batch is still in flight: the buffer then waits
        for the next. Outside a crawl, a full batch waiting makes the caller wait for the one
        in flight, so that at most two batches are held in memory."""
        self.collect()
        full = len(self.session.buffer) >= self.session.batch_size
        if self.in_flight is not None and self.deliver is None and full:
            self.wait()
        if self.in_flight is not None:
            return
        batch = self.session.take_batch()
        if batch is None:
            return
        future = self.executor.submit(self.session.write_batch, batch.entries)
        self.in_flight = (batch, future)
        if self.deliver is not None:
            deliver = self.deliver
            future.add_done_callback(lambda _future: deliver(self._delivered))

    def collect(self) -> bool:
        """Finish the batch in flight if it is written; True when none is in flight (any more)."""
        if self.in_flight is None:
            return True
        batch, future = self.in_flight
        if not future.done():
            return False
        self.in_flight = None
        error = future.exception()
        if error is not None:
            log.error("store write crashed, %d record(s) journalled: %r", len(batch.entries), error)
        self.session.finish_batch(batch, None if error is not None else future.result())
        return True

    def wait(self) -> None:
        """Block until the batch in flight is written, and finish it."""
        if self.in_flight is not None:
            wait_for([self.in_flight[1]])
            self.collect()

    def close(self) -> None:
        """Finish the batch in flight and stop the thread."""
        self.wait()
        self.executor.shutdown()

    def _delivered(self) -> None:
        """On the caller's thread (a crawl's reactor) once a batch is written."""
        if self.in_flight is not None and self.collect():
            self.session.flush_if_due()
