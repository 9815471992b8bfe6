"""The request gate's yes / no decisions, each on a plain RequestGate: no spider, no crawler."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from atnews_scraper.crawl.context import PageContext
from atnews_scraper.crawl.feeds import FeedEntry
from atnews_scraper.crawl.gate import (
    KNOWN_RUN_STOP,
    MAX_SITEMAP_DEPTH,
    PRIORITY_ARTICLE,
    PRIORITY_SITEMAP,
    Fetch,
    RequestGate,
)
from atnews_scraper.crawl.known import KnownArticle
from atnews_scraper.crawl.listings import ListingBounds, ListingPage
from atnews_scraper.crawl.options import CrawlOptions
from atnews_scraper.crawl.plan import CrawlPlan
from atnews_scraper.crawl.sitemaps import Sitemap, SitemapEntry
from atnews_scraper.crawl.state import CrawlState, FailedUrl, PageMark
from atnews_scraper.crawl.xml import MAX_XML_BYTES

SITE = "http://127.0.0.1:8123/"
MAIN = "https://www.afghanistantimes.af"
STORED = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
LATER = STORED + dt.timedelta(hours=1)


class Tally(Counter[str]):
    """What a gate counts (the spider's stats), or how often it calls ``on_article``."""

    def __call__(self, key: str = "called") -> None:
        self[key] += 1


def gate_for(
    known: dict[str, KnownArticle] | None = None,
    state: CrawlState | None = None,
    **options: object,
) -> RequestGate:
    options = {"site_url": SITE, **options}
    plan = CrawlPlan(CrawlOptions(**options), known or {}, state or CrawlState())  # type: ignore[arg-type]
    return RequestGate(plan, count=Tally(), on_article=Tally())


def counts(gate: RequestGate) -> dict[str, int]:
    assert isinstance(gate.count, Tally)
    return dict(gate.count)


def articles_let_through(gate: RequestGate) -> int:
    assert isinstance(gate.on_article, Tally)
    return gate.on_article["called"]


def stored(path: str, etag: str | None = None) -> dict[str, KnownArticle]:
    return {MAIN + path: KnownArticle(MAIN + path, STORED, STORED, etag, None)}


def test_a_new_article_is_let_through_once_at_the_site_url() -> None:
    gate = gate_for()
    fetch = gate.article("https://afghanistantimes.media/new-one", "sitemap", LATER)
    assert fetch == Fetch(
        PageContext(MAIN + "/new-one/", "article", "sitemap", lastmod=LATER),
        SITE + "new-one/",
        PRIORITY_ARTICLE,
    )
    assert gate.scheduled == {MAIN + "/new-one/"}
    assert articles_let_through(gate) == 1
    assert gate.article(MAIN + "/new-one/?utm_source=x", "link") is None
    assert (articles_let_through(gate), gate.requests_made, counts(gate)) == (1, 1, {})


def test_an_article_already_scheduled_keeps_a_later_sitemap_lastmod() -> None:
    gate = gate_for()
    assert gate.article(MAIN + "/a/", "link") is not None
    assert gate.article(MAIN + "/a/", "sitemap", LATER) is None
    assert gate.late_lastmods == {MAIN + "/a/": LATER}
    context = PageContext(MAIN + "/a/", "article", "link")
    assert gate.sitemap_lastmod(context) == LATER
    assert gate.late_lastmods == {}  # given once
    assert gate.sitemap_lastmod(PageContext(MAIN + "/b/", "article", "sitemap", STORED)) == STORED


def test_a_stored_article_is_skipped_while_fresh_fetched_when_stale_or_refreshed() -> None:
    gate = gate_for(stored("/old/", etag='"v1"'))
    assert gate.article(MAIN + "/old/", "sitemap", STORED) is None
    assert gate.article(MAIN + "/old/", "feed") is None  # no lastmod: nothing says it changed
    assert counts(gate) == {"skipped/known": 2}
    stale = gate.article(MAIN + "/old/", "sitemap", LATER)
    assert stale is not None and stale.headers == {"If-None-Match": '"v1"'}
    refreshed = gate_for(stored("/old/", etag='"v1"'), refresh=True).article(MAIN + "/old/", "feed")
    assert refreshed is not None and refreshed.headers is None


def test_off_site_and_non_article_links_are_not_let_through() -> None:
    gate = gate_for()
    assert gate.article("https://example.com/story/", "link") is None
    assert gate.article(MAIN + "/category/latest/", "link") is None
    assert gate.article(MAIN + "/wp-content/uploads/a.jpg", "link") is None
    assert gate.discovery("https://example.com/sitemap.xml", "sitemap", "robots") is None
    assert counts(gate) == {"skipped/offsite": 2}
    assert gate.requests_made == 0


def test_the_page_budget_holds_for_every_kind_of_page() -> None:
    gate = gate_for(max_pages=2)
    assert gate.article(MAIN + "/a/", "sitemap") is not None
    assert gate.discovery("/feed/", "feed", "start") is not None
    assert gate.budget_hit is False
    assert gate.article(MAIN + "/c/", "sitemap") is None
    assert gate.discovery("/", "listing", "start") is None
    assert (gate.budget_hit, gate.requests_made) == (True, 2)
    assert counts(gate) == {"skipped/budget": 2}
    assert gate.scheduled == {MAIN + "/a/"}  # the refused one is not "requested"


def test_marks_are_not_kept_once_the_budget_is_hit_or_on_since_runs() -> None:
    mark = PageMark(MAIN + "/feed/", etag='"f"')
    gate = gate_for(max_pages=1)
    gate.keep_mark(mark)
    assert gate.plan.state.new_marks == {mark.url: mark}
    gate.article(MAIN + "/a/", "feed")
    gate.article(MAIN + "/b/", "feed")
    other = PageMark(MAIN + "/other/")
    gate.keep_mark(other)
    assert other.url not in gate.plan.state.new_marks
    since = gate_for(since=dt.date(2024, 1, 1))
    since.keep_mark(mark)
    assert since.plan.state.new_marks == {}


def test_a_discovery_page_is_conditional_unless_reread() -> None:
    mark = PageMark(MAIN + "/feed/", etag='"f"', last_modified="Wed, 01 May 2024 10:00:00 GMT")
    state = CrawlState(marks={mark.url: mark})
    fetch = gate_for(state=state).discovery("/feed/", "feed", "start")
    assert fetch is not None
    assert fetch.headers == {
        "If-None-Match": '"f"',
        "If-Modified-Since": "Wed, 01 May 2024 10:00:00 GMT",
    }
    for reread in (gate_for(None, state, full=True), gate_for(None, state, refresh=True)):
        again = reread.discovery("/feed/", "feed", "start")
        assert again is not None and again.headers is None


def test_a_child_sitemap_is_skipped_when_its_lastmod_has_not_moved() -> None:
    child = MAIN + "/post-sitemap2.xml"
    state = CrawlState(marks={child: PageMark(child, lastmod=STORED)})
    gate = gate_for(state=state)
    assert gate.child_sitemap(child, STORED, 1) is None
    assert gate.child_sitemap(child, STORED - dt.timedelta(days=1), 1) is None
    assert counts(gate) == {"skipped/sitemap_unchanged": 2}
    moved = gate.child_sitemap(child, LATER, 1)
    assert moved == Fetch(
        PageContext(child, "sitemap", "sitemap", lastmod=LATER, depth=1),
        SITE + "post-sitemap2.xml",
        PRIORITY_SITEMAP,
        {},  # the mark has no validators: nothing to make it conditional
        MAX_XML_BYTES,
    )
    assert gate.child_sitemap(child, None, 1) is not None  # no lastmod: read it
    full = gate_for(state=CrawlState(marks={child: PageMark(child, lastmod=STORED)}), full=True)
    assert full.child_sitemap(child, STORED, 1) is not None


def test_child_sitemaps_stop_at_the_depth_cap_and_at_non_post_sitemaps() -> None:
    gate = gate_for()
    assert gate.child_sitemap(MAIN + "/post-sitemap.xml", None, MAX_SITEMAP_DEPTH) is not None
    assert gate.child_sitemap(MAIN + "/post-sitemap.xml", None, MAX_SITEMAP_DEPTH + 1) is None
    assert gate.child_sitemap(MAIN + "/category-sitemap.xml", None, 1) is None
    assert gate.requests_made == 1 and counts(gate) == {}


def test_sitemap_and_feed_entries_before_since_are_skipped() -> None:
    gate = gate_for(since=dt.date(2024, 5, 1))
    old = dt.datetime(2024, 4, 30, 23, 0, tzinfo=dt.UTC)
    sitemap = Sitemap(
        is_index=False,
        entries=(SitemapEntry(MAIN + "/old/", old), SitemapEntry(MAIN + "/new/", STORED)),
    )
    mark = PageMark(MAIN + "/sitemap.xml")
    fetches = list(gate.sitemap_entries(sitemap, 0, mark))
    assert [f.context.url if f else None for f in fetches] == [None, MAIN + "/new/"]
    feed = [FeedEntry(MAIN + "/older/", old), FeedEntry(MAIN + "/undated/", None)]
    fetches = list(gate.feed_entries(feed, PageMark(MAIN + "/feed/")))
    assert [f.context.url if f else None for f in fetches] == [None, MAIN + "/undated/"]
    assert counts(gate) == {"skipped/since": 2}
    assert gate.plan.state.new_marks == {}  # a --since run did not read everything


def test_a_guessed_sitemap_that_is_not_there_leads_to_the_next_guess() -> None:
    gate = gate_for()
    first = gate.candidate_sitemap(0)
    assert first is not None and first.context == PageContext(
        MAIN + "/sitemap_index.xml", "sitemap", "guess", candidate=0
    )
    urls = []
    fetch: Fetch | None = first
    while fetch is not None:
        urls.append(fetch.context.url)
        fetch = gate.next_candidate(fetch.context)
    assert urls == [
        MAIN + p for p in ("/sitemap_index.xml", "/wp-sitemap.xml", "/post-sitemap.xml")
    ]
    assert gate.next_candidate(PageContext(MAIN + "/sitemap.xml", "sitemap", "robots")) is None


def test_failed_urls_of_the_last_run_come_first() -> None:
    state = CrawlState(
        failed={
            MAIN + "/a/": FailedUrl(MAIN + "/a/", "article", "timeout"),
            MAIN + "/feed/": FailedUrl(MAIN + "/feed/", "feed", "http_5xx"),
            MAIN + "/gone/": FailedUrl(MAIN + "/gone/", "article", "timeout", attempts=5),
        }
    )
    gate = gate_for(state=state, sources=frozenset({"sitemaps"}))
    fetches = list(gate.first([MAIN + "/sitemap.xml"]))
    contexts = [(f.context.url, f.context.kind, f.context.via) for f in fetches if f]
    assert contexts == [
        (MAIN + "/a/", "article", "retry"),
        (MAIN + "/feed/", "feed", "retry"),
        (MAIN + "/sitemap.xml", "sitemap", "robots"),
    ]
    assert counts(gate) == {"retried_from_last_run": 2}
    assert gate.scheduled == {MAIN + "/a/"}


def listing_page(paths: list[str], next_page: str | None = "/page/2/") -> ListingPage:
    return ListingPage(
        article_links=tuple(MAIN + p for p in paths),
        next_page=MAIN + next_page if next_page else None,
        category_links=(),
    )


def test_a_listing_stops_paging_after_a_run_of_known_articles() -> None:
    paths = [f"/known-{n}/" for n in range(KNOWN_RUN_STOP)]
    known = {MAIN + p: KnownArticle(MAIN + p, STORED, STORED, None, None) for p in paths}
    first = PageContext(MAIN + "/", "listing", "start")
    mark = PageMark(MAIN + "/")
    gate = gate_for(known)
    out = list(gate.listing_links(first, listing_page(["/new-one/", *paths]), mark))
    assert [f.context.url if f else None for f in out] == [MAIN + "/new-one/", *[None] * 6]
    assert counts(gate)["listings/stopped_at_known"] == 1
    assert gate.plan.state.new_marks == {mark.url: mark}  # the first page's mark is kept
    gate = gate_for(known)
    out = list(gate.listing_links(first, listing_page([*paths, "/new-one/"]), mark))
    assert out[-1] is not None and out[-1].context == PageContext(
        MAIN + "/page/2/", "listing", "pagination", page=2, listing=MAIN + "/", known_run=0
    )
    full = gate_for(known, full=True)
    assert list(full.listing_links(first, listing_page(["/new-one/", *paths]), mark))[-1]


def test_a_listing_stops_at_its_bounds() -> None:
    gate = gate_for()
    gate.listing_bounds = ListingBounds(max_pages=3, stall_pages=5)
    page3 = PageContext(MAIN + "/page/3/", "listing", "pagination", page=3, listing=MAIN + "/")
    assert gate.next_listing_page(page3, listing_page(["/a/"]), 0) is None
    assert counts(gate) == {"listings/stopped_max_pages": 1}
    page2 = PageContext(MAIN + "/page/2/", "listing", "pagination", page=2, listing=MAIN + "/")
    assert gate.next_listing_page(page2, listing_page(["/a/"], None), 0) is None  # last page
    off_site = ListingPage((MAIN + "/a/",), "https://example.com/page/3/", ())
    assert gate.next_listing_page(page2, off_site, 0) is None


@pytest.mark.parametrize(
    ("options", "kinds"),
    [
        ({}, [("feed", "start"), ("listing", "start")]),
        ({"since": dt.date(2024, 5, 1)}, [("feed", "start")]),
        ({"sources": frozenset({"listings"})}, [("listing", "start")]),
    ],
)
def test_the_home_phase(options: dict[str, object], kinds: list[tuple[str, str]]) -> None:
    fetches = gate_for(None, None, **options).home()
    assert [(f.context.kind, f.context.via) for f in fetches if f] == kinds


def test_the_deep_phase_reads_each_category_listing_and_feed() -> None:
    gate = gate_for()
    category = MAIN + "/category/nation/"
    categories = list(
        gate.categories([category, MAIN + "/nation/", "https://example.com/category/x/"])
    )
    assert categories == [category]
    fetches = gate.deep(categories)
    assert [(f.url, f.context.kind) for f in fetches if f] == [
        (SITE + "category/nation/", "listing"),
        (SITE + "category/nation/feed/", "feed"),
    ]


def test_an_article_s_links_are_followed_unless_the_run_says_not() -> None:
    record = {
        "check_also": {"url": MAIN + "/check/"},
        "related": [{"url": MAIN + "/related/"}, {"title": "no link"}],
        "previous": None,
        "next": {"url": "/next/"},
    }
    fetches = list(gate_for().linked(record, MAIN + "/this/"))
    assert [f.context.url for f in fetches if f] == [
        MAIN + p for p in ("/check/", "/related/", "/next/")
    ]
    assert {f.context.via for f in fetches if f} == {"link"}
    assert list(gate_for(sources=frozenset({"sitemaps"})).linked(record, MAIN)) == []
    assert list(gate_for(since=dt.date(2024, 1, 1)).linked(record, MAIN)) == []
