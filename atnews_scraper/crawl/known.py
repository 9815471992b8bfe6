"""What the store already holds, read once at the start of a run: the incremental crawl skips
articles it knows unless the sitemap says they changed, and the crawl's store pipeline starts
from the key index built by the same read (ingest/article_store.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pymongo.database import Database

from atnews_scraper.database import ARTICLES
from atnews_scraper.ingest.key_index import KEY_INDEX_FIELDS, KeyIndex, known_from_document

KNOWN_FIELDS = (
    "url",
    "modified_at",
    "url_aliases",
    "sitemap_lastmod",
    "fetched_at",
    "http_etag",
    "http_last_modified",
)


@dataclass(frozen=True)
class KnownArticle:
    url: str
    sitemap_lastmod: dt.datetime | None
    fetched_at: dt.datetime | None
    etag: str | None
    last_modified: str | None
    modified_at: dt.datetime | None = None

    def is_stale(self, lastmod: dt.datetime | None) -> bool:
        """True when a sitemap lastmod says the page changed after the stored version: later
        than the lastmod it was stored with, else than its own modified date, else its fetch.
        A fetch time in the future (our clock ran ahead when it was stamped) orders nothing."""
        reference = self.sitemap_lastmod or self.modified_at
        if reference is None and self.fetched_at is not None:
            fetched_at = _aware(self.fetched_at)
            reference = fetched_at if fetched_at <= dt.datetime.now(dt.UTC) else None
        return lastmod is not None and (reference is None or lastmod > _aware(reference))

    def conditional_headers(self) -> dict[str, str]:
        return conditional_headers(self.etag, self.last_modified)


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from the validators a page was last fetched with."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def index_known(documents: Iterable[Mapping[str, Any]]) -> dict[str, KnownArticle]:
    """Canonical URL (and every alias) -> what is known of the article."""
    known: dict[str, KnownArticle] = {}
    for document in documents:
        add_known(known, document)
    return known


def add_known(known: dict[str, KnownArticle], document: Mapping[str, Any]) -> None:
    """Index one stored article under its URL and every alias (an earlier article keeps an
    alias it already has)."""
    url = document.get("url")
    if not isinstance(url, str):
        return
    article = KnownArticle(
        url=url,
        sitemap_lastmod=document.get("sitemap_lastmod"),
        fetched_at=document.get("fetched_at"),
        etag=document.get("http_etag"),
        last_modified=document.get("http_last_modified"),
        modified_at=document.get("modified_at"),
    )
    known[url] = article
    for alias in document.get("url_aliases") or ():
        if isinstance(alias, str):
            known.setdefault(alias, article)


@dataclass(frozen=True)
class StoredArticles:
    """The stored articles as a crawl starts, from one read of the collection: what the crawl
    plan knows of each (by URL and alias), and the key index the crawl's store starts from."""

    known: dict[str, KnownArticle]
    keys: KeyIndex


def read_stored(database: Database) -> StoredArticles:
    """One read of the articles collection, for both the crawl plan and the store."""
    known: dict[str, KnownArticle] = {}
    keys = KeyIndex()
    projection = dict.fromkeys((*KNOWN_FIELDS, *KEY_INDEX_FIELDS), True)
    for document in database[ARTICLES].find({}, projection):
        add_known(known, document)
        keys.add(known_from_document(document))
    return StoredArticles(known, keys)
