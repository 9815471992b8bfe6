"""Fault matrix, crawl input (issue 11): hostile sites on 127.0.0.1, real FerretDB; each test
asserts the exact outcome. Each was seen to fail before its fix (see docs/reliability.md)."""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from crawl_support import SITE, article_paths, fetched, run_crawl
from pymongo.database import Database
from scrapy.http import Request, TextResponse
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from atnews_scraper.cli import main
from atnews_scraper.config import Config
from atnews_scraper.crawl.canonical import trusted_canonical
from atnews_scraper.crawl.context import PageContext
from atnews_scraper.crawl.feeds import parse_feed
from atnews_scraper.crawl.middleware import retry_after_seconds
from atnews_scraper.crawl.options import CrawlOptions
from atnews_scraper.crawl.plan import CrawlPlan
from atnews_scraper.crawl.robots import MAX_ROBOTS_BYTES, read_robots
from atnews_scraper.crawl.sitemaps import parse_sitemap
from atnews_scraper.crawl.summary import RunFacts, build_summary, summary_text
from atnews_scraper.crawl.xml import NotXml
from atnews_scraper.extract import extract_article
from atnews_scraper.extract.html_page import decode_html
from atnews_scraper.ingest.validation import check_record
from atnews_scraper.replay import ReplayServer
from atnews_scraper.spiders.atnews import AtnewsSpider
from atnews_scraper.urls import UrlRules

MAIN = "https://www.afghanistantimes.af"
SLUGS = sorted(path.strip("/") for path in article_paths(SITE))
Answer = tuple[int, dict[str, str], bytes]


class HostileSite:
    """A site on 127.0.0.1 whose every answer comes from ``answer(path)``; requests logged."""

    def __init__(self, answer: Callable[[str], Answer]) -> None:
        self.answer = answer
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append(self.path)
                status, headers, body = site.answer(self.path)
                self.send_response(status)
                for name, value in {"Content-Type": "text/html; charset=UTF-8", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self) -> HostileSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def counts(self) -> Counter[str]:
        return Counter(self.requests)


def fixture_article(slug: str) -> str:
    return (SITE / slug / "index.html").read_text(encoding="utf-8")


def with_canonical(html: str, slug: str, canonical: str) -> str:
    own = f'<link rel="canonical" href="{MAIN}/{slug}/" />'
    assert own in html
    return html.replace(own, f'<link rel="canonical" href="{canonical}" />')


ROBOTS = b"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: " + MAIN.encode() + b"/sitemap.xml\n"
NOT_FOUND: Answer = (404, {}, b"<html><body>Not found</body></html>")


def urlset(entries: list[tuple[str, str | None]]) -> bytes:
    urls = "".join(
        f"<url><loc>{MAIN}/{slug}/</loc>"
        + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
        + "</url>"
        for slug, lastmod in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


def site_pages(slugs: list[str], lastmods: list[str | None] | None = None) -> dict[str, Answer]:
    """robots.txt naming /sitemap.xml, which lists these fixture articles, and the articles."""
    entries = list(zip(slugs, lastmods or [None] * len(slugs), strict=True))
    pages: dict[str, Answer] = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, ROBOTS),
        "/sitemap.xml": (200, {"Content-Type": "application/xml"}, urlset(entries)),
    }
    for slug in slugs:
        pages[f"/{slug}/"] = (200, {}, fixture_article(slug).encode())
    return pages


def site_of(pages: dict[str, Answer]) -> Callable[[str], Answer]:
    def answer(path: str) -> Answer:
        return pages.get(path, NOT_FOUND)

    return answer


def stored(database: Database) -> dict[str, dict[str, Any]]:
    return {d["url"]: d for d in database["articles"].find()}


# --- row 4: rel=canonical is trusted only when it is this article's URL ------------------------


