"""One unit of ingestion: a record with its fetch facts and raw page, as the journal keeps it.

An entry is what the pipelines hand the store and what the journal writes, one JSON line each,
so a replay sees exactly what the crawl saw. `entry_id` makes a replayed reject idempotent.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
import zlib
from dataclasses import dataclass, field
from typing import Any

from isal import isal_zlib

from atnews_scraper.items import ArticlePage

ARTICLE = "article"
REJECT = "reject"
# Pages are compressed in the zlib format (RFC 1950: zlib.decompress reads them) by ISA-L, whose
# level 2 takes ~80 us for a 66 KB article page where zlib's fastest level takes ~420 us, and
# gives a smaller result (13.6 vs 14.0 KB). Levels 0-3; 3 is ~4x slower for 3% less.
COMPRESSION_LEVEL = 2


@dataclass
class IngestEntry:
    kind: str  # ARTICLE or REJECT
    record: dict[str, Any]  # JSON-ready record (ISO 8601 dates), made safe
    url: str  # the key: the record's canonical URL (for a reject without one, the fetch URL)
    fetch_url: str
    status: int
    fetched_at: dt.datetime  # tz-aware UTC
    html_z: bytes = b""  # the raw page, zlib format
    encoding: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    sitemap_lastmod: dt.datetime | None = None
    discovered_via: str | None = None
    reasons: list[str] = field(default_factory=list)  # why a reject was rejected
    entry_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    reparse: bool = False  # a re-extraction of a stored page, not a new fetch
    item: Any = field(default=None, repr=False, compare=False)  # the Scrapy item, not journalled
    # The article document and fingerprint, worked out ahead on the caller's thread
    # (article_documents.prepare); not journalled: a replay works them out again.
    prepared: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def from_page(
        cls, page: ArticlePage, record: dict[str, Any], url: str, kind: str = ARTICLE
    ) -> IngestEntry:
        return cls(
            kind=kind,
            record=record,
            url=url,
            fetch_url=page.fetch_url,
            status=page.status,
            fetched_at=page.fetched_at,
            html_z=compress(page.html),
            encoding=page.encoding,
            etag=page.etag,
            last_modified=page.last_modified,
            sitemap_lastmod=page.sitemap_lastmod,
            discovered_via=page.discovered_via,
            item=page,
        )

    def to_json_line(self) -> bytes:
        """The entry as one UTF-8 JSON line (newline included), as the journal keeps it."""
        data = {name: getattr(self, name) for name in JSON_FIELDS}
        for name in DATE_FIELDS:
            value = getattr(self, name)
            data[name] = value.isoformat() if value is not None else None
        fields = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        # The page goes in as base64 bytes spliced into the object, not through json.dumps:
        # the encoder would copy and scan its ~20 KB for characters to escape, and there are none.
        page = binascii.b2a_base64(self.html_z, newline=False)
        return b'{"html_z":"' + page + b'",' + fields[1:] + b"\n"

    @classmethod
    def from_json(cls, line: str | bytes) -> IngestEntry:
        return cls.from_json_data(json.loads(line))

    @classmethod
    def from_json_data(cls, data: dict[str, Any]) -> IngestEntry:
        """An entry from its journal line, parsed."""
        data["html_z"] = base64.b64decode(data["html_z"])
        for name in DATE_FIELDS:
            if data[name] is not None:
                data[name] = dt.datetime.fromisoformat(data[name])
        return cls(**data)


JSON_FIELDS = tuple(
    name for name in IngestEntry.__dataclass_fields__ if name not in ("item", "html_z", "prepared")
)
DATE_FIELDS = ("fetched_at", "sitemap_lastmod")


def compress(html: bytes | str) -> bytes:
    if isinstance(html, str):
        html = html.encode("utf-8", "surrogateescape")
    return isal_zlib.compress(html, COMPRESSION_LEVEL) if html else b""


def decompress(data: bytes) -> bytes:
    return zlib.decompress(data) if data else b""
