"""Crawl state kept between runs in the ``crawl_state`` collection.

Two kinds of document:
- ``failed``: a URL whose fetch failed (after retries); the next run tries it again, until it
  succeeds, turns out gone (404/410), or has failed MAX_ATTEMPTS runs in a row.
- ``mark``: a discovery page (sitemap, feed, listing) as last read: the ``lastmod`` its sitemap
  index gave it, and its ETag / Last-Modified for conditional requests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pymongo import DeleteOne, UpdateOne
from pymongo.database import Database

from atnews_scraper.crawl.known import conditional_headers
from atnews_scraper.database import CRAWL_STATE

MAX_ATTEMPTS = 5
BATCH = 500


@dataclass(frozen=True)
class PageMark:
    url: str
    lastmod: dt.datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    # A sitemap index is fetched unconditionally: "not modified" says nothing of its children.
    is_index: bool = False

    def conditional_headers(self) -> dict[str, str]:
        return {} if self.is_index else conditional_headers(self.etag, self.last_modified)


@dataclass(frozen=True)
class FailedUrl:
    url: str  # canonical
    page_kind: str  # "article", "sitemap", "feed", "listing"
    error: str
    attempts: int = 1


@dataclass
class CrawlState:
    """State read at the start of a run, and what the run learnt (written back at the end)."""

    marks: dict[str, PageMark] = field(default_factory=dict)
    failed: dict[str, FailedUrl] = field(default_factory=dict)
    # filled during the run
    new_marks: dict[str, PageMark] = field(default_factory=dict)
    new_failures: dict[str, FailedUrl] = field(default_factory=dict)
    resolved: set[str] = field(default_factory=set)  # fetched (or found gone) this run

    def retryable(self) -> list[FailedUrl]:
        return [f for f in self.failed.values() if f.attempts < MAX_ATTEMPTS]

    def fail(self, url: str, page_kind: str, error: str) -> None:
        self.new_failures[url] = FailedUrl(url, page_kind, error)
        self.resolved.discard(url)

    def resolve(self, url: str) -> None:
        self.resolved.add(url)
        self.new_failures.pop(url, None)


def _failed_id(url: str) -> str:
    return f"failed {url}"


def _mark_id(url: str) -> str:
    return f"mark {url}"


def load_state(database: Database) -> CrawlState:
    state = CrawlState()
    for doc in database[CRAWL_STATE].find({}):
        if doc.get("type") == "mark":
            state.marks[doc["url"]] = PageMark(
                doc["url"],
                doc.get("lastmod"),
                doc.get("etag"),
                doc.get("last_modified"),
                bool(doc.get("is_index")),
            )
        elif doc.get("type") == "failed":
            state.failed[doc["url"]] = FailedUrl(
                doc["url"],
                doc.get("page_kind", "article"),
                doc.get("error", ""),
                int(doc.get("attempts", 1)),
            )
    return state


def _state_writes(state: CrawlState, now: dt.datetime) -> Iterable[Any]:
    for mark in state.new_marks.values():
        yield UpdateOne(
            {"_id": _mark_id(mark.url)},
            {
                "$set": {
                    "type": "mark",
                    "url": mark.url,
                    "lastmod": mark.lastmod,
                    "etag": mark.etag,
                    "last_modified": mark.last_modified,
                    "is_index": mark.is_index,
                    "updated_at": now,
                }
            },
            upsert=True,
        )
    for failure in state.new_failures.values():
        yield UpdateOne(
            {"_id": _failed_id(failure.url)},
            {
                "$set": {
                    "type": "failed",
                    "url": failure.url,
                    "page_kind": failure.page_kind,
                    "error": failure.error,
                    "last_failed_at": now,
                },
                "$setOnInsert": {"first_failed_at": now},
                "$inc": {"attempts": 1},
            },
            upsert=True,
        )
    for url in state.resolved:
        if url in state.failed:
            yield DeleteOne({"_id": _failed_id(url)})


def save_state(database: Database, state: CrawlState, now: dt.datetime | None = None) -> int:
    """Write what the run learnt; returns the number of writes."""
    writes = list(_state_writes(state, now or dt.datetime.now(dt.UTC)))
    collection = database[CRAWL_STATE]
    for start in range(0, len(writes), BATCH):
        collection.bulk_write(writes[start : start + BATCH], ordered=False)
    return len(writes)
