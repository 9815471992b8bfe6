"""Fuzz tests (hypothesis, derandomized: the same examples every run) over the code that reads
input from outside: the article extractor, the sitemap and feed parsers, the query filter parser.

The property is the same for each: the documented error (ExtractionError, NotXml, ConfigError)
or a result, never another exception. Inputs are mutations of real documents and templates
filled with hostile values (dates at the calendar's ends, huge numbers, control characters).
"""

from __future__ import annotations

import contextlib
import gzip
import json
from typing import Any

import bson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atnews_scraper.analysis.fields import DATE_FIELDS
from atnews_scraper.analysis.filters import parse_filter
from atnews_scraper.crawl.feeds import parse_feed
from atnews_scraper.crawl.sitemaps import parse_sitemap
from atnews_scraper.crawl.xml import NotXml
from atnews_scraper.errors import ConfigError
from atnews_scraper.extract import ExtractionError, extract_article
from atnews_scraper.fixture_pages import PAGES_DIR

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SLOW_FUZZ = settings(FUZZ, max_examples=40)  # the extractor takes ~20 ms a page

SEED_PAGE = gzip.decompress(
    (PAGES_DIR / "sco-summit-putin-raisi-xi-samarkand.html.gz").read_bytes()
)
SITE = "https://www.afghanistantimes.af/"

