"""The crawl's pure parts: sitemaps, feeds, listings, Retry-After, failure names, options."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest
from scrapy.exceptions import DownloadConnectionRefusedError, IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.spidermiddlewares.httperror import HttpError

from atnews_scraper.crawl.failures import describe, error_kind
from atnews_scraper.crawl.feeds import parse_feed
from atnews_scraper.crawl.known import KnownArticle, index_known
from atnews_scraper.crawl.listings import parse_listing
from atnews_scraper.crawl.middleware import retry_after_seconds
from atnews_scraper.crawl.options import check_site_url, parse_since, parse_sources
from atnews_scraper.crawl.sitemaps import (
    Sitemap,
    SitemapEntry,
    lists_posts,
    parse_sitemap,
    robots_sitemaps,
)
from atnews_scraper.crawl.xml import NotXml
from atnews_scraper.errors import ConfigError

UTC = dt.UTC
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def test_robots_sitemap_lines_in_order_without_repeats() -> None:
    robots = (
        "User-agent: *\nDisallow: /wp-admin/\n"
        "Sitemap: https://www.afghanistantimes.af/wp-sitemap.xml\n"
        "sitemap:https://www.afghanistantimes.af/news-sitemap.xml\n"
        "Sitemap: https://www.afghanistantimes.af/wp-sitemap.xml\n"
    )
    assert robots_sitemaps(robots) == [
        "https://www.afghanistantimes.af/wp-sitemap.xml",
        "https://www.afghanistantimes.af/news-sitemap.xml",
    ]


def test_sitemap_index_with_and_without_lastmod() -> None:
    body = (
        f"<?xml version='1.0'?><sitemapindex {NS}>"
        "<sitemap><loc> https://x.af/post-sitemap.xml </loc><lastmod>2024-05-01T10:00:00+04:30"
        "</lastmod></sitemap><sitemap><loc>https://x.af/page-sitemap.xml</loc></sitemap>"
        "</sitemapindex>"
    ).encode()
    assert parse_sitemap(body) == Sitemap(
        is_index=True,
        entries=(
            SitemapEntry(
                "https://x.af/post-sitemap.xml", dt.datetime(2024, 5, 1, 5, 30, tzinfo=UTC)
            ),
            SitemapEntry("https://x.af/page-sitemap.xml", None),
        ),
    )


def test_urlset_gzipped_dates_only_and_bad_dates() -> None:
    body = (
        f"<urlset {NS}><url><loc>https://x.af/a/</loc><lastmod>2022-09-15</lastmod></url>"
        "<url><loc>https://x.af/b/</loc><lastmod>yesterday</lastmod></url><url></url></urlset>"
    ).encode()
    assert parse_sitemap(gzip.compress(body)).entries == (
        SitemapEntry("https://x.af/a/", dt.datetime(2022, 9, 15, tzinfo=UTC)),
        SitemapEntry("https://x.af/b/", None),
    )


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<!DOCTYPE html><html><body>Not found</body></html>", "<html>"),
        (b"Service Unavailable", "does not start with '<'"),
        (b"<urlset><url><loc>https://x.af/a/</loc>", "Premature end of data"),
        (b"", "does not start with '<'"),
    ],
)
def test_anything_but_a_sitemap_is_refused(body: bytes, reason: str) -> None:
    with pytest.raises(NotXml, match=reason if reason != "<html>" else "root element is <html>"):
        parse_sitemap(body)


def test_xml_bomb_is_not_expanded() -> None:
    entities = (
        '<!ENTITY a "'
        + "x" * 1000
        + '">'
        + "".join(
            f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
    )
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [{entities}]>'
        f"<urlset {NS}><url><loc>&i;</loc></url></urlset>"
    )
    try:
        sitemap = parse_sitemap(bomb.encode())
    except NotXml:
        return  # refusing it is as good as not expanding it
    assert all(len(entry.loc) < 10_000 for entry in sitemap.entries)


def test_huge_and_gzip_bomb_sitemaps_are_refused_unread() -> None:
    with pytest.raises(NotXml, match="over the 1000 byte limit"):
        parse_sitemap(b"<urlset>" + b" " * 2000 + b"</urlset>", max_bytes=1000)
    with pytest.raises(NotXml, match="decompresses to over 1000 bytes"):
        parse_sitemap(gzip.compress(b"<urlset>" + b" " * 5000), max_bytes=1000)


@pytest.mark.parametrize(
    ("url", "posts"),
    [
        ("https://x.af/wp-sitemap-posts-post-1.xml", True),
        ("https://x.af/post-sitemap2.xml", True),
        ("https://x.af/news-sitemap.xml", True),
        ("https://x.af/wp-sitemap-posts-page-1.xml", False),
        ("https://x.af/wp-sitemap-taxonomies-category-1.xml", False),
        ("https://x.af/wp-sitemap-users-1.xml", False),
        ("https://x.af/author-sitemap.xml", False),
    ],
)
def test_only_post_sitemaps_are_followed(url: str, posts: bool) -> None:
    assert lists_posts(url) is posts


def test_rss_and_atom_feeds() -> None:
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>AT</title>'
        b"<item><title>A</title><link>https://www.afghanistantimes.af/a/</link>"
        b"<pubDate>Thu, 15 Sep 2022 10:00:00 +0430</pubDate><guid>https://x/?p=1</guid></item>"
        b"<item><title>no link</title></item>"
        b"<item><link>https://www.afghanistantimes.af/b/</link><pubDate>junk</pubDate></item>"
        b"</channel></rss>"
    )
    feed = parse_feed(rss)
    assert [(e.link, e.published) for e in feed] == [
        ("https://www.afghanistantimes.af/a/", dt.datetime(2022, 9, 15, 5, 30, tzinfo=UTC)),
        ("https://www.afghanistantimes.af/b/", None),
    ]
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" '
        b'href="https://x.af/c/"/><published>2023-01-02T03:04:05Z</published></entry></feed>'
    )
    assert [(e.link, e.published) for e in parse_feed(atom)] == [
        ("https://x.af/c/", dt.datetime(2023, 1, 2, 3, 4, 5, tzinfo=UTC))
    ]


LISTING = """<html><head><link rel="next" href="/page/9/"></head><body>
<ul id="menu"><li><a href="https://www.afghanistantimes.af/category/latest/">Latest</a></li>
<li><a href="/category/opinions/">Opinions</a></li></ul>
<div class="post-listing archive-box">
<article class="item-list"><h2 class="post-box-title"><a href="/one/">One</a></h2>
<div class="entry"><p>x</p><a class="more-link" href="/one/">Read More</a></div></article>
<article class="item-list"><h2 class="post-box-title"><a href="https://www.afghanistantimes.af/two/">Two</a></h2></article>
<article class="item-list"><h2 class="post-box-title"><a href="/one/">One again</a></h2></article>
</div>
<aside><h3 class="post-box-title"><a href="/sidebar-popular/">Popular</a></h3></aside>
<div class="pagination"><span id="tie-next-page"><a href="/page/3/">&raquo;</a></span></div>
</body></html>"""


def test_listing_links_next_page_and_categories() -> None:
    page = parse_listing(LISTING, "https://www.afghanistantimes.af/page/2/")
    assert page.article_links == (
        "https://www.afghanistantimes.af/one/",
        "https://www.afghanistantimes.af/two/",
    )
    assert page.next_page == "https://www.afghanistantimes.af/page/3/"
    assert page.category_links == (
        "https://www.afghanistantimes.af/category/latest/",
        "https://www.afghanistantimes.af/category/opinions/",
    )


def test_listing_falls_back_to_link_rel_next_and_handles_empty_pages() -> None:
    html = LISTING.replace('<span id="tie-next-page"><a href="/page/3/">&raquo;</a></span>', "")
    assert parse_listing(html, "https://x.af/page/8/").next_page == "https://x.af/page/9/"
    empty = parse_listing("<html><body><p>Nothing found</p></body></html>", "https://x.af/")
    assert (empty.article_links, empty.next_page, empty.category_links) == ((), None, ())


def test_retry_after_seconds_and_dates() -> None:
    now = dt.datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(b"7") == 7.0
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds(b"soon") is None


def test_failure_names() -> None:
    response = HtmlResponse("http://x/a/", status=503, request=Request("http://x/a/"))
    assert error_kind(HttpError(response)) == "http_5xx"
    assert describe(HttpError(response)) == "HTTP 503"
    assert error_kind(DownloadConnectionRefusedError("refused")) == "connection_refused"
    assert describe(DownloadConnectionRefusedError("x")) == "connection refused"
    assert error_kind(IgnoreRequest("max redirections reached")) == "redirect_loop"


def test_known_articles_by_url_and_alias_and_staleness() -> None:
    stored = dt.datetime(2024, 5, 1, tzinfo=UTC)
    known = index_known(
        [
            {"url": "https://w/a/", "url_aliases": ["https://w/a-old/"], "sitemap_lastmod": stored},
            {"url": "https://w/b/", "fetched_at": stored, "http_etag": '"e"'},
            {"title": "no url"},
        ]
    )
    assert sorted(known) == ["https://w/a-old/", "https://w/a/", "https://w/b/"]
    article = known["https://w/a-old/"]
    assert article.url == "https://w/a/"
    assert not article.is_stale(None)
    assert not article.is_stale(stored)
    assert article.is_stale(stored + dt.timedelta(seconds=1))
    assert known["https://w/b/"].conditional_headers() == {"If-None-Match": '"e"'}
    assert KnownArticle("u", None, None, None, None).is_stale(stored)


def test_option_values_are_checked() -> None:
    assert parse_sources(" feeds,SITEMAPS ") == frozenset({"feeds", "sitemaps"})
    with pytest.raises(ConfigError, match="unknown source rss; give a comma-separated list"):
        parse_sources("feeds,rss")
    with pytest.raises(ConfigError, match="--sources: unknown source \\(nothing\\)"):
        parse_sources(",")
    assert parse_since("2024-02-29") == dt.date(2024, 2, 29)
    with pytest.raises(ConfigError, match="'2024-13-01' is not a date; use YYYY-MM-DD"):
        parse_since("2024-13-01")
    assert check_site_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080/"
    assert check_site_url("https://mirror.example/some/path") == "https://mirror.example/"
    with pytest.raises(ConfigError, match="'ftp://x/' is not an http\\(s\\) URL"):
        check_site_url("ftp://x/")
