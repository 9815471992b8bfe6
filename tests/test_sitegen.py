"""The generated site: fixtures/site is what the generator writes, and its pages are right."""

from __future__ import annotations

import datetime as dt
import filecmp
import json
import re
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

import pytest
from seed_text import SEED_ARTICLE

from atnews_scraper.replay import ReplayServer
from atnews_scraper.replay.snapshot import Snapshot, url_key
from tooling.sitegen import KABUL, default_site, synthetic_site, write_site
from tooling.sitegen.__main__ import main as sitegen_main
from tooling.sitegen.spec import SiteSpec

REPO = Path(__file__).resolve().parent.parent
FIXTURE_SITE = REPO / "fixtures" / "site"
SCO = "sco-summit-putins-meeting-with-ebrahim-raisi-and-xi-jinping-in-samarkand"
IRAN = "iran-to-start-mining-in-afghanistan-within-a-month-taliban"
NEWEST = "the-national-budget-afghanistan-stands-at-a-crossroads-once-again"
SITE_HOSTS = ("https://www.afghanistantimes.af", "http://afghanistantimes.af")
MEDIA_HOST = "https://afghanistantimes.media"
RSS_NS = {"dc": "http://purl.org/dc/elements/1.1/"}
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _page(path: str) -> str:
    snapshot = Snapshot.load(FIXTURE_SITE)
    return snapshot.body(snapshot.entries[path]).decode("utf-8")


def _pages_line(html: str) -> list[str]:
    return re.findall(r'<span class="pages">(.*?)</span>', html)


def _next_links(html: str) -> tuple[list[str], list[str]]:
    tie_next = re.findall(r'<span id="tie-next-page"><a href="([^"]+)"', html)
    rel_next = re.findall(r'<link rel="next" href="([^"]+)"', html)
    return tie_next, rel_next


# -- the committed snapshot --------------------------------------------------------------------


def test_fixture_site_is_exactly_what_the_generator_writes(tmp_path: Path) -> None:
    fresh = write_site(default_site(), tmp_path / "site")
    assert _tree(fresh) == _tree(FIXTURE_SITE)
    different = [
        name
        for name in _tree(fresh)
        if not filecmp.cmp(fresh / name, FIXTURE_SITE / name, shallow=False)
    ]
    assert different == [], "run: python -m tooling.sitegen build fixtures/site"


def test_fixture_site_is_small() -> None:
    assert sum((FIXTURE_SITE / name).stat().st_size for name in _tree(FIXTURE_SITE)) < 3_000_000


def test_default_site_shape() -> None:
    site = default_site()
    assert site == default_site()
    assert len(site.articles) == 40
    assert len({a.slug for a in site.articles}) == 40
    assert {c.slug: len(site.in_category(c.slug)) for c in site.categories} == {
        "latest": 25,
        "nation": 16,
        "opinions": 11,
        "editorial": 4,
    }
    assert {a.login: len(site.by_author(a.login)) for a in site.authors} == {
        "admin": 29,
        "at-news": 8,
        "editor": 3,
    }
    assert min(a.published for a in site.articles).year == 2022
    assert max(a.published for a in site.articles).year == 2024
    assert all(a.published.utcoffset() == dt.timedelta(hours=4, minutes=30) for a in site.articles)
    assert len({a.lead_form for a in site.articles}) == 11


def test_manifest_counts() -> None:
    snapshot = Snapshot.load(FIXTURE_SITE)
    statuses: dict[int, int] = {}
    for entry in snapshot.entries.values():
        statuses[entry.status] = statuses.get(entry.status, 0) + 1
    assert statuses == {200: 84, 301: 40}
    assert snapshot.entries["/?p=24159"].location == f"/{SCO}/"
    assert snapshot.entries[f"/{SCO}/"].last_modified == "Thu, 15 Sep 2022 05:50:00 GMT"
    assert snapshot.entries["/feed/"].content_type == "application/rss+xml; charset=UTF-8"
    assert snapshot.site_url == "https://www.afghanistantimes.af/"


def test_seed_article_text_is_exact() -> None:
    site = default_site()
    article = site.by_slug[SCO]
    seed = SEED_ARTICLE.read_text(encoding="utf-8").split("\n\n")
    start, end = seed.index("AT News"), seed.index("About admin")
    assert list(article.printed_paragraphs) == [p.strip() for p in seed[start:end]]
    assert article.post_id == 24159
    assert article.check_also == IRAN
    html = _page(f"/{SCO}/")
    assert '<span class="tie-date"><i class="fa fa-clock-o"></i>September 15, 2022</span>' in html
    assert (
        '<h2 class="post-title"><a href="https://www.afghanistantimes.af/'
        f'{IRAN}/" rel="bookmark">Iran to start mining in Afghanistan within a month: Taliban</a>'
    ) in html
    assert (
        '<h1 class="name post-title entry-title"><span itemprop="name">SCO Summit; Putin&#8217;s'
        in html
    )