def test_a_canonical_naming_another_page_or_site_is_ignored(
    config: Config, database: Database
) -> None:
    a, b, c, d, e = SLUGS[:5]
    canonicals = {b: f"{MAIN}/{a}/", c: f"{MAIN}/", d: f"{MAIN}/category/latest/"}
    canonicals[e] = "https://example.com/story/"
    pages = site_pages([a, b, c, d, e])
    for slug, canonical in canonicals.items():
        pages[f"/{slug}/"] = (
            200,
            {},
            with_canonical(fixture_article(slug), slug, canonical).encode(),
        )
    with HostileSite(site_of(pages)) as site:
        result = run_crawl(config, site.url, "--sources", "sitemaps")
    assert result.code == 0, result.stderr
    assert result.summary["articles"]["new"] == 5
    documents = stored(database)
    assert sorted(documents) == sorted(f"{MAIN}/{slug}/" for slug in (a, b, c, d, e))
    for slug in (a, b, c, d, e):
        document = documents[f"{MAIN}/{slug}/"]
        expected = extract_article(fixture_article(slug).encode(), f"{MAIN}/{slug}/")
        assert (document["title"], document["post_id"]) == (
            expected["title"],
            expected["post_id"],
        )
        assert document.get("revision", 1) == 1
        ignored = "canonical-ignored" in document["extraction"]["warnings"]
        assert ignored == (slug != a)
    assert database["article_revisions"].count_documents({}) == 0
    # re-extracting the stored pages does not bring the untrusted canonicals back
    common = ["--mongo-uri", str(config.mongo_uri), "--db", config.db_name]
    assert main(["reparse", *common, "--var-dir", str(config.var_dir)]) == 0
    assert sorted(stored(database)) == sorted(documents)
    assert database["article_revisions"].count_documents({}) == 0


def test_which_canonicals_are_trusted() -> None:
    rules = UrlRules(site_url="http://127.0.0.1:8000/")
    page = f"{MAIN}/some-story/"
    assert trusted_canonical(page, "http://127.0.0.1:8000/some-story/", 7, rules)
    assert trusted_canonical(f"{MAIN}/%d9%85/", f"{MAIN}/%D9%85/", None, rules)
    assert trusted_canonical(page, f"{MAIN}/?p=7", 7, rules)  # the shortlink of its own post
    assert not trusted_canonical(page, f"{MAIN}/?p=8", 7, rules)
    assert not trusted_canonical(f"{MAIN}/other-story/", page, 7, rules)
    assert not trusted_canonical(f"{MAIN}/", page, 7, rules)
    assert not trusted_canonical(f"{MAIN}/category/latest/", page, 7, rules)
    assert not trusted_canonical("https://example.com/some-story/", page, 7, rules)


# --- row 5: a --jobdir left by a finished crawl ------------------------------------------------


@pytest.mark.slow
def test_a_jobdir_reused_after_a_finished_crawl_crawls_again(
    config: Config, tmp_path: Path
) -> None:
    jobdir = str(tmp_path / "job")
    with ReplayServer(SITE) as server:
        first = run_crawl(config, server.url, "--jobdir", jobdir)
        server.reset_log()
        second = run_crawl(config, server.url, "--jobdir", jobdir)
        counts = fetched(server.requests)
    assert (first.code, first.summary["articles"]["new"]) == (0, 40), first.stderr
    assert second.code == 0, second.stderr
    # as any incremental run: robots.txt, the sitemaps, the feed and the home page, no article
    assert counts == Counter(
        {
            "/robots.txt": 1,
            "/wp-sitemap.xml": 1,
            "/wp-sitemap-posts-post-1.xml": 1,
            "/feed/": 1,
            "/": 1,
        }
    )
    assert second.summary["requests"] == 5
    assert second.summary["discovery"] == {
        "feeds/not_modified": 1,
        "listings/not_modified": 1,
        "sitemaps/not_modified": 1,
        "sitemaps/read": 1,
    }


# --- row 7: one invalid byte in a page declared UTF-8 ------------------------------------------

DARI = "وزارت معارف اعلام کرد که مکاتب در کابل و ولایات دیگر دوباره باز می شوند"


