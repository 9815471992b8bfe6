"""HTML pages in the Sahifa 5.x markup of docs/site-notes.md: articles and listings.

An article's own part (``#the-post`` to Check Also) is ``sahifa.py``'s, in its COMPACT style.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

from tooling.sitegen import sahifa
from tooling.sitegen.links import (
    BARE_HTTP,
    FACEBOOK,
    MAIN,
    MEDIA,
    TWITTER,
    attr,
    display_date,
    iso_utc,
    text,
    upload,
    url,
)
from tooling.sitegen.spec import SITE_NAME, ArticleSpec, SiteSpec

SIDEBAR_RECENT = 5
IN_POST_AD = (
    '<div class="e3lan e3lan-in-post1"><script type="text/javascript">'
    'var tieAd = "in-post";</script><noscript>Advertisement</noscript></div>'
)
THEME = f"{MAIN}/wp-content/themes/sahifa"


@dataclass(frozen=True)
class Listing:
    """One archive (home, category, tag, author, search) before it is cut into pages."""

    base_path: str  # "/category/latest/"; page N is base_path + "page/N/"
    title: str
    crumb: str | None  # after "Home"; None on the home page
    articles: tuple[ArticleSpec, ...]
    query: str = ""  # "s=kabul" for search results
    feed_path: str | None = None
    body_class: str = "archive"

    def page_path(self, number: int) -> str:
        path = self.base_path if number == 1 else f"{self.base_path}page/{number}/"
        return f"{path}?{self.query}" if self.query else path


def page_count(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


def _link(path: str, label: str, rel: str | None = None, host: str = MAIN) -> str:
    rel_attr = f' rel="{rel}"' if rel else ""
    return f'<a href="{url(path, host)}"{rel_attr}>{text(label)}</a>'


def _date_span(article: ArticleSpec) -> str:
    return sahifa.date_span(sahifa.COMPACT, display_date(article.published))


# -- page shell -----------------------------------------------------------------------------------


def _head(title: str, extra: Sequence[str] = ()) -> str:
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en-US" prefix="og: http://ogp.me/ns#">',
        "<head>",
        '<meta charset="UTF-8" />',
        f"<title>{text(title)}</title>",
        f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Feed" '
        f'href="{url("/feed/")}" />',
        f"<link rel='stylesheet' id='tie-style-css' href='{THEME}/style.css' type='text/css' />",
        *extra,
        "</head>",
    ]
    return "\n".join(lines)


def _header(site: SiteSpec) -> str:
    menu = "".join(
        f'<li class="menu-item"><a href="{url(f"/category/{c.slug}/")}">{text(c.name)}</a></li>'
        for c in site.categories
    )
    return (
        '<div class="wrapper-outer"><div id="wrapper" class="boxed">\n'
        '<header id="theme-header" class="theme-header">\n'
        f'<div class="logo"><h2><a title="{SITE_NAME}" href="{url("/")}">'
        f'<img src="{upload("2020/01/logo.png")}" alt="{SITE_NAME}" /></a></h2></div>\n'
        '<nav id="main-nav"><div class="container"><div class="main-menu"><ul id="menu-main">'
        f'<li class="menu-item"><a href="{url("/")}">Home</a></li>{menu}</ul></div></div></nav>\n'
        "</header>\n"
        '<div id="main-content" class="container">\n'
    )


def _sidebar(site: SiteSpec) -> str:
    recent = "".join(
        f'<li><a href="{url(a.path)}" rel="bookmark">{text(a.title)}</a> {_date_span(a)}</li>'
        for a in site.newest_first[:SIDEBAR_RECENT]
    )
    categories = "".join(
        f'<li class="cat-item">{_link(f"/category/{c.slug}/", c.name, host=BARE_HTTP)}'
        f" ({len(site.in_category(c.slug))})</li>"
        for c in site.categories
    )
    return (
        '<aside id="sidebar">\n'
        '<div class="widget" id="posts-list-widget"><div class="widget-top"><h4>Recent Posts</h4>'
        f'</div><div class="widget-container"><ul>{recent}</ul></div></div>\n'
        '<div class="widget widget_categories"><div class="widget-top"><h4>Categories</h4></div>'
        f'<div class="widget-container"><ul>{categories}</ul></div></div>\n'
        '<div class="widget" id="social-widget"><div class="widget-container">'
        f'<a class="ttip" href="{FACEBOOK}" title="Facebook" target="_blank">Facebook</a> '
        f'<a class="ttip" href="{TWITTER}" title="Twitter" target="_blank">Twitter</a>'
        "</div></div>\n"
        "</aside>\n"
    )


def _footer() -> str:
    return (
        '<div class="clear"></div></div><!-- .container -->\n'
        '<footer id="theme-footer"><div class="footer-bottom"><div class="container">'
        f'<div class="alignright"><a href="{FACEBOOK}">Facebook</a> <a href="{TWITTER}">Twitter</a>'
        f'</div><div class="alignleft">© Copyright 2024, All Rights Reserved '
        f'<a href="{url("/", BARE_HTTP)}">{SITE_NAME}</a></div></div></div></footer>\n'
        "</div></div>\n"
        f"<script type='text/javascript' src='{THEME}/js/tie-scripts.js'>"
        "</script>\n</body>\n</html>\n"
    )


def _crumbs(items: Sequence[tuple[str, str | None]]) -> str:
    """``#crumbs``: linked crumbs, the last one current, joined by the theme's delimiter span."""
    parts = [f'<a href="{url("/")}">Home</a>']
    for index, (label, path) in enumerate(items):
        if index == len(items) - 1:
            parts.append(f'<span class="current">{text(label)}</span>')
        else:
            parts.append(f'<a href="{url(path or "/")}">{text(label)}</a>')
    return '<div id="crumbs">' + ' <span class="delimiter">/</span> '.join(parts) + "</div>\n"


