"""One crawl's ingestion: the store, the journal and the stats the three pipelines share.

Entries are written ahead to the journal, buffered, and stored in bulk when the buffer reaches
its size or age bound, and at close: here, or on a BackgroundWriter's thread when the session
has one (atnews_scraper/ingest/background.py). When the database is unreachable or a write
fails, the batch stays in the journal (outcome "journalled") and the database is tried again
after RETRY_S; the next run replays the journal before it stores anything new.

When the journal itself cannot be written (a full disk), entries are still buffered and stored,
but an entry is acknowledged only by the database: one whose batch then fails too is
"not_stored", never "journalled". The session says so once (`on_journal_failure`: a crawl
stops, and keeps its discovery marks back so that the next run fetches again).
"""

from __future__ import annotations

import errno
import logging
import time
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pymongo.database import Database
from pymongo.errors import PyMongoError

from atnews_scraper.config import Config
from atnews_scraper.database import connect, resolve_uri
from atnews_scraper.errors import AtnewsError
from atnews_scraper.ingest.article_documents import prepare
from atnews_scraper.ingest.article_store import ArticleStore
from atnews_scraper.ingest.entry import ARTICLE, IngestEntry
from atnews_scraper.ingest.key_index import KeyIndex
from atnews_scraper.items import ArticlePage
from atnews_scraper.journal import (
    JournalTarget,
    JournalUnwritable,
    ReplayResult,
    Segment,
    replay,
    server_hosts,
    target_of,
)
from atnews_scraper.urls import UrlRules

if TYPE_CHECKING:
    from atnews_scraper.ingest.background import BackgroundWriter

log = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_DELAY_S = 2.0
RETRY_S = 10.0
CONNECT_TIMEOUT_MS = 2000
STAT_PREFIX = "atnews/articles/"
JOURNALLED = "journalled"
NOT_STORED = "not_stored"  # neither journalled (the disk refused it) nor stored
DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class Stats(Protocol):
    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None: ...


class CounterStats:
    """Scrapy's stats interface over a Counter, for use outside a crawl."""

    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] += count