def dari_page(slug: str) -> str:
    html = fixture_article(slug)
    start = html.index("<p>", html.index('class="entry"'))
    return html[:start] + f"<p>{DARI}.</p>" + html[start:]


def test_one_bad_byte_in_a_utf8_page_is_replaced_alone(config: Config, database: Database) -> None:
    a, b = SLUGS[:2]
    clean_a, clean_b = dari_page(a).encode(), dari_page(b).encode()
    # in a's sidebar, outside the text; in the middle of b's Dari paragraph
    bad_a = clean_a.replace(b"</body>", b"<div>\xff</div></body>")
    bad_b = clean_b.replace("کابل".encode(), "کابل".encode() + b"\xff", 1)
    pages = site_pages([a, b])
    pages[f"/{a}/"] = (200, {}, bad_a)
    pages[f"/{b}/"] = (200, {}, bad_b)
    with HostileSite(site_of(pages)) as site:
        result = run_crawl(config, site.url, "--sources", "sitemaps")
    assert result.code == 0, result.stderr
    documents = stored(database)
    expected_a = extract_article(clean_a, f"{MAIN}/{a}/")
    expected_b = extract_article(clean_b, f"{MAIN}/{b}/")
    assert DARI in expected_a["body"]
    assert documents[f"{MAIN}/{a}/"]["content_hash"] == expected_a["content_hash"]
    assert documents[f"{MAIN}/{a}/"]["body"] == expected_a["body"]
    assert documents[f"{MAIN}/{b}/"]["body"] == expected_b["body"].replace("کابل", "کابل\ufffd")
    for slug in (a, b):
        assert "charset-guessed" not in documents[f"{MAIN}/{slug}/"]["extraction"]["warnings"]


def test_decode_html_keeps_the_declared_charset_for_a_stray_bad_byte() -> None:
    data = f"<html><head><meta charset='utf-8'></head><body>{DARI}</body></html>".encode()
    text, charset, guessed = decode_html(data.replace(b"<body>", b"<body>\xff"))
    assert (charset, guessed) == ("utf-8", False)
    assert text == data.decode().replace("<body>", "<body>\ufffd")


# --- row 8: out-of-range dates and IDs on the way in -------------------------------------------


def test_out_of_range_dates_and_ids_are_dropped_with_a_warning(
    config: Config, database: Database
) -> None:
    a, b, c = SLUGS[:3]
    far_future = fixture_article(b).replace(
        "</head>",
        '<meta property="article:published_time" content="9999-12-31T23:59:59+00:00" /></head>',
    )
    huge_id = fixture_article(c).replace("postid-", "postid-99999999999999999999")
    huge_id = huge_id.replace("?p=", "?p=99999999999999999999")
    lastmods: list[str | None] = ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"]
    pages = site_pages([a, b, c], [*lastmods, "2024-05-01"])
    pages[f"/{b}/"] = (200, {}, far_future.encode())
    pages[f"/{c}/"] = (200, {}, huge_id.encode())
    with HostileSite(site_of(pages)) as site:
        result = run_crawl(config, site.url, "--sources", "sitemaps")
    assert result.code == 0, result.stderr
    summary = result.summary
    assert summary["status"] == "ok"
    assert summary["articles"] == {
        "new": 3, "updated": 0, "unchanged": 0, "rejected": 0, "duplicate": 0, "journalled": 0,
        "not_modified": 0,
    }  # fmt: skip
    assert summary["errors"] == {}
    assert summary["discovery"] == {"sitemaps/lastmod_dropped": 2, "sitemaps/read": 1}
    documents = stored(database)
    doc_a, doc_b, doc_c = (documents[f"{MAIN}/{slug}/"] for slug in (a, b, c))
    assert (doc_a.get("sitemap_lastmod"), doc_b.get("sitemap_lastmod")) == (None, None)
    assert doc_c["sitemap_lastmod"] == dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    # b: the page's own date (the theme's) instead of year 9999
    expected_b = extract_article(fixture_article(b).encode(), f"{MAIN}/{b}/")
    assert expected_b["published_at"] is not None
    assert doc_b["published_at"].year == int(expected_b["published_at"][:4]) < 2100
    assert doc_c["post_id"] is None
    assert "post_id-out-of-range" in doc_c["extraction"]["warnings"]
    log = (config.var_dir / "log" / "crawl.log").read_text()
    assert "Traceback" not in log