# -- listings and pagination -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "pages", "items"),
    [
        ("/category/latest/", 3, [10, 10, 5]),
        ("/category/nation/", 2, [10, 6]),
        ("/category/opinions/", 2, [10, 1]),
        ("/category/editorial/", 1, [4]),
        ("/", 4, [10, 10, 10, 10]),
        ("/author/admin/", 3, [10, 10, 9]),
        ("/tag/un/", 1, [1]),
    ],
)
def test_listing_pagination(base: str, pages: int, items: list[int]) -> None:
    counts = []
    for number in range(1, pages + 1):
        html = _page(base if number == 1 else f"{base}page/{number}/")
        counts.append(html.count('<article class="item-list">'))
        tie_next, rel_next = _next_links(html)
        if pages == 1:
            assert _pages_line(html) == []
        else:
            assert _pages_line(html) == [f"Page {number} of {pages}"]
        expected_next = (
            [f"https://www.afghanistantimes.af{base}page/{number + 1}/"] if number < pages else []
        )
        assert tie_next == expected_next
        assert rel_next == expected_next
    assert counts == items
    assert f"{base}page/{pages + 1}/" not in Snapshot.load(FIXTURE_SITE).entries


def test_listing_crumbs_show_the_page_number() -> None:
    html = _page("/category/opinions/page/2/")
    assert '<span class="current">Opinions (page 2)</span>' in html
    assert '<h1 class="page-title">Opinions</h1>' in html
    assert 'href="https://www.afghanistantimes.af/category/opinions/feed/"' in html


def test_search_results_pages() -> None:
    snapshot = Snapshot.load(FIXTURE_SITE)
    assert [k for k in snapshot.entries if "s=" in k] == [
        "/?s=kabul",
        "/page/2/?s=kabul",
        "/page/3/?s=kabul",
        "/page/4/?s=kabul",
    ]
    html = _page("/?s=kabul")
    assert '<h1 class="page-title">Search Results for: kabul</h1>' in html
    assert _pages_line(html) == ["Page 1 of 4"]


# -- feeds, sitemaps, robots -------------------------------------------------------------------


def test_main_feed_has_the_newest_ten_posts() -> None:
    channel = ElementTree.fromstring(_page("/feed/").encode()).find("channel")
    assert channel is not None
    items = channel.findall("item")
    assert len(items) == 10
    first = items[0]
    assert first.findtext("link") == f"https://www.afghanistantimes.af/{NEWEST}/"
    assert first.findtext("guid") == "https://www.afghanistantimes.af/?p=24273"
    assert first.findtext("pubDate") == "Wed, 27 Nov 2024 03:17:00 +0000"
    assert first.findtext("dc:creator", namespaces=RSS_NS) == "AT News"
    assert [c.text for c in first.findall("category")] == ["Opinions", "China", "Education"]
    assert channel.findtext("lastBuildDate") == "Fri, 06 Dec 2024 14:17:00 +0000"


@pytest.mark.parametrize(
    ("slug", "count"), [("latest", 10), ("nation", 10), ("opinions", 10), ("editorial", 4)]
)
def test_category_feeds(slug: str, count: int) -> None:
    root = ElementTree.fromstring(_page(f"/category/{slug}/feed/").encode())
    assert len(root.findall("channel/item")) == count


def test_sitemaps() -> None:
    index = ElementTree.fromstring(_page("/wp-sitemap.xml").encode())
    assert [e.text for e in index.findall("s:sitemap/s:loc", SITEMAP_NS)] == [
        "https://www.afghanistantimes.af/wp-sitemap-posts-post-1.xml",
        "https://www.afghanistantimes.af/wp-sitemap-taxonomies-category-1.xml",
        "https://www.afghanistantimes.af/wp-sitemap-taxonomies-post_tag-1.xml",
        "https://www.afghanistantimes.af/wp-sitemap-users-1.xml",
    ]
    posts = ElementTree.fromstring(_page("/wp-sitemap-posts-post-1.xml").encode())
    rows = {
        u.findtext("s:loc", namespaces=SITEMAP_NS): u.findtext("s:lastmod", namespaces=SITEMAP_NS)
        for u in posts.findall("s:url", SITEMAP_NS)
    }
    assert len(rows) == 40
    assert rows[f"https://www.afghanistantimes.af/{SCO}/"] == "2022-09-15T05:50:00+00:00"
    assert rows[f"https://www.afghanistantimes.af/{NEWEST}/"] == "2024-12-06T14:17:00+00:00"
    categories = ElementTree.fromstring(_page("/wp-sitemap-taxonomies-category-1.xml").encode())
    assert len(categories.findall("s:url", SITEMAP_NS)) == 4


