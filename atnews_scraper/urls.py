"""URL rules: which URLs belong to the site, what kind of page each is, and its canonical form.

Every host that serves the paper (www. or bare, http or https, the .media mirror, and the
``--site-url`` a crawl is pointed at) maps to one canonical URL on the primary host, so an article
has one key whichever way it was reached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from atnews_scraper.config import DEFAULT_HOSTS, DEFAULT_SITE_URL

# Not w3lib.url: url_query_cleaner takes exact names (not utm_*, not case-blind) and keeps the
# query raw, canonicalize_url sorts it; either would change stored keys (tests/test_urls.py).
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid|igshid|_ga|ref|amp|replytocom|share|nb)$", re.I
)
AMP_SUFFIX = re.compile(r"/amp/?$")
ASSET_SUFFIX = re.compile(
    r"\.(jpe?g|png|gif|webp|svg|ico|css|js|pdf|mp3|mp4|zip|docx?|xlsx?|woff2?|ttf)$", re.I
)
# First path segments that are never articles.
NON_ARTICLE_ROOTS = frozenset(
    {
        "category",
        "tag",
        "author",
        "page",
        "feed",
        "comments",
        "wp-content",
        "wp-includes",
        "wp-admin",
        "wp-json",
        "search",
        "blog",
        "xmlrpc.php",
        "wp-login.php",
        "trackback",
        "embed",
    }
)


class PageKind(StrEnum):
    ARTICLE = "article"
    SHORTLINK = "shortlink"  # /?p=123
    LISTING = "listing"  # home, category, tag, author, search, date archives, /blog/
    FEED = "feed"
    SITEMAP = "sitemap"
    ROBOTS = "robots"
    ASSET = "asset"
    OTHER = "other"


@dataclass(frozen=True)
class UrlRules:
    """URL rules for one crawl: the site's hosts, and the root the crawl actually fetches from."""

    hosts: tuple[str, ...] = DEFAULT_HOSTS
    site_url: str = DEFAULT_SITE_URL

    @property
    def primary_host(self) -> str:
        return self.hosts[0]

    @property
    def _site_netloc(self) -> str:
        return urlsplit(self.site_url).netloc.lower()

    def is_own(self, url: str) -> bool:
        """True when the URL is on one of the site's hosts, or on the crawl's --site-url host."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        if parts.scheme not in ("http", "https"):
            return False
        netloc = parts.netloc.lower()
        return netloc == self._site_netloc or _host(netloc) in self.hosts

    def canonical(self, url: str, base: str | None = None) -> str:
        """The one URL an article (or any page of the site) is known by.

        https, the primary host, no fragment, no tracking parameters, no AMP suffix, a trailing
        slash on paths without a file extension. URLs on other hosts are only tidied.
        """
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url.strip())
        netloc = parts.netloc.lower()
        own = netloc == self._site_netloc or _host(netloc) in self.hosts
        scheme = "https" if own else parts.scheme.lower()
        if own:
            netloc = self.primary_host
        path = AMP_SUFFIX.sub("/", parts.path) or "/"
        path = re.sub(r"/{2,}", "/", path)
        if (
            own
            and not path.endswith("/")
            and not ASSET_SUFFIX.search(path)
            and "." not in (path.rsplit("/", 1)[-1])
        ):
            path += "/"
        query = urlencode(
            [
                (k, v)
                for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if not TRACKING_PARAMS.match(k)
            ]
        )
        return urlunsplit((scheme, netloc, path, query, ""))

    def fetch_url(self, url: str) -> str:
        """Where to fetch a site URL in this crawl: the same path and query under --site-url."""
        parts = urlsplit(self.canonical(url))
        root = urlsplit(self.site_url)
        return urlunsplit((root.scheme, root.netloc, parts.path, parts.query, ""))

    def kind(self, url: str) -> PageKind:
        """What sort of page a site URL points at, from its shape alone."""
        parts = urlsplit(url)
        path = parts.path or "/"
        query = dict(parse_qsl(parts.query))
        if path in ("/", "") and query.get("p", "").isdigit():
            return PageKind.SHORTLINK
        if path == "/robots.txt":
            return PageKind.ROBOTS
        if re.search(r"sitemap[\w-]*\.xml(\.gz)?$", path):
            return PageKind.SITEMAP
        if re.search(r"/feed(/(rss2?|atom|rdf))?/?$", path):
            return PageKind.FEED
        if ASSET_SUFFIX.search(path):
            return PageKind.ASSET
        segments = [s for s in path.split("/") if s]
        if not segments or "s" in query:
            return PageKind.LISTING
        first = segments[0]
        if first in ("category", "tag", "author", "page", "blog") or re.fullmatch(r"\d{4}", first):
            return PageKind.LISTING
        if first in NON_ARTICLE_ROOTS or first.endswith(".php"):
            return PageKind.OTHER
        if len(segments) == 1 or (len(segments) == 2 and segments[1] == "amp"):
            return PageKind.ARTICLE
        return PageKind.OTHER


def shortlink_post_id(url: str | None) -> int | None:
    """The WordPress post ID of a shortlink (``/?p=123``), else None (a malformed address too)."""
    if not url:
        return None
    try:
        query = urlsplit(url).query
    except ValueError:
        return None
    value = dict(parse_qsl(query)).get("p", "")
    return int(value) if value.isascii() and value.isdigit() else None


def _host(netloc: str) -> str:
    return netloc.rsplit("@", 1)[-1].split(":", 1)[0]
