from __future__ import annotations

import pytest

from atnews_scraper.urls import PageKind, UrlRules, shortlink_post_id

RULES = UrlRules(site_url="http://127.0.0.1:8123/")
CANON = "https://www.afghanistantimes.af/sco-summit/"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.afghanistantimes.af/sco-summit/",
        "http://afghanistantimes.af/sco-summit",
        "https://WWW.AfghanistanTimes.af/sco-summit/?utm_source=x&fbclid=1#comments",
        "https://afghanistantimes.media/sco-summit",
        "https://www.afghanistantimes.af/sco-summit/amp/",
        "http://127.0.0.1:8123/sco-summit/",
    ],
)
def test_every_alias_maps_to_one_canonical_url(url: str) -> None:
    assert RULES.canonical(url) == CANON


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        # any utm_ parameter, in any case (w3lib's url_query_cleaner takes exact names only)
        (
            "https://www.afghanistantimes.af/a/?UTM_Source=x&utm_name=y",
            "https://www.afghanistantimes.af/a/",
        ),
        # the query is decoded and encoded again, so one address has one key (w3lib keeps it raw)
        (
            "https://www.afghanistantimes.af/?s=a%20b&ref=x",
            "https://www.afghanistantimes.af/?s=a+b",
        ),
        ("https://www.afghanistantimes.af/?s", "https://www.afghanistantimes.af/?s="),
        # the order and repeats the site printed (w3lib's canonicalize_url sorts)
        (
            "https://www.afghanistantimes.af/?s=b&p=1&s=a",
            "https://www.afghanistantimes.af/?s=b&p=1&s=a",
        ),
    ],
)
def test_the_query_keeps_its_canonical_form(url: str, canonical: str) -> None:
    """Canonical URLs are the stored articles' keys: these pin the query rules that w3lib.url
    would change (docs: the reason at TRACKING_PARAMS in urls.py)."""
    assert RULES.canonical(url) == canonical


def test_other_hosts_are_not_own_and_keep_their_host() -> None:
    assert not RULES.is_own("https://example.com/sco-summit/")
    assert RULES.canonical("HTTPS://Example.com/a#b") == "https://example.com/a"
    assert not RULES.is_own("mailto:x@afghanistantimes.af")


def test_fetch_url_moves_to_site_root() -> None:
    assert RULES.fetch_url(CANON) == "http://127.0.0.1:8123/sco-summit/"
    assert RULES.fetch_url("https://www.afghanistantimes.af/?p=12") == "http://127.0.0.1:8123/?p=12"


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (CANON, PageKind.ARTICLE),
        ("https://www.afghanistantimes.af/?p=123", PageKind.SHORTLINK),
        ("https://www.afghanistantimes.af/", PageKind.LISTING),
        ("https://www.afghanistantimes.af/category/latest/page/3/", PageKind.LISTING),
        ("https://afghanistantimes.media/category/latest-2/page/187", PageKind.LISTING),
        ("https://afghanistantimes.media/blog/page/2058", PageKind.LISTING),
        ("https://www.afghanistantimes.af/page/2/?s=kabul", PageKind.LISTING),
        ("https://www.afghanistantimes.af/feed/", PageKind.FEED),
        ("https://www.afghanistantimes.af/category/nation/feed/", PageKind.FEED),
        ("https://www.afghanistantimes.af/wp-sitemap.xml", PageKind.SITEMAP),
        ("https://www.afghanistantimes.af/post-sitemap2.xml", PageKind.SITEMAP),
        ("https://www.afghanistantimes.af/robots.txt", PageKind.ROBOTS),
        ("https://www.afghanistantimes.af/wp-content/uploads/a.jpg", PageKind.ASSET),
        ("https://www.afghanistantimes.af/wp-admin/", PageKind.OTHER),
        ("https://www.afghanistantimes.af/sco-summit/attachment/x/", PageKind.OTHER),
    ],
)
def test_kind(url: str, kind: PageKind) -> None:
    assert RULES.kind(url) == kind


def test_shortlink_post_id() -> None:
    assert shortlink_post_id("https://www.afghanistantimes.af/?p=123") == 123
    assert shortlink_post_id(CANON) is None