def test_robots_points_at_the_sitemap() -> None:
    robots = _page("/robots.txt")
    assert "Sitemap: https://www.afghanistantimes.af/wp-sitemap.xml" in robots.splitlines()


# -- links -------------------------------------------------------------------------------------


def test_every_site_link_resolves_in_the_snapshot() -> None:
    """Links on any host spelling lead to a page of the snapshot (directly or by a redirect)."""
    snapshot = Snapshot.load(FIXTURE_SITE)
    hosts: dict[str, int] = {}
    missing = set()
    for entry in snapshot.entries.values():
        if not (entry.content_type or "").startswith("text/html"):
            continue
        for link in re.findall(r'href="(https?://[^"#]+)', snapshot.body(entry).decode()):
            host, _, rest = link.partition("://")[2].partition("/")
            hosts[host] = hosts.get(host, 0) + 1
            if host not in ("www.afghanistantimes.af", "afghanistantimes.af", MEDIA_HOST[8:]):
                continue
            path, _, query = ("/" + rest).partition("?")
            if path.startswith("/wp-content/"):
                continue
            candidates = {url_key(path, query), url_key(path + "/", query)}
            if not candidates & set(snapshot.entries):
                missing.add(link)
    assert missing == set()
    assert {"afghanistantimes.af", "afghanistantimes.media", "www.facebook.com"} <= set(hosts)
    assert hosts["afghanistantimes.media"] == 7


# -- derived sites -----------------------------------------------------------------------------


def test_with_new_articles_adds_newer_posts(tmp_path: Path) -> None:
    site = default_site()
    grown = site.with_new_articles(3)
    added = [a for a in grown.articles if a.slug not in site.by_slug]
    assert len(grown.articles) == 43
    assert len(added) == 3
    assert [a.slug for a in grown.newest_first[:3]] == sorted(
        (a.slug for a in added), key=lambda s: grown.by_slug[s].published, reverse=True
    )
    assert min(a.post_id for a in added) > 24273
    assert min(a.published for a in added) > site.newest_first[0].published
    out = write_site(grown, tmp_path / "grown")
    manifest = json.loads((out / "manifest.json").read_text())
    added_keys = set(manifest["entries"]) - set(Snapshot.load(FIXTURE_SITE).entries)
    # each new article, its shortlink, and one more page of the home and admin listings
    assert sorted(k for k in added_keys if "/page/" in k) == ["/author/admin/page/4/", "/page/5/"]
    assert len(added_keys) == 3 * 2 + 2
    feed = ElementTree.fromstring(Snapshot.load(out).body(Snapshot.load(out).entries["/feed/"]))
    links = [i.findtext("link") for i in feed.findall("channel/item")]
    assert links[:3] == [
        f"https://www.afghanistantimes.af/{a.slug}/" for a in grown.newest_first[:3]
    ]


def test_with_changed_article_moves_lastmod(tmp_path: Path) -> None:
    site = default_site()
    changed = site.with_changed_article(SCO)
    before, after = site.by_slug[SCO], changed.by_slug[SCO]
    assert after.modified == dt.datetime(2024, 12, 7, 18, 47, tzinfo=KABUL)
    assert after.paragraphs[:-1] == before.paragraphs
    assert (
        after.paragraphs[-1] == "Update (December 7): officials confirmed the figures given above."
    )
    assert [a.slug for a in changed.articles if a != site.by_slug[a.slug]] == [SCO]
    out = write_site(changed, tmp_path / "changed")
    entry = Snapshot.load(out).entries[f"/{SCO}/"]
    assert entry.last_modified == "Sat, 07 Dec 2024 14:17:00 GMT"
    sitemap = Snapshot.load(out).body(Snapshot.load(out).entries["/wp-sitemap-posts-post-1.xml"])
    assert b"<lastmod>2024-12-07T14:17:00+00:00</lastmod>" in sitemap
    with pytest.raises(KeyError):
        site.with_changed_article("no-such-slug")


def test_synthetic_site_is_varied_and_deterministic() -> None:
    site = synthetic_site(300, seed=1)
    assert site == synthetic_site(300, seed=1)
    assert site != synthetic_site(300, seed=2)
    assert len({a.slug for a in site.articles}) == 300
    assert len({a.paragraphs for a in site.articles}) == 300
    years = {a.published.year for a in site.articles}
    assert years == set(range(2015, 2025))
    assert len(site.in_category("latest")) == 180