def test_validation_drops_values_out_of_range_and_keeps_the_rest() -> None:
    record = extract_article(fixture_article(SLUGS[0]).encode(), f"{MAIN}/{SLUGS[0]}/")
    record["published_at"] = "9999-12-31T23:59:59-05:00"
    record["modified_at"] = "0001-01-01T00:00:00+05:00"
    record["post_id"] = 2**63
    checked = check_record(record)
    assert checked.reasons == []
    assert (checked.record["published_at"], checked.record["modified_at"]) == (None, None)
    assert checked.record["post_id"] is None
    assert {
        "published_at-out-of-range",
        "modified_at-out-of-range",
        "post_id-out-of-range",
    } <= set(checked.record["extraction"]["warnings"])
    assert checked.record["body"] == record["body"]


def test_sitemap_lastmods_out_of_range_are_dropped_not_the_sitemap() -> None:
    lastmods = ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00", "9999-12-31"]
    sitemap = parse_sitemap(urlset(list(zip("abc", lastmods, strict=True))))
    assert [(entry.loc, entry.lastmod) for entry in sitemap.entries] == [
        (f"{MAIN}/a/", None),
        (f"{MAIN}/b/", None),
        (f"{MAIN}/c/", None),
    ]
    assert sitemap.dropped_lastmods == (
        "9999-12-31T23:59:59-05:00",
        "0001-01-01T00:00:00+05:00",
        "9999-12-31",
    )


# --- row 12: pagination that never ends --------------------------------------------------------


def endless_listing(repeat: bool) -> Callable[[str], Answer]:
    """/ and /page/N/: two article links (new on every page, or the same two) and a next link."""

    def answer(path: str) -> Answer:
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /wp-admin/\n"
        page = 1 if path == "/" else int(path.split("/")[2]) if path.startswith("/page/") else 0
        if not page:
            return NOT_FOUND
        links = ("first", "second") if repeat else (f"story-{page}-a", f"story-{page}-b")
        boxes = "".join(
            f"<article class='item-list'><h2 class='post-box-title'><a href='/{slug}/'>{slug}</a>"
            "</h2></article>"
            for slug in links
        )
        next_link = f"<span id='tie-next-page'><a href='/page/{page + 1}/'>&raquo;</a></span>"
        body = f"<html><body><div class='post-listing'>{boxes}</div>{next_link}</body></html>"
        return 200, {}, body.encode()

    return answer


def listing_pages(counts: Counter[str]) -> list[int]:
    pages = [1] if counts["/"] else []
    return pages + sorted(int(p.split("/")[2]) for p in counts if p.startswith("/page/"))


@pytest.mark.parametrize(
    ("repeat", "pages", "cut"),
    [(False, 12, "listings/stopped_max_pages"), (True, 6, "listings/stopped_no_progress")],
)
def test_endless_pagination_is_cut_off(
    config: Config, monkeypatch: pytest.MonkeyPatch, repeat: bool, pages: int, cut: str
) -> None:
    monkeypatch.setenv("ATNEWS_MAX_LISTING_PAGES", "12")
    with HostileSite(endless_listing(repeat)) as site:
        result = run_crawl(
            config, site.url, "--full", "--sources", "listings", "--timeout", "5", timeout=90
        )
        counts = site.counts
    assert result.code == 0, result.stderr
    assert listing_pages(counts) == list(range(1, pages + 1))
    assert result.summary["discovery"][cut] == 1
    assert result.summary["discovery"]["listings/read"] == pages
    assert (
        f"not followed past page {pages}"
        in result.stdout + result.stderr + (config.var_dir / "log" / "crawl.log").read_text()
    )