class IngestSession:
    def __init__(
        self,
        config: Config,
        stats: Stats | None = None,
        batch_size: int = BATCH_SIZE,
        max_delay_s: float = MAX_DELAY_S,
        retry_s: float = RETRY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.stats: Stats = stats or CounterStats()
        self.rules = UrlRules(config.hosts, config.site_url)
        self.batch_size = batch_size
        self.max_delay_s = max_delay_s
        self.retry_s = retry_s
        self.clock = clock
        self.store: ArticleStore | None = None
        self.retry_at = 0.0
        self.buffer: list[IngestEntry] = []
        self.buffer_since = 0.0
        self.segment: Segment | None = None
        self.seen: dict[str, str] = {}  # canonical URL -> content hash, this run
        self.open_pipelines = 0
        # Writes due batches on a thread of its own; None: they are written here, synchronously.
        self.writer: BackgroundWriter | None = None
        # The database journal lines are written for: its id is learnt on connecting.
        self.target = JournalTarget(config.db_name, server_hosts(config.mongo_uri))
        self.journal_failure: str | None = None  # why the journal cannot be written, once it fails
        self.on_journal_failure: Callable[[str], object] | None = None
        # The key index the crawl built when it read the store at its start: the first
        # connection starts from it instead of reading the stored articles again.
        self.stored_keys: KeyIndex | None = None

    # -- lifecycle (each pipeline opens and closes; the first and last do the work) ----------

    def open(self) -> None:
        self.open_pipelines += 1
        if self.open_pipelines == 1:
            self._connect()

    def close(self) -> None:
        self.open_pipelines -= 1
        if self.open_pipelines > 0:
            return
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        self.flush()
        if self.store is not None:
            self.store.database.client.close()
            self.store = None

    def _connect(self) -> bool:
        """Open the store and replay the journal; False (journal mode) when that fails."""
        database: Database | None = None
        try:
            uri = resolve_uri(self.config)
            database = connect(uri, self.config.db_name, timeout_ms=CONNECT_TIMEOUT_MS)
            store = ArticleStore(database)
            store.open(self.stored_keys)
            self.stored_keys = None
            self.target = target_of(database, uri)
            try:
                result = replay(self.config.journal_dir, store, self.target)
            except OSError as exc:  # the journal cannot be read: it waits for `atnews db flush`
                log.error("journal %s not replayed: %s", self.config.journal_dir, exc)
                result = ReplayResult()
        except (AtnewsError, PyMongoError) as exc:
            if database is not None:
                database.client.close()
            self.retry_at = self.clock() + self.retry_s
            log.warning("database unavailable, journalling to %s: %s", self.config.journal_dir, exc)
            return False
        if result.entries:
            log.info(
                "replayed %d journalled record(s) from %d segment(s)",
                result.entries,
                result.segments,
            )
            self.stats.inc_value("atnews/journal/replayed", result.entries)
        self.store = store
        return True

    # -- entries -----------------------------------------------------------------------------

    def count(self, outcome: str, entry: IngestEntry | None = None) -> None:
        """Record one item's outcome: on the item and in the stats."""
        if entry is not None and entry.item is not None:
            entry.item.outcome = outcome
        self.stats.inc_value(STAT_PREFIX + outcome)

    def add(self, entry: IngestEntry) -> None:
        """Journal the entry, buffer it, and store the buffer when it is due."""
        if self.journal_failure is None:
            try:
                if self.segment is None:
                    self.segment = Segment(self.config.journal_dir, self.target)
                self.segment.append(entry)
            except JournalUnwritable as exc:
                self.journal_failed(exc)
        if not self.buffer:
            self.buffer_since = self.clock()
        self.buffer.append(entry)
        if self.writer is not None:
            self.writer.collect()
        self.flush_if_due()

    def journal_failed(self, error: OSError) -> None:
        """From now on entries are only buffered: say so once, and stop a crawl."""
        advice = (
            "free space there and run again"
            if error.errno in DISK_FULL
            else "check that it is writable and run again"
        )
        self.journal_failure = (
            f"cannot write the journal in {self.config.journal_dir} ({error.strerror}): {advice}"
        )
        log.error(
            "%s; what is not stored now is fetched again by the next run", self.journal_failure
        )
        if self.on_journal_failure is not None:
            self.on_journal_failure(self.journal_failure)

    def add_page(self, page: ArticlePage) -> None:
        """A page as the store pipeline hands it over (already validated and deduped)."""
        entry = IngestEntry.from_page(page, dict(page.record), page.record["url"])
        prepare(entry)
        self.add(entry)

    def due(self) -> bool:
        return bool(self.buffer) and (
            len(self.buffer) >= self.batch_size
            or self.clock() - self.buffer_since >= self.max_delay_s
        )

    def flush_if_due(self) -> None:
        if not self.due():
            return
        if self.writer is not None:
            self.writer.flush()
        else:
            self.flush()

    def flush(self) -> None:
        """Store the buffer now, on this thread (with a writer, only once it is idle); on
        failure keep it in the journal. Never raises for the store."""
        if self.writer is not None:
            self.writer.wait()
        batch = self.take_batch()
        if batch is not None:
            self.finish_batch(batch, self.write_batch(batch.entries))

    def take_batch(self) -> Batch | None:
        """The buffered entries and their journal segment, leaving an empty buffer."""
        entries, self.buffer = self.buffer, []
        segment, self.segment = self.segment, None
        if not entries:
            if segment is not None:
                segment.discard()
            return None
        return Batch(entries, segment, segment.count if segment is not None else 0)

    def write_batch(self, entries: list[IngestEntry]) -> list[str] | None:
        """Each entry's outcome, or None when the batch could not be stored.

        Touches only the store, so it may run on another thread, one batch at a time.
        """
        if self.store is None and self.clock() >= self.retry_at:
            self._connect()
        if self.store is None:
            return None
        try:
            return self.store.write_safely(entries)
        except PyMongoError as exc:
            log.warning("store write failed for a batch of %d record(s): %s", len(entries), exc)
            self.store.database.client.close()
            self.store = None
            self.retry_at = self.clock() + self.retry_s
            return None

    def finish_batch(self, batch: Batch, outcomes: list[str] | None) -> None:
        """Drop the batch's journal segment once stored (else keep it), and count outcomes.
        Never raises: a segment on a full disk is dropped or kept as well as the disk allows."""
        if batch.segment is not None and outcomes is None:
            batch.segment.seal()
        elif batch.segment is not None:
            batch.segment.discard()
        if outcomes is None:
            # Only the journalled entries (the first ones: the journal fails for good) wait
            # in the journal; the others were never acknowledged.
            unjournalled = len(batch.entries) - batch.journalled
            outcomes = [JOURNALLED] * batch.journalled + [NOT_STORED] * unjournalled
        for entry, outcome in zip(batch.entries, outcomes, strict=True):
            if entry.kind == ARTICLE:  # a reject was counted when it was rejected
                self.count(outcome, entry)


@dataclass(frozen=True)
class Batch:
    entries: list[IngestEntry]
    segment: Segment | None
    journalled: int = 0  # how many of the entries (the first ones) the segment holds


_SESSIONS: weakref.WeakKeyDictionary[Any, IngestSession] = weakref.WeakKeyDictionary()


def session_for_crawler(crawler: Any) -> IngestSession:
    """The one session a crawl's pipelines share, configured from its Scrapy settings."""
    session = _SESSIONS.get(crawler)
    if session is None:
        from atnews_scraper.config import load_config

        settings = crawler.settings
        config = load_config(
            mongo_uri=settings.get("ATNEWS_MONGO_URI"),
            db_name=settings.get("ATNEWS_DB_NAME"),
            var_dir=settings.get("ATNEWS_VAR_DIR"),
            site_url=settings.get("ATNEWS_SITE_URL"),
            hosts=tuple(settings.getlist("ATNEWS_HOSTS")) or None,
        )
        session = IngestSession(
            config,
            stats=crawler.stats,
            batch_size=settings.getint("ATNEWS_BATCH_SIZE", BATCH_SIZE),
            max_delay_s=settings.getfloat("ATNEWS_FLUSH_SECONDS", MAX_DELAY_S),
        )
        plan = getattr(crawler.spider, "plan", None)  # atnews_scraper.crawl.plan.CrawlPlan
        if plan is not None:
            session.stored_keys = plan.take_store_keys()
        _SESSIONS[crawler] = session
    return session