# -- articles -------------------------------------------------------------------------------------


def _article_link_host(article: ArticleSpec, modulus: int, host: str) -> str:
    """Some pages link with another host spelling, as the live site does."""
    return host if article.post_id % modulus == 0 else MAIN


def _article_meta_tags(site: SiteSpec, article: ArticleSpec) -> list[str]:
    page_url = url(article.path)
    tags = [
        f'<link rel="canonical" href="{page_url}" />',
        f"<link rel='shortlink' href='{MAIN}/?p={article.post_id}' />",
    ]
    description = attr(" ".join(article.excerpt.split()[:25]) + "...")
    if article.og_tags or article.yoast:
        tags += [
            f'<meta property="og:title" content="{attr(article.title)} - {SITE_NAME}" />',
            '<meta property="og:type" content="article" />',
            f'<meta property="og:url" content="{page_url}" />',
            f'<meta property="og:site_name" content="{SITE_NAME}" />',
            f'<meta property="og:description" content="{description}" />',
        ]
        if article.image:
            tags.append(f'<meta property="og:image" content="{upload(article.image)}" />')
    if article.yoast:
        author = site.author(article.author).display_name
        tags += [
            f'<meta property="article:published_time" content="{iso_utc(article.published)}" />',
            f'<meta property="article:modified_time" content="{iso_utc(article.modified)}" />',
            f'<meta name="author" content="{attr(author)}" />',
            '<script type="application/ld+json" class="yoast-schema-graph">'
            + json.dumps(_yoast_graph(site, article), ensure_ascii=False)
            + "</script>",
        ]
    return tags


def _yoast_graph(site: SiteSpec, article: ArticleSpec) -> dict[str, object]:
    page_url = url(article.path)
    primary = site.category(article.categories[0])
    return {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "Article",
                "@id": f"{page_url}#article",
                "isPartOf": {"@id": page_url},
                "author": {"name": site.author(article.author).display_name},
                "headline": article.title,
                "datePublished": iso_utc(article.published),
                "dateModified": iso_utc(article.modified),
                "mainEntityOfPage": {"@id": page_url},
                "keywords": [site.tag(t).name for t in article.tags],
                "articleSection": [site.category(c).name for c in article.categories],
                "inLanguage": "en-US",
            },
            {"@type": "WebPage", "@id": page_url, "url": page_url, "name": article.title},
            {
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Home", "item": url("/")},
                    {
                        "@type": "ListItem",
                        "position": 2,
                        "name": primary.name,
                        "item": url(f"/category/{primary.slug}/"),
                    },
                    {"@type": "ListItem", "position": 3, "name": article.title},
                ],
            },
        ],
    }