# Dates a hostile or broken site may send: the calendar's ends with every offset, and junk.
EXTREME_DATES = st.sampled_from(
    [
        "0001-01-01",
        "0001-01-01T00:00:00+14:00",
        "0001-01-01T00:00:00+04:30",
        "9999-12-31T23:59:59-12:00",
        "9999-12-31T23:59:59.999999Z",
        "9999-12-31",
        "10000-01-01",
        "2022-13-45",
        "2022-09-16T09:30:00+25:00",
        "Mon, 01 Jan 0001 00:00:00 +1400",
        "Fri, 31 Dec 9999 23:59:59 -1200",
        "99999999999999999999",
        "",
        "\x00\x1b[2J",
    ]
)
DATES = st.one_of(EXTREME_DATES, st.text(max_size=40))
TEXT = st.one_of(st.text(max_size=60), st.sampled_from(["[/]", "\x1b]8;;x\x1b\\", "=1+2", "&amp;"]))


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def mutated(draw: st.DrawFn, document: bytes) -> bytes:
    """The document with a few random byte-level edits: cut, insert, overwrite, duplicate."""
    data = bytearray(document)
    for _ in range(draw(st.integers(0, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        edit = draw(st.sampled_from(["cut", "insert", "overwrite", "duplicate"]))
        chunk = draw(st.binary(min_size=1, max_size=16))
        if edit == "cut":
            del data[at : at + len(chunk) * 8]
        elif edit == "insert":
            data[at:at] = chunk
        elif edit == "overwrite":
            data[at : at + len(chunk)] = chunk
        else:
            end = draw(st.integers(at, min(len(data), at + 2000)))
            data[at:at] = data[at:end]
    return bytes(data)


# -- sitemaps and feeds -------------------------------------------------------------------------


@st.composite
def sitemaps(draw: st.DrawFn) -> bytes:
    kind, child = draw(st.sampled_from([("urlset", "url"), ("sitemapindex", "sitemap")]))
    entries = draw(st.lists(st.tuples(TEXT, DATES), max_size=5))
    body = "".join(
        f"<{child}><loc>{xml_escape(loc)}</loc><lastmod>{xml_escape(lastmod)}</lastmod></{child}>"
        for loc, lastmod in entries
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<{kind} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</{kind}>'
    ).encode("utf-8", "surrogatepass")
    return draw(st.one_of(st.just(document), mutated(document)))


@given(st.one_of(sitemaps(), st.binary(max_size=200)))
@FUZZ
def test_sitemap_parser_raises_only_not_xml(body: bytes) -> None:
    try:
        sitemap = parse_sitemap(body)
    except NotXml:
        return
    for entry in sitemap.entries:
        assert entry.lastmod is None or entry.lastmod.tzinfo is not None


@st.composite
def feeds(draw: st.DrawFn) -> bytes:
    items = draw(st.lists(st.tuples(TEXT, DATES, st.booleans()), max_size=5))
    body = "".join(
        f"<entry><link href='{xml_escape(link)}'/><published>{xml_escape(date)}</published></entry>"
        if atom
        else f"<item><link>{xml_escape(link)}</link><pubDate>{xml_escape(date)}</pubDate></item>"
        for link, date, atom in items
    )
    document = f'<?xml version="1.0"?><rss version="2.0"><channel>{body}</channel></rss>'
    encoded = document.encode("utf-8", "surrogatepass")
    return draw(st.one_of(st.just(encoded), mutated(encoded)))


@given(st.one_of(feeds(), st.binary(max_size=200)))
@FUZZ
def test_feed_parser_raises_only_not_xml(body: bytes) -> None:
    try:
        entries = parse_feed(body)
    except NotXml:
        return
    for entry in entries:
        assert entry.published is None or entry.published.tzinfo is not None


# -- the article extractor ----------------------------------------------------------------------


@st.composite
def article_pages(draw: st.DrawFn) -> bytes:
    published, modified = draw(DATES), draw(DATES)
    title, author = draw(TEXT), draw(TEXT)
    post_id = draw(st.one_of(st.integers(min_value=0), st.just(2**64)))
    canonical = draw(st.one_of(TEXT, st.just("http://[::1"), st.just(f"{SITE}?p={2**70}")))
    page = f"""<html><head>
<link rel="canonical" href="{canonical}">
<meta property="article:published_time" content="{published}">
<meta property="article:modified_time" content="{modified}">
<meta name="author" content="{author}">
<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{published}",
 "headline": {json.dumps(title)}}}</script>
</head><body class="single postid-{post_id}"><article id="the-post"><div class="post-inner">
<h1 class="post-title">{title}</h1><div class="entry"><p>AT News</p><p>Kabul: {title}</p>
</div></div></article></body></html>"""
    return page.encode("utf-8", "surrogatepass")


@given(st.one_of(article_pages(), mutated(SEED_PAGE), st.binary(max_size=300)))
@SLOW_FUZZ
def test_extractor_raises_only_extraction_error(page: bytes) -> None:
    try:
        record = extract_article(page, f"{SITE}fuzzed-page/")
    except ExtractionError:
        return
    json.dumps(record)  # a record is JSON-ready


def test_extractor_survives_deep_nesting_and_a_huge_attribute() -> None:
    deep = b"<html><body>" + b"<div>" * 5_000 + b"x" + b"</div>" * 5_000 + b"</body></html>"
    huge = b'<html><body><p class="' + b"a" * 5_000_000 + b'">text</p></body></html>'
    for page in (deep, huge):
        with contextlib.suppress(ExtractionError):
            extract_article(page, f"{SITE}deep/")


# -- the query filter parser --------------------------------------------------------------------

KEYS = st.one_of(
    st.sampled_from(
        [*sorted(DATE_FIELDS), "title", "post_id", "$and", "$or", "$nor", "$not", "$in", "$gte"]
    ),
    st.sampled_from(["$where", "$function", "a\x00b", "\ud800"]),
    st.text(max_size=8),
)
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    DATES,
    st.text(max_size=20),
)
JSON_VALUES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=30,
)


def assert_parses_or_refuses(text: str) -> None:
    try:
        query = parse_filter(text)
    except ConfigError:
        return
    bson.encode({"filter": query})  # what pymongo sends: it must encode


@given(st.one_of(st.dictionaries(KEYS, JSON_VALUES, max_size=4), JSON_VALUES))
@FUZZ
def test_filter_parser_gives_an_encodable_filter_or_a_config_error(value: Any) -> None:
    assert_parses_or_refuses(json.dumps(value, allow_nan=True))


@given(st.text(max_size=80))
@FUZZ
def test_filter_parser_on_any_text(text: str) -> None:
    assert_parses_or_refuses(text)


def test_filter_parser_bounds_depth_at_any_size() -> None:
    for depth in (99, 100, 101, 5_000, 1_000_000):
        assert_parses_or_refuses('{"$and": [' * depth + "{}" + "]}" * depth)
    assert_parses_or_refuses("[" * 1_000_000)
