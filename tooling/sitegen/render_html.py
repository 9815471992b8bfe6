"""HTML pages in the Sahifa 5.x markup of docs/site-notes.md: articles and listings."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

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
    return f'<span class="tie-date">{display_date(article.published)}</span>'


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


def _share_buttons(article: ArticleSpec) -> str:
    return (
        '<div class="share-post"><span class="share-text">Share</span><ul class="flat-social">'
        f'<li><a href="http://www.facebook.com/sharer.php?u={MAIN}/?p={article.post_id}" '
        'class="social-facebook" rel="external" target="_blank"><span>Facebook</span></a></li>'
        f'<li><a href="https://twitter.com/intent/tweet?text={attr(article.title)}&amp;url='
        f'{MAIN}/?p={article.post_id}" class="social-twitter" rel="external" target="_blank">'
        '<span>Twitter</span></a></li></ul><div class="clear"></div></div>\n'
    )


def _entry(article: ArticleSpec) -> str:
    paragraphs = [f"<p>{text(p)}</p>" for p in article.printed_paragraphs]
    if article.ad_in_body and len(paragraphs) > 1:
        ad = (
            '<div class="e3lan e3lan-in-post1"><script type="text/javascript">'
            'var tieAd = "in-post";</script><noscript>Advertisement</noscript></div>'
        )
        paragraphs.insert(1, ad)
    share = _share_buttons(article) if article.share_top else ""
    return f'<div class="entry">\n{share}' + "\n".join(paragraphs) + "\n</div>\n"


def _post_meta(site: SiteSpec, article: ArticleSpec) -> str:
    author = site.author(article.author)
    cats = ", ".join(
        _link(f"/category/{slug}/", site.category(slug).name, rel="category tag")
        for slug in article.categories
    )
    return (
        '<p class="post-meta">\n'
        f'<span class="post-meta-author"><i class="fa fa-user"></i><a href="'
        f'{url(f"/author/{author.login}/")}" title="">{text(author.display_name)} </a></span>\n'
        f'<span class="tie-date"><i class="fa fa-clock-o"></i>{display_date(article.published)}'
        "</span>\n"
        f'<span class="post-cats"><i class="fa fa-folder"></i>{cats}</span>\n'
        f'<span class="post-comments"><i class="fa fa-comments"></i><a href="{url(article.path)}'
        '#respond">Leave a comment</a></span>\n'
        f'<span class="post-views"><i class="fa fa-eye"></i>{article.views:,} Views</span>\n'
        "</p>\n"
    )


def _tags_line(site: SiteSpec, article: ArticleSpec) -> str:
    if not article.tags:
        return ""
    links = " ".join(
        _link(f"/tag/{slug}/", site.tag(slug).name, rel="tag") for slug in article.tags
    )
    return f'<p class="post-tag">Tags {links}</p>\n'


def _navigation(site: SiteSpec, article: ArticleSpec) -> str:
    previous, following = site.neighbours(article)
    parts = []
    if previous is not None:
        parts.append(
            f'<div class="post-previous"><a href="{url(previous.path)}" rel="prev">'
            f"<span>Previous</span> {text(previous.title)}</a></div>"
        )
    if following is not None:
        parts.append(
            f'<div class="post-next"><a href="{url(following.path)}" rel="next">'
            f"<span>Next</span> {text(following.title)}</a></div>"
        )
    return '<div class="post-navigation">' + "".join(parts) + "</div>\n"


def _related(site: SiteSpec, article: ArticleSpec) -> str:
    if not article.related:
        return ""
    host = _article_link_host(article, 3, BARE_HTTP)
    items = []
    for slug in article.related:
        other = site.by_slug[slug]
        items.append(
            '<div class="related-item">'
            + (
                f'<div class="post-thumbnail"><a href="{url(other.path, host)}">'
                f'<img src="{upload(other.image)}" alt="" /></a></div>'
                if other.image
                else ""
            )
            + f'<h3><a href="{url(other.path, host)}" rel="bookmark">{text(other.title)}</a></h3>'
            f'<p class="post-meta">{_date_span(other)}</p></div>'
        )
    return (
        '<section id="related_posts"><div class="block-head"><h3>Related Articles</h3>'
        '<div class="stripe-line"></div></div><div class="post-listing">'
        + "".join(items)
        + '<div class="clear"></div></div></section>\n'
    )


def _check_also(site: SiteSpec, article: ArticleSpec) -> str:
    if article.check_also is None:
        return ""
    other = site.by_slug[article.check_also]
    link = url(other.path, _article_link_host(article, 5, MEDIA))
    excerpt = " ".join(other.excerpt.split()[:20])
    thumb = (
        f'<div class="post-thumbnail"><a href="{link}"><img src="{upload(other.image)}" '
        f'alt="{attr(other.title)}" /></a></div>'
        if other.image
        else ""
    )
    return (
        '<section id="check-also-box" class="post-listing check-also-right">'
        '<a href="#" id="check-also-close"><i class="fa fa-close"></i></a>'
        '<div class="block-head"><h3>Check Also</h3></div>'
        f'<div class="check-also-post">{thumb}'
        f'<h2 class="post-title"><a href="{link}" rel="bookmark">{text(other.title)}</a></h2>'
        f"<p>{text(excerpt)} &hellip;</p></div></section>\n"
    )


def render_article(site: SiteSpec, article: ArticleSpec) -> str:
    primary = site.category(article.categories[0])
    author = site.author(article.author)
    classes = " ".join(
        [f"post-{article.post_id}", "post", "type-post", "status-publish", "format-standard"]
        + [f"category-{c}" for c in article.categories]
        + [f"tag-{t}" for t in article.tags]
    )
    thumb = (
        f'<div class="single-post-thumb"><img width="660" height="330" '
        f'src="{upload(article.image)}" class="attachment-slider" alt="{attr(article.title)}" />'
        "</div>\n"
        if article.image
        else ""
    )
    updated = (
        f'<span style="display:none" class="updated">{article.published:%Y-%m-%d}</span>\n'
        if article.updated_span
        else ""
    )
    return (
        _head(f"{article.title} - {SITE_NAME}", _article_meta_tags(site, article))
        + f'\n<body id="top" class="single single-post postid-{article.post_id} '
        'single-format-standard lazy-enabled">\n'
        + _header(site)
        + '<div class="content">\n'
        + _crumbs([(primary.name, f"/category/{primary.slug}/"), (article.title, None)])
        + '<div class="e3lan e3lan-post"><a href="https://example.org/ad">ad</a></div>\n'
        + f'<article class="post-listing {classes}" id="the-post">\n'
        + thumb
        + '<div class="post-inner">\n'
        + '<h1 class="name post-title entry-title"><span itemprop="name">'
        + f"{text(article.title)}</span></h1>\n"
        + (_post_meta(site, article) if article.meta_line else "")
        + '<div class="clear"></div>\n'
        + _entry(article)
        + updated
        + '<div style="display:none" class="vcard author" itemprop="author">'
        + f'<strong class="fn">{text(author.display_name)}</strong></div>\n'
        + _share_buttons(article)
        + '<div class="clear"></div>\n</div>\n</article>\n'
        + _tags_line(site, article)
        + '<section id="author-box"><div class="block-head">'
        + f'<h3>About {text(author.display_name)} </h3></div><div class="post-listing">'
        + '<div class="author-bio"></div></div></section>\n'
        + _navigation(site, article)
        + _related(site, article)
        + _check_also(site, article)
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
