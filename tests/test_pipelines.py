"""The three pipelines together: outcomes, stats, rejects, bulk flush bounds, bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo.database import Database
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from atnews_scraper.config import Config
from atnews_scraper.ingest.samples import FETCHED_AT, SITE, make_page, make_record, story
from atnews_scraper.ingest.session import CounterStats, IngestSession, session_for_crawler
from atnews_scraper.items import ArticlePage
from pipelines.dedupe import DedupePipeline
from pipelines.store import StorePipeline
from pipelines.validate import ValidatePipeline


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Chain:
    """The pipelines in settings order, opened on one session."""

    def __init__(self, session: IngestSession) -> None:
        self.session = session
        self.pipelines = [
            ValidatePipeline(session),
            DedupePipeline(session),
            StorePipeline(session),
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
    if opened.session.users:
        opened.close()


def test_each_item_gets_one_outcome_and_one_stat(chain: Chain, database: Database) -> None:
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


def test_a_second_run_finds_everything_unchanged(config: Config, database: Database) -> None:
    for expected in ("new", "unchanged"):
        chain = Chain(IngestSession(config, batch_size=2))
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