def test_a_bad_listing_bound_is_one_clear_line(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATNEWS_MAX_LISTING_PAGES", "lots")
    result = run_crawl(config, "http://127.0.0.1:9/")
    assert result.code == 2
    assert result.stderr.splitlines()[-1] == (
        "atnews crawl: error: ATNEWS_MAX_LISTING_PAGES: 'lots' is not a whole number above 0; "
        "unset it or fix it"
    )
    assert "Traceback" not in result.stderr


def test_the_summary_says_which_listings_were_cut_short() -> None:
    started = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    facts = RunFacts(
        "r", started, started, "http://127.0.0.1:8080/", "full", False, None, None, (), None,
        False, 50.0,
    )  # fmt: skip
    stats = {
        "finish_reason": "finished",
        "atnews/listings/read": 20,
        "atnews/listings/stopped_max_pages": 1,
        "atnews/listings/stopped_no_progress": 2,
    }
    summary = build_summary(facts, stats)
    assert summary["discovery"] == {
        "listings/read": 20,
        "listings/stopped_max_pages": 1,
        "listings/stopped_no_progress": 2,
    }
    assert (
        "listings cut short: 1 at ATNEWS_MAX_LISTING_PAGES, 2 listing nothing new "
        "(ATNEWS_LISTING_STALL_PAGES)"
    ) in summary_text(summary).splitlines()


# --- row 13: a sitemap of 100,000 URLs; a robots.txt of megabytes ------------------------------


def big_sitemap(count: int) -> bytes:
    return urlset([(f"story-{n}", "2024-05-01T10:00:00+00:00") for n in range(count)])


def sitemap_requests(count: int, settings: dict[str, Any] | None = None) -> list[Request]:
    """What the spider's sitemap callback gives at once for a sitemap of ``count`` URLs."""
    crawler = get_crawler(AtnewsSpider, settings)
    crawler.stats = MemoryStatsCollector(crawler)
    plan = CrawlPlan(CrawlOptions(site_url="http://127.0.0.1:8123/"))
    spider = AtnewsSpider.from_crawler(crawler, plan=plan)
    url = "http://127.0.0.1:8123/sitemap.xml"
    context = PageContext(f"{MAIN}/sitemap.xml", "sitemap", "robots")
    response = TextResponse(url, body=big_sitemap(count), encoding="utf-8", request=Request(url))
    requests = list(spider.parse_sitemap(response, context))
    assert len(spider.scheduled) == len(requests)
    marked = f"{MAIN}/sitemap.xml" in plan.state.new_marks  # kept once all are requested
    assert marked == (len(requests) == count)
    return requests


def test_sitemap_entries_are_requested_a_batch_at_a_time(tmp_path: Path) -> None:
    assert len(sitemap_requests(100_000)) == 1000  # not 100,000 Request objects at once
    # with a --jobdir the queue is on disk, and a resumed run must find every request there
    assert len(sitemap_requests(3000, {"JOBDIR": str(tmp_path / "job")})) == 3000


def test_every_entry_of_a_long_sitemap_is_requested_batch_by_batch(config: Config) -> None:
    """2,500 entries, 3 batches; robots.txt disallows them, so each request is scheduled and then
    dropped before the network: the crawl stays quick and counts every one."""
    robots = b"User-agent: *\nDisallow: /story-\n\nSitemap: " + MAIN.encode() + b"/sitemap.xml\n"
    pages: dict[str, Answer] = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, robots),
        "/sitemap.xml": (200, {"Content-Type": "application/xml"}, big_sitemap(2500)),
    }
    with HostileSite(site_of(pages)) as site:
        result = run_crawl(config, site.url, "--sources", "sitemaps")
    assert result.code == 0, result.stderr
    assert (result.summary["requests"], result.summary["skipped"]) == (2, {"robots": 2500})


