"""Raw pages, compressed, in the `pages` collection keyed by canonical URL (for reparse).

A page is stored zlib-compressed in its document. One whose compressed size is past
CHUNK_BYTES (so near the 16 MB BSON limit) is split into `page_chunks` documents instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from bson import Binary
from pymongo.database import Database

from atnews_scraper.database import PAGES
from atnews_scraper.ingest.bulk import insert_or_replace
from atnews_scraper.ingest.entry import COMPRESSION_LEVEL, IngestEntry, decompress

PAGE_CHUNKS = "page_chunks"
CHUNK_BYTES = 8 * 1024 * 1024
COMPRESSION = "zlib"


def page_documents(entry: IngestEntry) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The `pages` document of an entry, and its `page_chunks` documents when it is too big."""
    chunked = len(entry.html_z) > CHUNK_BYTES
    page = {
        "_id": entry.url,
        "url": entry.url,
        "fetch_url": entry.fetch_url,
        "status": entry.status,
        "fetched_at": entry.fetched_at,
        "encoding": entry.encoding,
        "http_etag": entry.etag,
        "http_last_modified": entry.last_modified,
        "compression": COMPRESSION,
        "compression_level": COMPRESSION_LEVEL,
        "html_z": None if chunked else Binary(entry.html_z),
        "chunks": 0,
    }
    if not chunked:
        return page, []
    parts = [entry.html_z[i : i + CHUNK_BYTES] for i in range(0, len(entry.html_z), CHUNK_BYTES)]
    page["chunks"] = len(parts)
    chunks = [
        {"_id": f"{entry.url}#{n}", "page": entry.url, "n": n, "data": Binary(part)}
        for n, part in enumerate(parts)
    ]
    return page, chunks


def write_pages(database: Database, entries: Sequence[IngestEntry]) -> None:
    pages, chunks = [], []
    for entry in entries:
        if entry.html_z:
            page, parts = page_documents(entry)
            pages.append(page)
            chunks.extend(parts)
    if chunks:
        insert_or_replace(database[PAGE_CHUNKS], chunks)
    insert_or_replace(database[PAGES], pages)


def page_html(database: Database, page: dict[str, Any]) -> bytes:
    """The raw page bytes of a `pages` document."""
    if not page.get("chunks"):
        return decompress(bytes(page["html_z"] or b""))
    # Only the page's own count: a longer earlier version may have left more chunks behind.
    query = {"page": page["_id"], "n": {"$lt": page["chunks"]}}
    parts = database[PAGE_CHUNKS].find(query).sort("n", 1)
    return decompress(b"".join(bytes(part["data"]) for part in parts))


def find_pages(
    database: Database, url: str | None = None, since: dt.datetime | None = None
) -> Iterator[dict[str, Any]]:
    """Stored pages, oldest fetch first: one URL, or those fetched at or after `since`."""
    query: dict[str, Any] = {}
    if url is not None:
        query["_id"] = url
    if since is not None:
        query["fetched_at"] = {"$gte": since}
    yield from database[PAGES].find(query).sort("fetched_at", 1)