def _post(site: SiteSpec, article: ArticleSpec) -> sahifa.Post:
    """The article as the shared Sahifa renderer takes it."""
    author = site.author(article.author)
    previous, following = site.neighbours(article)
    paragraphs = [f"<p>{text(p)}</p>" for p in article.printed_paragraphs]
    if article.ad_in_body and len(paragraphs) > 1:
        paragraphs.insert(1, IN_POST_AD)
    return sahifa.Post(
        post_id=article.post_id,
        url=url(article.path),
        title=text(article.title),
        published=article.published,
        author=text(author.display_name),
        author_slug=author.login,
        categories=[(text(site.category(slug).name), slug) for slug in article.categories],
        tags=[(text(site.tag(slug).name), slug) for slug in article.tags],
        blocks=paragraphs,
        views=article.views,
        share_text=attr(article.title),
        thumb=(upload(article.image), attr(article.title)) if article.image else None,
        meta_line=article.meta_line,
        share_top=article.share_top,
        updated_span=article.updated_span,
        navigation=(_neighbour(previous), _neighbour(following)),
        related=[
            _teaser(site.by_slug[slug], _article_link_host(article, 3, BARE_HTTP), alt="")
            for slug in article.related
        ],
        check_also=(
            _check_also(site.by_slug[article.check_also], _article_link_host(article, 5, MEDIA))
            if article.check_also is not None
            else None
        ),
    )


def _neighbour(other: ArticleSpec | None) -> tuple[str, str] | None:
    return (text(other.title), url(other.path)) if other else None


def _teaser(other: ArticleSpec, host: str, alt: str) -> sahifa.Teaser:
    return sahifa.Teaser(
        title=text(other.title),
        href=url(other.path, host),
        image=upload(other.image) if other.image else None,
        date=display_date(other.published),
        alt=alt,
    )


def _check_also(other: ArticleSpec, host: str) -> sahifa.Teaser:
    excerpt = " ".join(other.excerpt.split()[:20])
    teaser = _teaser(other, host, alt=attr(other.title))
    return dataclasses.replace(teaser, excerpt=f"{text(excerpt)} &hellip;")


def render_article(site: SiteSpec, article: ArticleSpec) -> str:
    primary = site.category(article.categories[0])
    lines = sahifa.render_post(sahifa.COMPACT, _post(site, article))
    return (
        _head(f"{article.title} - {SITE_NAME}", _article_meta_tags(site, article))
        + f'\n<body id="top" class="single single-post postid-{article.post_id} '
        'single-format-standard lazy-enabled">\n'
        + _header(site)
        + '<div class="content">\n'
        + _crumbs([(primary.name, f"/category/{primary.slug}/"), (article.title, None)])
        + '<div class="e3lan e3lan-post"><a href="https://example.org/ad">ad</a></div>\n'
        + "".join(line + "\n" for line in lines)
        + "</div><!-- .content -->\n"
        + _sidebar(site)
        + _footer()
    )


# -- listings -------------------------------------------------------------------------------------


def _listing_item(article: ArticleSpec) -> str:
    thumb = (
        f'<div class="post-thumbnail"><a href="{url(article.path)}" rel="bookmark">'
        f'<img src="{upload(article.image)}" alt="{attr(article.title)}" /></a></div>'
        if article.image
        else ""
    )
    return (
        '<article class="item-list">\n'
        f'<h2 class="post-box-title">{_link(article.path, article.title)}</h2>\n'
        f'<p class="post-meta">{_date_span(article)}</p>\n'
        f"{thumb}"
        f'<div class="entry"><p>{text(article.excerpt)} &hellip;</p>'
        f'<a class="more-link" href="{url(article.path)}">Read More &raquo;</a></div>\n'
        '<div class="clear"></div>\n</article>\n'
    )