def test_a_huge_robots_txt_is_obeyed_up_to_500_kib() -> None:
    rules = "".join(f"Disallow: /private-{n}/*.php$\n" for n in range(40_000))
    text = f"User-agent: *\nDisallow: /wp-admin/\n{rules}Disallow: /after-the-cut/\n"
    text += f"Sitemap: {MAIN}/wp-sitemap.xml\n"
    assert len(text) > 2 * MAX_ROBOTS_BYTES
    robots, sitemaps = read_robots(text)
    assert sitemaps == [f"{MAIN}/wp-sitemap.xml"]
    assert not robots.can_fetch(f"{MAIN}/wp-admin/x", "atnews")
    assert not robots.can_fetch(f"{MAIN}/private-10/a.php", "atnews")
    assert robots.can_fetch(f"{MAIN}/after-the-cut/", "atnews")  # past 500 KiB: not read


# --- bad input: Retry-After that is neither seconds nor a date ---------------------------------


@pytest.mark.parametrize("value", ["²", "١٢", "soon", "Wed, 99 Foo 2024 99:99:99 GMT", "-1"])
def test_retry_after_that_is_no_number_or_date_is_none(value: str) -> None:
    assert retry_after_seconds(value) is None


def test_a_bad_retry_after_is_ignored_with_a_log_line(config: Config, database: Database) -> None:
    a, b = SLUGS[:2]
    asked: Counter[str] = Counter()

    def answer(path: str) -> Answer:
        asked[path] += 1
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, ROBOTS
        if path == "/sitemap.xml":
            return 200, {"Content-Type": "application/xml"}, urlset([(a, None), (b, None)])
        if path == f"/{a}/" and asked[path] == 1:
            return 503, {"Retry-After": "²"}, b"<html><body>busy</body></html>"
        if path == f"/{b}/" and asked[path] == 1:
            return 429, {"Retry-After": "Wed, 99 Foo 2024 99:99:99 GMT"}, b"<html></html>"
        if path.strip("/") in (a, b):
            return 200, {}, fixture_article(path.strip("/")).encode()
        return NOT_FOUND

    with HostileSite(answer) as site:
        result = run_crawl(config, site.url, "--sources", "sitemaps")
    assert result.code == 0, result.stderr
    summary = result.summary
    assert (summary["articles"]["new"], summary["retries"], summary["errors"]) == (2, 2, {})
    assert summary["retry_after_honoured"] == 0
    log = (config.var_dir / "log" / "crawl.log").read_text()
    assert "Retry-After '²' is neither seconds nor an HTTP date: ignored" in log
    assert "Traceback" not in log
    assert sorted(stored(database)) == [f"{MAIN}/{a}/", f"{MAIN}/{b}/"]


# --- fuzz: the sitemap and feed parsers take any bytes ------------------------------------------


def mutations(seed: bytes, count: int, rng: random.Random) -> list[bytes]:
    """``seed`` with bytes flipped, cut, repeated or spliced: what a broken server sends."""
    found = []
    for _ in range(count):
        data = bytearray(seed)
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(data))
            action = rng.randrange(4)
            if action == 0:
                data[at] = rng.randrange(256)
            elif action == 1:
                del data[at : at + rng.randint(1, 40)]
            elif action == 2:
                data[at:at] = data[at : at + rng.randint(1, 40)] * rng.randint(1, 5)
            else:
                data[at:at] = rng.choice(
                    [b"<", b"&", b"]]>", b"\x00", b"9999-12-31T23:59:59-23:59", b"<url>", b"\xff"]
                )
        found.append(bytes(data))
    return found


def test_sitemap_and_feed_parsers_raise_nothing_but_not_xml() -> None:
    rng = random.Random(11)
    sitemap_seed = urlset([("a", "2024-05-01T10:00:00+04:30"), ("b", "9999-12-31"), ("c", None)])
    feed_seed = (SITE / "feed" / "index.xml").read_bytes()[:6000]
    for body in mutations(sitemap_seed, 400, rng):
        try:
            sitemap = parse_sitemap(body)
        except NotXml:
            continue
        assert all(isinstance(entry.loc, str) for entry in sitemap.entries)
    for body in mutations(feed_seed, 400, rng):
        try:
            parse_feed(body)
        except NotXml:
            continue
