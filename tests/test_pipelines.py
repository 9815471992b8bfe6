"""The three pipelines together: outcomes, stats, rejects, bulk flush bounds, bad input."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo.database import Database
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from atnews_scraper.config import Config
from atnews_scraper.ingest.entry import IngestEntry
from atnews_scraper.ingest.session import (
    Batch,
    CounterStats,
    IngestSession,
    session_for_crawler,
)
from atnews_scraper.items import ArticlePage
from atnews_scraper.journal import flush_journal, pending_segments
from atnews_scraper.pipelines.dedupe import DedupePipeline
from atnews_scraper.pipelines.store import StorePipeline
from atnews_scraper.pipelines.validate import ValidatePipeline
from tooling.samples import FETCHED_AT, SITE, make_page, make_record, story


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Chain:
    """The pipelines in settings order, opened on one session (background: batches written on
    a thread, as in a crawl)."""

    def __init__(self, session: IngestSession, background: bool = False) -> None:
        self.session = session
        self.pipelines = [
            ValidatePipeline(session),
            DedupePipeline(session),
            StorePipeline(session, background=background),
        ]
        for pipeline in self.pipelines:
            pipeline.open_spider()

    def feed(self, item: Any) -> Any:
        try:
            for pipeline in self.pipelines:
                item = pipeline.process_item(item)
        except DropItem:
            pass
        return item

    def close(self) -> None:
        for pipeline in self.pipelines:
            pipeline.close_spider()

    @property
    def stats(self) -> dict[str, int]:
        assert isinstance(self.session.stats, CounterStats)
        return dict(self.session.stats.values)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def chain(config: Config, clock: Clock) -> Iterator[Chain]:
    opened = Chain(IngestSession(config, batch_size=3, max_delay_s=2.0, clock=clock))
    yield opened
    if opened.session.open_pipelines:
        opened.close()


@pytest.mark.parametrize("background", [False, True], ids=["synchronous", "background"])
def test_each_item_gets_one_outcome_and_one_stat(
    config: Config, database: Database, background: bool
) -> None:
    chain = Chain(IngestSession(config, batch_size=3), background=background)
    pages = [make_page(make_record(n)) for n in range(3)]
    again = make_page(make_record(0))
    bad = make_page(make_record(9, post_id="nine"))
    for page in [*pages, again, bad]:
        chain.feed(page)
    chain.close()
    assert [p.outcome for p in [*pages, again, bad]] == ["new"] * 3 + ["duplicate", "rejected"]
    assert chain.stats == {
        "atnews/articles/new": 3,
        "atnews/articles/duplicate": 1,
        "atnews/articles/rejected": 1,
    }
    assert database.articles.count_documents({}) == 3


@pytest.mark.parametrize("background", [False, True], ids=["synchronous", "background"])
def test_a_second_run_finds_everything_unchanged(config: Config, background: bool) -> None:
    for expected in ("new", "unchanged"):
        chain = Chain(IngestSession(config, batch_size=2), background=background)
        pages = [make_page(make_record(n), FETCHED_AT + dt.timedelta(days=1)) for n in range(3)]
        for page in pages:
            chain.feed(page)
        chain.close()
        assert [p.outcome for p in pages] == [expected] * 3
        assert chain.stats == {f"atnews/articles/{expected}": 3}


def test_rejects_are_stored_with_reasons_and_url(chain: Chain, database: Database) -> None:
    chain.feed(make_page(make_record(5, title=7)))
    chain.close()
    rejects = list(database.rejects.find({}, {"_id": 0, "url": 1, "reasons": 1, "fetch_url": 1}))
    assert rejects == [
        {
            "url": f"{SITE}story-5/",
            "fetch_url": f"{SITE}story-5/",
            "reasons": ["title: expected str or null, got int"],
        }
    ]
    assert database.pages.count_documents({"_id": f"{SITE}story-5/"}) == 1


def test_writes_wait_for_the_size_bound(chain: Chain, database: Database) -> None:
    for n in range(2):
        chain.feed(make_page(make_record(n)))
    assert database.articles.count_documents({}) == 0
    chain.feed(make_page(make_record(2)))
    assert database.articles.count_documents({}) == 3
    chain.feed(make_page(make_record(3)))
    assert database.articles.count_documents({}) == 3
    chain.close()
    assert database.articles.count_documents({}) == 4


def test_writes_wait_no_longer_than_the_time_bound(
    chain: Chain, database: Database, clock: Clock
) -> None:
    chain.feed(make_page(make_record(1)))
    clock.now = 1.9
    chain.session.flush_if_due()
    assert database.articles.count_documents({}) == 0
    clock.now = 2.0
    chain.session.flush_if_due()
    assert database.articles.count_documents({}) == 1


def test_bad_input_is_rejected_or_made_safe_never_a_crash(chain: Chain, database: Database) -> None:
    unsafe = make_record(1, title="Broken \udc80 text")
    unsafe["extraction"]["sources"] = {"$set": "x", "a.b": "y"}
    huge = make_record(2, body="word " * 3_400_000)
    not_a_record = make_page(make_record(3))
    not_a_record.record = ["nonsense"]  # type: ignore[assignment]
    items = [make_page(unsafe), make_page(huge), not_a_record, "not a page"]
    for item in items:
        chain.feed(item)
    chain.close()
    assert [getattr(i, "outcome", None) for i in items] == ["new", "rejected", "rejected", None]
    stored = database.articles.find_one({"url": f"{SITE}story-1/"})
    assert stored is not None
    assert stored["title"] == "Broken \ufffd text"
    assert stored["extraction"]["sources"] == {"\uff04set": "x", "a\uff0eb": "y"}
    assert stored["extraction"]["warnings"] == ["unsafe-input-repaired"]
    reasons = {r["url"]: r["reasons"] for r in database.rejects.find()}
    assert reasons == {
        f"{SITE}story-2/": ["record: 16.2 MB, over the 16 MB BSON document limit"],
        f"{SITE}story-3/": ["record: expected a mapping, got list"],
    }
    huge_reject = database.rejects.find_one({"url": f"{SITE}story-2/"})
    assert huge_reject is not None
    assert huge_reject["record"]["body_truncated_from_chars"] == 17_000_000


def test_pipelines_take_their_store_from_scrapy_settings(
    config: Config, database: Database
) -> None:
    crawler = get_crawler(
        settings_dict={
            "ATNEWS_MONGO_URI": config.mongo_uri,
            "ATNEWS_DB_NAME": config.db_name,
            "ATNEWS_VAR_DIR": str(config.var_dir),
            "ATNEWS_BATCH_SIZE": 2,
        }
    )
    pipelines = [cls.from_crawler(crawler) for cls in (ValidatePipeline, DedupePipeline)]
    session = session_for_crawler(crawler)
    assert all(p.session is session for p in pipelines)
    assert (session.config.db_name, session.config.var_dir, session.batch_size) == (
        database.name,
        config.var_dir,
        2,
    )


def test_a_page_item_keeps_its_fetch_facts(chain: Chain, database: Database) -> None:
    page: ArticlePage = make_page(make_record(4, body=story(4)))
    page.etag = '"abc"'
    page.sitemap_lastmod = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    chain.feed(page)
    chain.close()
    stored = database.articles.find_one({}, {"_id": 0, "http_etag": 1, "sitemap_lastmod": 1})
    assert stored == {
        "http_etag": '"abc"',
        "sitemap_lastmod": dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
    }


def test_values_json_cannot_hold_are_kept_in_the_reject_as_text(
    chain: Chain, database: Database
) -> None:
    odd = make_page(make_record(6, tags={"Kabul"}, modified_at=dt.datetime(2024, 5, 14)))
    chain.feed(odd)
    chain.close()
    assert odd.outcome == "rejected"
    (reject,) = database.rejects.find()
    assert reject["reasons"] == [
        "modified_at: expected str or null, got datetime",
        "tags: expected a list, got set",
    ]
    assert reject["record"]["tags"] == "{'Kabul'}"
    assert reject["record"]["modified_at"] == "datetime.datetime(2024, 5, 14, 0, 0)"


# -- batches written on a thread (BackgroundWriter), as in a crawl -------------------------------


class HeldWrites:
    """The session's batch writes, each held until `released` is set; who wrote and finished."""

    def __init__(self, session: IngestSession, monkeypatch: pytest.MonkeyPatch) -> None:
        self.released = threading.Event()
        self.written: list[tuple[int, int]] = []  # (thread, entries) of each write
        self.finished_on: list[int] = []
        self.writing = 0
        self.most_at_once = 0
        write, finish = session.write_batch, session.finish_batch

        def held_write(entries: list[IngestEntry]) -> list[str] | None:
            self.written.append((threading.get_ident(), len(entries)))
            self.writing += 1
            self.most_at_once = max(self.most_at_once, self.writing)
            self.released.wait(timeout=30)
            try:
                return write(entries)
            finally:
                self.writing -= 1

        def finish_batch(batch: Batch, outcomes: list[str] | None) -> None:
            self.finished_on.append(threading.get_ident())
            finish(batch, outcomes)

        monkeypatch.setattr(session, "write_batch", held_write)
        monkeypatch.setattr(session, "finish_batch", finish_batch)