def _pagination(listing: Listing, number: int, pages: int) -> str:
    if pages == 1:
        return ""
    parts = [f'<span class="pages">Page {number} of {pages}</span>']
    if number > 1:
        parts.append(f'<a class="first" href="{url(listing.page_path(1))}">&laquo; First</a>')
        parts.append(
            f'<span id="tie-prev-page"><a href="{url(listing.page_path(number - 1))}">'
            "&laquo;</a></span>"
        )
    for other in range(1, pages + 1):
        if other == number:
            parts.append(f'<span class="current">{other}</span>')
        else:
            parts.append(
                f'<a href="{url(listing.page_path(other))}" class="page" title="{other}">'
                f"{other}</a>"
            )
    if number < pages:
        parts.append(
            f'<span id="tie-next-page"><a href="{url(listing.page_path(number + 1))}">'
            "&raquo;</a></span>"
        )
        parts.append(f'<a class="last" href="{url(listing.page_path(pages))}">Last &raquo;</a>')
    return '<div class="pagination">\n' + "\n".join(parts) + "\n</div>\n"


def render_listing_page(site: SiteSpec, listing: Listing, number: int) -> str:
    per_page = site.posts_per_page
    pages = page_count(len(listing.articles), per_page)
    chunk = listing.articles[(number - 1) * per_page : number * per_page]
    head_links = []
    if number > 1:
        head_links.append(f'<link rel="prev" href="{url(listing.page_path(number - 1))}" />')
    if number < pages:
        head_links.append(f'<link rel="next" href="{url(listing.page_path(number + 1))}" />')
    if listing.feed_path:
        head_links.append(
            f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; '
            f'{attr(listing.title)} Feed" href="{url(listing.feed_path)}" />'
        )
    crumbs = ""
    if listing.crumb:
        crumbs = _crumbs([(listing.crumb + (f" (page {number})" if number > 1 else ""), None)])
    rss = (
        f'<a class="rss-cat-icon tooltip" title="Feed" href="{url(listing.feed_path)}"></a>'
        if listing.feed_path
        else ""
    )
    title = SITE_NAME if listing.crumb is None else f"{listing.title} - {SITE_NAME}"
    if number > 1:
        title = f"{listing.title} - Page {number} of {pages} - {SITE_NAME}"
    return (
        _head(title, head_links)
        + f'\n<body id="top" class="{listing.body_class} paged-{number} lazy-enabled">\n'
        + _header(site)
        + '<div class="content">\n'
        + crumbs
        + f'<div class="page-head"><h1 class="page-title">{text(listing.title)}</h1>{rss}'
        + '<div class="stripe-line"></div></div>\n'
        + '<div class="post-listing archive-box">\n'
        + "".join(_listing_item(a) for a in chunk)
        + "</div>\n"
        + _pagination(listing, number, pages)
        + "</div><!-- .content -->\n"
        + _sidebar(site)
        + _footer()
    )


def render_not_found(site: SiteSpec) -> str:
    return (
        _head(f"Page not found - {SITE_NAME}")
        + '\n<body id="top" class="error404 lazy-enabled">\n'
        + _header(site)
        + '<div class="content">\n'
        + _crumbs([("Page not found", None)])
        + '<div class="post-listing"><h2 class="post-title">Not Found</h2>'
        + "<p>Apologies, but the page you requested could not be found. "
        + "Perhaps searching will help.</p></div>\n"
        + "</div><!-- .content -->\n"
        + _sidebar(site)
        + _footer()
    )


def site_listings(site: SiteSpec) -> list[Listing]:
    """Every archive of the site: home, categories, tags and authors that have posts, searches."""
    listings = [Listing("/", "Latest News", None, site.newest_first, body_class="home blog")]
    for archive in site.archives():
        listings.append(
            Listing(
                archive.path,
                archive.name,
                archive.name,
                archive.articles,
                feed_path=archive.path + "feed/" if archive.kind == "category" else None,
                body_class=f"archive {archive.kind} {archive.kind}-{archive.slug}",
            )
        )
    for word in site.search_words:
        found = tuple(
            a
            for a in site.newest_first
            if word.lower() in (a.title + " " + " ".join(a.printed_paragraphs)).lower()
        )
        listings.append(
            Listing(
                "/",
                f"Search Results for: {word}",
                f"Search Results for: {word}",
                found,
                query=f"s={word}",
                body_class="search search-results",
            )
        )
    return listings