def test_synthetic_text_from_saved_pages(tmp_path: Path) -> None:
    records = tmp_path / "pages"
    records.mkdir()
    quoted = "“Many people lost everything — their homes, their animals, their seed,” she said."
    body = "KABUL: A dateline paragraph that is long enough to count but comes first.\n\n" + quoted
    (records / "a.expected.json").write_text(json.dumps({"body": body + "\n\nToo short."}))
    site = synthetic_site(50, seed=1, pages_dir=records)
    borrowed = [a for a in site.articles if quoted in a.paragraphs]
    assert len(borrowed) == 46
    assert not any("A dateline paragraph" in p for a in site.articles for p in a.paragraphs)
    assert len({a.paragraphs for a in site.articles}) == 48  # a one-paragraph pool repeats
    with pytest.raises(FileNotFoundError, match=r"no \*\.expected\.json records"):
        synthetic_site(5, pages_dir=tmp_path)


def test_sitegen_cli_builds_a_synthetic_site(tmp_path: Path) -> None:
    assert (
        sitegen_main(["synthetic", str(tmp_path / "syn"), "--articles", "25", "--seed", "3"]) == 0
    )
    snapshot = Snapshot.load(tmp_path / "syn")
    assert sum(1 for key in snapshot.entries if key.startswith("/?p=")) == 25


def test_sitegen_cli_refuses_a_directory_that_is_not_a_snapshot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    assert sitegen_main(["build", str(tmp_path)]) == 2
    assert (tmp_path / "precious.txt").read_text() == "keep me"
    assert "is not empty and holds no snapshot" in capsys.readouterr().err


def test_site_spec_type() -> None:
    assert isinstance(default_site(), SiteSpec)


def test_expected_byline_and_dateline() -> None:
    site = default_site()
    forms = {(a.lead_form, a.place): a for a in site.articles}
    mazar = forms[("at-news-report", "Mazar-i-Sharif")]
    assert mazar.printed_paragraphs[0].startswith("AT News Report MAZAR-I-SHARIF: ")
    assert (mazar.expected_byline, mazar.expected_dateline) == ("AT News Report", "Mazar-i-Sharif")
    sco = site.by_slug[SCO]
    assert (sco.expected_byline, sco.expected_dateline) == ("AT News", "Kabul")
    editorial = next(a for a in site.articles if a.lead_form == "none")
    assert (editorial.expected_byline, editorial.expected_dateline) == (None, None)


def test_compressed_snapshot_serves_the_same_bytes(tmp_path: Path) -> None:
    out = write_site(default_site(), tmp_path / "gz", compress=True)
    assert (out / SCO / "index.html.gz").is_file()
    with ReplayServer(out) as server, urllib.request.urlopen(f"{server.url}{SCO}/") as response:
        body = response.read()
    assert body == (FIXTURE_SITE / SCO / "index.html").read_bytes()


def test_page_options_vary() -> None:
    articles = default_site().articles
    undated = [a for a in articles if not (a.meta_line or a.updated_span or a.yoast)]
    assert len(undated) == 3
    assert [sum(getattr(a, flag) for a in articles) for flag in ("yoast", "og_tags")] == [8, 23]
    assert sum(1 for a in articles if a.check_also is None) == 11


def test_with_theme_renders_a_redesign(tmp_path: Path) -> None:
    site = default_site()
    redesigned = site.with_theme("legacy", [SCO, IRAN])
    assert [a.slug for a in redesigned.articles if a.theme == "legacy"] == [IRAN, SCO]
    snapshot = Snapshot.load(write_site(redesigned, tmp_path / "redesign"))
    html = snapshot.body(snapshot.entries[f"/{SCO}/"]).decode()
    for sahifa_marker in ('id="the-post"', 'class="entry"', 'id="crumbs"', "check-also-box"):
        assert sahifa_marker not in html
    assert '<time class="entry-date published" datetime="2022-09-15T10:20:00+04:30">' in html
    assert (
        '<h1 class="entry-title">SCO Summit; Putin&#8217;s meeting with Ebrahim Raisi and Xi '
        "Jinping in Samarkand</h1>"
    ) in html
    assert html.count("<p>") == 16
    unchanged = snapshot.body(snapshot.entries["/category/latest/"])
    assert unchanged == (FIXTURE_SITE / "category" / "latest" / "index.html").read_bytes()
    assert len([a for a in site.with_theme("legacy").articles if a.theme == "legacy"]) == 40
    with pytest.raises(ValueError, match="unknown theme 'jannah'"):
        site.with_theme("jannah")
    with pytest.raises(KeyError, match="no article 'nope'"):
        site.with_theme("legacy", ["nope"])