def test_the_caller_goes_on_while_a_batch_is_written_and_finishes_it_itself(
    config: Config, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = IngestSession(config, batch_size=3)
    chain = Chain(session, background=True)
    writes = HeldWrites(session, monkeypatch)
    pages = [make_page(make_record(n)) for n in range(8)]
    for page in pages[:5]:
        chain.feed(page)
    # The first batch is held on the writer thread; the next two items were journalled and
    # buffered meanwhile.
    assert [p.outcome for p in pages[:5]] == [None] * 5
    assert [e.url for e in session.buffer] == [p.record["url"] for p in pages[3:5]]
    assert database.articles.count_documents({}) == 0
    writes.released.set()
    for page in pages[5:]:
        chain.feed(page)
    chain.close()
    assert [p.outcome for p in pages] == ["new"] * 8
    assert [entries for _thread, entries in writes.written] == [3, 3, 2]
    writer_threads = {thread for thread, _entries in writes.written[:2]}
    assert len(writer_threads) == 1
    assert threading.get_ident() not in writer_threads
    assert writes.finished_on == [threading.get_ident()] * 3
    assert database.articles.count_documents({}) == 8
    assert pending_segments(config.journal_dir) == []


def test_one_batch_is_written_at_a_time_and_at_most_two_are_held(
    config: Config, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = IngestSession(config, batch_size=3)
    chain = Chain(session, background=True)
    writes = HeldWrites(session, monkeypatch)
    release = threading.Timer(0.3, writes.released.set)
    release.start()
    buffered = []
    for n in range(12):
        chain.feed(make_page(make_record(n)))
        buffered.append(len(session.buffer))
    chain.close()
    release.cancel()
    # A full buffer waits for the batch in flight instead of growing.
    assert max(buffered) == 2
    assert writes.most_at_once == 1
    assert [entries for _thread, entries in writes.written] == [3, 3, 3, 3]
    assert chain.stats == {"atnews/articles/new": 12}
    assert database.articles.count_documents({}) == 12


def test_a_write_crashing_on_the_writer_thread_leaves_its_batch_in_the_journal(
    config: Config,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    session = IngestSession(config, batch_size=2)
    chain = Chain(session, background=True)
    write = session.write_batch
    crashes = [RuntimeError("boom")]

    def crash_once(entries: list[IngestEntry]) -> list[str] | None:
        if crashes:
            raise crashes.pop()
        return write(entries)

    monkeypatch.setattr(session, "write_batch", crash_once)
    pages = [make_page(make_record(n)) for n in range(4)]
    for page in pages:
        chain.feed(page)
    chain.close()
    assert [p.outcome for p in pages] == ["journalled"] * 2 + ["new"] * 2
    assert "store write crashed, 2 record(s) journalled: RuntimeError('boom')" in caplog.messages
    assert len(pending_segments(config.journal_dir)) == 1
    assert flush_journal(config, database) == 2
    assert sorted(a["url"] for a in database.articles.find()) == sorted(
        p.record["url"] for p in pages
    )
