"""Listing pages (home, categories, /blog/): their article links, next page and categories."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from parsel import Selector

from atnews_scraper.extract.themes import THEMES
from atnews_scraper.sequences import unique

# Each theme plug-in's archive boxes first (atnews_scraper/extract/themes/: Sahifa, Jannah);
# then the headline links of other layouts (home blocks, the older theme). The first selector
# that finds anything wins, so sidebars are not listed.
ARTICLE_LINK_SELECTORS = (
    *(selector for theme in THEMES for selector in theme.listing.article_links),
    ".post-box-title a::attr(href), .post-title a::attr(href)",
    "article h2 a::attr(href), article h3 a::attr(href)",
)
NEXT_PAGE_SELECTORS = (
    *(selector for theme in THEMES for selector in theme.listing.next_page),
    "link[rel=next]::attr(href)",
    ".pagination a.next::attr(href)",
)


@dataclass(frozen=True)
class ListingPage:
    article_links: tuple[str, ...]  # absolute, in page order, without repeats
    next_page: str | None
    category_links: tuple[str, ...]  # /category/<slug>/ links seen anywhere on the page


def _unique_absolute(hrefs: list[str], base: str) -> tuple[str, ...]:
    stripped = (href.strip() for href in hrefs)
    return tuple(
        unique(
            urljoin(base, href)
            for href in stripped
            if href and not href.startswith(("#", "javascript:", "mailto:"))
        )
    )


def parse_listing(html: str, url: str) -> ListingPage:
    """What a listing page links to. ``url`` is the page's own URL (for relative links)."""
    page = Selector(text=html)
    base = page.css("base::attr(href)").get() or url
    links: tuple[str, ...] = ()
    for selector in ARTICLE_LINK_SELECTORS:
        links = _unique_absolute(page.css(selector).getall(), base)
        if links:
            break
    next_page = None
    for selector in NEXT_PAGE_SELECTORS:
        href = page.css(selector).get()
        if href and href.strip():
            next_page = urljoin(base, href.strip())
            break
    categories = _unique_absolute(page.css("a[href*='/category/']::attr(href)").getall(), base)
    return ListingPage(article_links=links, next_page=next_page, category_links=categories)


class ListingBounds:
    """How far the crawl follows a listing's "next page" links: a site whose pagination never
    ends (each /page/N/ links to /page/N+1/) must not hold the crawl forever.

    A listing (the home page, a category) is followed for at most ``max_pages`` pages, and stops
    once ``stall_pages`` pages in a row listed no article it had not already listed (pagination
    going round in circles, or pages of nothing). The site's longest real listing is about
    2,100 pages (site notes), so the default bound never cuts a real one short."""

    def __init__(self, max_pages: int, stall_pages: int) -> None:
        self.max_pages = max_pages
        self.stall_pages = stall_pages
        self._listed: dict[str, set[str]] = {}
        self._stalled: dict[str, int] = {}

    def read(self, listing: str, links: tuple[str, ...]) -> None:
        """Note the article links of one page of ``listing`` (its first page's URL)."""
        listed = self._listed.setdefault(listing, set())
        new = [link for link in links if link not in listed]
        listed.update(new)
        self._stalled[listing] = 0 if new else self._stalled.get(listing, 0) + 1

    def stop_reason(self, listing: str, page: int) -> str | None:
        """Why page ``page`` of ``listing`` must be its last ("max_pages", "no_progress"), or
        None to follow its next page."""
        if page >= self.max_pages:
            return "max_pages"
        if self._stalled.get(listing, 0) >= self.stall_pages:
            return "no_progress"
        return None
