"""The store's key index: what it remembers of each stored article (URLs and aliases, post ID,
content hash, simhash bands, version fingerprint), to plan a batch's writes without a lookup per
record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from atnews_scraper.ingest import simhash
from atnews_scraper.ingest.versions import REVISIONED_FIELDS, fingerprint

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
KEY_FIELDS = ("url", "url_aliases", "post_id", "content_hash", "simhash", "revision")
STATE_FIELDS = ("first_seen_at", "last_seen_at", "fetched_at", "duplicate_of")
# What known_from_document reads of a stored article.
KEY_INDEX_FIELDS = (*KEY_FIELDS, *STATE_FIELDS, *REVISIONED_FIELDS)


@dataclass
class Known:
    """What the key index remembers of one stored article."""

    id: Any
    url: str
    aliases: list[str]
    post_id: int | None
    content_hash: str
    simhash: int
    fingerprint: str
    revision: int
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    fetched_at: dt.datetime
    duplicate_of: str | None


class KeyIndex:
    """Stored articles by URL (and alias), post ID, content hash and simhash band."""

    def __init__(self) -> None:
        self.by_id: dict[Any, Known] = {}
        self.by_url: dict[str, Any] = {}
        self.by_post: dict[int, Any] = {}
        self.by_hash: dict[str, Any] = {}
        self.by_band: dict[tuple[int, int], set[Any]] = {}

    def add(self, known: Known) -> None:
        self.by_id[known.id] = known
        for url in (known.url, *known.aliases):
            self.by_url[url] = known.id
        if known.post_id is not None:
            self.by_post[known.post_id] = known.id
        self.by_hash.setdefault(known.content_hash, known.id)
        for band in simhash.bands(known.simhash):
            self.by_band.setdefault(band, set()).add(known.id)

    def remove(self, known: Known) -> None:
        self.by_id.pop(known.id, None)
        for url in (known.url, *known.aliases):
            if self.by_url.get(url) == known.id:
                del self.by_url[url]
        if known.post_id is not None and self.by_post.get(known.post_id) == known.id:
            del self.by_post[known.post_id]
        if self.by_hash.get(known.content_hash) == known.id:
            del self.by_hash[known.content_hash]
        for band in simhash.bands(known.simhash):
            self.by_band.get(band, set()).discard(known.id)

    def near_duplicate(self, value: int, exclude: Any = None) -> Known | None:
        """The stored article whose simhash is closest to value, within the threshold."""
        candidates = {i for band in simhash.bands(value) for i in self.by_band.get(band, ())}
        best: tuple[int, str, Known] | None = None
        for candidate in candidates - {exclude}:
            known = self.by_id[candidate]
            distance = simhash.distance(value, known.simhash)
            if distance <= simhash.NEAR_DUPLICATE_BITS and (
                best is None or (distance, known.url) < best[:2]
            ):
                best = (distance, known.url, known)
        return best[2] if best else None


def known_from_document(document: dict[str, Any], known_fingerprint: str | None = None) -> Known:
    """What the key index keeps of a stored article (one written by other tools may lack the
    storage fields: it then counts as seen at the epoch, so any fetch is newer)."""
    fetched_at = document.get("fetched_at") or EPOCH
    return Known(
        id=document["_id"],
        url=str(document.get("url") or ""),
        aliases=list(document.get("url_aliases") or []),
        post_id=document.get("post_id"),
        content_hash=str(document.get("content_hash") or ""),
        simhash=simhash.from_hex(document.get("simhash") or "0"),
        fingerprint=known_fingerprint or fingerprint(document),
        revision=int(document.get("revision") or 1),
        first_seen_at=document.get("first_seen_at") or fetched_at,
        last_seen_at=document.get("last_seen_at") or fetched_at,
        fetched_at=fetched_at,
        duplicate_of=document.get("duplicate_of"),
    )
