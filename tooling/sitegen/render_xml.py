"""Machine-readable files: RSS 2.0 feeds, WordPress core sitemaps, robots.txt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from email.utils import format_datetime
from xml.sax.saxutils import escape

from tooling.sitegen.links import MAIN, iso_utc, text, url
from tooling.sitegen.spec import SITE_NAME, ArticleSpec, SiteSpec

SITEMAP_MAX_URLS = 2000  # WordPress core's wp_sitemaps_get_max_urls()
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<?xml-stylesheet type="text/xsl" href="{MAIN}/wp-sitemap.xsl" ?>\n'
)


def rfc822(moment: dt.datetime) -> str:
    """WordPress feed dates: ``Thu, 15 Sep 2022 05:50:00 +0000``."""
    return format_datetime(moment.astimezone(dt.UTC))


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _feed_item(site: SiteSpec, article: ArticleSpec) -> str:
    names = [site.category(c).name for c in article.categories] + [
        site.tag(t).name for t in article.tags
    ]
    categories = "".join(f"\n\t\t<category>{_cdata(name)}</category>" for name in names)
    content = "".join(f"<p>{text(p)}</p>\n" for p in article.printed_paragraphs)
    return (
        "\t<item>\n"
        f"\t\t<title>{text(article.title)}</title>\n"
        f"\t\t<link>{url(article.path)}</link>\n"
        f"\t\t<comments>{url(article.path)}#respond</comments>\n"
        f"\t\t<dc:creator>{_cdata(site.author(article.author).display_name)}</dc:creator>\n"
        f"\t\t<pubDate>{rfc822(article.published)}</pubDate>"
        f"{categories}\n"
        f'\t\t<guid isPermaLink="false">{MAIN}/?p={article.post_id}</guid>\n'
        f"\t\t<description>{_cdata(text(article.excerpt) + ' [&#8230;]')}</description>\n"
        f"\t\t<content:encoded>{_cdata(content)}</content:encoded>\n"
        "\t</item>\n"
    )


def render_feed(
    site: SiteSpec, articles: Sequence[ArticleSpec], feed_path: str, title: str, link_path: str
) -> str:
    """RSS 2.0 as WordPress writes it: the newest ``site.feed_items`` posts."""
    newest = list(articles[: site.feed_items])
    build = max((a.modified for a in newest), default=site.newest_modified)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
        '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
        '\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"\n'
        ">\n\n<channel>\n"
        f"\t<title>{escape(title)}</title>\n"
        f'\t<atom:link href="{url(feed_path)}" rel="self" type="application/rss+xml" />\n'
        f"\t<link>{url(link_path)}</link>\n"
        "\t<description>Afghanistan Times is an independent daily newspaper</description>\n"
        f"\t<lastBuildDate>{rfc822(build)}</lastBuildDate>\n"
        "\t<language>en-US</language>\n"
        "\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n"
        "\t<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n"
        "\t<generator>https://wordpress.org/?v=6.5.2</generator>\n"
        + "".join(_feed_item(site, a) for a in newest)
        + "</channel>\n</rss>\n"
    )


def site_feeds(site: SiteSpec) -> list[tuple[str, str]]:
    """(path, RSS) of the main feed and each category's feed."""
    feeds = [("/feed/", render_feed(site, site.newest_first, "/feed/", SITE_NAME, "/"))]
    for archive in site.archives():
        if archive.kind == "category":
            path, title = archive.path + "feed/", f"{archive.name} Archives - {SITE_NAME}"
            feeds.append((path, render_feed(site, archive.articles, path, title, archive.path)))
    return feeds


def _urlset(entries: Sequence[tuple[str, str | None]]) -> str:
    rows = "".join(
        f"<url><loc>{escape(loc)}</loc>"
        + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
        + "</url>"
        for loc, lastmod in entries
    )
    return f'{XML_HEAD}<urlset xmlns="{SITEMAP_NS}">{rows}</urlset>\n'


def site_sitemaps(site: SiteSpec) -> list[tuple[str, str]]:
    """(path, XML) of the WordPress core sitemap index and its sitemaps.

    Posts are listed oldest first, as WordPress orders them, 2,000 per sitemap, with
    ``lastmod`` the post's modified time.
    """
    oldest_first = site.newest_first[::-1]
    files: list[tuple[str, str]] = []
    for start in range(0, len(oldest_first), SITEMAP_MAX_URLS):
        chunk = oldest_first[start : start + SITEMAP_MAX_URLS]
        number = start // SITEMAP_MAX_URLS + 1
        files.append(
            (
                f"/wp-sitemap-posts-post-{number}.xml",
                _urlset([(url(a.path), iso_utc(a.modified)) for a in chunk]),
            )
        )
    taxonomies = (
        ("category", "/wp-sitemap-taxonomies-category-1.xml"),
        ("tag", "/wp-sitemap-taxonomies-post_tag-1.xml"),
        ("author", "/wp-sitemap-users-1.xml"),
    )
    for kind, path in taxonomies:
        archives = [a for a in site.archives() if a.kind == kind]
        files.append((path, _urlset([(url(a.path), None) for a in archives])))
    rows = "".join(f"<sitemap><loc>{url(path)}</loc></sitemap>" for path, _ in files)
    index = f'{XML_HEAD}<sitemapindex xmlns="{SITEMAP_NS}">{rows}</sitemapindex>\n'
    return [("/wp-sitemap.xml", index), *files]


def render_robots() -> str:
    return (
        "User-agent: *\n"
        "Disallow: /wp-admin/\n"
        "Allow: /wp-admin/admin-ajax.php\n"
        "\n"
        f"Sitemap: {MAIN}/wp-sitemap.xml\n"
    )
